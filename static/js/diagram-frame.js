// Runs inside /diagram-frame, the one page whose policy allows inline styles (mermaid
// styles its drawings with them). It draws what the page sends and sends back SVG text.
(function () {
  var parentOrigin = window.location.origin;
  function post(message) {
    window.parent.postMessage(message, parentOrigin);
  }
  if (!window.mermaid) {
    post({ type: "ready", error: "the diagram library is not installed (run make install)" });
    return;
  }
  var lib = window.mermaid;
  var current = null;
  function use(theme) {
    if (theme === current) return;
    lib.initialize({ startOnLoad: false, securityLevel: "strict", theme: theme });
    current = theme;
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    var data = event.data || {};
    if (data.type !== "draw") return;
    use(data.theme === "dark" ? "dark" : "default");
    lib
      .render("sn-" + data.id, String(data.source))
      .then(function (result) {
        post(detach(result.svg, data.id));
      })
      .catch(function (err) {
        var message = (err && (err.message || err.str)) || String(err);
        post({ type: "drawn", id: data.id, error: message.split("\n").slice(0, 4).join(" ") });
      });
  });
  // The page's policy forbids inline styles even in markup it only parses, so they leave
  // here: the <style> text and each style attribute, the elements marked by number.
  function detach(svgText, id) {
    var holder = document.createElement("div");
    holder.innerHTML = svgText;
    var root = holder.querySelector("svg");
    if (!root) return { type: "drawn", id: id, error: "the drawing is not an SVG" };
    var css = "";
    root.querySelectorAll("style").forEach(function (style) {
      css += style.textContent + "\n";
      style.remove();
    });
    var inline = [];
    [root].concat(Array.prototype.slice.call(root.querySelectorAll("[style]"))).forEach(function (el) {
      if (!el.hasAttribute("style")) return;
      el.setAttribute("data-sn-style", String(inline.length));
      inline.push(el.getAttribute("style"));
      el.removeAttribute("style");
    });
    return { type: "drawn", id: id, svg: new XMLSerializer().serializeToString(root), css: css, inline: inline };
  }
  use("default");
  post({ type: "ready" });
})();
