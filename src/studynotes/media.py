"""Attachment kinds by file suffix: what an embed of each one becomes."""

from __future__ import annotations

IMAGE = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif"})
AUDIO = frozenset({".mp3", ".wav", ".m4a", ".ogg", ".flac", ".webm", ".3gp"})
VIDEO = frozenset({".mp4", ".mkv", ".mov", ".ogv"})
MEDIA = IMAGE | AUDIO | VIDEO | {".pdf"}


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 and "/" not in name[dot:] else ""


def is_media_name(target: str) -> bool:
    """Whether an embed target names an attachment (rendered inline) rather than a note."""
    return suffix(target) in MEDIA
