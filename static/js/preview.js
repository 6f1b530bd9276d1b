// Link previews: hovering or focusing an internal link shows the target note (or section)
// in a popover; links inside a preview can preview in turn (a stack of popovers).
import { el, fetchJSON, focusFromPointer, placePopover } from "./dom.js";
import { previewUrl as dataUrl } from "./site.js";
import { tooltipElement } from "./tooltips.js";

const OPEN_DELAY = 300;
const CLOSE_DELAY = 280;
const LINK = "a.internal-link[data-slug], .internal-link.is-unresolved";

const stack = []; // [{ popover, anchor }], outermost first
let openTimer = 0;
let closeTimer = 0;
let pending = null;
let hovered = null;
let lastPoint = null;

function previewUrl(link) {
  return dataUrl(link.dataset.slug, link.dataset.anchor);
}

function linkFrom(target) {
  if (!(target instanceof Element)) return null;
  const link = target.closest(LINK);
  if (!link) return null;
  if (link.closest(".link-preview-title, #search-results, .search-results, #sn-tooltip")) return null;
  return link;
}

/** Index of the popover containing `node` (or whose anchor contains it); -1 for the page. */
function levelOf(node) {
  if (!(node instanceof Node)) return -1;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i].popover.contains(node)) return i;
  }
  return -1;
}

function keepLevel(node) {
  if (!(node instanceof Node)) return -1;
  const tip = tooltipElement();
  if (tip && !tip.hidden && tip.contains(node)) return stack.length - 1;
  let keep = -1;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i].popover.contains(node) || stack[i].anchor.contains(node)) {
      keep = i;
      break;
    }
  }
  return keep;
}

/** Close every popover above `level` (-1 closes them all). */
function closeFrom(level) {
  while (stack.length > level + 1) {
    const { popover, anchor } = stack.pop();
    anchor.removeAttribute("aria-describedby");
    popover.remove();
  }
}

export function closePreviews() {
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  pending = null;
  closeFrom(-1);
}

function scheduleCheck(delay = CLOSE_DELAY) {
  clearTimeout(closeTimer);
  closeTimer = setTimeout(() => {
    const keep = Math.max(keepLevel(hovered), keepLevel(document.activeElement));
    closeFrom(keep);
  }, delay);
}

function renderMessage(popover, title, text) {
  const box = el("div", "link-preview-message");
  if (title) {
    box.append(el("strong", null, title));
    box.append(document.createElement("br"));
  }
  box.append(document.createTextNode(text));
  popover.replaceChildren(box);
}

function renderPreview(popover, link, data) {
  const heading = el("p", "link-preview-title");
  const a = el("a", null, data.title);
  a.href = link.getAttribute("href");
  heading.append(a);
  const body = el("div", "link-preview-body prose");
  body.innerHTML = data.html;
  const first = body.firstElementChild;
  if (first && first.tagName === "H1" && first.textContent.trim() === String(data.title).trim()) first.remove();
  // The previewed HTML repeats ids from its own page; keep ours unique.
  for (const node of body.querySelectorAll("[id]")) node.removeAttribute("id");
  popover.replaceChildren(heading, body);
}

async function open(link) {
  const level = levelOf(link) + 1;
  if (stack[level]?.anchor === link) return;
  closeFrom(level - 1);
  const popover = el("div", "link-preview");
  popover.id = `sn-preview-${level}`;
  popover.setAttribute("role", "tooltip");
  document.body.append(popover);
  stack.push({ popover, anchor: link });
  link.setAttribute("aria-describedby", popover.id);
  const place = () => popover.isConnected && placePopover(popover, link, { point: lastPoint });
  if (link.classList.contains("is-unresolved")) {
    renderMessage(popover, link.dataset.target || link.textContent.trim(), "This note does not exist yet.");
    place();
    return;
  }
  renderMessage(popover, null, "Loading preview…");
  place();
  try {
    const data = await fetchJSON(previewUrl(link));
    if (!popover.isConnected) return;
    renderPreview(popover, link, data);
  } catch (err) {
    if (!popover.isConnected) return;
    const missing = err && err.status === 404;
    renderMessage(popover, null, missing ? "Nothing to preview here." : "The preview could not be loaded.");
  }
  place();
}

export function initPreviews() {
  document.addEventListener("pointerover", (e) => {
    hovered = e.target;
    if (e.pointerType === "touch") return; // a tap navigates
    const link = linkFrom(e.target);
    if (link) {
      lastPoint = { x: e.clientX, y: e.clientY };
      clearTimeout(closeTimer);
      if (pending !== link) {
        clearTimeout(openTimer);
        pending = link;
        openTimer = setTimeout(() => {
          pending = null;
          open(link);
        }, OPEN_DELAY);
      }
      return;
    }
    if (stack.length) {
      if (keepLevel(e.target) >= stack.length - 1) clearTimeout(closeTimer);
      else scheduleCheck();
    }
  });
  document.addEventListener("pointerout", (e) => {
    if (e.pointerType === "touch") return;
    const link = linkFrom(e.target);
    if (link && !link.contains(e.relatedTarget) && pending === link) {
      clearTimeout(openTimer);
      pending = null;
    }
    if (!e.relatedTarget) hovered = null;
    if (stack.length) scheduleCheck();
  });
  document.addEventListener("focusin", (e) => {
    const link = linkFrom(e.target);
    if (!link || focusFromPointer()) {
      if (stack.length) scheduleCheck();
      return;
    }
    lastPoint = null;
    clearTimeout(openTimer);
    pending = link;
    openTimer = setTimeout(() => {
      pending = null;
      open(link);
    }, OPEN_DELAY);
  });
  document.addEventListener("focusout", (e) => {
    const link = linkFrom(e.target);
    if (link && pending === link) {
      clearTimeout(openTimer);
      pending = null;
    }
    if (stack.length) scheduleCheck(120);
  });
  document.addEventListener("pointerdown", (e) => {
    if (stack.length && keepLevel(e.target) < 0) closePreviews();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !stack.length) return;
    const focusInside = levelOf(document.activeElement) >= 0;
    const first = stack[0].anchor;
    closePreviews();
    if (focusInside && first.isConnected) first.focus({ preventScroll: true });
  });
}
