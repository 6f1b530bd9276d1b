// Glossary tooltips on span.term: hover (after a short delay), keyboard focus, or tap.
// One shared tooltip element; definitions come from the page's #sn-terms JSON, else the API.
import { el, fetchJSON, focusFromPointer, lastPointerType, noteUrl, placePopover, termUrl } from "./dom.js";
import { termDataUrl } from "./site.js";

const OPEN_DELAY = 150;
const CLOSE_DELAY = 220;
const TERM = "span.term[data-term]";

let tip = null;
let current = null; // the term element the tooltip describes
let openTimer = 0;
let closeTimer = 0;
let terms = null;
let lastPoint = null;

function pageTerms() {
  if (!terms) {
    const data = document.getElementById("sn-terms");
    try {
      terms = data ? JSON.parse(data.textContent || "{}") : {};
    } catch {
      terms = {};
    }
  }
  return terms;
}

/** Forget the parsed #sn-terms block (after the page content was replaced). */
export function refreshTerms() {
  terms = null;
  if (current && !current.isConnected) close(false);
}

async function definition(slug) {
  const known = pageTerms()[slug];
  if (known) return known;
  const t = await fetchJSON(termDataUrl(slug));
  const entry = {
    term: t.term,
    definition_html: t.definition_html,
    url: termUrl(t.slug),
    source: noteUrl(t.note_slug, t.anchor),
    note_title: t.note_title,
  };
  pageTerms()[slug] = entry;
  return entry;
}

function ensureTip() {
  if (tip) return tip;
  tip = el("div", "term-tooltip");
  tip.id = "sn-tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  tip.addEventListener("pointerenter", () => clearTimeout(closeTimer));
  tip.addEventListener("pointerleave", (e) => {
    if (e.pointerType !== "touch") scheduleClose();
  });
  tip.addEventListener("focusout", (e) => {
    if (!tip.contains(e.relatedTarget) && e.relatedTarget !== current) scheduleClose();
  });
  document.body.append(tip);
  return tip;
}

function render(name, entry, state) {
  tip.replaceChildren();
  tip.append(el("p", "term-tooltip-name", entry?.term || name));
  const body = el("div", "term-tooltip-body prose");
  if (state === "loading") body.append(el("p", "term-tooltip-loading", "Loading definition…"));
  else if (state === "error") body.append(el("p", "term-tooltip-loading", "The definition could not be loaded."));
  else if (entry.definition_html) body.innerHTML = entry.definition_html;
  else body.append(el("p", "term-tooltip-loading", "This term has no definition yet."));
  tip.append(body);
  if (entry) {
    const links = el("div", "term-tooltip-source");
    const source = entry.source || entry.url;
    if (source) {
      const a = el("a", null, `Defined in ${entry.note_title || "its note"}`);
      a.href = source;
      links.append(a);
    }
    if (entry.url && entry.url !== source) {
      const g = el("a", null, "Glossary entry");
      g.href = entry.url;
      links.append(g);
    }
    if (links.childElementCount) tip.append(links);
  }
}

function place() {
  if (tip && current && !tip.hidden) placePopover(tip, current, { point: lastPoint });
}

async function open(term) {
  ensureTip();
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (current === term && !tip.hidden) return;
  if (current && current !== term) current.removeAttribute("aria-describedby");
  current = term;
  const slug = term.dataset.term;
  const name = term.textContent.trim();
  const known = pageTerms()[slug];
  render(name, known, known ? null : "loading");
  tip.hidden = false;
  term.setAttribute("aria-describedby", tip.id);
  place();
  if (known) return;
  try {
    const entry = await definition(slug);
    if (current !== term) return;
    render(name, entry, null);
  } catch {
    if (current !== term) return;
    render(name, null, "error");
  }
  place();
}

/** Close the tooltip; with `restoreFocus`, focus goes back to the term it described. */
export function close(restoreFocus = false) {
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (!tip || tip.hidden) {
    current = null;
    return;
  }
  const term = current;
  tip.hidden = true;
  current = null;
  term?.removeAttribute("aria-describedby");
  if (restoreFocus && term?.isConnected) term.focus({ preventScroll: true });
}

function scheduleClose(delay = CLOSE_DELAY) {
  clearTimeout(closeTimer);
  closeTimer = setTimeout(() => {
    const active = document.activeElement;
    if (tip?.matches(":hover") || (active && (tip?.contains(active) || active === current))) return;
    close(false);
  }, delay);
}

function termFrom(target) {
  if (!(target instanceof Element)) return null;
  const term = target.closest(TERM);
  // Terms inside the tooltip itself are not re-explained (the tooltip would jump).
  return term && !term.closest("#sn-tooltip") ? term : null;
}

export function isOpen() {
  return Boolean(tip && !tip.hidden);
}

export function tooltipElement() {
  return tip;
}

export function initTooltips() {
  document.addEventListener("pointerover", (e) => {
    if (e.pointerType === "touch") return;
    const term = termFrom(e.target);
    if (!term) return;
    lastPoint = { x: e.clientX, y: e.clientY };
    clearTimeout(closeTimer);
    if (current === term && isOpen()) return;
    clearTimeout(openTimer);
    openTimer = setTimeout(() => open(term), OPEN_DELAY);
  });
  document.addEventListener("pointerout", (e) => {
    if (e.pointerType === "touch") return;
    const term = termFrom(e.target);
    if (!term || term.contains(e.relatedTarget)) return;
    clearTimeout(openTimer);
    if (current === term) scheduleClose();
  });
  document.addEventListener("focusin", (e) => {
    const term = termFrom(e.target);
    if (!term) return;
    if (focusFromPointer()) return; // a click or tap: hover and click handle those
    lastPoint = null;
    open(term);
  });
  document.addEventListener("focusout", (e) => {
    const term = termFrom(e.target);
    if (!term || term !== current) return;
    if (tip?.contains(e.relatedTarget)) return;
    scheduleClose(120);
  });
  document.addEventListener("click", (e) => {
    const term = termFrom(e.target);
    if (term && !term.closest("a")) {
      lastPoint = { x: e.clientX, y: e.clientY };
      if (current === term && isOpen() && lastPointerType() === "touch") close(false);
      else open(term);
      return;
    }
    if (isOpen() && !tip.contains(e.target)) close(false);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !isOpen()) return;
    const inside = tip.contains(document.activeElement) || document.activeElement === current;
    close(inside);
    e.stopImmediatePropagation(); // Escape closes the topmost popup only

  });
  window.addEventListener("resize", place);
}
