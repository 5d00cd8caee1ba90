// The Lab's page: controls, the play loop and the pictures. Python (lab.session, in
// the worker) owns the run; this file forwards clicks and draws each frame it sends.
import { createDerivation } from "./derive.js";
import { Python } from "./python.js";
import { fmt } from "./show.js";
import {
  edgePath, edgeStyle, paintCurve, paintGrid, paintLossChart, paintPoints, paintTicks, planePoint,
} from "./draw.js";

const $ = (id) => document.getElementById(id);
const py = new Python();
const RESOLUTION = 40;  // heatmap cells per side: every one is a forward pass in Python
const SLICE = 0.05;  // seconds of training between two frames while playing

let choices = null;
let config = null;
let frame = null;
let playing = false;
let shown = null;  // the neuron whose output the big plane shows (hovered), or null: the output
let stats = { stepsPerSecond: null, framesPerSecond: null, frameMs: null };
let layout = null;  // the network drawn: rebuilt when its shape (or the room it has) changes

// The chain rule panel; opening or closing it changes the network's room, so it is drawn again.
const derivation = createDerivation({
  py,
  say: (text, kind) => say(text, kind),
  frame: () => frame,
  onOpen: () => {
    layout = null;
    if (frame) render(frame, false);
  },
});

// --- messages ---------------------------------------------------------------------------------

// A message for a student; `detail` (the engine's own words, when there are any) is behind a
// disclosure beside it.
function say(text, kind = "notice", detail = null) {
  const box = $("message");
  $("message-text").textContent = text;
  $("message-detail-text").textContent = detail ?? "";
  $("message-detail").hidden = !detail;
  $("message-detail").open = false;
  box.dataset.kind = kind;
  box.hidden = false;
}

function quiet() {
  $("message").hidden = true;
}

$("message-close").addEventListener("click", quiet);

// Run a Python call for a control: its error is shown on the page (and returned as null).
async function guarded(promise) {
  try {
    return await promise;
  } catch (error) {
    say(error.message, "error");
    return null;
  }
}

// --- the configuration ------------------------------------------------------------------------

function fillSelect(select, values, label = (v) => String(v)) {
  select.replaceChildren(...values.map((v) => new Option(label(v), String(v))));
}

function setupControls() {
  fillSelect($("learningRate"), choices.learningRates);
  fillSelect($("l2"), choices.l2Rates);
  for (const key of ["activation", "init", "loss", "optimizer"]) fillSelect($(key), choices.choices[key]);
}

function selectValue(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) select.add(new Option(text, text));
  select.value = text;
}

function syncControls() {
  for (const key of ["learningRate", "l2", "activation", "init", "loss", "optimizer", "dataset"]) {
    selectValue($(key), config[key]);
  }
  for (const key of ["noise", "trainRatio", "samples", "seed", "batchSize"]) $(key).value = config[key];
  $("noise-out").textContent = config.noise.toFixed(2);
  $("trainRatio-out").textContent = `${Math.round(config.trainRatio * 100)}%`;
  const regression = config.dataset === "function";
  for (const option of $("loss").options) option.disabled = regression && option.value !== "mse";
  $("accuracy-head").textContent = regression ? "" : "accuracy";
  $("edit").querySelectorAll(".classes").forEach((label) => (label.hidden = regression));
  $("edit").querySelector(".regression").hidden = !regression;
  const mode = document.querySelector("input[name=edit]:checked").value;
  if (mode !== "remove") document.querySelector(`input[name=edit][value='${regression ? "point" : "0"}']`).checked = true;
  $("layer-count").textContent = `${config.hidden.length} hidden layer${config.hidden.length === 1 ? "" : "s"}`;
  $("add-layer").disabled = config.hidden.length >= choices.maxLayers;
  $("remove-layer").disabled = config.hidden.length === 0;
}

async function configure(changes) {
  const reply = await py.call("configure", { config: changes });
  config = reply.config;
  history.replaceState(null, "", `?${reply.query}${location.hash}`);  // the Expression tab's link stays
  syncControls();
  if (reply.notices.length) say(reply.notices.join("; "));
  else quiet();
  await redraw();
  return reply;
}

// A control's change: configure, and on a refusal put the control back.
async function change(changes) {
  const reply = await guarded(configure(changes));
  if (reply === null) syncControls();
}

// --- drawing a frame --------------------------------------------------------------------------

async function redraw() {
  const started = performance.now();
  const f = await py.call("frame", { resolution: RESOLUTION });
  stats.frameMs = performance.now() - started;
  render(f);
  return f;
}

