"""The dashboard's queries and the canvas board, as a reader sees them in the browser."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

Tab = Any  # a Page carrying .base and .problems (see conftest)


def test_dashboard_tables_follow_an_edit_live(page: Tab, served_vault: Path) -> None:
    page.goto(f"{page.base}/notes/dashboard")
    table = page.locator("#still-to-learn + .dataview-table table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table).not_to_contain_text("LoRA")
    note = served_vault / "Fine-Tuning" / "LoRA.md"
    before = note.read_text(encoding="utf-8")
    try:
        note.write_text(before.replace("status: done", "status: learning"), encoding="utf-8")
        stamp = note.stat().st_mtime_ns + 10**9
        os.utime(note, ns=(stamp, stamp))
        # The page refreshes itself: no reload here.
        expect(table).to_contain_text("LoRA", timeout=8_000)
        expect(table.locator("tbody tr")).to_have_count(5)
    finally:
        note.write_text(before, encoding="utf-8")


def test_script_block_is_shown_not_run(page: Tab) -> None:
    page.goto(f"{page.base}/notes/dashboard")
    expect(page.locator(".dataview-js-note")).to_contain_text("never run here")
    expect(page.locator(".dataview-js code")).to_contain_text("dv.list")


def test_canvas_board_pans_and_zooms(page: Tab) -> None:
    page.goto(f"{page.base}/notes/dashboard")
    page.locator("a.canvas-embed").click()
    page.wait_for_url("**/canvas/Study%20Map.canvas")
    board = page.locator("#canvas-board")
    expect(board).to_be_visible()
    expect(board.locator(".canvas-file")).to_have_count(6)  # five notes, one image
    expect(board).to_contain_text("How the notes fit")
    home = board.get_attribute("viewBox")
    page.locator("#canvas-zoom-in").click()
    zoomed = board.get_attribute("viewBox")
    assert zoomed != home
    assert float(zoomed.split()[2]) < float(home.split()[2])  # a narrower view: zoomed in
    box = board.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 40)
    page.mouse.up()
    assert board.get_attribute("viewBox") != zoomed  # dragged: panned
    page.locator("#canvas-fit").click()
    assert board.get_attribute("viewBox") == home


def test_a_link_on_a_board_card_opens_its_note_and_previews_it(page: Tab) -> None:
    page.goto(f"{page.base}/canvas/Study%20Map.canvas")
    link = page.locator("#canvas-board .canvas-text a.internal-link[data-slug]").first
    expect(link).to_have_text("low-rank adapters")
    link.hover()
    preview = page.locator(".link-preview[role=tooltip]").first
    expect(preview).to_be_visible(timeout=5000)
    expect(preview).to_contain_text("LoRA")
    link.click()
    page.wait_for_url("**/notes/fine-tuning/lora")


def test_the_search_box_and_the_explorer_offer_a_board(page: Tab) -> None:
    page.goto(f"{page.base}/notes/fine-tuning/lora")
    box = page.locator("#search-input")
    box.fill("cheapest start")  # words on one of the board's text cards
    found = page.locator('[role="listbox"] .sr-board')
    expect(found).to_have_count(1, timeout=5000)
    expect(found).to_contain_text("Study Map")
    found.click()
    page.wait_for_url("**/canvas/Study%20Map.canvas")
    page.goto(f"{page.base}/notes/dashboard")
    entry = page.locator('.tree a[href="/canvas/Study%20Map.canvas"]')
    expect(entry).to_contain_text("Study Map")
    expect(entry.locator(".tree-kind")).to_have_text("canvas")
