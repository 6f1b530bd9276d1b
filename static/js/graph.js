// Force-directed graph on <canvas>, for the whole vault (#graph-canvas on /graph) and for
// one note's neighbourhood (canvas.local-graph[data-graph-slug]).
//
// Layout: velocity Verlet in the style of d3-force (links, many-body repulsion, weak centring)
// with Barnes–Hut repulsion over a quadtree, so a tick costs O(n log n). A fixed number of
// ticks runs in small time slices (the page stays responsive), then the layout stops.
import { fetchJSON, noteUrl } from "./dom.js";
import { graphDataUrl, pageUrl } from "./site.js";

const DPR_MAX = 3;

/* ---------------- layout ---------------- */

class Layout {
  constructor(n, sources, targets, { iterations = 300, distance = 40, charge = -70, gravity = 0.06, aspect = 1 } = {}) {
    this.n = n;
    this.sources = sources;
    this.targets = targets;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.vx = new Float64Array(n);
    this.vy = new Float64Array(n);
    this.distance = distance;
    this.charge = charge;
    // Weaker pull along the longer side of the canvas, so the layout fills it.
    this.gx = gravity / aspect;
    this.gy = gravity * aspect;
    this.theta2 = 0.81;
    this.alpha = 1;
    this.alphaDecay = 1 - Math.pow(0.001, 1 / iterations);
    this.velocityKeep = 0.6;
    this.ticksLeft = iterations;
    // Deterministic start: a phyllotaxis spiral, like d3.
    const golden = Math.PI * (3 - Math.sqrt(5));
    for (let i = 0; i < n; i++) {
      const r = 10 * Math.sqrt(0.5 + i);
      const a = i * golden;
      this.x[i] = r * Math.cos(a);
      this.y[i] = r * Math.sin(a);
    }
    const count = new Float64Array(n);
    for (let e = 0; e < sources.length; e++) {
      count[sources[e]]++;
      count[targets[e]]++;
    }
    this.strength = new Float64Array(sources.length);
    this.bias = new Float64Array(sources.length);
    for (let e = 0; e < sources.length; e++) {
      const s = count[sources[e]];
      const t = count[targets[e]];
      this.strength[e] = 1 / Math.min(s, t);
      this.bias[e] = s / (s + t);
    }
    this.grow(Math.max(64, n * 4));
    this.stack = new Int32Array(256);
  }

  grow(capacity) {
    this.cap = capacity;
    this.qx = new Float64Array(capacity); // quad left
    this.qy = new Float64Array(capacity); // quad top
    this.qs = new Float64Array(capacity); // quad size
    this.qm = new Float64Array(capacity); // bodies inside
    this.qcx = new Float64Array(capacity); // sum of x
    this.qcy = new Float64Array(capacity); // sum of y
    this.qb = new Int32Array(capacity); // -1 empty leaf, >= 0 leaf body, -2 internal
    this.qc = new Int32Array(capacity * 4); // children, -1 none
  }

  quad(x, y, s) {
    if (this.qn >= this.cap) throw new RangeError("quadtree full");
    const k = this.qn++;
    this.qx[k] = x;
    this.qy[k] = y;
    this.qs[k] = s;
    this.qm[k] = 0;
    this.qcx[k] = 0;
    this.qcy[k] = 0;
    this.qb[k] = -1;
    this.qc.fill(-1, k * 4, k * 4 + 4);
    return k;
  }

  child(k, px, py) {
    const h = this.qs[k] / 2;
    const right = px >= this.qx[k] + h ? 1 : 0;
    const bottom = py >= this.qy[k] + h ? 1 : 0;
    const slot = k * 4 + right + bottom * 2;
    let c = this.qc[slot];
    if (c < 0) {
      c = this.quad(this.qx[k] + right * h, this.qy[k] + bottom * h, h);
      this.qc[slot] = c;
    }
    return c;
  }

