"""The explorer in the browser: a tree operated by keyboard, folders loaded as they open and
remembered across pages, a drawer on phones, and a list of links without JavaScript."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from tests.browser.watch import watch

Tab = Any  # a Page carrying .base and .problems (see conftest)


def test_keyboard_opens_a_folder_and_it_stays_open_on_the_next_page(page: Tab) -> None:
    tab: Page = page
    tab.goto(page.base + "/notes/fine-tuning/lora")
    tree = tab.locator("#explorer [role=tree]")
    current = tree.locator("[aria-current=page]")
    expect(current).to_have_text("LoRA")
    alignment = tree.locator("a[data-folder='Alignment']")
    expect(alignment).to_have_attribute("aria-expanded", "false")
    expect(tree.get_by_role("treeitem", name="RLHF")).to_have_count(0)  # not sent: closed

    current.focus()
    tab.keyboard.press("Home")
    expect(alignment).to_be_focused()
    tab.keyboard.press("ArrowRight")
    expect(alignment).to_have_attribute("aria-expanded", "true")
    expect(tree.get_by_role("treeitem", name="RLHF")).to_be_visible()
    tab.keyboard.press("ArrowDown")
    expect(tree.get_by_role("treeitem", name="RLHF")).to_be_focused()
    tab.keyboard.press("ArrowLeft")  # from a child: up to its folder
    expect(alignment).to_be_focused()

    tab.goto(page.base + "/notes/evaluation/metrics")
    expect(tab.locator("#explorer a[data-folder='Alignment']")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(tab.locator("#explorer").get_by_role("treeitem", name="RLHF")).to_be_visible()
    tab.evaluate("localStorage.removeItem('sn-open-folders')")


def test_on_a_phone_the_explorer_is_a_drawer(page: Tab) -> None:
    tab: Page = page
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(page.base + "/notes/fine-tuning/lora")
    explorer = tab.locator("#explorer")
    expect(explorer).to_be_hidden()
    toggle = tab.locator(".explorer-toggle")
    toggle.click()
    expect(explorer).to_be_visible()
    expect(explorer.locator("[aria-current=page]")).to_be_focused()
    tab.keyboard.press("Escape")
    expect(explorer).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_explorer_is_a_list_of_links(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/notes/fine-tuning/lora")
    link = tab.locator("#explorer a[data-folder='Evaluation']")
    expect(link).to_be_visible()
    link.click()
    expect(tab.locator("h1")).to_have_text("Evaluation")
    context.close()


def test_a_large_vault_graph_opens_on_its_folders(
    browser: Any, session_servers: Any, tmp_path: Any
) -> None:
    # More notes than the graph draws one by one (2,000): folders first, then one folder.
    vault = tmp_path / "vault"
    for i in range(2_050):
        folder = vault / f"Topic {i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Note {i}.md").write_text(f"# Note {i}\n\nSee [[Note {(i + 1) % 2_050}]].\n")
    base = session_servers.start(vault)
    context = browser.new_context()
    tab = context.new_page()
    errors = watch(tab, base)
    tab.goto(base + "/graph")
    expect(tab.locator("#graph-status")).to_contain_text("5 folders of 2,050 notes")
    tab.goto(base + "/graph?folder=Topic 3")
    expect(tab.locator("#graph-status")).to_contain_text("410 of 2,050 notes")
    expect(tab.locator("#graph-crumbs")).to_contain_text("Whole vault")
    context.close()
    assert errors == []


def test_the_rest_of_a_large_folder_loads_in_place(
    browser: Any, session_servers: Any, tmp_path: Any
) -> None:
    vault = tmp_path / "vault" / "Week"
    vault.mkdir(parents=True)
    for i in range(1, 61):
        (vault / f"Day {i}.md").write_text(f"# Day {i}\n")
    base = session_servers.start(vault.parent)
    context = browser.new_context()
    tab = context.new_page()
    errors = watch(tab, base)
    tab.goto(base + "/notes/week/day-1")
    tree = tab.locator("#explorer [role=tree]")
    expect(tree.locator(".tree-more a")).to_have_text("20 more")
    expect(tree.get_by_role("treeitem", name="Day 60", exact=True)).to_have_count(0)
    tree.locator(".tree-more a").click()
    expect(tree.get_by_role("treeitem", name="Day 60", exact=True)).to_be_visible()
    expect(tree.locator(".tree-more")).to_have_count(0)
    assert tab.url.endswith("/notes/week/day-1")  # loaded here, not on the folder's page
    context.close()
    assert errors == []
