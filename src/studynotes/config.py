"""Settings: defaults < ``STUDYNOTES_*`` environment variables < command-line flags."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a user can configure; flags are passed as keyword overrides."""

    model_config = SettingsConfigDict(env_prefix="STUDYNOTES_", extra="ignore")

    vault: Path = Path("notes")
    db: str | None = Field(default=None, description="SQLAlchemy URL; default: a cache file")
    glossary_folders: list[str] = Field(default_factory=lambda: ["Glossary"])
    glossary_tags: list[str] = Field(default_factory=lambda: ["glossary"])
    glossary_ignore: list[str] = Field(default_factory=list)  # phrases never taken as terms
    max_file_bytes: int = 5_000_000
    embed_depth: int = 3
    term_marks: Literal["all", "first-per-section", "first"] = "first-per-section"
    workers: int = 0  # 0: one per core
    # Study mode: the share of cards you want to still know when they come due (FSRS).
    desired_retention: float = Field(default=0.9, gt=0.5, lt=1.0)
    review_fuzz: bool = True  # spread due dates a little, so cards learnt together part
    host: str = "127.0.0.1"
    port: int = 8000
    serve_workers: int = Field(default=1, ge=1, le=64)  # server processes (``--workers``)
    # Behind a reverse proxy that authenticates: the request header naming the reader.
    reader_header: str | None = None
    # Without a proxy: a shared secret every request must carry (header, cookie or ?token=).
    token: str | None = None

    def database_url(self) -> str:
        """The configured URL, or a SQLite file in the user's cache, keyed by the vault path."""
        if self.db:
            return self.db
        return f"sqlite:///{default_db_path(self.vault)}"


def default_db_path(vault: Path) -> Path:
    """A per-vault SQLite file outside the vault, so the vault is never written to."""
    resolved = vault.expanduser().resolve()
    key = hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    name = "".join(c if c.isalnum() else "-" for c in resolved.name)[:40] or "vault"
    return Path(user_cache_dir("studynotes")) / f"{name}-{key}.sqlite3"