const format = (x, digits = 3) => (x === null || x === undefined ? "–" : x.toFixed(digits));

// Draw a frame; `follow`: the chain rule panel, when open, asks for the new numbers too.
function render(f, follow = true) {
  frame = f;
  $("epoch").textContent = String(f.epoch).padStart(3, "0");
  $("stepcount").textContent = f.step;
  $("train-loss").textContent = format(f.trainLoss);
  $("test-loss").textContent = format(f.testLoss);
  $("train-accuracy").textContent = f.regression ? "" : f.trainAccuracy === null ? "–" : `${(100 * f.trainAccuracy).toFixed(1)}%`;
  $("test-accuracy").textContent = f.regression ? "" : f.testAccuracy === null ? "–" : `${(100 * f.testAccuracy).toFixed(1)}%`;
  drawNetwork(f);
  drawPlane(f);
  paintLossChart($("loss-chart"), f.history);
  describePlots(f);
  if (f.stopped) {
    say(f.stopped, "stop", f.stoppedDetail);
    if (playing) setPlaying(false);
  }
  if (follow && derivation.isOpen) derivation.refresh({ light: playing });  // while playing, the Matrices tab only
}

// The values of a node over the plane (or along x): an input's own coordinate, a neuron's output.
function nodeValues(f, node) {
  if (node.input !== undefined) {
    const n = f.resolution;
    const [x0, x1, y0, y1] = f.domain;
    const values = [];
    if (f.regression) {
      for (let i = 0; i < n; i++) values.push(x0 + ((x1 - x0) * i) / (n - 1));
      return values;
    }
    const half = node.input === 0 ? (x1 - x0) / 2 : (y1 - y0) / 2;
    const mid = node.input === 0 ? (x0 + x1) / 2 : (y0 + y1) / 2;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const v = node.input === 0 ? x0 + ((x1 - x0) * (c + 0.5)) / n : y1 - ((y1 - y0) * (r + 0.5)) / n;
        values.push((v - mid) / half);
      }
    }
    return values;
  }
  return f.neurons[node.layer][node.index];
}

function paintNode(canvas, f, node, big = false) {
  const values = nodeValues(f, node);
  if (f.regression) {
    const finite = values.filter((v) => v !== null);
    const range = big ? [f.domain[2], f.domain[3]] : [Math.min(...finite, -1), Math.max(...finite, 1)];
    return paintCurve(canvas, values, range, { lineWidth: big ? 3 : 1.5 });
  }
  return paintGrid(canvas, values, f.resolution, big && $("discrete").checked, big ? 0.7 : 1);
}

function drawPlane(f) {
  const canvas = $("boundary");
  const node = shown ?? { layer: f.neurons.length - 1, index: 0 };
  const drawn = paintNode(canvas, f, node, true);
  $("shown").textContent = shown ? `(${shown.label})` : "";
  const regression = f.regression;
  paintPoints(drawn, f.data.train, f.domain, { regression });
  if ($("show-test").checked) paintPoints(drawn, f.data.test, f.domain, { regression, test: true });
  paintTicks(drawn, f.domain);
}

// The network: one column of nodes per layer (inputs first), edges between them.

function drawNetwork(f) {
  const sizes = [f.regression ? 1 : 2, ...f.neurons.map((layer) => layer.length)];
  const key = JSON.stringify([sizes, f.regression, derivation.isOpen, derivation.isWide]);
  if (!layout || layout.key !== key) {
    layout = buildDiagram(f, sizes, key);
    derivation.matrices.mark();  // new edges and neurons: the Matrices tab's marks on them again
  }
  for (const node of layout.nodes) paintNode(node.canvas, f, node);
  for (const edge of layout.edges) {
    const neuron = f.weights[edge.layer][edge.to];
    const weight = neuron.w[edge.from];
    const style = edgeStyle(weight);
    edge.path.setAttribute("stroke", style.stroke);
    edge.path.setAttribute("stroke-width", style.width);
    edge.title.textContent = `${edge.param} = ${weight.toPrecision(4)}`;
    edge.path.setAttribute("aria-label", `${f.spoken.edges[edge.layer][edge.to][edge.from]}: ${fmt(weight)}`);
  }
  for (const node of layout.nodes) {
    if (node.layer === undefined) continue;
    const neuron = f.weights[node.layer][node.index];
    node.element.title = `${node.label}: bias b = ${neuron.b.toPrecision(4)}`;
    node.element.setAttribute("aria-label", `${f.spoken.neurons[node.layer][node.index]}: bias ${fmt(neuron.b)}; `
      + `its output ${f.descriptions.neurons[node.layer][node.index]}`);
  }
}

