// The live training page: reads the server's event stream and redraws charts, pictures and the
// confusion matrix. No library and nothing from any other address.
"use strict";
const state = {begin: null, steps: [], epochs: [], ratios: [], layers: [], end: null};
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
let pending = false;

function fmt(v, digits) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e5)) return v.toExponential(1);
  return v.toFixed(digits === undefined ? (a >= 100 ? 0 : a >= 10 ? 1 : 3) : digits);
}

// series: [{name, colour, points: [[x, y], ...], faint}]; draws axes, ticks, lines and a legend.
function chart(id, series, opts) {
  const c = document.getElementById(id), g = c.getContext("2d");
  const W = c.width, H = c.height, L = 58, R = 12, T = 24, B = 28;
  g.clearRect(0, 0, W, H);
  const log = !!opts.log;
  const tr = v => log ? Math.log10(v) : v;
  let xs = [], ys = [], count = 0;
  for (const s of series) for (const p of s.points) {
    if (p[1] === null || !isFinite(p[1]) || (log && p[1] <= 0)) continue;
    xs.push(p[0]); ys.push(tr(p[1])); count++;
  }
  c.dataset.points = String(count);
  g.font = "11px sans-serif"; g.fillStyle = "#555"; g.strokeStyle = "#ccc";
  if (count === 0) { g.fillText("no data yet", W / 2 - 30, H / 2); return; }
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (opts.zero && !log) y0 = Math.min(0, y0);
  if (opts.one && !log) y1 = Math.max(y1, Math.min(1, y1 * 1.02));
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= log ? 1 : Math.abs(y0) * 0.1 + 1e-9; y1 += log ? 1 : Math.abs(y1) * 0.1 + 1e-9; }
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R), py = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  g.beginPath(); g.moveTo(L, T); g.lineTo(L, H - B); g.lineTo(W - R, H - B); g.stroke();
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    g.fillText(log ? "1e" + y.toFixed(1) : fmt(y), 2, py(y) + 4);
    g.beginPath(); g.moveTo(L - 3, py(y)); g.lineTo(L, py(y)); g.stroke();
  }
  // x ticks on whole steps or epochs, at most five
  const every = Math.max(1, Math.ceil((x1 - x0) / 4));
  for (let x = Math.ceil(x0); x <= x1; x += every) {
    g.fillText(String(x), px(x) - 8, H - B + 14);
    g.beginPath(); g.moveTo(px(x), H - B); g.lineTo(px(x), H - B + 3); g.stroke();
  }
  g.fillText(opts.xlabel || "", W - R - 60, H - 3);
  let lx = L + 8;
  series.forEach((s, k) => {
    const colour = s.colour || COLOURS[k % COLOURS.length];
    g.strokeStyle = colour; g.globalAlpha = s.faint ? 0.35 : 1; g.lineWidth = s.faint ? 1 : 1.8;
    g.beginPath();
    let started = false;
    for (const p of s.points) {
      if (p[1] === null || !isFinite(p[1]) || (log && p[1] <= 0)) continue;
      const X = px(p[0]), Y = py(tr(p[1]));
      if (started) g.lineTo(X, Y); else { g.moveTo(X, Y); started = true; }
    }
    g.stroke();
    if (s.points.length === 1 && started) { g.fillStyle = colour; g.fillRect(px(s.points[0][0]) - 2, py(tr(s.points[0][1])) - 2, 5, 5); }
    g.globalAlpha = 1; g.lineWidth = 1; g.fillStyle = colour;
    g.fillRect(lx, 6, 10, 10); g.fillStyle = "#222"; g.fillText(s.name, lx + 13, 15);
    lx += 22 + g.measureText(s.name).width;
  });
  g.strokeStyle = "#ccc";
}

function redraw() {
  pending = false;
  const st = state.steps, ep = state.epochs, v = state.begin ? state.begin.validation : "validation";
  const xStep = s => s.g;
  chart("step-loss", [{name: "batch", points: st.map(s => [xStep(s), s.loss]), faint: true, colour: COLOURS[0]},
                      {name: "running mean", points: st.map(s => [xStep(s), s.avg_loss]), colour: COLOURS[0]}], {xlabel: "step", zero: true});
  chart("step-acc", [{name: "batch", points: st.map(s => [xStep(s), s.acc]), faint: true, colour: COLOURS[2]},
                     {name: "running mean", points: st.map(s => [xStep(s), s.avg_acc]), colour: COLOURS[2]}], {xlabel: "step", one: true});
  chart("epoch-loss", [{name: "train", points: ep.map(e => [e.epoch, e.train_loss])},
                       {name: v, points: ep.map(e => [e.epoch, e.val_loss])}], {xlabel: "epoch", zero: true});
  chart("epoch-acc", [{name: "train", points: ep.map(e => [e.epoch, e.train_acc])},
                      {name: v, points: ep.map(e => [e.epoch, e.val_acc])}], {xlabel: "epoch", one: true});
  chart("lr", [{name: "learning rate", points: st.map(s => [xStep(s), s.lr]), colour: COLOURS[4]}], {xlabel: "step", zero: true});
  chart("ips", [{name: "img/s", points: st.map(s => [xStep(s), s.ips]), colour: COLOURS[5]}], {xlabel: "step", zero: true});
  chart("ratio", state.layers.map((name, k) => ({name: name, points: state.ratios.map(r => [r.g, r.values[k]])})), {xlabel: "step", log: true});
  status();
}

