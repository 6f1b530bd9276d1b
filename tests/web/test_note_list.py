"""A list of notes (a tag's page, a folder's, the home page's recent notes) reads back as the
notes it was given: each title a link to its note, its date, its folder and its tags as
links, whatever characters they hold."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from studynotes.urls import note_url, tag_url
from studynotes.web.note_list import note_list_html
from studynotes.web.schemas import NoteSummary


class _Items(HTMLParser):
    """Each ``li``: its title link, date, folder, and tag links, as text and hrefs."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, object]] = []
        self._in: str | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        cls = found.get("class") or ""
        if tag == "li":
            self.items.append({"title": "", "href": "", "date": "", "path": None, "tags": []})
        elif tag == "a" and cls in ("note-item-title", "tag"):
            self._in, self._href = cls, found.get("href") or ""
            if cls == "note-item-title":
                self.items[-1]["href"] = self._href
            else:
                self.items[-1]["tags"].append(["", self._href])  # type: ignore[attr-defined]
        elif tag == "time":
            self._in = "date"
            self.items[-1]["datetime"] = found.get("datetime")
        elif tag == "span" and cls == "path":
            self._in = "path"
            self.items[-1]["path"] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "time", "span"):
            self._in = None

    def handle_data(self, data: str) -> None:
        item = self.items[-1] if self.items else None
        if item is None or self._in is None:
            return
        if self._in == "note-item-title":
            item["title"] = str(item["title"]) + data
        elif self._in == "tag":
            item["tags"][-1][0] += data  # type: ignore[index]
        elif self._in == "date":
            item["date"] = str(item["date"]) + data
        elif self._in == "path":
            item["path"] = str(item["path"]) + data


def _read(html: str) -> list[dict[str, object]]:
    parser = _Items()
    parser.feed(html)
    parser.close()
    return parser.items


_TEXT = st.text(
    st.one_of(
        st.sampled_from("<>&\"' ab/"),  # markup, quotes and entities
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=12,
)
_NOTES = st.lists(
    st.builds(
        lambda title, folders, name, tags: NoteSummary(
            slug=(title or "x").casefold(),
            title=title,
            path="/".join([*folders, f"{name or 'n'}.md"]),
            tags=tags,
            aliases=[],
            updated=datetime(2026, 12, 4, 21, 9, 35, tzinfo=UTC),
        ),
        _TEXT,
        st.lists(_TEXT.filter(lambda f: "/" not in f and f != ""), max_size=2),
        _TEXT.filter(lambda n: "/" not in n),
        st.lists(_TEXT.filter(bool), max_size=3),
    ),
    max_size=4,
)


@given(_NOTES, st.booleans(), st.booleans())
def test_a_list_of_notes_reads_back_as_its_notes(
    notes: list[NoteSummary], show_date: bool, show_path: bool
) -> None:
    items = _read(note_list_html(notes, show_date=show_date, show_path=show_path))
    assert len(items) == len(notes)
    for note, item in zip(notes, items, strict=True):
        assert item["title"] == note.title
        assert item["href"] == note_url(note.slug)
        assert item["tags"] == [[f"#{t}", tag_url(t)] for t in note.tags]
        folder = note.path.rsplit("/", 1)[0] if "/" in note.path else None
        assert item["path"] == (folder if show_path else None)
        if show_date:
            assert item["date"] == "2026-12-04"
            assert item["datetime"] == note.updated.isoformat()
        else:
            assert item["date"] == ""


def test_markup_in_a_title_is_shown_as_text() -> None:
    note = NoteSummary(
        slug="x",
        title='<script>alert("x")</script> & co',
        path="A & B/x.md",
        tags=["q&a"],
        aliases=[],
        updated=datetime(2026, 1, 2, tzinfo=UTC),
    )
    html = str(note_list_html([note]))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "A &amp; B" in html and "#q&amp;a" in html
