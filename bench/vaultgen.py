"""Deterministic synthetic Obsidian vaults for the benchmark.

``generate(root, n_notes, seed)`` writes ``n_notes`` notes of a few KB each into nested
folders, using every construct studynotes supports (all link and embed forms, callouts,
math, code, mermaid, tables, tags, frontmatter, CJK text, block ids, footnotes,
highlights, comments, tab-indented lists) and a glossary of ``n_notes // 2`` terms written
in the shapes real study notes use. ``large`` adds a few long notes of about the given sizes
in bytes (under ``Long Reads/``), made of the same sections over and over: what search and the page
cost must not grow with. The same arguments always give byte-identical files.

Run it alone to look at a vault: ``python bench/vaultgen.py /tmp/vault 200``.
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

# ruff: noqa: RUF001  (the CJK sentences use full-width punctuation on purpose)

__all__ = ["CJK_WORDS", "GeneratedVault", "generate"]

# --- vocabulary ---------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """A readable block of whitespace-separated words."""
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """A readable block of ``|``-separated phrases; line breaks count as spaces."""
    return tuple(" ".join(p.split()) for p in text.split("|"))


_ADJECTIVES = _words(
    """Sparse Dense Latent Residual Causal Contrastive Adaptive Stochastic Hierarchical
    Recursive Bayesian Spectral Orthogonal Variational Gated Rotary Quantized Distilled Federated
    Curriculum Masked Grouped Linear Local Global Cyclic Nested Shared Pruned Robust Implicit
    Explicit Relative Absolute Weighted Normalized Factorized Low-Rank Multi-Head Cross Self
    Dynamic Static Greedy Beam Online Offline Mixed Discrete Continuous Recurrent Convolutional
    Momentum Scaled Streaming Blockwise Tiled Fused Lazy Eager Elastic Sliding Paged"""
)

_NOUNS = _words(
    """Attention Pooling Embedding Sampling Decoding Tokenization Normalization
    Regularization Alignment Retrieval Projection Gradient Encoder Decoder Kernel Estimator
    Schedule Objective Mask Router Adapter Prompting Distillation Quantization Pruning Search
    Memory Replay Clipping Warmup Dropout Initialization Ranking Reranking Chunking Indexing
    Caching Batching Sharding Checkpointing Inference Calibration Ensembling Augmentation
    Smoothing Tying Mixing Gating Routing Merging Pretraining Finetuning Tracing Probing Steering
    Scoring Filtering Matching Hashing Transport Flow Diffusion"""
)

_QUALIFIERS = _words(
    """Loss Head Layer Bound Trick Score Cache Window Buffer Map Rule Gap Ratio Budget
    Table Graph Tree Queue Vector Matrix"""
)

_KINDS = _words(
    """Notes Overview Lab Summary Primer Cheatsheet Lecture Reading Review Exercises
    Walkthrough Recap Questions Experiments"""
)

_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Machine Learning", ("Optimization", "Generalization", "Kernels", "Probabilistic Models")),
    ("Deep Learning", ("Architectures", "Training", "Regularization", "Vision")),
    ("Language Models", ("Prompting", "Fine-Tuning", "Alignment", "Evaluation", "Retrieval")),
    ("Mathematics", ("Linear Algebra", "Calculus", "Probability", "Information Theory")),
    ("Systems", ("Distributed Training", "Inference Serving", "Storage", "Networking")),
    ("Papers", ("2019", "2020", "2021", "2022", "2023")),
    ("Courses", ("CS229", "CS231n", "CS324", "Stat110")),
    ("Projects", ("Thesis", "Side Projects", "Reading Group")),
)
_THIRD_LEVEL = ("Week 1", "Week 2", "Week 3", "Drafts", "Archive", "Worked Problems")

_SUBJECTS = _phrases(
    """The model|This method|A small batch|The optimizer|Each layer|The encoder|Our
    baseline|The loss|The scheduler|This trick|The tokenizer|A wider network|The teacher
    model|The retriever|Every head|The learning rate|The validation curve|A larger
    context|The decoder|The data loader|This ablation|The reward model"""
)

_VERBS = _phrases(
    """reduces|stabilizes|improves|hurts|depends on|interacts with|approximates|controls
    |limits|speeds up|slows down|regularizes|dominates|explains|changes|amplifies|hides
    |exposes|bounds|shifts"""
)

_OBJECTS = _phrases(
    """the variance of the gradient|memory use at inference|the effective learning
    rate|training time|the attention pattern|the calibration of the outputs|the number of
    parameters|the size of the vocabulary|throughput on long inputs|the final accuracy|the
    shape of the loss surface|the norm of the weights|the gap between train and test|the
    cost of a forward pass|recall on rare classes|the entropy of the predictions|the
    quality of the retrieved passages|convergence in the first epoch|the stability of
    mixed precision|the behaviour on out-of-distribution data"""
)

_TAILS = _phrases(
    """in practice|on long sequences|when the data is noisy|for small models|according
    to the paper|at scale|in my experiments|with the default settings|after warmup|on the
    held-out split|for most tasks|without much tuning|once the batch grows|by a wide
    margin|in the worst case|most of the time"""
)

_MENTIONS = (
    "This is where {t} comes in.",
    "Recall that {t} matters most when the batch is small.",
    "I keep mixing up {t} and {u}, so here is the difference once more.",
    "The paper leans heavily on {t} without saying so.",
    "Compare this with {t}, which makes the opposite trade.",
    "A quick sanity check: does {t} still hold after the change?",
    "Most tutorials skip {t}, but it explains the jump in the curve.",
    "In the lecture, {t} was introduced right after {u}.",
)

_DEF_KINDS = _phrases(
    """technique|regularization method|training trick|scoring rule|data structure
    |sampling scheme|decoding strategy|normalization layer|objective|estimator|scheduling
    policy|caching strategy|evaluation protocol|routing rule|approximation"""
)

_DEF_VERBS = _phrases(
    """reduces|keeps track of|estimates|bounds|reweights|compresses|stores|predicts
    |smooths|filters|ranks|approximates|normalizes|caches|routes"""
)

_CALLOUT_TYPES = _words(
    """note tip warning info example quote abstract todo success question danger bug
    failure important hint caution summary recipe"""
)

_CJK_SENTENCES = (
    "注意力机制让模型在每一步都能查看整个序列。",
    "这一部分是我第一次读论文时的笔记，之后又补充了一些例子。",
    "学习率太大时，损失函数会剧烈震荡，甚至发散。",
    "检索增强生成先从知识库中找到相关段落，再交给模型回答问题。",
    "微调只需要很少的数据，但要注意过拟合。",
    "梯度裁剪可以防止训练初期出现数值不稳定。",
    "这个方法的核心思想其实很简单：把大问题拆成小问题。",
    "量化把权重从十六位压缩到四位，推理速度明显提升。",
    "Transformer の自己注意機構は系列全体を一度に参照できる。",
    "この手法は小さなモデルでもよく機能すると論文に書かれている。",
    "分布式训练需要仔细处理通信开销。",
    "评估指标的选择往往比模型本身更重要。",
)
# Words that occur in the CJK sentences above, for the benchmark's CJK searches.
CJK_WORDS = ("注意力", "学习率", "检索增强", "梯度裁剪", "量化", "分布式训练", "自己注意")

_CJK_NAMES = ("李雷", "韩梅梅", "王小明", "张伟", "佐藤", "田中")
_STATUS = ("to learn", "learning", "to review", "done")
_CJK_STATUS = ("草稿", "完成", "待复习", "进行中")

_H2 = (
    "Overview",
    "How {n} works",
    "Key equations",
    "Worked example",
    "Implementation notes",
    "Results (2021)",
    "Failure modes",
    "Comparison with {m}",
    "History (2017)",
    "Open questions",
    "Why it matters",
    "Practical tips",
)
_H3 = (
    "Setup",
    "The update step",
    "Variant (2020)",
    "Edge cases",
    "Complexity",
    "Intuition",
    "A small experiment",
    "Proof sketch",
)

_PYTHON = (
    'import numpy as np\n\n\ndef {f}(x, scale={k}):\n    """One step of the update."""\n'
    "    z = x - x.max(axis=-1, keepdims=True)\n    w = np.exp(z * scale)\n"
    "    return w / w.sum(axis=-1, keepdims=True)\n",
    "from dataclasses import dataclass\n\n\n@dataclass\nclass {c}:\n    rate: float = 0.{k}\n"
    "    steps: int = {k}00\n\n    def at(self, step: int) -> float:\n"
    "        return self.rate * min(1.0, step / self.steps)\n",
    "for epoch in range({k}):\n    for batch in loader:\n        loss = model(batch).mean()\n"
    "        loss.backward()\n        optimizer.step()\n        optimizer.zero_grad()\n",
)
_BASH = (
    "pip install torch transformers\npython train.py --lr 3e-4 --batch-size {k}",
    "export CUDA_VISIBLE_DEVICES=0,1\ntorchrun --nproc-per-node 2 train.py --epochs {k}",
    'for seed in 1 2 3; do\n  python eval.py --seed "$seed" --out runs/{f}-$seed.json\ndone',
)
_INLINE_MATH = (
    r"$\frac{a}{b}$",
    r"$x_i$",
    r"$\sum_{i=1}^{n} w_i x_i$",
    r"$\alpha_t = \frac{\alpha_0}{\sqrt{t}}$",
    r"$O(n^2)$",
    r"$\theta_{t+1} = \theta_t - \eta g_t$",
)
_DISPLAY_MATH = (
    r"\mathcal{L}(\theta) = -\frac{1}{N} \sum_{i=1}^{N} \log p_\theta(y_i \mid x_i)",
    r"\hat{y} = \sigma\left(\sum_{j=1}^{d} w_j x_j + b\right)",
    r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
    r"\mathbb{E}[X] = \sum_{x} x \, p(x)",
)
_IMAGES = (
    *(f"diagram-{i:02d}.png" for i in range(1, 9)),
    "Pasted image 20240101120000.png",
    "Pasted image 20240215093000.png",
    "loss-curve.png",
    "architecture sketch.png",
)
_MISSING_IMAGES = ("Pasted image 20231111111111.png", "whiteboard-photo.png", "figure 3.png")


# --- the plan: what every note is called and contains, decided before any text --------------


@dataclass(slots=True)
class _Term:
    name: str
    abbr: str | None
    shape: int
    definition: str  # starts with "a"/"an", no final period

    def mention(self, rng: random.Random) -> str:
        if self.abbr and rng.random() < 0.5:
            return self.abbr
        return self.name if rng.random() < 0.6 else self.name.lower()


@dataclass(slots=True)
class _Note:
    folder: str
    stem: str
    noun: str
    sections: list[tuple[str, list[str]]]
    blocks: list[str]
    terms: list[int] = field(default_factory=list)
    cjk: bool = False

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.stem}.md"


@dataclass(slots=True)
class GeneratedVault:
    """What the benchmark needs to know about a generated vault."""

    root: Path
    notes: list[str]  # vault paths, in generation order
    terms: list[str]  # glossary term names
    abbreviations: list[str]
    tags: list[str]
    cjk_words: tuple[str, ...] = CJK_WORDS
    large: list[str] = field(default_factory=list)  # vault paths of the long notes
    total_bytes: int = 0
    seconds: float = 0.0


def _folders(rng: random.Random) -> list[str]:
    out: list[str] = []
    for area, subs in _AREAS:
        for sub in subs:
            out.append(f"{area}/{sub}")
            for third in _THIRD_LEVEL:
                if rng.random() < 0.35:
                    out.append(f"{area}/{sub}/{third}")
    return out


def _unique_names(rng: random.Random, count: int, parts: list[list[str]]) -> list[str]:
    """``count`` distinct names, one word from each of ``parts``, in a seeded order."""
    sizes = [len(p) for p in parts]
    space = 1
    for size in sizes:
        space *= size
    if count > space:
        raise ValueError(f"cannot make {count} distinct names from {space} combinations")
    names = []
    for index in rng.sample(range(space), count):
        words = []
        for part, size in zip(parts, sizes, strict=True):
            index, pick = divmod(index, size)
            words.append(part[pick])
        names.append(" ".join(words))
    return names


# Two-letter words an abbreviation must not spell: they read as words, not terms.
_WORDS = frozenset(
    _words("AM AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OK ON OR SO TO UP US WE")
)


def _abbreviation(name: str, taken: set[str]) -> str:
    base = "".join(w[0].upper() for w in name.replace("-", " ").split())
    abbr, n = base, 1
    while abbr in taken or abbr in _WORDS:
        n += 1
        abbr = f"{base}{n}"
    taken.add(abbr)
    return abbr


def _plan_terms(rng: random.Random, count: int) -> list[_Term]:
    two = _unique_names(rng, min(count, len(_ADJECTIVES) * len(_NOUNS)), [_ADJECTIVES, _NOUNS])
    three_needed = count - len(two)
    three = (
        _unique_names(rng, three_needed, [_ADJECTIVES, _NOUNS, _QUALIFIERS])
        if three_needed > 0
        else []
    )
    names = two + three
    rng.shuffle(names)
    taken: set[str] = set()
    terms = []
    for name in names:
        shape = rng.randrange(8)
        abbr = _abbreviation(name, taken) if shape in (2, 3) else None
        kind = rng.choice(_DEF_KINDS)
        article = "an" if kind[0] in "aeiou" else "a"
        definition = (
            f"{article} {kind} that {rng.choice(_DEF_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_TAILS)}"
        )
        terms.append(_Term(name, abbr, shape, definition))
    return terms


def _plan_notes(rng: random.Random, n_notes: int, n_terms: int) -> list[_Note]:
    folders = _folders(rng)
    titles = _unique_names(rng, n_notes, [_ADJECTIVES, _NOUNS, _KINDS])
    notes: list[_Note] = []
    paths: set[tuple[str, str]] = set()
    for i, title in enumerate(titles):
        folder = rng.choice(folders)
        stem = title
        # ~2% share their name with a note in another folder, as real vaults do.
        if notes and rng.random() < 0.02:
            other = notes[rng.randrange(len(notes))]
            if (folder, other.stem) not in paths:
                stem = other.stem
        paths.add((folder, stem))
        noun = title.split()[1]
        other_noun = rng.choice(_NOUNS)
        h2s = rng.sample(_H2, rng.randint(3, 4))
        sections = [
            (
                h.format(n=noun.lower(), m=other_noun.lower()),
                rng.sample(_H3, rng.randint(0, 2)),
            )
            for h in h2s
        ]
        if not any(subs for _, subs in sections):
            sections[0] = (sections[0][0], [rng.choice(_H3)])
        blocks = [f"b{i:x}{k}" for k in range(2)]
        notes.append(_Note(folder, stem, noun, sections, blocks, cjk=rng.random() < 0.1))
    for term in range(n_terms):
        notes[rng.randrange(n_notes)].terms.append(term)
    return notes


# --- writing one note ------------------------------------------------------------------------


class _Writer:
    """Builds the text of notes from the plan; one instance per vault."""

    def __init__(self, rng: random.Random, notes: list[_Note], terms: list[_Term]) -> None:
        self.rng = rng
        self.notes = notes
        self.terms = terms
        self.sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_TAILS)}."
            for _ in range(3000)
        ]
        self.by_folder: dict[str, list[int]] = {}
        for i, note in enumerate(notes):
            self.by_folder.setdefault(note.folder, []).append(i)
        self.missing = 0

    # links -----------------------------------------------------------------------------

    def _target(self, me: int) -> _Note:
        rng = self.rng
        if rng.random() < 0.3:
            near = self.by_folder[self.notes[me].folder]
            pick = near[rng.randrange(len(near))]
        else:
            pick = rng.randrange(len(self.notes))
        if pick == me:
            pick = (pick + 1) % len(self.notes)
        return self.notes[pick]

    def link(self, me: int, *, in_table: bool = False) -> str:
        rng = self.rng
        t = self._target(me)
        h2 = t.sections[rng.randrange(len(t.sections))][0]
        form = rng.randrange(11)
        if form == 1 and not in_table:
            return f"[[{t.stem}|{t.noun.lower()} notes]]"
        if form == 2:
            return f"[[{t.stem}#{h2}]]"
        if form == 3:
            with_sub = [(a, b) for a, b in t.sections if b]
            if with_sub:
                a, b = with_sub[rng.randrange(len(with_sub))]
                return f"[[{t.stem}#{a}#{b[0]}]]"
        if form == 4:
            return f"[[{t.stem}#^{rng.choice(t.blocks)}]]"
        if form == 5:
            own = self.notes[me].sections
            return f"[[#{own[rng.randrange(len(own))][0]}]]"
        if form == 6:
            return f"[[{t.folder}/{t.stem}]]"
        if form == 7:
            return f"[[{t.stem}.md]]"
        if form == 8:
            same = t.folder == self.notes[me].folder
            target = f"{t.stem}.md" if same else t.path
            return f"[{t.stem}]({quote(target)})"
        if form == 9 and rng.random() < 0.03:
            self.missing += 1
            return f"[[Missing Topic {self.missing}]]"
        return f"[[{t.stem}]]"

    def embed(self, me: int) -> str:
        rng = self.rng
        t = self._target(me)
        roll = rng.random()
        if roll < 0.12:
            return f"![[{t.stem}]]"
        if roll < 0.35:
            return f"![[{t.stem}#{t.sections[0][0]}]]"
        if roll < 0.6:
            return f"![[{t.stem}#^{t.blocks[0]}]]"
        if roll < 0.95:
            image = rng.choice(_IMAGES)
            size = rng.choice(("", "", "|300", "|300x200"))
            return f"![[{image}{size}]]"
        return f"![[{rng.choice(_MISSING_IMAGES)}]]"

    # prose -----------------------------------------------------------------------------

    def sentence(self) -> str:
        return self.sentences[self.rng.randrange(len(self.sentences))]

    def mention(self) -> str:
        rng = self.rng
        t = self.terms[rng.randrange(len(self.terms))].mention(rng)
        u = self.terms[rng.randrange(len(self.terms))].mention(rng)
        return rng.choice(_MENTIONS).format(t=t, u=u)

    def paragraph(self, me: int, note: _Note, footnotes: list[str], block: str | None) -> str:
        rng = self.rng
        parts = [self.sentence() for _ in range(rng.randint(2, 4))]
        parts.insert(rng.randrange(len(parts) + 1), self.mention())
        if rng.random() < 0.7:
            parts.append(f"See {self.link(me)} for the details.")
        if rng.random() < 0.3:
            parts.append(f"Related: {self.link(me)} and {self.link(me)}.")
        roll = rng.random()
        if roll < 0.15:
            parts[0] = f"=={parts[0][:-1]}== (worth remembering)."
        elif roll < 0.25:
            parts.append(f"%%check this against {note.noun.lower()} later%%")
        elif roll < 0.33:
            parts.append(f"The usual form is {rng.choice(_INLINE_MATH)} here.")
        elif roll < 0.4:
            parts.append(f"Filed under #{_tag(note)} for now.")
        if rng.random() < 0.12:
            footnotes.append(self.sentence())
            parts[-1] += f"[^{len(footnotes)}]"
        elif rng.random() < 0.05:
            parts[-1] += f"^[{self.sentence()[:-1]}]"
        text = " ".join(parts)
        return f"{text} ^{block}" if block else text

    def feature(self, me: int, note: _Note) -> str:
        rng = self.rng
        kind = rng.randrange(13)
        k = rng.randint(2, 9)
        if kind == 0:
            code = rng.choice(_PYTHON).format(f=note.noun.lower(), c=note.noun, k=k)
            return f"```python\n{code}```"
        if kind == 1:
            code = rng.choice(_BASH).format(f=note.noun.lower(), k=k * 8)
            return f"```bash\n{code}\n```"
        if kind == 2:
            return f"$$\n{rng.choice(_DISPLAY_MATH)}\n$$"
        if kind == 3:
            rows = [
                f"| {rng.choice(_ADJECTIVES)} | {rng.randint(1, 99)}.{rng.randint(0, 9)} "
                f"| {self.link(me, in_table=True)} |"
                for _ in range(rng.randint(2, 4))
            ]
            return "| Variant | Score | Notes |\n| --- | ---: | --- |\n" + "\n".join(rows)
        if kind == 4:
            items = [self.sentence() for _ in range(rng.randint(2, 4))]
            label = rng.choice(("Checklist", "Steps", "Things to try", "Takeaways"))
            return f"**{label}**\n" + "\n".join(f"\t- {s}" for s in items)
        if kind == 5:
            items = [self.sentence() for _ in range(rng.randint(2, 4))]
            done = ("x", " ")
            return "\n".join(f"- [{rng.choice(done)}] {s}" for s in items)
        if kind == 6 and rng.random() < 0.4:
            return (
                "```mermaid\nflowchart LR\n"
                f"    A[{note.noun}] --> B[{rng.choice(_NOUNS)}]\n"
                f"    B --> C[{rng.choice(_NOUNS)}]\n    A --> C\n```"
            )
        if kind == 7:
            return self.embed(me)
        if kind in (8, 9, 10):
            return self.callout(me, note)
        if kind == 11:
            return f"%%\nTODO: {self.sentence()}\n{self.sentence()}\n%%"
        items = [f"{self.sentence()[:-1]}, see {self.link(me)}." for _ in range(rng.randint(2, 3))]
        return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))

    def callout(self, me: int, note: _Note) -> str:
        rng = self.rng
        kind = rng.choice(_CALLOUT_TYPES)
        fold = rng.choice(("", "", "", "-", "+"))
        title = rng.choice(("", f"About {note.noun.lower()}", "Remember", "From the lecture"))
        lines = [f"> [!{kind}]{fold} {title}".rstrip()]
        lines += [f"> {self.sentence()}" for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.3:
            lines.append(f"> Also {self.link(me)}.")
        if rng.random() < 0.2:
            inner = rng.choice(_CALLOUT_TYPES)
            lines += [">", f"> > [!{inner}] Nested", f"> > {self.sentence()}"]
        return "\n".join(lines)

    def definition(self, term: _Term) -> str:
        d = term.definition
        cap = d[0].upper() + d[1:] + "."
        name, abbr = term.name, term.abbr
        shape = term.shape
        if shape == 0:
            return f"**{name}**: {cap}"
        if shape == 1:
            return f"**{name}:** {cap}"
        if shape == 2:
            return f"{name} (**{abbr}**): {cap}"
        if shape == 3:
            return f"**{name} ({abbr})**: {cap}"
        if shape == 4:
            return f"**{name}**\n{cap}"
        if shape == 5:
            return f"**What is {name}?** {cap}"
        if shape == 6:
            return f"{name}\n: {cap}"
        return f"**{name}** is {d}."

    def cjk_paragraph(self) -> str:
        picks = self.rng.sample(_CJK_SENTENCES, self.rng.randint(2, 3))
        return "".join(picks)

    def frontmatter(self, i: int, note: _Note) -> str:
        rng = self.rng
        lines = ["---"]
        if rng.random() < 0.3:
            lines.append(f"title: {note.stem}")
        if rng.random() < 0.3:
            lines.append(f"aliases: [{note.noun} {rng.choice(_KINDS).lower()} {i}]")
        if note.cjk and rng.random() < 0.5:
            lines.append('tags: "#笔记"')
        else:
            tags = sorted({_tag(note), rng.choice(("review", "todo/later", "llm", "exam"))})
            lines.append("tags:")
            lines += [f"  - {t}" for t in tags]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        lines.append(f"created: 2023-{month:02d}-{day:02d}")
        if note.cjk:
            lines.append(f"updated: 2024年{month}月{day}日")
            lines.append(f"author: {rng.choice(_CJK_NAMES)}")
            lines.append(f"status: {rng.choice(_CJK_STATUS)}")
        elif rng.random() < 0.2:
            lines.append(f"rating: {rng.randint(1, 5)}")
        # Fields for queries to read, from their own stream so the rest of the vault is as
        # it was before they existed.
        extra = random.Random(i)
        if not note.cjk and extra.random() < 0.4:
            lines.append(f"status: {extra.choice(_STATUS)}")
            lines.append(f"difficulty: {extra.randint(1, 5)}")
        lines.append("---")
        return "\n".join(lines)

    def note(self, i: int) -> str:
        rng = self.rng
        note = self.notes[i]
        footnotes: list[str] = []
        out = [self.frontmatter(i, note), "", f"# {note.stem}", ""]
        out += [self.paragraph(i, note, footnotes, None), ""]
        if note.cjk:
            out += [self.cjk_paragraph(), ""]
        defs = [self.definition(self.terms[t]) for t in note.terms]
        blocks = list(note.blocks)
        for h2, h3s in note.sections:
            out += [f"## {h2}", ""]
            block = blocks.pop() if blocks and rng.random() < 0.6 else None
            out += [self.paragraph(i, note, footnotes, block), ""]
            if defs:
                out += [defs.pop(), ""]
            out += [self.feature(i, note), ""]
            for h3 in h3s:
                out += [f"### {h3}", "", self.paragraph(i, note, footnotes, None), ""]
        for leftover in defs:
            out += [leftover, ""]
        for block in blocks:  # every planned block id exists somewhere
            out += [f"- {self.sentence()} ^{block}", ""]
        cards, deck = self.cards(i, note)
        out += cards
        extra = random.Random(-i - 1)
        if extra.random() < 0.3:  # an inline field, as students log reviews
            out += [f"Last reviewed:: 2024-{extra.randint(1, 12):02d}-{extra.randint(1, 28):02d}"]
            out += [""]
        out += [f"Tags: #{_tag(note)} #{_tag(note).split('/')[0]}/review{deck}"]
        if note.cjk:
            out[-1] += " #笔记"
        out.append("")
        for n, text in enumerate(footnotes, 1):
            out.append(f"[^{n}]: {text}")
        return "\n".join(out) + "\n"

    def cards(self, i: int, note: _Note) -> tuple[list[str], str]:
        """Flashcards for about a third of the notes, in every syntax; clozes (and a
        ``#flashcards/`` deck tag) in one note in twelve. Drawn from a generator of the note's
        own, so the rest of the vault is what it was before notes had cards."""
        rng = random.Random(i * 7919 + 17)
        if rng.random() >= 0.35:
            return [], ""
        out = ["## Review", ""]
        for j in range(rng.randint(1, 3)):
            sep = ":::" if rng.random() < 0.3 else "::"
            question = f"What does the {note.noun.lower()} do in {note.stem} ({j})?"
            out.append(f"{question}{sep}It {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}.")
        out.append("")
        if rng.random() < 0.3:
            out += [f"Why does {note.stem} matter?", "?" if rng.random() < 0.7 else "??"]
            out += [f"Because {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}.", ""]
        deck = ""
        if rng.random() < 0.25:
            out += [f"In {note.stem}, ==the {note.noun.lower()}== drives ==the loss==.", ""]
            deck = f" #flashcards/{_tag(note)}"
        return out, deck

    def long_note(self, i: int, size: int) -> str:
        """Note ``i`` grown to about ``size`` bytes: its sections again and again, numbered."""
        note = self.notes[i]
        footnotes: list[str] = []
        out = [self.frontmatter(i, note), "", f"# {note.stem}", ""]
        total, part = 0, 0
        while total < size:
            part += 1
            h2, h3s = note.sections[part % len(note.sections)]
            chunk = [f"## Part {part}: {h2}", "", self.paragraph(i, note, footnotes, None), ""]
            chunk += [self.feature(i, note), ""]
            if note.cjk or part % 10 == 0:
                chunk += [self.cjk_paragraph(), ""]
            for h3 in h3s:
                chunk += [f"### {h3} ({part})", "", self.paragraph(i, note, footnotes, None), ""]
            out += chunk
            total += sum(len(c.encode("utf-8")) + 1 for c in chunk)
        out += [f"Tags: #{_tag(note)}", ""]
        out += [f"[^{n}]: {text}" for n, text in enumerate(footnotes, 1)]
        return "\n".join(out) + "\n"


def _tag(note: _Note) -> str:
    area, sub = note.folder.split("/")[:2]
    return f"{_tagify(area)}/{_tagify(sub)}"


def _tagify(text: str) -> str:
    return "-".join(text.lower().split())


# --- attachments -------------------------------------------------------------------------


def _png(width: int, height: int, tint: int) -> bytes:
    """A small RGB gradient as a valid PNG, written with the standard library only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += bytes(((x * 255) // width, (y * 255) // height, tint & 0xFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


# --- the entry point ---------------------------------------------------------------------


def generate(root: Path, n_notes: int, seed: int = 0, large: Sequence[int] = ()) -> GeneratedVault:
    """Write a vault of ``n_notes`` notes under ``root`` (created; must be empty or absent),
    and one more note per size in ``large``, of about that many bytes."""
    if n_notes < 2:
        raise ValueError("a vault needs at least two notes")
    started = time.perf_counter()
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"not empty: {root}")
    rng = random.Random(seed)
    terms = _plan_terms(rng, max(1, n_notes // 2))
    notes = _plan_notes(rng, n_notes + len(large), len(terms))
    for note, size in zip(notes[n_notes:], large, strict=True):
        note.folder = f"Long Reads/{note.folder}"
        note.stem = f"{note.stem} ({size / 1e6:g} MB)"
    writer = _Writer(rng, notes, terms)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}\n", encoding="utf-8")
    assets = root / "assets"
    assets.mkdir()
    for k, name in enumerate(_IMAGES):
        (assets / name).write_bytes(_png(32 + 8 * k, 24, 40 * k))
    made: set[str] = set()
    total = 0
    for i, note in enumerate(notes):
        if note.folder not in made:
            (root / note.folder).mkdir(parents=True, exist_ok=True)
            made.add(note.folder)
        grown = i - n_notes
        data = (writer.note(i) if grown < 0 else writer.long_note(i, large[grown])).encode()
        (root / note.path).write_bytes(data)
        total += len(data)
    tags = sorted({_tag(n) for n in notes})
    return GeneratedVault(
        root=root,
        notes=[n.path for n in notes],
        terms=[t.name for t in terms],
        abbreviations=[t.abbr for t in terms if t.abbr],
        tags=tags,
        large=[n.path for n in notes[n_notes:]],
        total_bytes=total,
        seconds=time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", type=Path)
    parser.add_argument("n_notes", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--large", default="", help="sizes of long notes in bytes, e.g. 1e6,4e6")
    args = parser.parse_args(argv)
    large = [int(float(s)) for s in args.large.split(",") if s]
    vault = generate(args.root, args.n_notes, args.seed, large)
    print(
        f"{len(vault.notes)} notes, {len(vault.terms)} terms, "
        f"{vault.total_bytes / 1e6:.1f} MB in {vault.seconds:.2f} s -> {vault.root}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
