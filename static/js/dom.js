// Small shared helpers: URLs, cached JSON fetches, popover placement.
import { pageUrl } from "./site.js";

/** A vault slug as a URL path, each segment escaped (mirrors studynotes.urls.note_url). */
export function encodePath(slug) {
  return String(slug).split("/").map(encodeURIComponent).join("/");
}

export function noteUrl(slug, anchor) {
  const base = `/notes/${encodePath(slug)}`;
  return pageUrl(anchor ? `${base}#${encodeURIComponent(anchor).replace(/%5E/g, "^")}` : base);
}

export function termUrl(slug) {
  return pageUrl(`/glossary/${encodeURIComponent(slug)}`);
}

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const cache = new Map();

/** GET a JSON document; successful responses are cached for the life of the page. */
export function fetchJSON(url, { signal, fresh = false } = {}) {
  if (!fresh && !signal && cache.has(url)) return cache.get(url);
  const request = fetch(url, { signal, headers: { Accept: "application/json" } }).then(async (res) => {
    if (!res.ok) {
      let detail = res.statusText;
      try {
        detail = (await res.json()).detail || detail;
      } catch {
        /* not JSON */
      }
      throw new HttpError(res.status, detail);
    }
    return res.json();
  });
  if (!signal) {
    cache.set(url, request);
    request.catch(() => cache.delete(url));
  }
  return request;
}

/** Create an element with a class and optional text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** True when the event target is somewhere the reader types. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

/** The rectangle of `anchor` closest to the pointer (inline elements can wrap over lines). */
function anchorRect(anchor, point) {
  const rects = Array.from(anchor.getClientRects());
  if (!rects.length) return anchor.getBoundingClientRect();
  if (!point) return rects[0];
  let best = rects[0];
  let bestDist = Infinity;
  for (const r of rects) {
    const dx = Math.max(r.left - point.x, 0, point.x - r.right);
    const dy = Math.max(r.top - point.y, 0, point.y - r.bottom);
    const d = dx * dx + dy * dy;
    if (d < bestDist) {
      bestDist = d;
      best = r;
    }
  }
  return best;
}

/**
 * Position an absolutely positioned popover next to `anchor`, inside the viewport:
 * below when it fits (else above, else wherever there is more room), clamped left/right.
 */
export function placePopover(popover, anchor, { gap = 8, margin = 8, point = null } = {}) {
  const rect = anchorRect(anchor, point);
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  popover.style.left = "0px";
  popover.style.top = "0px";
  const width = popover.offsetWidth;
  const height = popover.offsetHeight;
  const below = vh - rect.bottom - gap - margin;
  const above = rect.top - gap - margin;
  const placeBelow = height <= below || below >= above;
  let top = placeBelow ? rect.bottom + gap : rect.top - gap - height;
  if (!placeBelow) top = Math.max(margin, top);
  let left = rect.left + Math.min(rect.width, 40) / 2 - 24;
  left = Math.min(left, vw - width - margin);
  left = Math.max(margin, left);
  popover.dataset.placement = placeBelow ? "below" : "above";
  popover.style.left = `${Math.round(left + window.scrollX)}px`;
  popover.style.top = `${Math.round(top + window.scrollY)}px`;
}

let pointerKind = "mouse";
let pointerAt = -Infinity; // no pointer yet: focus right after load is keyboard focus
window.addEventListener(
  "pointerdown",
  (e) => {
    pointerKind = e.pointerType || "mouse";
    pointerAt = performance.now();
  },
  true,
);

/** Was this focus caused by a pointer press just now (rather than the keyboard)? */
export function focusFromPointer(ms = 600) {
  return performance.now() - pointerAt < ms;
}

export function lastPointerType() {
  return pointerKind;
}

let toastTimer = 0;
/** A brief message in the page's role=status region. */
export function toast(message, ms = 3200) {
  const region = document.getElementById("sn-status");
  if (!region) return;
  region.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    region.textContent = "";
  }, ms);
}