  build() {
    const { n, x, y } = this;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (x[i] < x0) x0 = x[i];
      if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i];
      if (y[i] > y1) y1 = y[i];
    }
    const size = Math.max(x1 - x0, y1 - y0) + 1;
    for (;;) {
      try {
        this.qn = 0;
        this.quad(x0 - 0.5, y0 - 0.5, size);
        for (let i = 0; i < n; i++) this.insert(i);
        return;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        this.grow(this.cap * 2);
      }
    }
  }

  insert(i) {
    const px = this.x[i];
    const py = this.y[i];
    let k = 0;
    for (let depth = 0; ; depth++) {
      this.qm[k] += 1;
      this.qcx[k] += px;
      this.qcy[k] += py;
      const b = this.qb[k];
      if (b === -1) {
        this.qb[k] = i;
        return;
      }
      if (b >= 0) {
        if (depth > 40) return; // (nearly) the same point: its mass simply adds up here
        this.qb[k] = -2;
        const c = this.child(k, this.x[b], this.y[b]);
        this.qm[c] = 1;
        this.qcx[c] = this.x[b];
        this.qcy[c] = this.y[b];
        this.qb[c] = b;
      }
      k = this.child(k, px, py);
    }
  }

  repel(alpha) {
    const { n, x, y, vx, vy, qm, qcx, qcy, qb, qs, qc, theta2 } = this;
    const strength = this.charge * alpha;
    let stack = this.stack;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const yi = y[i];
      let fx = 0;
      let fy = 0;
      let sp = 0;
      stack[sp++] = 0;
      while (sp) {
        const k = stack[--sp];
        const m = qm[k];
        if (!m) continue;
        let dx = qcx[k] / m - xi;
        let dy = qcy[k] / m - yi;
        let l = dx * dx + dy * dy;
        const b = qb[k];
        if (b >= 0 || (qs[k] * qs[k]) / theta2 < l) {
          let mass = m;
          if (b === i) {
            if (m === 1) continue;
            mass = m - 1;
          }
          if (l === 0) {
            dx = ((i * 7919) % 13) / 13 - 0.5 || 0.1;
            dy = ((i * 104729) % 17) / 17 - 0.5 || 0.1;
            l = dx * dx + dy * dy;
          }
          if (l < 1) l = Math.sqrt(l);
          const f = (strength * mass) / l;
          fx += dx * f;
          fy += dy * f;
          continue;
        }
        if (sp + 4 > stack.length) {
          const bigger = new Int32Array(stack.length * 2);
          bigger.set(stack);
          stack = this.stack = bigger;
        }
        const base = k * 4;
        for (let c = 0; c < 4; c++) if (qc[base + c] >= 0) stack[sp++] = qc[base + c];
      }
      vx[i] += fx;
      vy[i] += fy;
    }
  }

  tick() {
    const { n, x, y, vx, vy, sources, targets, strength, bias } = this;
    this.alpha += (0 - this.alpha) * this.alphaDecay;
    const alpha = this.alpha;
    for (let e = 0; e < sources.length; e++) {
      const s = sources[e];
      const t = targets[e];
      let dx = x[t] + vx[t] - x[s] - vx[s] || 1e-3;
      let dy = y[t] + vy[t] - y[s] - vy[s] || 1e-3;
      let l = Math.sqrt(dx * dx + dy * dy);
      l = ((l - this.distance) / l) * alpha * strength[e];
      dx *= l;
      dy *= l;
      vx[t] -= dx * bias[e];
      vy[t] -= dy * bias[e];
      vx[s] += dx * (1 - bias[e]);
      vy[s] += dy * (1 - bias[e]);
    }
    if (n > 1) {
      this.build();
      this.repel(alpha);
    }
    const gx = this.gx * alpha;
    const gy = this.gy * alpha;
    for (let i = 0; i < n; i++) {
      vx[i] -= x[i] * gx;
      vy[i] -= y[i] * gy;
      vx[i] *= this.velocityKeep;
      vy[i] *= this.velocityKeep;
      x[i] += vx[i];
      y[i] += vy[i];
    }
    this.ticksLeft--;
  }
}

/* ---------------- view ---------------- */

function readColours(canvas) {
  const style = getComputedStyle(canvas);
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    node: v("--graph-node", "#888"),
    current: v("--graph-node-current", "#5b35c4"),
    hover: v("--graph-node-hover", "#5b35c4"),
    edge: v("--graph-edge", "rgba(100,100,100,.3)"),
    edgeHover: v("--graph-edge-hover", "#5b35c4"),
    label: v("--graph-label", "#222"),
    halo: v("--graph-halo", "rgba(255,255,255,.85)"),
    font: style.fontFamily || "system-ui, sans-serif",
  };
}

