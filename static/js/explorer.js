// The explorer: the vault's folders beside the note (a drawer on phones), operable as an
// ARIA tree. The page sends the folders open on it; a closed folder's children come from
// /api/tree when it opens. Folders the reader opened stay open on the next page.
import { fetchJSON } from "./dom.js";
import { STATIC, treeUrl } from "./site.js";

const KEY = "sn-open-folders";
const PAGE = 200; // /api/tree's page: a folder with more lists the rest on its own page
const WIDE = window.matchMedia("(min-width: 1280px)");
let groups = 0;

function remembered() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return new Set(Array.isArray(list) ? list.filter((x) => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

function remember(folder, open) {
  const set = remembered();
  if (open) set.add(folder);
  else set.delete(folder);
  try {
    localStorage.setItem(KEY, JSON.stringify([...set].slice(-200)));
  } catch {
    /* storage disabled: folders open for this page only */
  }
}

function itemFor(entry) {
  const li = document.createElement("li");
  li.setAttribute("role", "none");
  li.className = entry.kind === "folder" ? "tree-folder" : "tree-note";
  const a = document.createElement("a");
  a.setAttribute("role", "treeitem");
  a.href = entry.url;
  a.textContent = entry.name;
  if (entry.kind === "canvas") {
    li.classList.add("tree-canvas");
    const kind = document.createElement("span");
    kind.className = "tree-kind";
    kind.textContent = "canvas";
    a.append(" ", kind);
  }
  a.tabIndex = -1;
  if (entry.kind === "folder") {
    a.setAttribute("aria-expanded", "false");
    a.dataset.folder = entry.path;
  }
  li.append(a);
  return li;
}

async function load(item) {
  const folder = item.dataset.folder;
  const entries = (await fetchJSON(treeUrl(folder))).slice(0, PAGE);
  const group = document.createElement("ul");
  group.setAttribute("role", "group");
  group.id = `tree-js-${++groups}`;
  for (const entry of entries) group.append(itemFor(entry));
  const folderEntry = item.closest("li");
  if (entries.length >= PAGE) {
    const more = document.createElement("li");
    more.setAttribute("role", "none");
    more.className = "tree-more";
    const a = document.createElement("a");
    a.href = item.href;
    a.textContent = "more in this folder";
    more.append(a);
    group.append(more);
  }
  folderEntry.append(group);
  item.setAttribute("aria-owns", group.id);
  return group;
}

/** The next entries of a folder the page sent only the start of. */
async function loadMore(link) {
  const offset = Number(link.dataset.offset);
  const url = treeUrl(link.dataset.folder, offset, PAGE);
  const found = await fetchJSON(url);
  const entries = STATIC ? found.slice(offset, offset + PAGE) : found;
  const holder = link.closest("li");
  const shown = new Set(Array.from(holder.parentElement.querySelectorAll(":scope > li > a[role=treeitem]"), (a) => a.getAttribute("href")));
  for (const entry of entries) if (!shown.has(entry.url)) holder.before(itemFor(entry));
  if (entries.length < PAGE) holder.remove();
  else {
    link.dataset.offset = String(offset + entries.length);
    link.textContent = "more";
  }
}

async function setOpen(item, open, { save = true } = {}) {
  if (open && !item.getAttribute("aria-owns")) {
    item.setAttribute("aria-busy", "true");
    try {
      await load(item);
    } finally {
      item.removeAttribute("aria-busy");
    }
  }
  item.setAttribute("aria-expanded", open ? "true" : "false");
  if (save) remember(item.dataset.folder, open);
}

function visibleItems(tree) {
  return Array.from(tree.querySelectorAll("a[role=treeitem]")).filter((a) => {
    for (let g = a.closest("[role=group]"); g; g = g.parentElement.closest("[role=group]")) {
      const owner = g.parentElement.querySelector(":scope > a[role=treeitem]");
      if (owner && owner.getAttribute("aria-expanded") !== "true") return false;
    }
    return true;
  });
}

function focus(tree, item) {
  for (const a of tree.querySelectorAll("a[role=treeitem][tabindex='0']")) a.tabIndex = -1;
  item.tabIndex = 0;
  item.focus();
}

function parentItem(item) {
  const group = item.closest("li").parentElement.closest("[role=group]");
  return group ? group.parentElement.querySelector(":scope > a[role=treeitem]") : null;
}

function onKey(tree, event) {
  const item = event.target.closest("a[role=treeitem]");
  if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
  const items = visibleItems(tree);
  const at = items.indexOf(item);
  const folder = item.hasAttribute("aria-expanded");
  const open = item.getAttribute("aria-expanded") === "true";
  let handled = true;
  switch (event.key) {
    case "ArrowDown":
      if (at < items.length - 1) focus(tree, items[at + 1]);
      break;
    case "ArrowUp":
      if (at > 0) focus(tree, items[at - 1]);
      break;
    case "Home":
      focus(tree, items[0]);
      break;
    case "End":
      focus(tree, items[items.length - 1]);
      break;
    case "ArrowRight":
      if (folder && !open) setOpen(item, true).catch(() => {});
      else if (folder && open && items[at + 1]) focus(tree, items[at + 1]);
      break;
    case "ArrowLeft": {
      if (folder && open) setOpen(item, false);
      else {
        const parent = parentItem(item);
        if (parent) focus(tree, parent);
      }
      break;
    }
    case " ":
      if (folder) setOpen(item, !open).catch(() => {});
      else handled = false;
      break;
    default:
      handled = false;
  }
  if (handled) event.preventDefault();
}

function initDrawer(nav) {
  const toggle = document.querySelector(".explorer-toggle[aria-controls='explorer']");
  const close = nav.querySelector(".explorer-close");
  if (!toggle) return;
  toggle.hidden = false;
  if (close) close.hidden = false;
  const setDrawer = (open) => {
    document.body.classList.toggle("explorer-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) (nav.querySelector("[aria-current=page]") || nav.querySelector("a[role=treeitem]"))?.focus();
    else toggle.focus();
  };
  toggle.addEventListener("click", () => setDrawer(!document.body.classList.contains("explorer-open")));
  close?.addEventListener("click", () => setDrawer(false));
  document.addEventListener("click", (e) => {
    const open = document.body.classList.contains("explorer-open");
    if (open && !WIDE.matches && !nav.contains(e.target) && !toggle.contains(e.target)) setDrawer(false);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && document.body.classList.contains("explorer-open") && !WIDE.matches) setDrawer(false);
  });
}

export function initExplorer() {
  const nav = document.getElementById("explorer");
  const tree = nav?.querySelector("[role=tree]");
  if (!tree) return;
  const items = Array.from(tree.querySelectorAll("a[role=treeitem]"));
  for (const a of items) a.tabIndex = -1;
  const start = tree.querySelector("[aria-current=page]") || items[0];
  if (start) start.tabIndex = 0;
  tree.addEventListener("keydown", (e) => onKey(tree, e));
  tree.addEventListener("click", (event) => {
    const more = event.target.closest(".tree-more > a[data-offset]");
    if (more && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault(); // the rest of a large folder, here; its page stays a link away
      loadMore(more).catch(() => window.location.assign(more.href));
      return;
    }
    const item = event.target.closest("a[role=treeitem][aria-expanded]");
    if (!item || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault(); // a folder opens in place; its page is a middle-click away
    const open = item.getAttribute("aria-expanded") === "true";
    setOpen(item, !open).catch(() => {});
    focus(tree, item);
  });
  // Folders the reader opened on earlier pages, outermost first.
  const wanted = [...remembered()].sort((a, b) => a.split("/").length - b.split("/").length);
  (async () => {
    for (const folder of wanted) {
      const item = Array.from(tree.querySelectorAll("a[data-folder]")).find((a) => a.dataset.folder === folder);
      if (item && item.getAttribute("aria-expanded") !== "true") {
        try {
          await setOpen(item, true, { save: false });
        } catch {
          /* gone since: forget nothing, it may come back */
        }
      }
    }
  })();
  const current = tree.querySelector("[aria-current=page]");
  if (current && nav.scrollHeight > nav.clientHeight) {
    nav.scrollTop = Math.max(0, current.offsetTop - nav.clientHeight / 2);
  }
  initDrawer(nav);
}
