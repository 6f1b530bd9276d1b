// Table of contents: open as a sidebar on wide screens, highlight the section being read,
// and give note headings a hover anchor link.
const WIDE = window.matchMedia("(min-width: 1100px)");
let observer = null;

function addHeadingAnchors(body) {
  for (const h of body.querySelectorAll(":scope > :is(h1, h2, h3, h4, h5, h6)[id]")) {
    if (h.querySelector(".heading-anchor")) continue;
    const a = document.createElement("a");
    a.className = "heading-anchor";
    a.href = `#${encodeURIComponent(h.id)}`;
    a.setAttribute("aria-label", `Link to “${h.textContent.trim()}”`);
    a.textContent = "#";
    h.prepend(a);
  }
}

function spy(toc, body) {
  observer?.disconnect();
  const links = new Map();
  for (const a of toc.querySelectorAll("a[href^='#']")) {
    links.set(decodeURIComponent(a.getAttribute("href").slice(1)), a);
  }
  const headings = Array.from(body.querySelectorAll(":scope > :is(h1, h2, h3, h4, h5, h6)[id]")).filter((h) =>
    links.has(h.id),
  );
  if (!headings.length) return;
  const visible = new Set();
  const mark = () => {
    let current = null;
    for (const h of headings) {
      if (visible.has(h)) {
        current = h;
        break;
      }
    }
    if (!current) {
      // between headings: the last one above the viewport
      for (const h of headings) if (h.getBoundingClientRect().top < 120) current = h;
    }
    for (const [id, a] of links) {
      const on = current && id === current.id;
      a.classList.toggle("is-active", Boolean(on));
      if (on) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    }
  };
  observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) visible.add(entry.target);
        else visible.delete(entry.target);
      }
      mark();
    },
    { rootMargin: "-64px 0px -55% 0px" },
  );
  for (const h of headings) observer.observe(h);
}

/** Rebuild the list from [{level, text, anchor}] (after a live update). */
export function rebuildToc(headings, skipFirst) {
  const toc = document.getElementById("toc");
  const list = toc?.querySelector("ol");
  if (!list) return;
  const items = skipFirst ? headings.slice(1) : headings;
  const base = Math.min(...items.map((h) => h.level));
  list.replaceChildren(
    ...items.map((h) => {
      const li = document.createElement("li");
      li.className = `toc-l${h.level - base + 1}`;
      const a = document.createElement("a");
      a.href = `#${h.anchor}`;
      a.textContent = h.text;
      li.append(a);
      return li;
    }),
  );
}

export function initToc() {
  const body = document.getElementById("note-body");
  if (body) addHeadingAnchors(body);
  const toc = document.getElementById("toc");
  if (!toc || !body) return;
  if (!toc.dataset.bound) {
    toc.dataset.bound = "1";
    toc.open = WIDE.matches;
    WIDE.addEventListener("change", () => {
      toc.open = WIDE.matches;
    });
    // On phones, close the contents after jumping to a section.
    toc.addEventListener("click", (e) => {
      if (!WIDE.matches && e.target instanceof Element && e.target.closest("a")) toc.open = false;
    });
  }
  spy(toc, body);
}
