"""Which opportunities a listing keeps, given the user's pipeline: the one rule for ``--mine``,
``--status`` and ``--all``, shared by every listing, countdown, export and ``notify``."""

from __future__ import annotations

from collections import namedtuple

from ccal.pipeline.state import CLOSED

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path imports this module
if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccal.catalog import Catalog
    from ccal.pipeline.state import Mark


class Selection(namedtuple("Selection", "mine statuses everything", defaults=(False, (), False))):
    """What the user asked of their pipeline.

    ``statuses``: only those (``--status``, repeatable); ``mine``: any status but ``dropped``
    (``--mine``); otherwise everything but ``done`` and ``dropped``, unless ``everything``
    (``--all``).
    """

    __slots__ = ()

    def keeps(self, status: str | None) -> bool:
        if self.statuses:
            return status in self.statuses
        if self.mine:
            return status is not None and status != "dropped"
        return self.everything or status not in CLOSED


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