// --- the plots in words (Python's sentences) and the data as a table -------------------------

function describePlots(f) {
  const d = f.descriptions;
  $("boundary").setAttribute("aria-label", `The boundary plot. ${d.boundary}`);
  $("loss-chart").setAttribute("aria-label", `The loss curve, train solid and test dashed. ${d.loss}`);
  $("describe-boundary").textContent = d.boundary;
  $("describe-loss").textContent = d.loss;
  if ($("in-words").open && !playing) dataTable(f);  // 500 rows a frame would slow playing: on the pause
}

let tabled = null;  // the data the table shows
function dataTable(f) {
  if (tabled === f.data) return;
  tabled = f.data;
  const table = $("data-table");
  const cells = (tag, texts) => {
    const tr = document.createElement("tr");
    for (const text of texts) {
      const cell = document.createElement(tag);
      cell.textContent = text;
      if (tag === "th") cell.scope = "col";
      tr.append(cell);
    }
    return tr;
  };
  const head = f.regression ? ["set", "x", "y"] : ["set", "x1", "x2", "class"];
  const caption = document.createElement("caption");
  caption.textContent = `${f.data.train.length} training and ${f.data.test.length} test points`;
  const rows = [];
  for (const [set, list] of [["train", f.data.train], ["test", f.data.test]]) {
    for (const row of list) {
      rows.push(cells("td", f.regression ? [set, fmt(row[0]), fmt(row[1])]
        : [set, fmt(row[0]), fmt(row[1]), row[2] > 0.5 ? "1 (blue square)" : "0 (orange circle)"]));
    }
  }
  table.replaceChildren(caption, cells("th", head), ...rows);
}
$("in-words").addEventListener("toggle", () => $("in-words").open && frame && dataTable(frame));

// Describe (D): how the run is doing, said once into the live region; playing never says anything.
function describe() {
  if (!frame) return;
  const live = $("announce");
  live.textContent = "";
  requestAnimationFrame(() => (live.textContent = frame.descriptions.run));  // the same words twice are said twice
}
$("describe").addEventListener("click", describe);

function buildDiagram(f, sizes, key) {
  const diagram = $("diagram");
  const svg = $("edges");
  diagram.querySelectorAll(".node, .column-controls").forEach((e) => e.remove());
  svg.replaceChildren();
  const box = diagram.getBoundingClientRect();
  const width = box.width;
  const height = box.height;
  const most = Math.max(...sizes);
  const top = derivation.isWide ? 6 : 40;  // room for the +/- buttons (hidden in the wide mode's strip)
  const columns = sizes.length;
  const left = 30;
  // As tall as the column allows, and narrow enough that the edges between columns stay in sight
  // (beside the panel the diagram is narrow: the Matrices tab marks its edges).
  const size = Math.max(14, Math.min(52, (height - top - 8) / most - 8, (width - 2 * left) / (1.7 * columns)));
  const gap = Math.min(size + 14, (height - top - 8) / most);
  const step = (width - 2 * left - size) / Math.max(columns - 1, 1);
  const nodes = [];
  const at = [];
  sizes.forEach((count, column) => {
    const x = left + column * step;
    const y0 = top + (height - top - count * gap) / 2;
    at.push([]);
    for (let i = 0; i < count; i++) {
      const y = y0 + i * gap + (gap - size) / 2;
      const element = document.createElement("div");
      element.className = "node";
      element.style.left = `${x}px`;
      element.style.top = `${y}px`;
      element.style.width = element.style.height = `${size}px`;
      const canvas = document.createElement("canvas");
      element.append(canvas);
      let node;
      if (column === 0) {
        const label = f.regression ? "x" : `x${i + 1}`;
        node = { input: i, label, element, canvas };
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = label;
        element.append(tag);
      } else {
        const name = f.names[column - 1][i];
        node = { layer: column - 1, index: i, label: name, element, canvas };
        element.dataset.neuron = name;
        element.setAttribute("role", "button");
        element.tabIndex = -1;
        element.addEventListener("click", () => derivation.pick(`${name}.b`, name));
        element.addEventListener("focus", () => showNode(node));
        element.addEventListener("blur", () => showNode(null));
        if (column === columns - 1) element.classList.add("output-node");
      }
      element.addEventListener("mouseenter", () => showNode(node));
      element.addEventListener("mouseleave", () => showNode(null));
      diagram.append(element);
      nodes.push(node);
      at[column].push([x, y + size / 2]);
    }
    if (column > 0 && column < columns - 1) {
      const controls = document.createElement("div");
      controls.className = "column-controls";
      controls.style.left = `${x + size / 2}px`;
      const layer = column - 1;
      const more = button("+", `add-neuron-${layer}`, "Add a neuron to this layer", () => resizeLayer(layer, +1));
      const fewer = button("−", `remove-neuron-${layer}`, "Remove a neuron from this layer", () => resizeLayer(layer, -1));
      more.disabled = count >= 8;
      fewer.disabled = count <= 1;
      controls.append(fewer, more);
      diagram.prepend(controls);  // before the network's own stop: Tab meets the layers' buttons first
    }
  });
  const edges = [];
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  // Under each edge, a wide transparent copy: a click near a thin edge still finds it.
  const hits = document.createElementNS("http://www.w3.org/2000/svg", "g");
  const shown = document.createElementNS("http://www.w3.org/2000/svg", "g");
  svg.append(hits, shown);
  for (let column = 1; column < columns; column++) {
    at[column].forEach(([x2, y2], to) => {
      at[column - 1].forEach(([x1, y1], from) => {
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        path.setAttribute("d", edgePath(x1 + size, y1, x2, y2));
        path.setAttribute("fill", "none");
        const param = `${f.names[column - 1][to]}.w.${from}`;
        path.dataset.param = param;
        const hit = path.cloneNode();
        hit.removeAttribute("data-param");
        hit.classList.add("hit");
        hit.dataset.hit = param;
        hit.setAttribute("aria-hidden", "true");
        path.setAttribute("role", "button");
        path.setAttribute("tabindex", "-1");
        for (const target of [path, hit]) target.addEventListener("click", () => derivation.pick(param));
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        path.append(title);
        hits.append(hit);
        shown.append(path);
        edges.push({ layer: column - 1, from, to, param, path, title });
      });
    });
  }
  const keyboard = walkable(nodes, edges);
  return { key, nodes, edges, keyboard };
}

