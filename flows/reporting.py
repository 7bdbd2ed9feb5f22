"""What a run tells the Prefect UI: a progress artifact updated per batch, a markdown summary, a
table of failures and the data-quality checks."""
from __future__ import annotations

from prefect import task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from models.quality import QualityReport, check_quality
from models.store import Store
from models.summary import IngestSummary

def _in_flow_run() -> bool:
    return FlowRunContext.get() is not None


class ProgressArtifact:
    """One run's progress artifact (percent of documents extracted): created by the first
    ``publish``, updated by the others. Outside a flow run it publishes nothing."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.artifact_id = None

    def publish(self, done: int, total: int) -> None:
        if not _in_flow_run():
            return
        percent = 100.0 * done / total if total else 100.0
        if self.artifact_id is None:
            self.artifact_id = create_progress_artifact(
                progress=percent, key=f"ingest-progress-{self.run_id}",
                description=f"Documents extracted in ingestion run {self.run_id}")
        else:
            update_progress_artifact(artifact_id=self.artifact_id, progress=percent)


@task(name="check-quality", cache_policy=NO_CACHE)
def run_quality_checks(store: Store, run_id: int) -> QualityReport:
    """Measure the data-quality checks after the load and store them with the run."""
    return check_quality(store, run_id)


def summary_markdown(summary: IngestSummary) -> str:
    """The run's summary as markdown: counts, judgements per area, quality checks."""
    lines = [f"# Ingestion run {summary.run_id}", "", "| documents | count |", "|---|---:|"]
    lines += [f"| {count.markdown} | {value} |" for count, value in summary.count_rows()]
    if summary.judgements_per_area:
        lines += ["", "| area | judgements |", "|---|---:|"]
        lines += [f"| {area} | {count} |" for area, count in summary.judgements_per_area.items()]
    if summary.skipped:
        lines += ["", "## Skipped (not read)", "", "| path | why |", "|---|---|"]
        lines += [f"| {path} | {reason} |" for path, reason in summary.skipped]
    if summary.quality is not None:
        lines += ["", f"## Data quality: {summary.quality.status}", "", "| check | scope | value | status | detail |",
                  "|---|---|---:|---|---|"]
        lines += [f"| {name} | {scope} | {value:g} | {status} | {detail} |"
                  for name, scope, value, status, detail in summary.quality.rows()]
    return "\n".join(lines)


def publish_run_report(summary: IngestSummary) -> None:
    """The run's markdown summary, its failures and its quality checks as artifacts."""
    if not _in_flow_run():
        return
    create_markdown_artifact(markdown=summary_markdown(summary), key="ingest-summary",
                             description=f"Ingestion run {summary.run_id}")
    create_table_artifact(table=[{"path": path, "error": error} for path, error in summary.failure_rows()]
                          or [{"path": "", "error": "no failures"}],
                          key="ingest-failures", description=f"Files that failed in run {summary.run_id}")
    if summary.quality is not None:
        create_table_artifact(
            table=[{"check": n, "scope": s, "value": v, "status": st, "detail": d}
                   for n, s, v, st, d in summary.quality.rows()],
            key="ingest-quality", description=f"Data-quality checks of run {summary.run_id}: {summary.quality.status}")
