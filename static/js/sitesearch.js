// Search in a static site: the same answers /api/search gives (terms first, then notes;
// typos, #tags and CJK), from the JSON shards `studynotes build` writes (site/search.py).
// A keystroke loads at most the shard of its words' first two letters and the chunks of
// its best notes; each file is fetched once.
import { BASE } from "./site.js";

const FUZZY_CUTOFF = 75;
const WORD_FUZZ = 0.9;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3ffff}]/u;
const CJK_RUNS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3ffff}]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

const loaded = new Map();

function load(name) {
  if (!loaded.has(name)) {
    const request = fetch(BASE + name, { headers: { Accept: "application/json" } }).then((res) => {
      if (!res.ok) throw new Error(`search index: ${name}: ${res.status}`);
      return res.json();
    });
    request.catch(() => loaded.delete(name));
    loaded.set(name, request);
  }
  return loaded.get(name);
}

/* ---------- text, as db/search/query.py folds it ---------- */

const fold = (word) => word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
const key = (name) => name.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
const loose = (name) => (key(name).match(WORD) || []).join(" ");
const shardKey = (text) => Array.from(text).slice(0, 2).map((c) => c.codePointAt(0).toString(16)).join("-");

export function parse(q) {
  const cleaned = q.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, " ").normalize("NFKC").split(/\s+/).filter(Boolean).join(" ").slice(0, 200).trim();
  const words = [];
  const tags = [];
  for (const token of cleaned.split(" ")) {
    if (!token) continue;
    const tag = token.replace(/^#+/, "").replace(/[^\p{L}\p{N}_/-]+$/u, "").replace(/^\/+|\/+$/g, "");
    if (token.startsWith("#") && /\p{L}/u.test(tag)) {
      tags.push(tag.toLowerCase());
      continue;
    }
    const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (word) words.push(word);
  }
  return { text: cleaned, words, tags };
}

/** rapidfuzz's fuzz.ratio: 100 × 2·LCS / (|a| + |b|). */
function ratio(a, b) {
  if (!a.length && !b.length) return 100;
  const row = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return (200 * row[b.length]) / (a.length + b.length);
}

/* ---------- glossary terms (db/search/terms.py) ---------- */

let termNames = null;

async function names() {
  if (termNames) return termNames;
  const terms = await load("search/terms.json");
  const found = { terms, term: [], key: [], loose: [], words: new Map() };
  terms.forEach((t, tid) => {
    for (const name of [t[1], ...t[2]]) {
      const folded = loose(name);
      const i = found.term.length;
      found.term.push(tid);
      found.key.push(key(name));
      found.loose.push(folded);
      const parts = folded.split(" ");
      if (parts.length > 1) for (const part of new Set(parts)) found.words.set(part, [...(found.words.get(part) || []), i]);
    }
  });
  termNames = found;
  return found;
}

async function searchTerms(words, limit) {
  const n = await names();
  const phrase = words.join(" ");
  const wanted = key(phrase);
  const wantedLoose = loose(phrase);
  const best = new Map();
  const offer = (i, group, within) => {
    const tid = n.term[i];
    const had = best.get(tid);
    if (!had || group < had[0] || (group === had[0] && within < had[1])) best.set(tid, [group, within]);
  };
  n.key.forEach((k, i) => {
    if (k.startsWith(wanted)) offer(i, k === wanted ? 0 : 1, 0);
  });
  if (wantedLoose) {
    n.loose.forEach((lo, i) => {
      if (lo.startsWith(wantedLoose)) offer(i, lo === wantedLoose ? 0 : 1, 0);
      else if (` ${lo}`.includes(` ${wantedLoose}`)) offer(i, 1, 1);
    });
  }
  if (wantedLoose.length >= 3) {
    n.loose.forEach((lo, i) => {
      const score = ratio(wantedLoose, lo);
      if (score >= FUZZY_CUTOFF) offer(i, 2, -score);
    });
    for (const [word, uses] of n.words) {
      const score = ratio(wantedLoose, word);
      if (score >= FUZZY_CUTOFF / WORD_FUZZ) for (const i of uses) offer(i, 2, -score * WORD_FUZZ);
    }
  }
  const order = (tid) => {
    const [group, within] = best.get(tid);
    const t = n.terms[tid];
    return [group, t[6], within, t[1].length, t[1].toLowerCase()];
  };
  const cmp = (a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  };
  return [...best.keys()].sort(cmp).slice(0, limit).map((tid) => {
    const t = n.terms[tid];
    return { slug: t[0], term: t[1], aliases: t[2], definition: t[3], note_slug: t[4], anchor: t[5], match: ["exact", "prefix", "fuzzy"][best.get(tid)[0]] };
  });
}

