"""What an ingestion run did, as counts and a printable table."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .quality import QualityReport

if TYPE_CHECKING:  # models.store reads RUN_COUNTS from here: no import back at run time
    from extractors.records import DocumentResult

    from .store import Plan, WriteSummary

# The name of a flow run's Completed state when some documents failed: alerts can match it.
COMPLETED_WITH_FAILURES = "Completed with failures"
# A run whose documents all loaded but whose data-quality checks failed: its state's name and
# its status in the runs table.
COMPLETED_WITH_FAILED_CHECKS = "Completed with failed checks"
CHECKS_FAILED_STATUS = "checks_failed"


@dataclass(frozen=True, slots=True)
class RunCount:
    """One count of a run. ``name`` is both its ``IngestSummary`` attribute and its column of the
    runs table; ``planned`` is the ``Plan`` attribute it starts from (a list, counted), if any."""

    name: str
    label: str  # its row in the terminal's table
    heading: str | None = None  # its row in the markdown summary, when not the label
    planned: str | None = None

    @property
    def markdown(self) -> str:
        return self.heading or self.label


# The counts of a run, in the order every summary shows them.
RUN_COUNTS: tuple[RunCount, ...] = (
    RunCount("n_seen", "documents seen", "seen", planned="n_seen"),
    RunCount("n_new", "new", planned="new"),
    RunCount("n_changed", "changed", planned="changed"),
    RunCount("n_unchanged", "unchanged", planned="unchanged"),
    RunCount("n_duplicates", "duplicates", planned="duplicates"),
    RunCount("n_removed", "removed from folder", planned="removed"),
    RunCount("n_failed", "failed"),
    RunCount("n_skipped", "skipped (not read)"),
)


@dataclass
class IngestSummary:
    """What a run did: its counts (``RUN_COUNTS``; ``n_skipped`` is ``len(skipped)``), what failed,
    was removed, replaced or skipped, and what the database holds after it."""

    run_id: int
    n_seen: int = 0
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_removed: int = 0
    n_duplicates: int = 0
    n_failed: int = 0
    n_written: int = 0
    failures: list[str] = field(default_factory=list)
    failed_paths: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (path, the path its bytes are stored as)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    judgements_per_area: dict[str, int] = field(default_factory=dict)
    quality: QualityReport | None = None
    n_inspections: int | None = None  # inspections after the run's rebuild (None: not rebuilt)
    snapshot: str | None = None

    @classmethod
    def from_plan(cls, run_id: int, plan: Plan, skipped: Sequence = ()) -> IngestSummary:
        kept = {item.path: item.stored_path for item in plan.duplicates}
        return cls(run_id=run_id, **plan.counts(), removed=[item.path for item in plan.removed],
                   superseded=[(item.path, kept.get(item.path, "?")) for item in plan.superseded],
                   skipped=[(s.path, s.reason) for s in skipped])

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)

    def add_failures(self, failures: Sequence[tuple[str, str, str]], duplicates: int = 0) -> None:
        """Files that failed without being extracted: unreadable, or failed before with these bytes.

        ``duplicates`` of them were counted as copies of another file: each is a failure instead.
        """
        self.n_duplicates -= duplicates
        self.n_failed += len(failures)
        self.failed_paths.extend(path for path, _, _ in failures)
        self.failures.extend(error for _, error, _ in failures)
        # seen counts only readable files so far; unreadable ones were found too
        self.n_seen += sum(1 for _, _, doc_id in failures if not doc_id)

    def add_batch(self, results: list[DocumentResult], written: WriteSummary,
                  copies: Sequence[tuple[str, str, str]] = ()) -> None:
        """A loaded batch: its failures, and the copies of its failed files (failures too)."""
        self.n_written += written.written
        self.n_failed += written.failed + len(copies)
        self.n_duplicates -= len(copies)
        self.failures.extend(r.error for r in results if r.error)
        self.failed_paths.extend(r.path for r in results if r.error)
        self.failures.extend(error for _, error, _ in copies)
        self.failed_paths.extend(path for path, _, _ in copies)

    def run_counts(self) -> dict[str, int]:
        """Counts for the runs table: new and changed count files attempted, failed ones included."""
        return {count.name: getattr(self, count.name) for count in RUN_COUNTS}

    def count_rows(self) -> list[tuple[RunCount, int]]:
        """Each count with its value, in the order summaries show them."""
        return [(count, getattr(self, count.name)) for count in RUN_COUNTS]

    def failed_checks(self) -> list[str]:
        """The names (and scopes) of the quality checks that failed, if they ran."""
        if self.quality is None:
            return []
        return [f"{c.check_name} ({c.scope})" if c.scope != "all" else c.check_name
                for c in self.quality.checks if c.status == "fail"]

    def failure_rows(self) -> list[tuple[str, str]]:
        return list(zip(self.failed_paths, self.failures))

    def format(self) -> str:
        """A plain table for the terminal."""
        lines = [f"run {self.run_id}"] + [f"  {count.label:<22}{value:>6}" for count, value in self.count_rows()]
        if self.judgements_per_area:
            lines.append("judgements in the database, per area")
            lines += [f"  {area:<22}{count:>6}" for area, count in self.judgements_per_area.items()]
        if self.quality is not None:
            lines.append(f"data quality: {self.quality.status}")
            rows = self.quality.rows()
            name_width = max([26, *(len(name) + 1 for name, *_ in rows)])
            scope_width = max([18, *(len(scope) + 1 for _, scope, *_ in rows)])
            lines += [f"  {name:<{name_width}}{scope:<{scope_width}}{value:>8.3g}  {status}"
                      for name, scope, value, status, _ in rows]
        lines += [f"failed: {error}" for error in self.failures]
        lines += [f"removed: {path} (its rows are kept)" for path in self.removed]
        lines += [f"replaced: {path} now holds the same bytes as {kept}: stored once, as {kept}"
                  for path, kept in self.superseded]
        lines += [f"skipped: {path} ({reason})" for path, reason in self.skipped]
        return "\n".join(lines)
