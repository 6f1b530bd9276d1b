/* Runs before first paint (a classic, blocking script): marks that JavaScript is on and
   applies the reader's saved colour theme, so the page never flashes the wrong one. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var saved = localStorage.getItem("sn-theme");
    if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);
  } catch (e) {
    /* storage disabled: follow the OS preference */
  }
})();