// The network for a keyboard: one tab stop, the arrow keys through each layer's neurons, each
// followed by the weights into it; Enter (or Space) opens what a click opens. The place is kept
// across a rebuild of the diagram.
let networkPlace = null;  // the data-neuron or data-param of the item last focused
function walkable(nodes, edges) {
  const items = [];
  for (const node of nodes) {
    if (node.layer === undefined) continue;
    items.push(node.element);
    for (const edge of edges) if (edge.layer === node.layer && edge.to === node.index) items.push(edge.path);
  }
  const id = (e) => e.dataset.neuron ?? e.dataset.param;
  let at = Math.max(0, items.findIndex((e) => id(e) === networkPlace));
  items.forEach((e, k) => e.setAttribute("tabindex", k === at ? "0" : "-1"));
  const diagram = $("diagram");
  diagram.setAttribute("aria-label", `The network: ${nodes.filter((n) => n.layer !== undefined).length} neurons and ${edges.length} weights; `
    + "the arrow keys go through each neuron and the weights into it, Enter opens its chain rule");
  items.forEach((e, k) => e.addEventListener("focus", () => {
    items[at].setAttribute("tabindex", "-1");
    at = k;
    e.setAttribute("tabindex", "0");
    networkPlace = id(e);
  }));
  diagram.onkeydown = (event) => {
    const k = items.indexOf(event.target);
    if (k < 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    const moves = { ArrowDown: k + 1, ArrowRight: k + 1, ArrowUp: k - 1, ArrowLeft: k - 1, Home: 0, End: items.length - 1 };
    if (event.key in moves) items[Math.max(0, Math.min(items.length - 1, moves[event.key]))].focus();
    else if (event.key === "Enter" || event.key === " ") event.target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    else return;
    event.preventDefault();
    event.stopPropagation();  // not the page's keys (Space plays, → steps)
  };
  return items;
}

function button(text, testid, title, onclick) {
  const b = document.createElement("button");
  b.textContent = text;
  b.dataset.testid = testid;
  b.title = title;
  b.addEventListener("click", onclick);
  return b;
}

function showNode(node) {
  shown = node && node.layer === frame.neurons.length - 1 ? null : node;
  if (frame) drawPlane(frame);
}

// + stops at 8 neurons, as Playground's; − takes one away from any layer (a link may ask for 32).
function resizeLayer(layer, delta) {
  const hidden = [...config.hidden];
  const size = hidden[layer] + delta;
  hidden[layer] = delta > 0 ? Math.min(8, size) : Math.max(1, size);
  change({ hidden });
}

window.addEventListener("resize", () => {
  layout = null;
  if (frame) render(frame, false);
});

// --- training ---------------------------------------------------------------------------------

function setPlaying(on) {
  const was = playing;
  playing = on;
  if (was && !on && derivation.isOpen) derivation.refresh();
  const play = $("play");
  play.innerHTML = on ? "&#x275A;&#x275A; Pause" : "&#x25B6; Play";
  play.setAttribute("aria-pressed", String(on));
  if (on) playLoop();
}

async function playLoop() {
  const started = performance.now();
  let steps = 0;
  let frames = 0;
  while (playing) {
    const trained = await guarded(py.call("train_for", { seconds: SLICE }));
    if (trained === null) break;
    steps += trained.steps;
    const f = await guarded(redraw());
    if (f === null) break;
    frames += 1;
    const seconds = (performance.now() - started) / 1000;
    stats = { ...stats, stepsPerSecond: steps / seconds, framesPerSecond: frames / seconds };
    $("speed").textContent = Math.round(stats.stepsPerSecond);
    if (trained.steps === 0) break;
  }
  if (playing) setPlaying(false);
}

async function step(n = 1) {
  const reply = await py.call("step", { n });
  await redraw();
  return reply;
}

// --- stopping a call that runs too long -------------------------------------------------------

// Stop: end the Python call that is running (a long step, a loop in the console). Interrupted,
// Python puts the run back as it was before the call and the call's own error says so. Where
// the worker has to be restarted instead, the run is rebuilt from the last frame drawn: its
// settings, its data (when it is not generated) and its step count.
async function stop() {
  setPlaying(false);
  const shown = frame;
  const how = py.stop();
  if (how === "idle") say("Nothing is running: there is nothing to stop.");
  if (how !== "restarted") return how;
  say("Stopped: the Python worker is restarted (this page is not cross-origin isolated, so Python cannot be interrupted); rebuilding the run …", "stop");
  await py.ready;
  const args = { config: shown.config, steps: shown.step };
  if (shown.customData) Object.assign(args, { train: shown.data.train, test: shown.data.test });
  const rebuilt = await guarded(py.call("restore", args));
  if (rebuilt === null) return how;
  await guarded(redraw());
  if (derivation.isOpen) derivation.refresh();
  say(`Stopped: the Python worker was restarted and the run rebuilt from its settings${shown.customData ? " and data" : ""}, its ${rebuilt.steps} steps taken again. The console starts afresh.`, "stop");
  return how;
}

$("stop").addEventListener("click", stop);
$("play").addEventListener("click", () => setPlaying(!playing));
$("step").addEventListener("click", () => {
  setPlaying(false);
  guarded(step(1));
});
$("reset").addEventListener("click", async () => {
  quiet();
  await guarded(py.call("reset"));
  await guarded(redraw());
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (derivation.key(event)) {  // the panel's keys first: Escape closes it even from a control
    event.preventDefault();
    return;
  }
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "d" || event.key === "D") {
    event.preventDefault();
    describe();
    return;
  }
  if (event.key === " ") {
    if (event.target.closest("button, a, summary, [role=button], [role=tab]")) return;  // Space presses them
    event.preventDefault();
    setPlaying(!playing);
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    setPlaying(false);
    guarded(step(1));
  }
});

