"""The task runner the settings choose for extraction batches."""
from __future__ import annotations

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from .settings import Settings, get_settings


def build_task_runner(settings: Settings) -> TaskRunner:
    """Threads on this machine (their batches go to a pool of worker processes), or Dask.

    Extraction is CPU-bound Python: threads alone give no parallelism, and Prefect's own
    process-pool runner starts each worker as a full Prefect client (about 14 s here). So the
    default runs ``workers`` batches at once on threads, each handing its documents to worker
    processes that build their spaCy pipeline once. Dask (``task_runner = "dask"``) runs batches
    on an existing cluster's workers (``dask_address``) or on a local cluster.
    """
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner  # optional: pip install '.[dask]'

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    return ThreadPoolTaskRunner(max_workers=settings.workers)


def task_runner_from_settings() -> TaskRunner:
    return build_task_runner(get_settings())
