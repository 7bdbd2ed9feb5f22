"""Prefect flows and the ``ofsted`` command line: thin wiring over ``extractors`` and ``models``.

Importing this package does not import Prefect (2-3 s): only the flow modules do. It sets
Prefect's defaults for this project first, so they hold for every flow, deployed or not (an
environment variable set by the user wins):

- no usage data is sent, neither by the server nor by the client (the pipeline runs offline, and
  Prefect's client otherwise prints a telemetry notice into the first interactive run);
- the temporary server a run starts may take 120 s to come up: it needs about 10 s here, and
  Prefect's own default (20 s) is too tight on a busy machine.
"""
import os

for _name, _value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("DO_NOT_TRACK", "1"),
                      ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")):
    os.environ.setdefault(_name, _value)
