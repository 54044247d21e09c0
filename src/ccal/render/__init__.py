"""Output formats. Each module turns query results into text for one format."""

from __future__ import annotations

# What every listing renderer receives: built by ``query.select_listing`` (the one use case).
from ccal.query import Listing as Listing
