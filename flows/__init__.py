"""Prefect flows and the ``ofsted`` command line: thin wiring over ``extractors`` and ``models``.

Importing this package does not import Prefect (2-3 s): only the flow modules do. It applies
Prefect's defaults for this project first (``prefect_env.PREFECT_DEFAULTS``: offline, and a
generous start-up time for the temporary server), so they hold for every flow, deployed or not.
"""
from .prefect_env import apply_prefect_defaults

apply_prefect_defaults()
