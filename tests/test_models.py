"""The data file's models: the fast URL check agrees with ``urlsplit`` everywhere, except that a
URL with a space or an invisible character is refused (a calendar app cuts the link there)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
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


def _dated(value: str) -> str:
    return (
        'version = 1\n\n[[opportunity]]\nid = "x"\nkind = "call"\ntitle = "X"\n\n'
        f'[[opportunity.dates]]\nlabel = "a"\nat = 2027-01-01\nrrule = "FREQ=DAILY"\n{value}\n'
    )


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('tentative = "yes"', "tentative", "tentative must be true or false (got 'yes')"),
        ('tentative = "true"', "tentative", "tentative must be true or false (got 'true')"),
        ('tentative = "no"', "tentative", "tentative must be true or false (got 'no')"),
        ("tentative = 1", "tentative", "tentative must be true or false (got int 1)"),
        ('count = "4"', "count", "count must be a whole number (got '4')"),
        ("count = 4.0", "count", "count must be a whole number (got float 4.0)"),
        ("count = true", "count", "count must be a whole number (got bool true)"),
    ],
)
def test_a_value_of_another_type_is_a_located_error_never_coerced(
    ccal, tmp_path, line, field, message
):
    """TOML is typed: ``tentative = "yes"`` was read as true (pydantic's lax mode) and listed
    as a tbc date. Refused by the model, so validate, the app and the fast path agree."""
    from test_process import run_ccal

    data = tmp_path / "typed.toml"
    data.write_text(_dated(line), encoding="utf-8")
    wanted = f"{data}:12:1: opportunity 'x', field 'dates[0].{field}': {message}"
    checked = ccal("validate", str(data))
    assert checked.exit_code == 1 and wanted in checked.stdout.splitlines(), checked.stdout
    listed = ccal("list", "--all", "--json", "--data", str(data))
    assert (listed.exit_code, listed.stdout, listed.stderr) == (1, "", wanted + "\n")
    fast = run_ccal("upcoming", "--json", "--data", str(data), "--as-of", "2026-12-01")
    assert (fast.returncode, fast.stdout, fast.stderr) == (1, "", wanted + "\n")


def test_toml_booleans_and_integers_still_read(ccal, tmp_path):
    data = tmp_path / "typed.toml"
    data.write_text(_dated("tentative = true\ncount = 2"), encoding="utf-8")
    rows = ccal.json("upcoming", "--data", str(data), "--as-of", "2026-12-01")
    assert [(row["tentative"], row["occurrence"]) for row in rows] == [(True, 0), (True, 1)]


@pytest.mark.parametrize(
    ("line", "got"), [("version = 1.0", "float 1.0"), ("version = true", "bool true")]
)
def test_the_data_file_version_is_the_integer_1(ccal, tmp_path, line, got):
    """``version = 1.0`` and ``version = true`` passed as version 1 (pydantic's lax
    ``Literal[1]``), the configuration's ``version`` alike: a located error in both."""
    data = tmp_path / "v.toml"
    data.write_text(line + "\n", encoding="utf-8")
    checked = ccal("validate", str(data))
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[0] == (
        f"{data}:1:1: field 'version': version must be a whole number (got {got})"
    )
