"""What an index run tells its caller: counts, skipped files, warnings, timings, changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class IndexReport:
    notes: int = 0
    links: int = 0
    unresolved: int = 0
    terms: int = 0
    tags: int = 0
    attachments: int = 0
    parsed: int = 0
    rendered: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step
    changed: list[str] = field(default_factory=list)  # slugs of pages rendered anew
    deleted: list[str] = field(default_factory=list)  # slugs of notes that went away

    def lap(self, phase: str, since: float) -> float:
        """Add the time from ``since`` to now to ``phase``; returns now."""
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now

    def timings(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.phases.items())

    def summary(self) -> str:
        state = "unchanged, " if self.unchanged else f"{self.parsed} parsed, "
        return (
            f"{self.notes} notes ({state}{len(self.skipped)} skipped), {self.links} links "
            f"({self.unresolved} unresolved), {self.terms} terms, {self.tags} tags, "
            f"{self.attachments} attachments in {self.seconds:.2f} s"
        )
