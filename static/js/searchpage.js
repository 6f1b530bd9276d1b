// The search page of a static site: the server draws its results (templates/search.html);
// here the page is the same for every query, so its results are drawn from ?q= in the
// browser, with the template's markup, from the site's search index.
import { el, noteUrl, termUrl } from "./dom.js";
import { pageUrl } from "./site.js";
import { siteSearch } from "./sitesearch.js";

const LIMIT = 50;

function section(id, title, items) {
  const box = el("section", "result-section");
  box.setAttribute("aria-labelledby", id);
  const heading = el("h2", "section-title");
  heading.id = id;
  heading.append(...title);
  const list = el("ul", "result-list");
  list.append(...items);
  box.append(heading, list);
  return box;
}

function link(href, text, className = null) {
  const a = el("a", className, text);
  a.href = href;
  return a;
}

function termItem(t) {
  const li = el("li");
  const title = el("div", "result-title");
  title.append(link(termUrl(t.slug), t.term), el("span", "match-kind", t.match));
  li.append(title);
  if (t.aliases.length) li.append(el("p", "aliases", `Also: ${t.aliases.join(", ")}`));
  if (t.definition) li.append(el("p", "result-snippet", t.definition));
  return li;
}

function noteItem(n) {
  const li = el("li");
  const title = el("div", "result-title");
  const a = link(noteUrl(n.slug), n.title, "internal-link");
  a.dataset.slug = n.slug;
  title.append(a, el("span", "path", n.path));
  li.append(title);
  if (n.snippet_html) {
    const p = el("p", "result-snippet");
    p.innerHTML = n.snippet_html; // escaped by the index, with <mark> around hits
    li.append(p);
  }
  if (n.tags.length) {
    const tags = el("ul", "tag-list");
    for (const tag of n.tags) {
      const item = el("li");
      item.append(link(pageUrl(`/tags/${tag.split("/").map(encodeURIComponent).join("/")}`), `#${tag}`, "tag"));
      tags.append(item);
    }
    li.append(tags);
  }
  return li;
}

export function initSearchPage() {
  const input = document.getElementById("search-page-input");
  const q = new URLSearchParams(window.location.search).get("q")?.trim();
  if (!input || !q) return;
  input.value = q;
  const header = document.getElementById("search-input");
  if (header) header.value = q;
  const page = input.closest(".page-narrow");
  const heading = page.querySelector(".page-header h1");
  heading.textContent = `Results for “${q}”`;
  document.title = `Search: ${q} · studynotes`;
  siteSearch(q, LIMIT).then((data) => {
    page.querySelector(".empty-state")?.remove();
    const parts = [];
    if (!data.terms.length && !data.notes.length) {
      const empty = el("div", "empty-state");
      empty.append(el("p", null, `Nothing matches “${data.query}”.`));
      parts.push(empty);
    } else {
      const t = data.terms.length;
      const n = data.notes.length;
      parts.push(el("p", "search-summary", `${t} glossary term${t === 1 ? "" : "s"} and ${n} note${n === 1 ? "" : "s"}`));
      if (t) parts.push(section("terms-h", ["Glossary"], data.terms.map(termItem)));
      if (n) {
        const title = ["Notes"];
        if (data.notes_for) title.push(" ", el("span", "search-meant", `for “${data.notes_for}”`));
        parts.push(section("notes-h", title, data.notes.map(noteItem)));
      }
    }
    page.append(...parts);
  });
}
