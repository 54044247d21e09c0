"""md export through GitHub's own renderer (cmark-gfm): a title never becomes a link, the
extended autolinks (e-mail, mailto:, xmpp:, www., http://) included (issue 20, item 12)."""

from __future__ import annotations

import html
import re

import cmarkgfm
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ccal.render.markdown import escape

ZWSP = "\u200b"


def gfm(text: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(text)


def shown(rendered: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, the invisible space dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace(ZWSP, "").strip()


def test_the_attack_renders_no_link():
    title = "Write to evil@evil.example or xmpp:evil@evil.example"
    assert "<a" in gfm(title)  # what the renderer does with it unescaped
    rendered = gfm(escape(title))
    assert "<a" not in rendered
    assert shown(rendered) == title


def test_every_autolink_form_stays_text():
    for title in (
        "mailto:a@b.example",
        "a.b+c_d-e@sub.b.example",
        "www.evil.example/x",
        "https://evil.example",
        "ftp://evil.example",
        "see <https://evil.example> or <a@b.example>",
        "[x](https://evil.example) ![i](https://evil.example/i.png)",
    ):
        rendered = gfm(escape(title))
        assert "<a" not in rendered and "<img" not in rendered, title
        assert shown(rendered) == title, title


WORDS = st.sampled_from(
    ["a", "b.example", "@", ":", "//", "www", ".", "mailto:", "xmpp:", "http", "_", "-", "+",
     "*", "<", ">", "[", "]", "(", ")", "&", "#", "!", "~", "|", "`", " ", "x@y.z"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=12).map("".join))
@example("a@.a")  # found by this property: GFM links an address whose domain starts with a dot
@example("mailto:@b.example")  # found by this property: and a mailto: with no local part
def test_generated_titles_never_open_a_link(title):
    rendered = gfm(f"- **When** · {escape(title)} · in 2 days")  # where data text stands
    assert "<a" not in rendered and "<img" not in rendered
    assert " ".join(shown(rendered).split()) == " ".join(f"When · {title} · in 2 days".split())
