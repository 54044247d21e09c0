"""What an import produced, the same for every format: records to write and what was skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_REASONS = 5  # skip reasons kept (and shown) per import; the rest are counted


@dataclass
class ImportResult:
    """The records to write, and what happened to every topic of the file."""

    records: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    filtered: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)  # the first MAX_REASONS skip reasons

    @property
    def imported(self) -> int:
        return len(self.records)

    @property
    def own_kinds(self) -> list[str]:
        """The records' kinds beyond the built-in ones, sorted: what the written file declares
        (``kinds = [...]`` at its top) so that it reads back."""
        from ccal.rules import KINDS

        return sorted({r["kind"] for r in self.records if r["kind"] not in KINDS})

    @property
    def cutoffs(self) -> int:
        return sum(len(record.get("dates", ())) for record in self.records)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)

    def drop(self, reasons: dict[str, str], noun: str = "topic") -> None:
        """Skip the records whose id ``reasons`` names, each counted with its reason: an id
        another data file already uses, or a record the loader would refuse (never the whole
        import)."""
        kept = []
        for entry in self.records:
            reason = reasons.get(entry["id"])
            if reason is None:
                kept.append(entry)
            else:
                self.skip(f"{noun} {entry['id']}: {reason}")
        self.records = kept
