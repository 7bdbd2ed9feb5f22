"""The task runner the settings choose for extraction batches."""
from __future__ import annotations

import os

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from .settings import Settings, get_settings

try:  # optional: pip install '.[dask]'
    from prefect_dask import DaskTaskRunner
except ImportError:  # pragma: no cover - exercised only without the extra
    DaskTaskRunner = None


if DaskTaskRunner is not None:
    class LocalDaskTaskRunner(DaskTaskRunner):
        """A Dask runner on a local cluster whose workers report to this flow's Prefect server.

        Without PREFECT_API_URL each Dask worker process would start a temporary server of its
        own (10-25 s each) and record its task runs there. Defined at module level so Dask can
        pickle it by reference.
        """

        def __enter__(self):
            if not os.environ.get("PREFECT_API_URL"):
                from prefect.client.orchestration import get_client

                with get_client(sync_client=True) as client:
                    self.cluster_kwargs.setdefault("env", {}).setdefault("PREFECT_API_URL", str(client.api_url))
            return super().__enter__()


def build_task_runner(settings: Settings) -> TaskRunner:
    """Threads on this machine (their batches go to a pool of worker processes), or Dask.

    Extraction is CPU-bound Python: threads alone give no parallelism, and Prefect's own
    process-pool runner starts each worker as a full Prefect client (about 14 s here). So the
    default runs ``workers`` batches at once on threads, each handing its documents to worker
    processes that build their spaCy pipeline once. Dask (``task_runner = "dask"``) runs batches
    on an existing cluster's workers (``dask_address``) or on a local cluster.
    """
    if settings.task_runner == "dask":
        if DaskTaskRunner is None:
            raise RuntimeError("task_runner 'dask' needs prefect-dask: pip install -e '.[dask]'")
        if settings.dask_address:
            # The cluster's workers need PREFECT_API_URL set to the flow's server themselves.
            return DaskTaskRunner(address=settings.dask_address)
        return LocalDaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1,
                                                   "processes": True, "dashboard_address": None})
    return ThreadPoolTaskRunner(max_workers=settings.workers)


def task_runner_from_settings() -> TaskRunner:
    return build_task_runner(get_settings())