class GraphView {
  constructor(canvas, data, { local = false, current = null, onStatus = null } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.local = local;
    this.onStatus = onStatus;
    const nodes = data.nodes || [];
    this.nodes = nodes;
    const n = nodes.length;
    this.n = n;
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const src = [];
    const dst = [];
    for (const e of data.edges || []) {
      const s = index.get(e.source);
      const t = index.get(e.target);
      if (s === undefined || t === undefined || s === t) continue;
      src.push(s);
      dst.push(t);
    }
    // Links between notes come as pairs of node positions: a tenth of the bytes of edges.
    for (const [s, t] of data.links || []) {
      if (s === t || s < 0 || t < 0 || s >= n || t >= n) continue;
      src.push(s);
      dst.push(t);
    }
    this.src = Int32Array.from(src);
    this.dst = Int32Array.from(dst);
    this.neighbours = nodes.map(() => []);
    for (let e = 0; e < src.length; e++) {
      this.neighbours[src[e]].push(dst[e]);
      this.neighbours[dst[e]].push(src[e]);
    }
    this.degree = Float64Array.from(nodes.map((node, i) => Math.max(node.degree || 0, this.neighbours[i].length)));
    this.radius = Float64Array.from(this.degree, (d) => 2.5 + Math.sqrt(d) * 1.25);
    this.visible = new Uint8Array(n).fill(1);
    this.current = current != null && index.has(current) ? index.get(current) : -1;
    this.focus = -1;
    // Nodes with the most links get labels first when space is short.
    this.order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.degree[b] - this.degree[a]);
    const big = n > 2000;
    const box = canvas.getBoundingClientRect();
    const aspect = box.width > 0 && box.height > 0 ? box.width / box.height : 1;
    this.layout = new Layout(n, this.src, this.dst, {
      iterations: local ? 220 : big ? 180 : 300,
      distance: local ? 60 : 40,
      charge: local ? -220 : -70,
      gravity: local ? 0.12 : 0.05,
      aspect: Math.min(3, Math.max(1 / 3, aspect)),
    });
    this.view = { k: 1, tx: 0, ty: 0 };
    this.autoFit = true;
    this.colours = readColours(canvas);
    this.pointers = new Map();
    this.drag = null;
    this.pinch = null;
    this.frame = 0;
    this.resize();
    this.bind();
    this.run();
  }

  /* sizes and transforms */

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = Math.min(window.devicePixelRatio || 1, DPR_MAX);
    this.width = Math.max(1, rect.width);
    this.height = Math.max(1, rect.height);
    this.dpr = dpr;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    if (this.autoFit) this.fit(false);
    this.requestDraw();
  }

  fit(animate = true) {
    const { x, y } = this.layout;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (!this.visible[i]) continue;
      any = true;
      const r = this.radius[i];
      x0 = Math.min(x0, x[i] - r);
      x1 = Math.max(x1, x[i] + r);
      y0 = Math.min(y0, y[i] - r);
      y1 = Math.max(y1, y[i] + r);
    }
    if (!any) return;
    const pad = this.local ? 36 : 48;
    const w = Math.max(x1 - x0, 1);
    const h = Math.max(y1 - y0, 1);
    const maxK = this.local ? 1.6 : 2.5;
    const k = Math.min(maxK, Math.max(0.02, Math.min((this.width - pad * 2) / w, (this.height - pad * 2) / h)));
    this.view = {
      k,
      tx: this.width / 2 - ((x0 + x1) / 2) * k,
      ty: this.height / 2 - ((y0 + y1) / 2) * k,
    };
    if (animate) this.requestDraw();
  }

  /** The view is moving: with many edges, frames draw the nodes only until it rests. */
  moved() {
    this.moving = true;
    clearTimeout(this.restTimer);
    this.restTimer = setTimeout(() => {
      this.moving = false;
      this.requestDraw();
    }, 160);
  }

  zoomAt(sx, sy, factor) {
    const { k, tx, ty } = this.view;
    const next = Math.min(12, Math.max(0.02, k * factor));
    const wx = (sx - tx) / k;
    const wy = (sy - ty) / k;
    this.view = { k: next, tx: sx - wx * next, ty: sy - wy * next };
    this.autoFit = false;
    this.moved();
    this.requestDraw();
  }

  zoom(factor) {
    this.zoomAt(this.width / 2, this.height / 2, factor);
  }

  pan(dx, dy) {
    this.view.tx += dx;
    this.view.ty += dy;
    this.autoFit = false;
    this.moved();
    this.requestDraw();
  }

  screenRadius(i) {
    const k = this.view.k;
    return Math.max(1.6, this.radius[i] * Math.min(1.5, Math.sqrt(k)));
  }

  hit(sx, sy) {
    const { k, tx, ty } = this.view;
    const { x, y } = this.layout;
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < this.n; i++) {
      if (!this.visible[i]) continue;
      const dx = x[i] * k + tx - sx;
      const dy = y[i] * k + ty - sy;
      const d = dx * dx + dy * dy;
      const r = Math.max(this.screenRadius(i) + 4, 9);
      if (d <= r * r && d < bestD) {
        best = i;
        bestD = d;
      }
    }
    return best;
  }

  /* running the layout */

  run() {
    const step = () => {
      const start = performance.now();
      while (this.layout.ticksLeft > 0 && performance.now() - start < 12) this.layout.tick();
      if (this.autoFit) this.fit(false);
      this.draw();
      if (this.layout.ticksLeft > 0) this.raf = requestAnimationFrame(step);
      else this.raf = 0;
    };
    this.raf = requestAnimationFrame(step);
  }

  requestDraw() {
    if (this.frame || this.raf) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /* drawing */

  draw() {
    const { ctx, dpr, width, height, colours, n } = this;
    const { k, tx, ty } = this.view;
    const { x, y } = this.layout;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const focus = this.focus >= 0 ? this.focus : -1;
    const lit = new Uint8Array(n);
    if (focus >= 0) {
      lit[focus] = 1;
      for (const j of this.neighbours[focus]) lit[j] = 1;
    }
    const sx = (i) => x[i] * k + tx;
    const sy = (i) => y[i] * k + ty;

    // edges
    ctx.lineWidth = 1;
    ctx.strokeStyle = colours.edge;
    const crowd = n > 1500 ? 0.55 : 1; // thousands of edges: lighter, so nodes stay visible
    ctx.globalAlpha = (focus >= 0 ? 0.35 : 1) * crowd;
    ctx.beginPath();
    // Thousands of edges cost more than a frame: while the view moves, only the nodes.
    const edges = this.moving && this.src.length > 6000 ? 0 : this.src.length;
    for (let e = 0; e < edges; e++) {
      const s = this.src[e];
      const t = this.dst[e];
      if (!this.visible[s] || !this.visible[t]) continue;
      if (focus >= 0 && (s === focus || t === focus)) continue;
      ctx.moveTo(sx(s), sy(s));
      ctx.lineTo(sx(t), sy(t));
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (focus >= 0) {
      ctx.strokeStyle = colours.edgeHover;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const j of this.neighbours[focus]) {
        if (!this.visible[j]) continue;
        ctx.moveTo(sx(focus), sy(focus));
        ctx.lineTo(sx(j), sy(j));
      }
      ctx.stroke();
    }

    // nodes, dimmed ones first
    const margin = 20;
    const onScreen = (i) => {
      const px = sx(i);
      const py = sy(i);
      return px > -margin && py > -margin && px < width + margin && py < height + margin;
    };
    const fillNodes = (colour, alpha, pick) => {
      ctx.fillStyle = colour;
      ctx.globalAlpha = alpha;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        if (!this.visible[i] || !pick(i) || !onScreen(i)) continue;
        const r = this.screenRadius(i);
        ctx.moveTo(sx(i) + r, sy(i));
        ctx.arc(sx(i), sy(i), r, 0, Math.PI * 2);
      }
      ctx.fill();
      ctx.globalAlpha = 1;
    };
    if (focus >= 0) {
      fillNodes(colours.node, 0.25, (i) => !lit[i] && i !== this.current);
      fillNodes(colours.node, 1, (i) => lit[i] && i !== focus && i !== this.current);
    } else {
      fillNodes(colours.node, 1, (i) => i !== this.current);
    }
    if (this.current >= 0 && this.visible[this.current]) {
      fillNodes(colours.current, 1, (i) => i === this.current);
      // a ring marks "you are here"
      const r = this.screenRadius(this.current) + 3;
      ctx.strokeStyle = colours.current;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(sx(this.current), sy(this.current), r, 0, Math.PI * 2);
      ctx.stroke();
    }
    if (focus >= 0) fillNodes(colours.hover, 1, (i) => i === focus);

    this.drawLabels(lit, focus, sx, sy, onScreen);
  }

  drawLabels(lit, focus, sx, sy, onScreen) {
    const { ctx, colours, n } = this;
    const k = this.view.k;
    const size = this.local ? 12 : 12;
    ctx.font = `${size}px ${colours.font}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    const taken = [];
    const fits = (x0, y0, x1, y1) => {
      for (const b of taken) if (x0 < b[2] && x1 > b[0] && y0 < b[3] && y1 > b[1]) return false;
      return true;
    };
    const everything = n <= 60;
    const wanted = (i) => {
      if (i === focus || i === this.current) return true;
      if (focus >= 0) return lit[i] === 1;
      if (everything) return true;
      return this.screenRadius(i) >= 5.5 || (this.degree[i] >= 8 && k >= 0.45);
    };
    // focused/current first, then by degree
    const order = [];
    if (focus >= 0) order.push(focus);
    if (this.current >= 0 && this.current !== focus) order.push(this.current);
    for (const i of this.order) if (i !== focus && i !== this.current) order.push(i);
    let drawn = 0;
    const limit = 400;
    for (const i of order) {
      if (drawn >= limit) break;
      if (!this.visible[i] || !wanted(i) || !onScreen(i)) continue;
      let text = this.nodes[i].title || this.nodes[i].id;
      if (text.length > 42) text = `${text.slice(0, 40)}…`;
      const w = ctx.measureText(text).width;
      const px = sx(i);
      const py = sy(i) + this.screenRadius(i) + 3;
      const box = [px - w / 2 - 2, py - 1, px + w / 2 + 2, py + size + 2];
      const forced = i === focus || i === this.current;
      if (!forced && !fits(...box)) continue;
      taken.push(box);
      ctx.globalAlpha = focus >= 0 && !lit[i] && !forced ? 0.4 : 1;
      ctx.lineWidth = 3;
      ctx.strokeStyle = colours.halo;
      ctx.strokeText(text, px, py);
      ctx.fillStyle = colours.label;
      ctx.font = `${forced ? "600 " : ""}${size}px ${colours.font}`;
      ctx.fillText(text, px, py);
      ctx.font = `${size}px ${colours.font}`;
      drawn++;
    }
    ctx.globalAlpha = 1;
  }

  /* filtering */

  filter(query) {
    const q = query.trim().toLowerCase();
    let shown = 0;
    for (let i = 0; i < this.n; i++) {
      const node = this.nodes[i];
      let ok = true;
      if (q.startsWith("#")) {
        const tag = q.slice(1);
        ok = (node.tags || []).some((t) => {
          const name = t.toLowerCase();
          return name === tag || name.startsWith(tag);
        });
      } else if (q) {
        const folder = (node.folder || "").toLowerCase();
        const prefix = q.replace(/\/+$/, "");
        ok = folder === prefix || folder.startsWith(prefix) || (node.title || "").toLowerCase().includes(q);
      }
      this.visible[i] = ok ? 1 : 0;
      if (ok) shown++;
    }
    if (this.focus >= 0 && !this.visible[this.focus]) this.focus = -1;
    this.autoFit = true;
    this.fit();
    this.requestDraw();
    return shown;
  }

  /* interaction */

  setFocus(i) {
    if (i === this.focus) return;
    this.focus = i;
    this.canvas.classList.toggle("is-pointing", i >= 0);
    this.canvas.title = i >= 0 ? this.nodes[i].title : "";
    this.requestDraw();
  }

  open(i) {
    const node = this.nodes[i];
    if (node.kind === "folder") window.location.assign(graphUrl({ folder: node.folder }));
    else window.location.assign(node.url || noteUrl(node.id));
  }

  point(e) {
    const rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  bind() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 && e.pointerType === "mouse") return;
      const p = this.point(e);
      this.pointers.set(e.pointerId, p);
      try {
        c.setPointerCapture(e.pointerId);
      } catch {
        /* not capturable */
      }
      if (this.pointers.size === 1) {
        this.drag = { x: p.x, y: p.y, tx: this.view.tx, ty: this.view.ty, moved: false, node: this.hit(p.x, p.y), type: e.pointerType };
      } else if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        this.pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, k: this.view.k, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2, tx: this.view.tx, ty: this.view.ty };
        this.drag = null;
      }
    });
    c.addEventListener("pointermove", (e) => {
      const p = this.point(e);
      if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, p);
      if (this.pinch && this.pointers.size >= 2) {
        const [a, b] = [...this.pointers.values()];
        const d = Math.hypot(a.x - b.x, a.y - b.y) || 1;
        const k = Math.min(12, Math.max(0.02, (this.pinch.k * d) / this.pinch.d));
        const mx = (a.x + b.x) / 2;
        const my = (a.y + b.y) / 2;
        const wx = (this.pinch.mx - this.pinch.tx) / this.pinch.k;
        const wy = (this.pinch.my - this.pinch.ty) / this.pinch.k;
        this.view = { k, tx: mx - wx * k, ty: my - wy * k };
        this.autoFit = false;
        this.moved();
        this.requestDraw();
        return;
      }
      if (this.drag) {
        const dx = p.x - this.drag.x;
        const dy = p.y - this.drag.y;
        if (!this.drag.moved && Math.hypot(dx, dy) > 4) {
          this.drag.moved = true;
          c.classList.add("is-dragging");
        }
        if (this.drag.moved) {
          this.view.tx = this.drag.tx + dx;
          this.view.ty = this.drag.ty + dy;
          this.autoFit = false;
          this.moved();
          this.requestDraw();
        }
        return;
      }
      if (e.pointerType !== "touch") this.setFocus(this.hit(p.x, p.y));
    });
    const end = (e) => {
      const drag = this.drag;
      this.pointers.delete(e.pointerId);
      if (this.pointers.size < 2) this.pinch = null;
      c.classList.remove("is-dragging");
      if (e.type === "pointerup" && drag && !drag.moved && this.pointers.size === 0) {
        const p = this.point(e);
        const i = this.hit(p.x, p.y);
        if (i >= 0) {
          // A first tap on a touch screen shows the note's links; a second tap opens it.
          if (drag.type === "touch" && this.focus !== i) this.setFocus(i);
          else this.open(i);
        } else if (drag.type === "touch") {
          this.setFocus(-1);
        }
      }
      if (this.pointers.size === 0) this.drag = null;
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    c.addEventListener("pointerleave", (e) => {
      if (e.pointerType !== "touch" && !this.drag) this.setFocus(-1);
    });
    if (!this.local) {
      c.addEventListener(
        "wheel",
        (e) => {
          e.preventDefault();
          const p = this.point(e);
          const unit = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.0018;
          this.zoomAt(p.x, p.y, Math.exp(-e.deltaY * unit));
        },
        { passive: false },
      );
      c.addEventListener("keydown", (e) => {
        const keys = {
          "+": () => this.zoom(1.25),
          "=": () => this.zoom(1.25),
          "-": () => this.zoom(0.8),
          "0": () => {
            this.autoFit = true;
            this.fit();
          },
          ArrowLeft: () => this.pan(60, 0),
          ArrowRight: () => this.pan(-60, 0),
          ArrowUp: () => this.pan(0, 60),
          ArrowDown: () => this.pan(0, -60),
        };
        const action = keys[e.key];
        if (action && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          action();
        }
      });
    }
    new ResizeObserver(() => this.resize()).observe(c);
    const recolour = () => {
      this.colours = readColours(c);
      this.requestDraw();
    };
    document.addEventListener("sn:themechange", recolour);
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", recolour);
  }
}

/* ---------------- pages ---------------- */

function graphUrl({ folder = null, tag = null } = {}) {
  const params = new URLSearchParams();
  if (folder !== null) params.set("folder", folder);
  if (tag) params.set("tag", tag);
  const query = params.toString();
  return pageUrl(query ? `/graph?${query}` : "/graph");
}

/** Where this drawing sits: the whole vault, a folder inside it, or a tag. */
function crumbs(data, params) {
  const nav = document.getElementById("graph-crumbs");
  if (!nav) return;
  nav.textContent = "";
  const add = (label, href) => {
    if (nav.childNodes.length) nav.append(" / ");
    const a = document.createElement(href ? "a" : "span");
    a.textContent = label;
    if (href) a.href = href;
    else a.setAttribute("aria-current", "page");
    nav.append(a);
  };
  const folder = params.get("folder");
  const tag = params.get("tag");
  if (folder === null && !tag) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  add("Whole vault", pageUrl("/graph"));
  if (tag) add(`#${tag.replace(/^#/, "")}`, null);
  if (folder) {
    const parts = folder.split("/");
    parts.forEach((part, i) => add(part, i === parts.length - 1 ? null : graphUrl({ folder: parts.slice(0, i + 1).join("/") })));
  }
}

