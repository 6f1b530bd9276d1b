// The review session (/review) and the due badge in the header. Keyboard first: Space shows
// the answer, 1-4 rate it, U undoes the last rating. On a phone: tap the card, then a button.

const RATINGS = { 1: "Again", 2: "Hard", 3: "Good", 4: "Easy" };

async function postJSON(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** The number of cards due now, over every deck, in the header's Study link. */
export async function initDueBadge() {
  const badge = document.getElementById("sn-due-badge");
  if (!badge) return;
  const res = await fetch("/api/decks", { headers: { Accept: "application/json" } });
  if (!res.ok) return;
  const decks = await res.json();
  const due = decks.filter((d) => !d.deck.includes("/")).reduce((n, d) => n + d.due, 0);
  badge.textContent = String(due);
  badge.hidden = due === 0;
  badge.setAttribute("aria-label", `${due} cards due`);
}

function typing(event) {
  const el = event.target;
  return el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

export function initReview() {
  const root = document.getElementById("sn-review");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const cardBox = $("sn-review-card");
  const front = $("sn-review-front");
  const back = $("sn-review-back");
  const ratings = $("sn-review-ratings");
  const done = $("sn-review-done");
  const undoButton = $("sn-review-undo");
  const count = $("sn-review-count");
  const source = $("sn-review-source");
  const kind = $("sn-review-kind");
  const hint = $("sn-review-hint");
  const params = new URLSearchParams();
  if (root.dataset.deck) params.set("deck", root.dataset.deck);
  if (root.dataset.note) params.set("note", root.dataset.note);
  let card = null;
  let flipped = false;
  let busy = false;
  let rated = 0;
  let undoable = 0;

  function show(next) {
    card = next;
    flipped = false;
    ratings.hidden = true;
    back.hidden = true;
    if (!card) {
      cardBox.hidden = true;
      done.hidden = false;
      root.dataset.state = "done";
      return;
    }
    done.hidden = true;
    cardBox.hidden = false;
    hint.hidden = false;
    front.innerHTML = card.front_html; // sanitised on the server, as the pages are
    back.innerHTML = card.back_html;
    kind.textContent = card.kind.replace("-", " ");
    source.textContent = `${card.note_title} (line ${card.line})`;
    source.href = card.note_url;
    root.dataset.state = "front";
    root.dataset.card = card.id;
    $("sn-review-flip").focus({ preventScroll: true });
  }

  function flip() {
    if (!card || flipped) return;
    flipped = true;
    back.hidden = false;
    hint.hidden = true;
    ratings.hidden = false;
    root.dataset.state = "back";
  }

  function status() {
    count.textContent = rated ? `${rated} rated this session` : "";
    undoButton.disabled = undoable === 0;
  }

  async function run(work) {
    if (busy) return;
    busy = true;
    try {
      await work();
    } catch (err) {
      console.warn("studynotes: review", err);
      count.textContent = "Could not reach the server; try again.";
    } finally {
      busy = false;
    }
  }

  const load = async () => {
    const res = await fetch(`/api/review/next?${params}`, { headers: { Accept: "application/json" } });
    if (!res.ok && res.status !== 204) throw new Error(`next card: ${res.status}`);
    show(res.status === 204 ? null : await res.json());
  };

  const rate = (rating) =>
    run(async () => {
      if (!card || !flipped) return;
      await postJSON("/api/review", { card_id: card.id, rating });
      rated += 1;
      undoable += 1;
      count.dataset.last = RATINGS[rating];
      status();
      await load();
      initDueBadge().catch(() => {});
    });

  const undo = () =>
    run(async () => {
      if (undoable === 0) return;
      const back = await postJSON("/api/review/undo");
      undoable -= 1;
      rated = Math.max(0, rated - 1);
      status();
      if (back) show(back);
      else await load();
      initDueBadge().catch(() => {});
    });

  $("sn-review-flip").addEventListener("click", flip);
  for (const button of ratings.querySelectorAll("button[data-rating]")) {
    button.addEventListener("click", () => rate(Number(button.dataset.rating)));
  }
  undoButton.addEventListener("click", undo);
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (event.key === " ") {
      event.preventDefault(); // no scrolling by accident while rating
      flip();
    } else if (/^[1-4]$/.test(event.key)) {
      event.preventDefault();
      rate(Number(event.key));
    } else if (event.key === "u" || event.key === "U") {
      event.preventDefault();
      undo();
    }
  });
  status();
  run(load);
}
