"""Which opportunities a listing keeps, given the user's pipeline: the one rule for ``--mine``,
``--status`` and ``--all``, shared by every listing, countdown, export and ``notify``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ccal.pipeline.state import CLOSED, Mark

if TYPE_CHECKING:
    from ccal.catalog import Catalog


@dataclass(frozen=True)
class Selection:
    """What the user asked of their pipeline.

    ``statuses``: only those (``--status``, repeatable); ``mine``: any status but ``dropped``
    (``--mine``); otherwise everything but ``done`` and ``dropped``, unless ``everything``
    (``--all``).
    """

    mine: bool = False
    statuses: tuple[str, ...] = ()
    everything: bool = False

    def keeps(self, status: str | None) -> bool:
        if self.statuses:
            return status in self.statuses
        if self.mine:
            return status is not None and status != "dropped"
        return self.everything or status not in CLOSED

    @property
    def narrows(self) -> bool:
        """Whether it can leave anything out (the default does, once something is closed)."""
        return bool(self.statuses or self.mine or not self.everything)


def narrow(catalog: Catalog, marks: Mapping[str, Mark], selection: Selection) -> Catalog:
    """The catalog without the opportunities ``selection`` leaves out."""
    if not marks and not (selection.statuses or selection.mine):
        return catalog
    from ccal.catalog import Catalog

    kept = tuple(
        item
        for item in catalog.items
        if selection.keeps(m.status if (m := marks.get(item.id)) is not None else None)
    )
    return Catalog(kept)


def mine_record(mark: Mark | None) -> dict[str, Any] | None:
    """JSON's ``"mine"``: ``{"status", "notes", "since"}``, or null for an unmarked entry."""
    if mark is None:
        return None
    from ccal.render.json import rfc3339

    return {
        "status": mark.status,
        "notes": [{"at": rfc3339(n.at), "text": n.text} for n in mark.notes],
        "since": rfc3339(mark.since),
    }
