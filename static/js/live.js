// Live reload of the open note: the server sends {"slugs": [...], "deleted": [...]} over SSE
// when notes change; if ours did, fetch it again and swap the body in place.
import { el, encodePath, fetchJSON, toast } from "./dom.js";
import { STATIC, pageUrl } from "./site.js";

function hasTitleH1(body, title) {
  const first = body.firstElementChild;
  return Boolean(first && first.tagName === "H1" && first.textContent.trim() === title.trim());
}

function showDeleted(body) {
  if (document.getElementById("sn-deleted")) return;
  const notice = el("div", "notice");
  notice.id = "sn-deleted";
  notice.setAttribute("role", "alert");
  notice.append(el("strong", null, "This note was deleted or renamed. "));
  notice.append(document.createTextNode("You are reading the last version the server had. "));
  const home = el("a", null, "Go to the start page");
  home.href = pageUrl("/");
  notice.append(home);
  body.before(notice);
}

export function initLive({ onUpdate } = {}) {
  const body = document.getElementById("note-body");
  if (STATIC || !body || !("EventSource" in window)) return; // a static site never changes
  const slug = body.dataset.slug;
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const note = await fetchJSON(`/api/notes/${encodePath(slug)}`, { fresh: true });
      const y = window.scrollY;
      body.innerHTML = note.html;
      const dup = hasTitleH1(body, note.title);
      body.classList.toggle("has-title-h1", dup);
      const title = document.getElementById("note-title");
      if (title && title.textContent !== note.title) title.textContent = note.title;
      document.getElementById("sn-deleted")?.remove();
      onUpdate?.(note, dup);
      window.scrollTo({ top: y, behavior: "instant" });
      toast("Note updated");
    } catch (err) {
      if (err && err.status === 404) showDeleted(body);
      else console.error("studynotes: could not refresh the note", err);
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  const events = new EventSource("/api/events");
  events.addEventListener("message", (e) => {
    let message;
    try {
      message = JSON.parse(e.data);
    } catch {
      return;
    }
    if (Array.isArray(message.deleted) && message.deleted.includes(slug)) showDeleted(body);
    else if (Array.isArray(message.slugs) && message.slugs.includes(slug)) refresh();
  });
  window.addEventListener("pagehide", () => events.close());
}
