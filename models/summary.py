"""What an ingestion run did, as counts and a printable table."""
from __future__ import annotations

from dataclasses import dataclass, field

from extractors.records import DocumentResult

from .quality import QualityReport
from .store import Plan, WriteSummary


@dataclass
class IngestSummary:
    run_id: int
    n_seen: int = 0
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_removed: int = 0
    n_duplicates: int = 0
    n_failed: int = 0
    failures: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    judgements_per_area: dict[str, int] = field(default_factory=dict)
    failed_paths: list[str] = field(default_factory=list)
    quality: QualityReport | None = None

    @classmethod
    def from_plan(cls, run_id: int, plan: Plan) -> IngestSummary:
        counts = plan.counts()
        return cls(run_id=run_id, n_seen=counts["n_seen"], n_new=counts["n_new"], n_changed=counts["n_changed"],
                   n_unchanged=counts["n_unchanged"], n_removed=counts["n_removed"],
                   n_duplicates=counts["n_duplicates"], removed=[item.path for item in plan.removed],
                   n_failed=len(plan.failing), failures=[item.error for item in plan.failing],
                   failed_paths=[item.path for item in plan.failing])

    def add_batch(self, results: list[DocumentResult], written: WriteSummary) -> None:
        self.n_failed += written.failed
        self.failures.extend(r.error for r in results if r.error)
        self.failed_paths.extend(r.path for r in results if r.error)

    def run_counts(self) -> dict[str, int]:
        """Counts for the runs table: new and changed count files attempted, failed ones included."""
        return {"n_seen": self.n_seen, "n_new": self.n_new, "n_changed": self.n_changed,
                "n_unchanged": self.n_unchanged, "n_removed": self.n_removed,
                "n_duplicates": self.n_duplicates, "n_failed": self.n_failed}

    def failure_rows(self) -> list[tuple[str, str]]:
        return list(zip(self.failed_paths, self.failures))

    def format(self) -> str:
        """A plain table for the terminal."""
        rows = [("documents seen", self.n_seen), ("new", self.n_new), ("changed", self.n_changed),
                ("skipped (unchanged)", self.n_unchanged), ("duplicates", self.n_duplicates),
                ("removed from folder", self.n_removed), ("failed", self.n_failed)]
        lines = [f"run {self.run_id}"] + [f"  {name:<22}{value:>6}" for name, value in rows]
        if self.judgements_per_area:
            lines.append("judgements in the database, per area")
            lines += [f"  {area:<22}{count:>6}" for area, count in self.judgements_per_area.items()]
        if self.quality is not None:
            lines.append(f"data quality: {self.quality.status}")
            lines += [f"  {name:<26}{scope:<18}{value:>8.3g}  {status}" for name, scope, value, status, _ in
                      self.quality.rows()]
        lines += [f"failed: {error}" for error in self.failures]
        lines += [f"removed: {path} (its rows are kept)" for path in self.removed]
        return "\n".join(lines)