/* ---------- notes ---------- */

/** What one query word asks for: the folded tokens, each with how to look it up. */
function tokensOf(words) {
  const out = [];
  words.forEach((word, w) => {
    const last = w === words.length - 1;
    for (const token of fold(word).match(WORD) || []) {
      if (!CJK.test(token)) {
        out.push({ token, prefix: last && token.length > 1, cjk: false });
        continue;
      }
      for (const rest of token.split(CJK_RUNS)) if (rest) out.push({ token: rest, prefix: false, cjk: false });
      for (const run of token.match(CJK_RUNS)) {
        const chars = Array.from(run);
        if (chars.length === 1) out.push({ token: run, prefix: false, cjk: true });
        for (let i = 0; i + 1 < chars.length; i++) out.push({ token: chars[i] + chars[i + 1], prefix: false, cjk: true });
      }
    }
  });
  return out;
}

/** note -> [weight, named] for one token (a prefix: the best of the words it starts). */
async function postings(meta, { token, prefix, cjk }) {
  const name = cjk ? `c/${shardKey(Array.from(token)[0])}` : `w/${shardKey(token)}`;
  const found = new Map();
  if (!meta.shards.includes(name)) return { found, df: 0, known: false };
  const shard = await load(`search/${name}.json`);
  const words = prefix ? Object.keys(shard).filter((w) => w.startsWith(token)) : token in shard ? [token] : [];
  let df = 0;
  for (const word of words) {
    const list = shard[word];
    df = Math.max(df, list[0]);
    for (let i = 1; i < list.length; i += 3) {
      const had = found.get(list[i]);
      if (!had || had[0] < list[i + 1]) found.set(list[i], [list[i + 1], Math.max(list[i + 2], had ? had[1] : 0)]);
    }
  }
  return { found, df, known: token in shard };
}

async function tagged(tags) {
  const all = await load("search/tags.json");
  let notes = null;
  const rank = new Map();
  for (const tag of tags) {
    const here = new Set();
    for (const [name, ids] of Object.entries(all)) {
      if (name !== tag && !name.startsWith(`${tag}/`)) continue;
      for (const id of ids) {
        here.add(id);
        if (name === tag) rank.set(id, 2);
      }
    }
    notes = notes === null ? here : new Set([...notes].filter((id) => here.has(id)));
  }
  return { notes: notes || new Set(), rank };
}

async function noteInfo(meta, id) {
  const chunk = await load(`search/n/${Math.floor(id / meta.chunk)}.json`);
  const [slug, title, path, tags, opening] = chunk[id % meta.chunk];
  return { id, slug, title, path, tags, opening };
}

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function snippet(opening, tokens) {
  const parts = tokens.map((t) => t.token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).filter(Boolean);
  if (!parts.length) return escapeHtml(opening);
  const find = new RegExp(`(${parts.join("|")})`, "giu");
  return opening.split(find).map((piece, i) => (i % 2 ? `<mark>${escapeHtml(piece)}</mark>` : escapeHtml(piece))).join("");
}

async function searchNotes(meta, query, limit) {
  const tags = query.tags.length ? await tagged(query.tags) : null;
  if (tags && !tags.notes.size) return { notes: [], known: true };
  const tokens = tokensOf(query.words);
  let scores = null;
  let known = !tokens.length;
  if (tokens.length) {
    const lists = await Promise.all(tokens.map((t) => postings(meta, t)));
    known = lists.some((l) => l.known);
    scores = new Map();
    lists.forEach(({ found, df }, i) => {
      const idf = Math.log(1 + meta.notes / Math.max(df, 1));
      const next = new Map();
      for (const [id, [weight, named]] of found) {
        if (i > 0 && !scores.has(id)) continue;
        const had = scores.get(id) || [0, 1];
        next.set(id, [had[0] + weight * idf, had[1] & named]);
      }
      scores = next;
    });
    if (tags) for (const id of [...scores.keys()]) if (!tags.notes.has(id)) scores.delete(id);
  } else {
    scores = new Map([...tags.notes].map((id) => [id, [tags.rank.get(id) || 1, 0]]));
  }
  const ranked = [...scores.entries()].map(([id, [bm, named]]) => ({ id, score: tokens.length ? named + bm / (1 + bm) : bm }));
  ranked.sort((a, b) => b.score - a.score || a.id - b.id);
  // Only the best few are read (their chunks are fetched): a note named as the query has
  // its title's words, so it is among them already.
  const top = await Promise.all(ranked.slice(0, limit + 4).map(async (r) => ({ ...(await noteInfo(meta, r.id)), score: r.score })));
  const named = loose(query.words.join(" "));
  for (const n of top) if (named && loose(n.title) === named) n.score += 1;
  top.sort((a, b) => b.score - a.score || (tokens.length ? 0 : a.title.toLowerCase().localeCompare(b.title.toLowerCase())) || a.id - b.id);
  const notes = top.slice(0, limit).map((n) => ({ slug: n.slug, title: n.title, path: n.path, tags: n.tags, snippet_html: snippet(n.opening, tokens) }));
  return { notes, known };
}

