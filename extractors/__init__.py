"""Extraction library: read, clean, classify and extract judgements and entities.

Nothing in this package imports Prefect: the flows in ``flows/`` wire these functions together.
"""

# Bump when a change to cleaning or rules changes what is extracted: stored documents keyed by
# an older version are re-extracted on the next ingest.
PIPELINE_VERSION = "0.3.0"


def load_pipeline(register=None, *, max_length=None):
    """The extraction as one spaCy pipeline (``extractors.language``): ``nlp(text)`` runs it all."""
    from .language import load_pipeline as load

    return load(register, max_length=max_length)
