// Where the pages live. Served, every URL is as the server's routes name it. In a static
// build (`studynotes build`, <meta name="sn-site">) the site sits under a base path, each
// page a folder with index.html, and each API answer a JSON file written at build time
// (studynotes/site/api.py writes them where these functions look).

const meta = document.querySelector('meta[name="sn-site"]');

/** Whether this page is a static build's: no server to ask, no study mode, no live reload. */
export const STATIC = Boolean(meta && meta.dataset.static === "1");

/** The base path, with a slash at both ends ("/" when served). */
export const BASE = STATIC ? meta.content : "/";

/** The URL of the page the server calls `path` (a server path with ?query and #anchor). */
export function pageUrl(path) {
  if (!STATIC || !path.startsWith("/") || path.startsWith("//")) return path;
  const cut = path.search(/[?#]/);
  const bare = cut < 0 ? path : path.slice(0, cut);
  const rest = cut < 0 ? "" : path.slice(cut);
  const inner = bare.slice(1);
  return BASE + inner + (inner && !inner.endsWith("/") ? "/" : "") + rest;
}

/** 32-bit FNV-1a of the UTF-8 bytes, 8 hex digits (studynotes.site.links.fnv1a). */
export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function encodePath(path) {
  return String(path).split("/").map(encodeURIComponent).join("/");
}

function file(...parts) {
  return BASE + parts.filter((p) => p).map((p) => encodePath(p.replace(/^\/+|\/+$/g, ""))).join("/");
}

/** Where to ask for the preview of a link to `slug` at `anchor` (heading or ^block). */
export function previewUrl(slug, anchor) {
  if (STATIC) {
    if (!anchor) return file("api/preview", slug, "index.json");
    const kind = anchor.startsWith("^") ? "b" : "h";
    return file("api/preview", slug, `${kind}-${fnv1a(anchor.replace(/^\^/, ""))}.json`);
  }
  let url = `/api/preview/${encodePath(slug)}`;
  if (anchor) {
    url += anchor.startsWith("^")
      ? `?block=${encodeURIComponent(anchor.slice(1))}`
      : `?heading=${encodeURIComponent(anchor)}`;
  }
  return url;
}

export function termDataUrl(slug) {
  return STATIC ? file("api/terms", `${slug}.json`) : `/api/terms/${encodeURIComponent(slug)}`;
}

/** Where a folder's entries for the explorer are (a static site keeps a folder whole in
 * one file: the caller cuts its pages). */
export function treeUrl(folder, offset = 0, limit = 0) {
  if (STATIC) return file("api/tree", folder, "index.json");
  const params = new URLSearchParams({ folder });
  if (offset || limit) {
    params.set("offset", String(offset));
    params.set("limit", String(limit));
  }
  return `/api/tree?${params}`;
}

/** The graph JSON: the whole vault's, a folder's, a tag's or a note's neighbourhood. */
export function graphDataUrl({ folder = null, tag = null, slug = null } = {}) {
  if (STATIC) {
    if (slug !== null) return file("api/graph/note", slug, "index.json");
    if (tag) return file("api/graph/tag", tag.replace(/^#/, ""), "index.json");
    if (folder !== null) return file("api/graph/folder", folder, "index.json");
    return file("api/graph", "index.json");
  }
  const params = new URLSearchParams();
  if (slug !== null) params.set("slug", slug);
  if (folder !== null) params.set("folder", folder);
  if (tag) params.set("tag", tag);
  const query = params.toString();
  return query ? `/api/graph?${query}` : "/api/graph";
}
