// Light/dark theme: the OS preference by default; the toggle overrides it and remembers.
const KEY = "sn-theme";
const media = window.matchMedia("(prefers-color-scheme: dark)");
const root = document.documentElement;

function saved() {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null;
  }
}

function save(value) {
  try {
    if (value) localStorage.setItem(KEY, value);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
}

/** The theme the reader sees now: "light" or "dark". */
export function currentTheme() {
  return root.dataset.theme || (media.matches ? "dark" : "light");
}

function sync(button) {
  const dark = currentTheme() === "dark";
  if (button) {
    button.setAttribute("aria-pressed", String(dark));
    button.setAttribute("aria-label", "Dark theme");
    button.title = dark ? "Switch to light theme" : "Switch to dark theme";
  }
  document.dispatchEvent(new CustomEvent("sn:themechange", { detail: { theme: currentTheme() } }));
}

function apply(choice, button) {
  if (choice) root.dataset.theme = choice;
  else delete root.dataset.theme;
  sync(button);
}

export function initTheme() {
  const button = document.getElementById("theme-toggle");
  apply(saved(), button);
  button?.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    const system = media.matches ? "dark" : "light";
    // Choosing what the OS already prefers means "follow the OS" again.
    const choice = next === system ? null : next;
    save(choice);
    apply(choice, button);
  });
  media.addEventListener("change", () => sync(button));
  window.addEventListener("storage", (e) => {
    if (e.key === KEY) apply(saved(), button);
  });
}
