// The "Unlinked mentions" panel of a note page folds, as in Obsidian, and finding them is a
// phrase search over the whole vault: it runs when the reader first opens the panel, from
// the same /mentions/… page a reader without JavaScript reaches by the panel's link.
export function initMentions() {
  for (const panel of document.querySelectorAll("details.mentions-panel[data-mentions]")) {
    panel.addEventListener("toggle", () => {
      if (panel.open && !panel.dataset.loaded) load(panel);
    });
  }
}

async function load(panel) {
  panel.dataset.loaded = "loading";
  const body = panel.querySelector(".mentions-body");
  try {
    const response = await fetch(panel.dataset.mentions, { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const found = page.querySelector("#mentions-list");
    if (!found) throw new Error("no mentions in the answer");
    const count = found.querySelector(".count");
    const list = found.querySelector(".ref-list, .panel-empty");
    if (count) panel.querySelector("summary h2").append(" ", document.importNode(count, true));
    body.replaceChildren(document.importNode(list, true));
    panel.dataset.loaded = "yes";
  } catch (err) {
    delete panel.dataset.loaded; // the link stays; opening again tries again
    console.warn("studynotes: unlinked mentions did not load", err);
  }
}
