// Live search: "/" or Ctrl/Cmd+K focuses the search box; typing shows glossary terms and
// notes in a listbox (combobox pattern). Without JavaScript the form simply submits.
import { el, isTyping, noteUrl, termUrl } from "./dom.js";
import { initSearchPage } from "./searchpage.js";
import { STATIC, pageUrl } from "./site.js";
import { siteSearch, warmSearch } from "./sitesearch.js";

const DEBOUNCE = 80;
const LIMIT = 8;

class SearchBox {
  constructor(input, listbox) {
    this.input = input;
    this.listbox = listbox;
    this.options = [];
    this.active = -1;
    this.timer = 0;
    this.controller = null;
    this.shownFor = null;
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("focus", () => {
      if (STATIC) warmSearch();
      if (this.shownFor !== null && this.shownFor === input.value.trim() && this.options.length) this.open();
    });
    input.addEventListener("blur", () => setTimeout(() => this.close(), 120));
    // Keep focus in the input while choosing with the mouse.
    listbox.addEventListener("pointerdown", (e) => e.preventDefault());
    listbox.addEventListener("pointermove", (e) => {
      const option = e.target instanceof Element ? e.target.closest("[role=option]") : null;
      if (option) this.setActive(this.options.indexOf(option), false);
    });
  }

  schedule() {
    clearTimeout(this.timer);
    // A static site searches at once, and draws the answer after the pause.
    const q = this.input.value.trim();
    if (STATIC && q) siteSearch(q, LIMIT).catch(() => {});
    this.timer = setTimeout(() => this.run(), DEBOUNCE);
  }

  async run() {
    const q = this.input.value.trim();
    this.controller?.abort();
    if (!q) {
      this.clear();
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    try {
      const data = STATIC ? await siteSearch(q, LIMIT) : await this.ask(q, controller);
      if (controller.signal.aborted || this.input.value.trim() !== q) return;
      this.render(q, data);
    } catch (err) {
      if (err.name === "AbortError") return;
      this.render(q, null);
    }
  }

  async ask(q, controller) {
    const res = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`, {
      signal: controller.signal,
      headers: { Accept: "application/json" },
    });
    if (!res.ok) throw new Error(`search failed: ${res.status}`);
    return res.json();
  }

  option(href, className) {
    const a = el("a", `sr-option ${className}`);
    a.href = href;
    a.id = `${this.listbox.id}-opt-${this.options.length}`;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.tabIndex = -1;
    this.options.push(a);
    return a;
  }

  group(label, key) {
    const group = el("div", "sr-group");
    group.setAttribute("role", "group");
    const heading = el("div", "sr-group-label", label);
    heading.id = `${this.listbox.id}-${key}`;
    heading.setAttribute("role", "presentation");
    group.setAttribute("aria-labelledby", heading.id);
    group.append(heading);
    return group;
  }

  render(q, data) {
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const parts = [];
    const terms = data?.terms || [];
    const notes = data?.notes || [];
    if (terms.length) {
      const group = this.group("Glossary", "terms");
      for (const t of terms) {
        const a = this.option(termUrl(t.slug), "sr-term");
        const title = el("span", "sr-title");
        title.append(el("span", null, t.term));
        if (t.match) title.append(el("span", "sr-kind", t.match));
        a.append(title);
        if (t.definition) a.append(el("span", "sr-snippet", t.definition));
        group.append(a);
      }
      parts.push(group);
    }
    if (notes.length) {
      // A misspelled query finds the notes of the term it was taken for: say so.
      const label = data.notes_for ? `Notes for “${data.notes_for}”` : "Notes";
      const group = this.group(label, "notes");
      for (const n of notes) {
        const a = this.option(noteUrl(n.slug), "sr-note");
        const title = el("span", "sr-title");
        title.append(el("span", null, n.title));
        const folder = n.path.includes("/") ? n.path.slice(0, n.path.lastIndexOf("/")) : "";
        if (folder) title.append(el("span", "sr-path", folder));
        a.append(title);
        if (n.snippet_html) {
          const snippet = el("span", "sr-snippet");
          snippet.innerHTML = n.snippet_html; // escaped by the server, with <mark> around hits
          a.append(snippet);
        }
        group.append(a);
      }
      parts.push(group);
    }
    const boards = data?.boards || [];
    if (boards.length) {
      const group = this.group("Canvas boards", "boards");
      for (const b of boards) {
        const a = this.option(pageUrl(b.url), "sr-note sr-board");
        const title = el("span", "sr-title");
        title.append(el("span", null, b.name));
        title.append(el("span", "sr-kind", "canvas"));
        a.append(title);
        if (b.snippet) a.append(el("span", "sr-snippet", b.snippet));
        group.append(a);
      }
      parts.push(group);
    }
    if (!data) parts.push(el("div", "sr-empty", "Search is unavailable right now."));
    else if (!terms.length && !notes.length && !boards.length) parts.push(el("div", "sr-empty", `No notes or terms match “${q}”.`));
    const all = this.option(pageUrl(`/search?q=${encodeURIComponent(q)}`), "sr-all");
    all.textContent = `Search everything for “${q}”`;
    parts.push(all);
    this.listbox.replaceChildren(...parts);
    this.shownFor = q;
    if (document.activeElement === this.input) this.open();
  }

  open() {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  }

  clear() {
    this.close();
    this.options = [];
    this.shownFor = null;
    this.listbox.replaceChildren();
  }

  setActive(index, scroll = true) {
    if (this.active >= 0) this.options[this.active]?.setAttribute("aria-selected", "false");
    this.active = index;
    const option = this.options[index];
    if (option) {
      option.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", option.id);
      if (scroll) option.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  onKey(e) {
    const count = this.options.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!count) return;
      e.preventDefault();
      if (this.listbox.hidden) this.open();
      const step = e.key === "ArrowDown" ? 1 : -1;
      let next = this.active + step;
      if (next >= count) next = 0;
      if (next < -1) next = count - 1;
      this.setActive(next < 0 ? (step > 0 ? 0 : count - 1) : next);
    } else if (e.key === "Enter") {
      const option = !this.listbox.hidden && this.options[this.active];
      if (option) {
        e.preventDefault();
        window.location.assign(option.href);
      }
      // otherwise the form submits to /search?q=
    } else if (e.key === "Escape") {
      if (!this.listbox.hidden) {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      } else if (this.input.value) {
        // let the browser clear the search field
      } else {
        this.input.blur();
      }
    } else if (e.key === "Home" || e.key === "End") {
      // keep caret movement in the input
    }
  }
}

function primaryInput() {
  const candidates = [document.querySelector("[data-search-primary]"), document.getElementById("search-input")];
  return candidates.find((input) => input && input.offsetParent !== null) || candidates[1];
}

export function initSearch() {
  if (STATIC) initSearchPage();
  for (const input of document.querySelectorAll("input[role=combobox][aria-controls]")) {
    const listbox = document.getElementById(input.getAttribute("aria-controls"));
    if (listbox) new SearchBox(input, listbox);
  }
  document.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const slash = e.key === "/" && !mod && !e.altKey && !isTyping(e.target);
    const ctrlK = mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k";
    if (!slash && !ctrlK) return;
    const input = primaryInput();
    if (!input) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
  // On Apple keyboards the shortcut is Cmd K.
  if (/Mac|iPhone|iPad/.test(navigator.platform || "")) {
    const input = document.getElementById("search-input");
    if (input?.placeholder.includes("Ctrl K")) input.placeholder = input.placeholder.replace("Ctrl K", "⌘K");
  }
}