function initGraphPage(canvas) {
  const message = document.getElementById("graph-message");
  const status = document.getElementById("graph-status");
  const input = document.getElementById("graph-filter");
  const say = (text) => {
    if (message) message.textContent = text;
  };
  const params = new URLSearchParams(window.location.search);
  say("Loading the graph…");
  fetchJSON(graphDataUrl({ folder: params.get("folder"), tag: params.get("tag") }))
    .then((data) => {
      const total = (data.nodes || []).length;
      crumbs(data, params);
      if (!total) {
        say("There are no notes to draw here.");
        return;
      }
      say("");
      const folders = data.level === "folders";
      for (const node of data.nodes) {
        if (node.kind !== "folder") continue;
        // A folder is as big as the notes it stands for (bounded), and says how many.
        node.degree = Math.min(120, Math.round(4 * Math.sqrt(node.count || 0)));
        node.title = `${node.title} (${(node.count || 0).toLocaleString()})`;
      }
      const view = new GraphView(canvas, data);
      const whole = data.total_notes || total;
      const report = (shown) => {
        if (!status) return;
        if (folders) status.textContent = `${total} folders of ${whole.toLocaleString()} notes: open one to see its notes`;
        else if (total < whole && shown === total) status.textContent = `${total.toLocaleString()} of ${whole.toLocaleString()} notes, ${view.src.length} links`;
        else status.textContent = shown === total ? `${total} notes, ${view.src.length} links` : `Showing ${shown} of ${total} notes`;
      };
      report(total);
      let timer = 0;
      const apply = () => report(view.filter(input ? input.value : ""));
      if (input) {
        if (params.get("filter")) {
          input.value = params.get("filter");
          apply();
        }
        input.addEventListener("input", () => {
          clearTimeout(timer);
          timer = setTimeout(apply, 120);
        });
        input.form?.addEventListener("submit", (e) => {
          e.preventDefault();
          const q = input.value.trim();
          // Beyond what is drawn, a tag or a folder is asked of the server.
          if (whole > total && q.startsWith("#") && q.length > 1) window.location.assign(graphUrl({ tag: q.slice(1) }));
          else if (whole > total && q.endsWith("/")) window.location.assign(graphUrl({ folder: q.replace(/\/+$/, "") }));
          else apply();
        });
      }
      document.getElementById("graph-reset")?.addEventListener("click", () => {
        if (input) input.value = "";
        apply();
      });
      document.getElementById("graph-zoom-in")?.addEventListener("click", () => view.zoom(1.3));
      document.getElementById("graph-zoom-out")?.addEventListener("click", () => view.zoom(1 / 1.3));
      document.getElementById("graph-fit")?.addEventListener("click", () => {
        view.autoFit = true;
        view.fit();
      });
    })
    .catch(() => say("The graph could not be loaded."));
}

function initLocalGraph(canvas) {
  const slug = canvas.dataset.graphSlug;
  const start = () => {
    fetchJSON(graphDataUrl({ slug }))
      .then((data) => {
        if ((data.nodes || []).length) new GraphView(canvas, data, { local: true, current: slug });
      })
      .catch(() => {
        canvas.hidden = true;
      });
  };
  if (!("IntersectionObserver" in window)) return start();
  const seen = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        start();
      }
    },
    { rootMargin: "200px" },
  );
  seen.observe(canvas);
}

export function initGraphs() {
  const page = document.getElementById("graph-canvas");
  if (page) initGraphPage(page);
  for (const canvas of document.querySelectorAll("canvas.local-graph[data-graph-slug]")) initLocalGraph(canvas);
}

// exported for tests and benchmarks
export { Layout, GraphView };
