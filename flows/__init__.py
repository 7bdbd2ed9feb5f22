"""Prefect flows and the ``ofsted`` command line: thin wiring over ``extractors`` and ``models``.

Importing this package does not import Prefect (2-3 s): only the flow modules do.
"""
