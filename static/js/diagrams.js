// Mermaid diagrams, drawn in the reader's browser by the copy of mermaid the app serves
// (static/vendor, fetched at install time). The Content-Security-Policy allows no inline
// styles, and mermaid styles its drawings with them, so it runs in a frame of our own
// whose policy allows inline styles and nothing else (/diagram-frame); the page takes the
// drawing back and applies its styles through the CSSOM, which the policy allows.
// A diagram that fails shows its source and the error; without JavaScript, the source.
import { pageUrl } from "./site.js";

let frame = null;
let ready = null;
let counter = 0;
const pending = new Map();
const sheets = new WeakMap();

function theme() {
  const set = document.documentElement.getAttribute("data-theme");
  if (set === "dark" || set === "light") return set === "dark" ? "dark" : "default";
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "default";
}

function renderer() {
  if (ready) return ready;
  ready = new Promise((resolve, reject) => {
    frame = document.createElement("iframe");
    frame.src = pageUrl("/diagram-frame");
    frame.title = "diagram renderer";
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.className = "diagram-frame";
    const timer = setTimeout(() => reject(new Error("the diagram renderer did not start")), 20000);
    window.addEventListener("message", (event) => {
      if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
      const data = event.data || {};
      if (data.type === "ready") {
        clearTimeout(timer);
        if (data.error) reject(new Error(data.error));
        else resolve();
      } else if (data.type === "drawn" && pending.has(data.id)) {
        const { resolve: done, reject: fail } = pending.get(data.id);
        pending.delete(data.id);
        if (data.error) fail(new Error(data.error));
        else done(data);
      }
    });
    document.body.append(frame);
  });
  return ready;
}

function draw(source) {
  const id = `d${++counter}`;
  return renderer().then(
    () =>
      new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        frame.contentWindow.postMessage({ type: "draw", id, source, theme: theme() }, window.location.origin);
      }),
  );
}

/** The drawing as a node of this page; its styles, sent apart, go in through the CSSOM. */
function adopt(drawing, holder) {
  const parsed = new DOMParser().parseFromString(drawing.svg, "image/svg+xml");
  const root = parsed.documentElement;
  if (!root || root.nodeName !== "svg") throw new Error("the drawing is not an SVG");
  for (const el of Array.from(root.querySelectorAll("script"))) el.remove();
  const node = document.importNode(root, true);
  for (const el of [node, ...node.querySelectorAll("[data-sn-style]")]) {
    const index = el.getAttribute("data-sn-style");
    if (index === null) continue;
    el.style.cssText = drawing.inline[Number(index)] || "";
    el.removeAttribute("data-sn-style");
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(drawing.css || "");
  const old = sheets.get(holder);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets.filter((s) => s !== old), sheet];
  sheets.set(holder, sheet);
  node.removeAttribute("height");
  node.setAttribute("role", "img");
  return node;
}

async function drawOne(pre) {
  const source = pre.dataset.source ?? pre.textContent;
  pre.dataset.source = source;
  pre.setAttribute("aria-busy", "true");
  try {
    const drawing = await draw(source);
    const figure = document.createElement("figure");
    figure.className = "mermaid-figure";
    figure.dataset.source = source;
    figure.append(adopt(drawing, figure));
    const view = document.createElement("details");
    view.className = "mermaid-source";
    const summary = document.createElement("summary");
    summary.textContent = "Diagram source";
    const code = document.createElement("pre");
    code.textContent = source;
    view.append(summary, code);
    figure.append(view);
    pre.replaceWith(figure);
  } catch (err) {
    pre.removeAttribute("aria-busy");
    pre.classList.add("mermaid-failed");
    let note = pre.nextElementSibling;
    if (!note || !note.classList.contains("mermaid-error")) {
      note = document.createElement("p");
      note.className = "mermaid-error";
      note.setAttribute("role", "note");
      pre.after(note);
    }
    note.textContent = `This diagram could not be drawn: ${err.message || err}`;
  }
}

export function initDiagrams(root = document) {
  const blocks = Array.from(root.querySelectorAll("pre.mermaid:not(.mermaid-failed)"));
  if (!blocks.length) return;
  (async () => {
    for (const pre of blocks) await drawOne(pre);
  })();
  if (!initDiagrams.watching) {
    initDiagrams.watching = true;
    new MutationObserver(() => {
      // The theme changed: draw again in its colours, from each drawing's source.
      for (const figure of document.querySelectorAll("figure.mermaid-figure")) {
        const pre = document.createElement("pre");
        pre.className = "mermaid";
        pre.textContent = figure.dataset.source;
        figure.replaceWith(pre);
      }
      initDiagrams();
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }
}