function status() {
  const b = state.begin, s = state.steps[state.steps.length - 1], el = document.getElementById("status");
  document.body.dataset.steps = String(state.steps.length);
  document.body.dataset.epochs = String(state.epochs.length);
  if (state.end) {
    el.className = "done";
    el.textContent = "finished: " + (state.end.test_acc === null ? "" : "test accuracy " + fmt(state.end.test_acc, 4) + ". ") + (state.end.message || "") +
        " The page stays up until the command is stopped (Ctrl+C).";
    document.body.dataset.done = "true";
    return;
  }
  if (!b) return;
  el.textContent = s ? "epoch " + s.epoch + "/" + b.epochs + "  step " + s.step + "/" + b.steps + "  " + s.ips + " img/s  lr " + fmt(s.lr) +
      "  loss " + fmt(s.avg_loss, 4) + "  acc " + fmt(s.avg_acc, 4) : "starting: " + b.samples + " training images, " + b.steps + " steps per epoch";
}

function confusion(matrix, title) {
  const box = document.getElementById("confusion");
  document.getElementById("confusion-title").textContent = title;
  if (!matrix) return;
  const names = (state.begin && state.begin.classes) || [];
  let max = 1;
  for (const row of matrix) for (const v of row) max = Math.max(max, v);
  const t = document.createElement("table"), head = t.insertRow();
  head.appendChild(Object.assign(document.createElement("th"), {textContent: "true \\ predicted"}));
  matrix.forEach((_, j) => head.appendChild(Object.assign(document.createElement("th"), {textContent: names[j] || String(j)})));
  matrix.forEach((row, i) => {
    const tr = t.insertRow();
    tr.appendChild(Object.assign(document.createElement("th"), {textContent: names[i] || String(i)}));
    row.forEach(v => {
      const td = tr.insertCell(), s = Math.sqrt(v / max), level = Math.round(255 - 200 * s);
      td.textContent = String(v);
      td.style.background = "rgb(" + level + "," + level + ",255)";
      if (s > 0.6) td.style.color = "#fff";
    });
  });
  box.replaceChildren(t);
}

function image(src, caption, width) {
  const d = document.createElement("div"), img = document.createElement("img");
  d.className = "map"; img.alt = caption;
  // small pictures (3x3 filters, 7x7 maps) drawn larger, pixels kept sharp by the style
  img.onload = () => { if (img.naturalWidth < 160) img.width = img.naturalWidth * Math.ceil(160 / img.naturalWidth); };
  img.src = src;
  if (width) img.width = width;
  d.appendChild(img);
  d.appendChild(Object.assign(document.createElement("p"), {textContent: caption}));
  return d;
}

function pictures(p) {
  document.getElementById("pictures-epoch").textContent = p.epoch === 0 ? "(initial)" : "(after epoch " + p.epoch + ")";
  const f = document.getElementById("filters");
  f.replaceChildren(p.filters ? image(p.filters, p.filters_layer + ", grey 0, light positive, dark negative", 0)
                              : Object.assign(document.createElement("p"), {className: "note", textContent: "The model has no convolution."}));
  const m = document.getElementById("maps"), items = [];
  if (p.input) items.push(image(p.input, "input (" + p.input_label + ")", 0));
  for (const e of p.maps || []) items.push(image(e.png, e.layer + ": " + e.caption, 0));
  m.replaceChildren(...items);
}

function onEvent(e) {
  switch (e.type) {
    case "begin":
      state.begin = e; state.layers = e.layers;
      document.getElementById("model").textContent = e.model + " (" + e.params.toLocaleString("en") + " parameters)";
      document.getElementById("validation-name").textContent = e.validation === "val" ? "validation" : "test";
      break;
    case "step": state.steps.push(e); break;
    case "ratio": state.ratios.push(e); break;
    case "epoch":
      state.epochs.push(e);
      confusion(e.confusion, "Confusion matrix on the " + (state.begin.validation === "val" ? "validation" : "test") + " set after epoch " + e.epoch +
          " (rows: true class)");
      break;
    case "pictures": pictures(e); break;
    case "end":
      state.end = e;
      if (e.confusion) confusion(e.confusion, "Confusion matrix on the test set, final weights (rows: true class)");
      break;
  }
  if (!pending) { pending = true; requestAnimationFrame(redraw); }
}

const source = new EventSource("/events");
source.onmessage = m => onEvent(JSON.parse(m.data));
source.onerror = () => { if (!state.end) document.getElementById("status").textContent = "connection lost; retrying"; };
redraw();
