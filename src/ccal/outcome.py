"""What one source's sync came to (``Outcome``): the line ``ccal sync`` prints, its JSON object.

Standard library only and nothing of ccal: ``ccal.fastsync`` prints outcomes before the app
loads, and ``ccal.changes`` reads the change kinds from here (``ccal.sync`` imports both).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this module is on the fast path
if TYPE_CHECKING:
    from typing import Any

# What a sync can find changed (``ccal.changes.KINDS`` is this one list): here, where the fast
# path can read it, because an unchanged source reports every kind at 0.
CHANGE_KINDS = ("added", "removed", "moved", "retitled", "status")


class Outcome:
    """What happened to one source, for the one line (or JSON object) ``sync`` prints.
    (A plain class, not a dataclass: ``dataclasses`` would cost the fast path ~5 ms.)"""

    def __init__(
        self,
        source: str,
        status: str,  # "synced" | "unchanged" | "failed"
        *,
        entries: int | None = None,
        noun: str = "entries",
        first: bool = False,  # no earlier sync of it succeeded (none to compare with or keep)
        changes: dict[str, int] | None = None,  # synced: what ``changes.counts`` found
        error: str | None = None,
        file: str | None = None,
        skipped: int = 0,
        reasons: list[str] | None = None,
    ) -> None:
        self.source = source
        self.status = status
        self.entries = entries
        self.noun = noun
        self.first = first
        self.changes = changes
        self.seconds = 0.0
        self.error = error
        self.file = file
        self.kept = True  # failed: a good copy from an earlier sync is still there
        self.skipped = skipped  # entries left out (malformed, or an id another file holds)
        self.reasons = reasons if reasons is not None else []  # the first skip reasons

    def line(self) -> str:
        """``eu-portal: 3,481 calls · 12 new, 4 moved, 2 gone · 2.1 s``"""
        if self.status == "unchanged":
            return f"{self.source}: unchanged (not modified)"
        if self.status == "failed":
            if not self.kept:  # a first sync that failed: there is no good copy to keep
                return f"{self.source}: failed: {self.error}; nothing synced yet"
            return f"{self.source}: failed: {self.error}; the last good copy stays in use"
        singular = {"calls": "call", "entries": "entry"}.get(self.noun, self.noun)
        what = f"{self.entries:,} {singular if self.entries == 1 else self.noun}"
        if self.first:
            news = "first sync"
        else:
            c = self.changes or {}
            parts = [f"{c.get('added', 0)} new", f"{c.get('moved', 0)} moved"]
            parts.append(f"{c.get('removed', 0)} gone")
            if c.get("retitled"):
                parts.append(f"{c['retitled']} retitled")
            if c.get("status"):
                parts.append(f"{c['status']} status change{'' if c['status'] == 1 else 's'}")
            news = ", ".join(parts)
        return f"{self.source}: {what} · {news} · {self.seconds:.1f} s"

    def record(self) -> dict[str, Any]:
        """The JSON object: ``changes`` is null when nothing was compared (a first sync, a
        failure), every kind at 0 when the source was unchanged."""
        return {
            "source": self.source,
            "status": self.status,
            "entries": self.entries,
            "first_sync": self.first,
            "changes": self.found(),
            "seconds": round(self.seconds, 3),
            "file": self.file,
            "error": self.error,
            "skipped": self.skipped,
            "skip_reasons": self.reasons,
        }

    def found(self) -> dict[str, int] | None:
        """What changed, by kind, or None when there was nothing to compare with."""
        if self.status == "unchanged":
            return dict.fromkeys(CHANGE_KINDS, 0)
        if self.status == "failed" or self.first:
            return None
        return {kind: (self.changes or {}).get(kind, 0) for kind in CHANGE_KINDS}

    def warnings(self) -> list[str]:
        """What was skipped, one line each (as ``ccal import`` words it), for stderr."""
        lines = [f"{self.source}: skipped {reason}" for reason in self.reasons]
        if self.skipped > len(self.reasons):
            lines.append(f"{self.source}: … and {self.skipped - len(self.reasons):,} more skipped")
        return lines
