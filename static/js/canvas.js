// Pan and zoom a canvas board: the SVG's viewBox moves, so nodes stay crisp at any zoom.
const MIN = 0.1;
const MAX = 8;

function parseBox(text) {
  const [x, y, w, h] = text.split(/\s+/).map(Number);
  return { x, y, w, h };
}

export function initCanvas() {
  const svg = document.getElementById("canvas-board");
  if (!svg) return;
  const home = parseBox(svg.dataset.viewbox || svg.getAttribute("viewBox"));
  let box = { ...home };
  const apply = () => svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);

  // Scale about a point given as fractions (0..1) of the visible board.
  function zoom(factor, fx = 0.5, fy = 0.5) {
    const scale = home.w / (box.w / factor);
    if (scale < MIN || scale > MAX) return;
    const px = box.x + fx * box.w;
    const py = box.y + fy * box.h;
    box = { w: box.w / factor, h: box.h / factor, x: 0, y: 0 };
    box.x = px - fx * box.w;
    box.y = py - fy * box.h;
    apply();
  }

  svg.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    },
    { passive: false },
  );

  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.target.closest && e.target.closest("a")) return; // let links be clicked
    drag = { x: e.clientX, y: e.clientY, box: { ...box } };
    svg.setPointerCapture(e.pointerId);
    svg.classList.add("is-dragging");
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const per = Math.max(box.w / r.width, box.h / r.height);
    box.x = drag.box.x - (e.clientX - drag.x) * per;
    box.y = drag.box.y - (e.clientY - drag.y) * per;
    apply();
  });
  const end = () => {
    drag = null;
    svg.classList.remove("is-dragging");
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);

  document.getElementById("canvas-zoom-in")?.addEventListener("click", () => zoom(1.25));
  document.getElementById("canvas-zoom-out")?.addEventListener("click", () => zoom(1 / 1.25));
  document.getElementById("canvas-fit")?.addEventListener("click", () => {
    box = { ...home };
    apply();
  });
}
