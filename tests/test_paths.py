from __future__ import annotations

import pytest

from studynotes.paths import Resolver, VaultPath, heading_key, path_slug, slugify

FILES = [
    VaultPath(p)
    for p in [
        "Transformers.md",
        "Models/Transformers.md",
        "a/Overview.md",
        "b/Overview.md",
        "a/Linker.md",
        "deep/er/Only Here.md",
        "assets/Pasted image 1.png",
        "LoRA.md",
        "Note.v2.md",
    ]
]


@pytest.fixture
def resolver() -> Resolver:
    return Resolver.build(FILES, {VaultPath("LoRA.md"): ["Low-Rank Adaptation"]})


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("Transformers", "x.md", "Transformers.md"),
        ("transformers", "x.md", "Transformers.md"),
        ("Transformers.md", "x.md", "Transformers.md"),
        ("Models/Transformers", "x.md", "Models/Transformers.md"),
        ("Transformers", "Models/Other.md", "Transformers.md"),  # exact vault path first
        ("Overview", "a/Linker.md", "a/Overview.md"),
        ("Overview", "b/Other.md", "b/Overview.md"),
        ("b/Overview", "a/Linker.md", "b/Overview.md"),
        ("Only Here", "x.md", "deep/er/Only Here.md"),
        ("er/only here", "x.md", "deep/er/Only Here.md"),
        ("Pasted image 1.png", "x.md", "assets/Pasted image 1.png"),
        ("../Transformers.md", "Models/Other.md", "Transformers.md"),
        ("Note.v2", "x.md", "Note.v2.md"),
    ],
)
def test_links_resolve_by_obsidian_rules(
    resolver: Resolver, target: str, source: str, expected: str
) -> None:
    assert resolver.resolve(target, VaultPath(source)).path == expected


def test_same_name_in_two_folders_without_context_is_ambiguous(resolver: Resolver) -> None:
    found = resolver.resolve("Overview", VaultPath("x.md"))
    assert found.path == "a/Overview.md"
    assert found.ambiguous


def test_alias_is_a_fallback_and_is_recorded(resolver: Resolver) -> None:
    found = resolver.resolve("low-rank adaptation", VaultPath("x.md"))
    assert found.path == "LoRA.md"
    assert found.via_alias
    assert not resolver.resolve("LoRA", VaultPath("x.md")).via_alias


@pytest.mark.parametrize("target", ["Nope", "assets/Nope.png", "../../escape", "", "  "])
def test_unknown_targets_do_not_resolve(resolver: Resolver, target: str) -> None:
    assert resolver.resolve(target, VaultPath("a/Linker.md")).path is None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Large Language Models", "large-language-models"),
        ("T5 (2019)", "t5-2019"),
        ("笔记 Notes", "笔记-notes"),
        ("  --Odd__name!! ", "odd-name"),
    ],
)
def test_slugs_are_readable_and_keep_unicode(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_path_slug_keeps_folders() -> None:
    assert path_slug(VaultPath("Fine-Tuning/LoRA.md")) == "fine-tuning/lora"


def test_heading_key_ignores_case_and_punctuation() -> None:
    assert heading_key("T5 (2019)") == heading_key("t5 2019")
