#!/usr/bin/env bash
# Debian packages the pipeline uses beside Python: tesseract for pages with no text layer.
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-eng)
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "tesseract is missing: install it with 'apt-get install ${packages[*]}' (as root)" >&2
    exit 1
  fi
fi
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq "${packages[@]}" >/dev/null
