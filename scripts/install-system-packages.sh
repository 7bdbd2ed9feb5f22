#!/usr/bin/env bash
# Debian packages the pipeline uses beside Python: tesseract for pages with no text layer, and
# chromium with its driver for the report's browser test (tests/test_report_browser.py).
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-eng chromium chromium-driver)
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng \
    && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system packages are missing: install them with 'apt-get install ${packages[*]}' (as root)" >&2
    exit 1
  fi
fi
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq "${packages[@]}" >/dev/null
