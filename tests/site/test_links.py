"""The site's links: every server URL in an attribute or in inline JSON becomes the site's,
and nothing else changes, whatever the markup around it."""

from __future__ import annotations

import html
import re

from hypothesis import example, given
from hypothesis import strategies as st

from studynotes.site.links import SiteLinks

# The rule, written plainly: an attribute named so, after white space, whose value is a
# path; a JSON string under one of these keys whose value is a path.
_ATTR_RULE = re.compile(r'(\s(?:href|src|action|data|poster)=")(/[^"]*)(")')
_JSON_RULE = re.compile(r'("(?:url|source|note_url)":\s*")(/[^"\\]*)(")')


def _by_the_rule(links: SiteLinks, text: str) -> str:
    def attr(m: re.Match[str]) -> str:
        return m[1] + html.escape(links.url(html.unescape(m[2])), quote=True) + m[3]

    text = _ATTR_RULE.sub(attr, text)
    return _JSON_RULE.sub(lambda m: m[1] + links.url(m[2]) + m[3], text)


_URLS = st.sampled_from(
    [
        "/notes/a",
        "/notes/a%20b#h",
        "/files/x y.png",
        "/canvas-preview/Board.canvas",
        "/glossary?letter=B",
        "/search?q=a&amp;b",
        "/tags/x/y",
        "/",
        "//elsewhere.example/x",
        "https://example.org/",
        "/static/app.css",
    ]
)
_PIECES = st.one_of(
    st.builds(
        lambda space, name, url: f"<a{space}{name}={chr(34)}{url}{chr(34)}>",
        st.sampled_from([" ", "\n", "\t", "  ", "\r\n", "\v", "\xa0", "\u2003", ""]),
        st.sampled_from(["href", "src", "data", "poster", "action", "data-x", "xhref", "value"]),
        _URLS,
    ),
    st.builds(
        lambda key, space, url: f'{{"{key}":{space}"{url}"}}',
        st.sampled_from(["url", "source", "note_url", "xurl", "title", "html"]),
        st.sampled_from(["", " ", "\n  "]),
        _URLS,
    ),
    st.sampled_from(['="/notes/a"', '": "/notes/a"', "text ", '"', "=", ":", " href"]),
)


@given(st.lists(_PIECES, max_size=12).map("".join))
@example('<a href="/files/x y.png"><img\nsrc="/files/x y.png">')
@example('{"url": "/notes/a"} <object data="/canvas-preview/Board.canvas">')
def test_links_are_made_the_sites_exactly_where_the_rule_says(text: str) -> None:
    fast, plain = SiteLinks("/sub/"), SiteLinks("/sub/")
    assert fast.html(text) == _by_the_rule(plain, text)
    assert fast.take_asks() == plain.take_asks()
    assert (fast.files, fast.boards) == (plain.files, plain.boards)


def test_a_url_asked_twice_on_a_page_is_asked_for_each_time() -> None:
    links = SiteLinks("/")
    page = '<img src="/files/a.png"> <img src="/files/a.png">'
    assert links.html(page) == '<img src="/files/a.png"> <img src="/files/a.png">'
    assert links.take_asks() == ("f:a.png",)
    links.html(page)  # the next page asks again, though the URL is known by now
    assert links.take_asks() == ("f:a.png",)


def _data_by_the_rule(links: SiteLinks, value: object) -> object:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and "html" in key:
                out[key] = links.html(item)
            elif isinstance(item, str) and key in ("url", "href", "source", "note_url"):
                out[key] = links.url(item)
            else:
                out[key] = _data_by_the_rule(links, item)
        return out
    if isinstance(value, list):
        return [_data_by_the_rule(links, v) for v in value]
    return value


_JSON = st.recursive(
    st.one_of(_URLS, st.integers(), st.none(), st.booleans(), _PIECES),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["url", "href", "source", "note_url", "html", "definition_html", "x"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@given(_JSON)
def test_json_data_has_its_urls_and_html_made_the_sites_by_key(value: object) -> None:
    fast, plain = SiteLinks("/sub/"), SiteLinks("/sub/")
    assert fast.data(value) == _data_by_the_rule(plain, value)
    assert fast.take_asks() == plain.take_asks()