// --- the controls -----------------------------------------------------------------------------

for (const key of ["learningRate", "l2"]) {
  $(key).addEventListener("change", () => change({ [key]: Number($(key).value) }));
}
for (const key of ["activation", "init", "loss", "optimizer", "dataset"]) {
  $(key).addEventListener("change", () => change({ [key]: $(key).value }));
}
for (const key of ["noise", "trainRatio"]) {
  $(key).addEventListener("input", () => {
    $(`${key}-out`).textContent = key === "noise" ? Number($(key).value).toFixed(2) : `${Math.round($(key).value * 100)}%`;
  });
  $(key).addEventListener("change", () => change({ [key]: Number($(key).value) }));
}
for (const key of ["samples", "seed", "batchSize"]) {
  $(key).addEventListener("change", () => {
    const text = $(key).value.trim();
    if (text === "" || Number.isNaN(Number(text))) {
      say(`${key} must be a number; got ${JSON.stringify(text)}`, "error");
      syncControls();
      return;
    }
    change({ [key]: Number(text) });
  });
}
$("open-derivation").addEventListener("click", () => derivation.open());
$("open-console").addEventListener("click", () => derivation.open(null, "console"));
$("open-exercise").addEventListener("click", () => derivation.open(null, "exercise"));
$("open-expression").addEventListener("click", () => derivation.open(null, "expression"));
$("new-seed").addEventListener("click", () => change({ seed: config.seed + 1 }));
$("add-layer").addEventListener("click", () => change({ hidden: [...config.hidden, 2] }));
$("remove-layer").addEventListener("click", () => change({ hidden: config.hidden.slice(0, -1) }));
$("show-test").addEventListener("change", () => frame && drawPlane(frame));
$("discrete").addEventListener("change", () => frame && drawPlane(frame));

