"""What a reader does in the browser: hover terms and links, search, switch theme, graph."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

Tab = Any  # a Page carrying .base and .problems (see conftest)


def open_note(page: Tab, slug: str) -> Page:
    tab: Page = page
    tab.goto(f"{page.base}/notes/{slug}")
    return tab


def test_hovering_a_term_shows_its_definition(page: Tab) -> None:
    tab = open_note(page, "evaluation/overview")
    term = tab.locator("#note-body span.term").first
    expect(term).to_be_visible()
    term.hover()
    tooltip = tab.locator("[role=tooltip].term-tooltip")
    expect(tooltip).to_be_visible()
    slug = term.get_attribute("data-term")
    assert slug
    expect(
        tooltip.locator(f'a[href^="/notes/"], a[href^="/glossary/{slug}"]').first
    ).to_be_visible()
    box, view = tooltip.bounding_box(), tab.viewport_size
    assert box and view and box["x"] >= 0 and box["x"] + box["width"] <= view["width"]
    tab.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()


def test_focusing_a_term_with_the_keyboard_shows_its_tooltip(page: Tab) -> None:
    tab = open_note(page, "evaluation/metrics")
    for _ in range(300):  # Tab through the page the way a keyboard user would
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.matches('span.term')"):
            break
    else:
        raise AssertionError("Tab never reached a glossary term")
    tooltip = tab.locator("[role=tooltip].term-tooltip")
    expect(tooltip).to_be_visible()
    described = tab.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert described and tab.locator(f"#{described}").count() == 1
    tab.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()


def test_hovering_a_link_shows_a_preview_of_the_target(page: Tab) -> None:
    tab = open_note(page, "start-here")
    link = tab.locator("#note-body a.internal-link[data-slug]").first
    link.hover()
    preview = tab.locator(".link-preview[role=tooltip]").first
    expect(preview).to_be_visible(timeout=5000)
    expect(preview).not_to_be_empty()


def test_unlinked_mentions_load_when_their_panel_is_opened(page: Tab) -> None:
    tab = open_note(page, "architectures/transformers")
    panel = tab.locator("details.mentions-panel")
    expect(panel.locator(".ref-list")).to_have_count(0)  # folded: nothing searched yet
    with tab.expect_response("**/mentions/architectures/transformers") as answer:
        panel.locator("summary").click()
    assert answer.value.ok
    mention = panel.locator(".ref-list a.internal-link[data-slug='training/scaling-laws']")
    expect(mention).to_be_visible()
    expect(panel.locator("summary .count")).to_have_text("4")
    mention.hover()  # a link found later previews like any other
    expect(tab.locator(".link-preview[role=tooltip]").first).to_be_visible(timeout=5000)


def test_unresolved_link_preview_says_the_note_does_not_exist(page: Tab) -> None:
    tab = open_note(page, "training/scaling-laws")
    unresolved = tab.locator("#note-body .is-unresolved").first
    unresolved.hover()
    expect(tab.locator(".link-preview[role=tooltip]").first).to_contain_text("does not exist")


def test_search_as_you_type_and_open_with_enter(page: Tab) -> None:
    tab = open_note(page, "start-here")
    tab.keyboard.press("/")
    expect(tab.locator("#search-input")).to_be_focused()
    tab.keyboard.type("ruoge")
    results = tab.locator("#search-results")
    expect(results).to_be_visible()
    expect(results.locator("[role=option]").first).to_contain_text("ROUGE")
    # No note says "ruoge": the notes shown are ROUGE's, and the list says so.
    expect(results.locator(".sr-group-label").last).to_have_text("Notes for “ROUGE”")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/glossary/rouge**")


def test_ctrl_k_focuses_a_search_box_on_the_home_page(page: Tab) -> None:
    tab: Page = page
    tab.goto(page.base + "/")
    tab.keyboard.press("Control+k")
    assert tab.evaluate("document.activeElement.type") == "search"


def test_theme_toggle_switches_to_dark_and_back(page: Tab) -> None:
    tab = open_note(page, "start-here")
    background = "getComputedStyle(document.body).backgroundColor"
    before = tab.evaluate(background)
    tab.locator("#theme-toggle").click()
    after = tab.evaluate(background)
    assert before != after
    theme = tab.evaluate("document.documentElement.dataset.theme")
    tab.reload()
    assert tab.evaluate("document.documentElement.dataset.theme") == theme


def test_graph_page_draws_the_vault(page: Tab) -> None:
    tab: Page = page
    tab.goto(page.base + "/graph")
    canvas = tab.locator("#graph-canvas")
    expect(canvas).to_be_visible()
    tab.wait_for_function(
        """() => {
            const c = document.querySelector('#graph-canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size > 2;
        }"""
    )


def test_phone_width_has_no_horizontal_scrolling(page: Tab) -> None:
    tab: Page = page
    tab.set_viewport_size({"width": 390, "height": 844})
    for path in ["/", "/notes/evaluation/metrics", "/notes/fine-tuning/lora", "/glossary"]:
        tab.goto(page.base + path)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width}px"


def test_reading_works_without_javascript(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/notes/evaluation/metrics")
    expect(tab.locator("#note-body")).to_contain_text("ROUGE")
    tab.goto(server + "/search?q=lora")
    expect(tab.locator("main")).to_contain_text("LoRA")
    context.close()
