"""Canvas boards in an index run: what a board's rows say follows its file and the notes
it points at, run after run."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.db.models import Board
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import IndexState, index_vault
from studynotes.web.views.boards import boards_by_note, find_boards


def _board(*cards: dict[str, str]) -> str:
    nodes = [
        {"id": f"n{i}", "x": i * 300, "y": 0, "width": 250, "height": 100, **card}
        for i, card in enumerate(cards)
    ]
    return json.dumps({"nodes": nodes})


def test_editing_a_board_moves_its_backlinks_and_its_words(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    for name in ("Leaf", "Stem", "Root"):
        (vault / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    board = vault / "Plan.canvas"
    board.write_text(
        _board({"type": "file", "file": "Leaf.md"}, {"type": "text", "text": "Water [[Stem]]"})
    )
    settings = Settings(vault=vault, db=f"sqlite:///{tmp_path / 'index.sqlite3'}", workers=1)
    engine = open_database(settings.database_url())
    state = IndexState()  # as the server's watcher keeps it
    index_vault(settings, engine, state=state)
    with Session(engine) as db:
        before = {note: [b.name for b in refs] for note, refs in boards_by_note(db).items()}
        water = [b.name for b in find_boards(db, "water", limit=5)]

    board.write_text(_board({"type": "text", "text": "Sunlight reaches [[Root]]"}))
    (vault / "Leaf.md").unlink()
    index_vault(settings, engine, state=state)
    with Session(engine) as db:
        after = {note: [b.name for b in refs] for note, refs in boards_by_note(db).items()}
        found = [[b.name for b in find_boards(db, w, limit=5)] for w in ("water", "sunlight")]
        error = db.execute(select(Board.error)).scalar_one()

    board.write_text('{"nodes": [')
    index_vault(settings, engine, state=state)
    with Session(engine) as db:
        broken = db.execute(select(Board.error)).scalar_one()
        held = boards_by_note(db)
    engine.dispose()
    assert before == {"Leaf.md": ["Plan"], "Stem.md": ["Plan"]} and water == ["Plan"]
    assert after == {"Root.md": ["Plan"]} and found == [[], ["Plan"]] and error == ""
    assert broken.startswith("not valid JSON") and held == {}
