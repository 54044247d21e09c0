"""``query.fold``: the one case- and accent-insensitive form (search, labels, extend)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ccal.query import fold


def slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@given(st.text())
def test_fold_is_casefold_without_accents_for_every_text(text):
    assert fold(text) == slow_fold(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_text_is_its_lower_case(text):
    assert fold(text) == slow_fold(text) == text.lower()


def test_fold_examples():
    assert fold("Košice") == fold("KOSICE") == "kosice"
    assert fold("Straße") == "strasse"
