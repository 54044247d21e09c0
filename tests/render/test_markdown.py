"""md export: golden digests, and hostile titles that render as plain text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ccal.render.markdown import escape, link_target


def html(text: str) -> str:
    """CommonMark with raw HTML allowed, the way a permissive newsletter tool renders it."""
    return MarkdownIt("commonmark", {"html": True}).enable("strikethrough").render(text)


def test_golden_by_month(export, golden):
    golden("fixture.md", export("--format", "md", "--all"))


def test_golden_by_kind(export, golden):
    golden("fixture-by-kind.md", export("--format", "md", "--all", "--group", "kind"))


def test_golden_hostile(export, golden):
    golden("hostile.md", export("--format", "md", "--all", data="hostile.toml"))


def test_dst_pair_in_the_display_zone(export):
    text = export("--format", "md", "--all")
    assert "**Fri 29 Jul 2022 18:00 CEST**" in text
    assert "**Fri 2 Dec 2022 18:00 CET**" in text
    tokyo = export("--format", "md", "--all", "--tz", "Asia/Tokyo")
    assert "**Sat 30 Jul 2022 01:00 JST**" in tokyo


def test_months_in_order_and_entries_linked(export):
    text = export("--format", "md", "--all")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["June 2022", "July 2022", "September 2022", "December 2022", "April 2023"]
    rendered = html(text)
    assert rendered.count('<a href="https://example.org/summer-call">Summer Call</a>') == 3
    assert "Workshop in Košice" in rendered
    assert "<em>tentative</em>" in rendered


def test_hostile_titles_render_as_text_only(export):
    rendered = html(export("--format", "md", "--all", data="hostile.toml"))
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"h1", "h2", "p", "ul", "li", "strong", "em", "a"}
    assert re.findall(r'<a href="([^"]*)"', rendered) == ["https://example.org/a%28b%29c%20d"]
    assert "[click me](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; *bold*" in rendered
    assert "Day one, two; three \\ four five" in rendered


@pytest.mark.parametrize(
    "text",
    [
        "[x](http://evil)",
        "![img](http://evil/p.png)",
        "<script>alert(1)</script>",
        "<http://evil>",
        "**bold** _em_ `code` ~~gone~~",
        "a\n# heading\n- item",
        "&lt;b&gt; &amp;",
        "back\\slash\\",
    ],
)
def test_escaped_text_renders_as_itself(text):
    rendered = html(f"- {escape(text)}")
    inner = rendered.removeprefix("<ul>\n<li>").removesuffix("</li>\n</ul>\n")
    expected = " ".join(text.split())
    expected = expected.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert inner == expected


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://example.org/x", "https://example.org/x"),
        ("HTTP://example.org/a b", "HTTP://example.org/a%20b"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("https:///nohost", None),
        (None, None),
    ],
)
def test_only_http_links(url, target):
    assert link_target(url) == target


def test_nothing_selected(export):
    text = export("--format", "md", "--kind", "survey")
    assert "Nothing to show." in text


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))))
def test_any_escaped_text_renders_as_plain_text_without_tags(text):
    rendered = html(f"- x {escape(text)}")
    inner = rendered.removeprefix("<ul>\n<li>").removesuffix("</li>\n</ul>\n")
    assert "<" not in inner


def test_a_moved_date_says_so_in_the_digest(ccal):
    """Before, tables said "Cut-off 1 (extended +14 d)" and the digest said nothing."""
    from conftest import DATA

    result = ccal(
        "export", "-f", "md", "--all", "--data", str(DATA / "feeds.toml"),
        "--as-of", "2026-01-01", "--tz", "Europe/Brussels", "--search", "moved",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert lines[0].startswith(
        "- **Tue 31 Mar 2026 18:00 CEST** · Moved call · Cut-off 1 (extended +14 d) · in "
    )
    assert "extended" not in lines[1]
