from __future__ import annotations

import json

from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.paths import VaultPath

REFERENCE_LIKE = """---
creation_date: 2023年11月16日
banner: "https://example.org/banner.jpg"
banner_icon: "🌞"
tags: "#笔记"
banner_y: 0.65
---

# Notes on models

Some text with a #inline/tag.
"""


def parse(text: str, path: str = "Note.md") -> ParsedNote:
    return parse_note(VaultPath(path), text)


def test_frontmatter_with_cjk_and_a_hash_tag_string() -> None:
    note = parse(REFERENCE_LIKE)
    assert [t.name for t in note.tags] == ["笔记", "inline/tag"]
    assert note.frontmatter["creation_date"] == "2023年11月16日"
    assert note.frontmatter["banner_icon"] == "🌞"
    assert note.created == "2023年11月16日"
    assert note.warnings == []


def test_tags_and_aliases_as_lists_or_strings() -> None:
    note = parse("---\ntag: [a, '#b/c']\nalias: Single Name\ncssclasses: wide\n---\nx\n")
    assert [t.name for t in note.tags] == ["a", "b/c"]
    assert note.aliases == ["Single Name"]
    assert note.cssclasses == ["wide"]


def test_dates_in_frontmatter_are_kept_as_text() -> None:
    note = parse("---\ncreated: 2024-01-05\ntitle: Custom\n---\nbody\n")
    assert note.frontmatter["created"] == "2024-01-05"
    assert note.title == "Custom"


def test_invalid_yaml_warns_and_the_body_still_renders() -> None:
    note = parse("---\ntags: [unclosed\n---\n# Still here\n")
    assert note.warnings and "invalid frontmatter" in note.warnings[0]
    assert '<h1 id="still-here">Still here</h1>' in note.html


def test_frontmatter_that_is_not_a_mapping_warns() -> None:
    note = parse("---\n- just\n- a list\n---\nbody\n")
    assert note.warnings == ["frontmatter is not a set of properties (key: value lines)"]


def test_title_defaults_to_the_file_name() -> None:
    assert parse("# Other heading\n", "folder/My Note.md").title == "My Note"


def test_links_carry_their_source_line() -> None:
    note = parse("---\na: 1\n---\nfirst\nsecond [[A]]\n\n- item\n- ![[b.png|20]]\n")
    assert [(link.target, link.kind, link.line) for link in note.links] == [
        ("A", "link", 5),
        ("b.png", "embed", 8),
    ]
    assert note.links[1].width == 20


def test_headings_have_levels_anchors_and_lines() -> None:
    note = parse("# One\n\ntext\n\n## Two (2019)\n")
    assert [(h.level, h.text, h.anchor, h.line) for h in note.headings] == [
        (1, "One", "one", 1),
        (2, "Two (2019)", "two-2019", 5),
    ]


def test_sections_cover_a_heading_until_the_next_of_its_level() -> None:
    note = parse("# A\n\na text\n\n## B\n\nb text\n\n# C\n\nc text\n")
    spans = {s.anchor: note.html[s.start : s.end] for s in note.sections}
    assert "b text" in spans["a"] and "c text" not in spans["a"]
    assert spans["b"].startswith('<h2 id="b">') and "c text" not in spans["b"]
    assert "c text" in spans["c"]


def test_parsed_note_round_trips_whole_through_its_stored_parts() -> None:
    note = parse(REFERENCE_LIKE + "\nSee [[X#Y|z]]. ^blk\n\n![[img.png|300]] ![[Other#Part]]\n")
    facts, body = (json.loads(json.dumps(d)) for d in (note.facts_dict(), note.body_dict()))
    assert note.text  # the index keeps the text in a column of its own, not twice
    assert "text" not in facts and "html" not in facts and "html" in body
    back = ParsedNote.from_parts(facts, body, text=note.text, frontmatter=note.frontmatter)
    assert back == note
    sized = [link for link in back.links if link.target == "img.png"]
    assert sized and sized[0].width == 300  # every field of a link survives, embed size too


def test_facts_record_alone_reads_back_as_the_facts_of_the_parse() -> None:
    note = parse(REFERENCE_LIKE)
    assert ParsedNote.from_parts(json.loads(json.dumps(note.facts_dict()))) == note.facts_only()


def test_comments_never_reach_text_or_html() -> None:
    note = parse("visible %%secret%% text\n\n%%\nblock secret\n%%\n")
    assert "secret" not in note.html and "secret" not in note.text
