"""Prefect's defaults for this project, in one place; an environment variable set by the user wins.

- no usage data is sent, neither by the server nor by the client (the pipeline runs offline, and
  Prefect's client otherwise prints a telemetry notice into the first interactive run);
- the temporary server a run starts may take 120 s to come up: it needs about 10 s here, and
  Prefect's own default (20 s) is too tight on a busy machine.

Prefect reads them when it is first imported, so they are applied before that: by importing
``flows`` (every flow, deployed or not), and again by the command line, the tests and the
benchmarks, which also choose how much Prefect logs. The Makefile exports the same values for
the ``prefect`` commands it runs, which import nothing of this project (a test keeps them equal).
"""
from __future__ import annotations

import os

PREFECT_DEFAULTS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_prefect_defaults(logging_level: str | None = None) -> None:
    """Set each of ``PREFECT_DEFAULTS`` (and Prefect's logging level, if given) unless already set."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if logging_level is not None:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", logging_level)