async function nearestTitle(words) {
  const wanted = loose(words);
  if (wanted.length < 4) return null;
  const titles = await load("search/titles.json");
  let best = null;
  let bestScore = FUZZY_CUTOFF;
  for (const [title, lo] of titles) {
    const score = ratio(wanted, lo);
    if (score >= bestScore && (best === null || score > bestScore)) {
      best = title;
      bestScore = score;
    }
  }
  return best;
}

/** Start loading what every search reads (the shard list, the glossary): called when the
 * reader focuses a search box, so the first keystroke waits only for its own shard. */
export function warmSearch() {
  load("search/meta.json").catch(() => {});
  names().catch(() => {});
}

const SNIPPET = 200; // characters of a board's words a hit quotes (web/views/boards.py)

/** Boards where every word starts a word of their name or of the words on them, those
 * whose name holds the words first, then by how often (as web/views/boards.py ranks them). */
async function searchBoards(meta, words, limit) {
  if (!meta.boards || !words.length) return [];
  const boards = await load("search/boards.json");
  const starts = words.map((w) => new RegExp(`(?<![\\p{L}\\p{N}_])${w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "gu"));
  const ranked = [];
  for (const [name, text, url] of boards) {
    const inName = starts.map((w) => name.toLowerCase().search(w) >= 0);
    const inText = starts.map((w) => (text.toLowerCase().match(w) || []).length);
    if (inName.some((found, i) => !found && !inText[i])) continue;
    const lines = text.split("\n").filter((line) => line.trim());
    let line = lines[0] || "";
    let at = 0;
    for (const candidate of lines) {
      const found = starts.map((w) => candidate.toLowerCase().search(w)).filter((i) => i >= 0);
      if (found.length) {
        line = candidate;
        at = Math.min(...found);
        break;
      }
    }
    let from = Math.max(0, Math.min(at - 60, line.length - SNIPPET));
    if (from) {
      const space = line.indexOf(" ", from);
      if (space >= 0 && space < at) from = space + 1;
    }
    const snippet = (from ? "…" : "") + line.slice(from, from + SNIPPET) + (from + SNIPPET < line.length ? "…" : "");
    const key = [-inName.filter(Boolean).length, -inText.reduce((a, b) => a + b, 0), name.toLowerCase()];
    ranked.push({ key, hit: { name, url, snippet } });
  }
  ranked.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2].localeCompare(b.key[2]));
  return ranked.slice(0, limit).map((r) => r.hit);
}

const answers = new Map(); // the last few queries' answers (promises), newest last
const REMEMBERED = 16;

/** The answer /api/search would give for `q`: {query, terms, notes, notes_for, boards}.
 * The search box asks at each keystroke, so the files a query reads are fetched while the
 * box waits for the reader to pause; the same question asked again shares that answer. */
export function siteSearch(q, limit = 20) {
  const asked = `${limit}\0${q}`;
  if (!answers.has(asked)) {
    const answer = search(q, limit);
    answer.catch(() => answers.delete(asked));
    answers.set(asked, answer);
    if (answers.size > REMEMBERED) answers.delete(answers.keys().next().value);
  }
  return answers.get(asked);
}

async function search(q, limit) {
  const query = parse(q);
  const empty = { query: query.text, terms: [], notes: [], notes_for: null, boards: [] };
  if (!query.words.length && !query.tags.length) return empty;
  const meta = await load("search/meta.json");
  const [terms, found, boards] = await Promise.all([
    query.words.length ? searchTerms(query.words, limit) : [],
    searchNotes(meta, query, limit),
    searchBoards(meta, query.words, limit),
  ]);
  empty.boards = boards;
  if (found.notes.length || !query.words.length) return { ...empty, terms, notes: found.notes };
  let meant = null;
  if (terms.length && terms[0].match === "fuzzy") meant = terms[0].term;
  else if (!terms.length && !found.known) meant = await nearestTitle(query.words.join(" "));
  if (meant === null) return { ...empty, terms };
  const corrected = parse([meant, ...query.tags.map((t) => `#${t}`)].join(" "));
  const again = corrected.words.length ? await searchNotes(meta, corrected, limit) : { notes: [] };
  return { ...empty, terms, notes: again.notes, notes_for: again.notes.length ? meant : null };
}
