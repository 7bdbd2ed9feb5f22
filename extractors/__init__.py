"""Extraction library: read, clean, classify and extract judgements and entities.

Nothing in this package imports Prefect: the flows in ``flows/`` wire these functions together.
"""

# Bump when a change to cleaning or rules changes what is extracted: stored documents keyed by
# an older version are re-extracted on the next ingest.
PIPELINE_VERSION = "0.1.0"
