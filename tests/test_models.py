"""The data file's models: the fast URL check agrees with ``urlsplit`` everywhere, except that a
URL with a space or an invisible character is refused (a calendar app cuts the link there)."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from ccal.models import _http_url


def by_urlsplit(value: str) -> bool:
    if " " in value or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def accepted(value: str) -> bool:
    try:
        return _http_url(value) == value
    except ValueError:
        return False


PIECES = ["http", "https", "HTTP", ":", "//", "/", "?", "#", "[", "]", "a", "Z", "9", "é", "\t"]
PIECES += ["\n", " ", "-", ".", "@", "%", "ｅ", "x.eu", ":8080", "[::1]", "user:pw@", "\x00"]


@given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_the_url_check_agrees_with_urlsplit(value):
    assert accepted(value) == by_urlsplit(value)


@given(st.sampled_from(["http://", "https://"]), st.text(max_size=12))
def test_the_url_check_agrees_with_urlsplit_after_a_scheme(scheme, rest):
    assert accepted(scheme + rest) == by_urlsplit(scheme + rest)


def test_plain_urls_are_accepted_and_others_refused():
    assert accepted("https://ec.europa.eu/regional_policy?x=1#y")
    assert accepted("HTTP://EXAMPLE.org")
    assert not accepted("ftp://example.org")
    assert not accepted("https:///path")
    assert not accepted("https://[::1")


def test_compact_models_share_their_given_keys_and_stay_the_same():
    """A big file's models share one frozen set of given keys per shape (half their memory);
    what they hold, dump and report as given does not change, and nothing can change them."""
    import pytest
    from pydantic import ValidationError

    from ccal.models import Opportunity, compact

    def raw(n: int) -> dict:
        return {"id": f"call-{n}", "kind": "call", "title": f"Call {n}",
                "dates": [{"label": "Cut-off", "at": "2027-01-31"}]}  # fmt: skip

    plain = [Opportunity.model_validate(raw(n)) for n in range(3)]
    packed = [compact(Opportunity.model_validate(raw(n))) for n in range(3)]
    assert packed == plain
    dump = [p.model_dump(exclude_unset=True) for p in plain]
    assert [p.model_dump(exclude_unset=True) for p in packed] == dump
    assert [p.model_dump() for p in packed] == [p.model_dump() for p in plain]
    assert packed[0].model_fields_set == {"id", "kind", "title", "dates"}
    assert packed[0].model_fields_set is packed[2].model_fields_set
    assert packed[0].dates[0].model_fields_set is packed[1].dates[0].model_fields_set
    with pytest.raises(ValidationError, match="frozen"):
        packed[0].title = "Changed"