// Click the plane: add a point of the chosen class; shift-click or the remove mode removes one.
$("boundary").addEventListener("click", async (event) => {
  if (!frame) return;
  const [x1, x2] = planePoint($("boundary"), event, frame.domain);
  const mode = document.querySelector("input[name=edit]:checked").value;
  if (event.shiftKey || mode === "remove") {
    const reply = await guarded(py.call("remove_point", { x1, x2 }));
    if (reply && !reply.removed) say("No point there to remove: click on a point.");
  } else {
    await guarded(py.call("add_point", { x1, x2, label: mode === "point" ? 0 : Number(mode) }));
  }
  await guarded(redraw());
});

async function loadCsv(text) {
  const reply = await py.call("load_csv", { text });
  quiet();
  say(`Loaded ${reply.train + reply.test} rows (${reply.train} to train, ${reply.test} to test).`);
  await redraw();
  return reply;
}

$("csv-load").addEventListener("click", () => guarded(loadCsv($("csv-text").value)));
$("csv-file").addEventListener("change", async () => {
  const file = $("csv-file").files[0];
  if (!file) return;
  const text = await file.text();
  $("csv-text").value = text;
  await guarded(loadCsv(text));
  $("csv-file").value = "";
});
$("csv-save").addEventListener("click", async () => {
  const text = await guarded(py.call("to_csv"));
  if (text === null) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  link.download = `${config.dataset}-seed${config.seed}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
});

// --- start ------------------------------------------------------------------------------------

py.onfatal = (error) => {
  $("loading").textContent = error.message;
  say(error.message, "error");
};

async function start() {
  const started = performance.now();
  await py.ready;
  choices = await py.call("choices");
  setupControls();
  const fromUrl = await py.call("from_query", { query: location.search });
  await configure(fromUrl.config);
  if (fromUrl.notices.length) say(`The link's settings: ${fromUrl.notices.join("; ")}`);
  if (await derivation.expression.fromLink()) await derivation.open(null, "expression");  // #expr=...: the tab, drawn
  $("loading").hidden = true;
  stats.readyMs = performance.now() - started;
}

const ready = start();
ready.catch((error) => {
  $("loading").textContent = `The Lab could not start: ${error.message}`;
});

// The contract for tests and scripts (see lab/README.md).
window.lab = {
  ready,
  configure: (changes) => configure(changes),
  step: (n = 1) => step(n),
  state: () => py.call("state"),
  reset: async () => {
    await py.call("reset");
    return redraw();
  },
  play: () => setPlaying(true),
  pause: () => setPlaying(false),
  addPoint: async (x1, x2, label) => {
    const reply = await py.call("add_point", { x1, x2, label });
    await redraw();
    return reply;
  },
  loadCsv: (text) => loadCsv(text),
  explain: (parameter, example = 0, view = "neuron") => py.call("explain", { parameter, example, view }),
  matrices: (example = 0, batch = false, view = "neuron") => py.call("matrices", { example, batch, view }),
  python: (code) => derivation.run(code),
  // The Expression tab, drawn: values as the CLI's words ("x=2 w=-3") or an object ({x: 2, w: -3}).
  expression: async (text, values = "") => {
    const words = typeof values === "string" ? values : Object.entries(values).map(([k, v]) => `${k}=${v}`).join(" ");
    const drawn = derivation.expression.draw(text, words);
    if (!derivation.isOpen || derivation.tab !== "expression") await derivation.open(null, "expression");
    await derivation.expression.idle();
    const reply = await drawn;
    return { value: reply.value, grads: reply.grads };
  },
  interrupt: () => stop(),
  derivation,
  get playing() {
    return playing;
  },
  get stats() {
    return { ...stats };
  },
  worker: py,
};
