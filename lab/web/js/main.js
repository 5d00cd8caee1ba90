// The Lab's page: controls, the play loop and the pictures. Python (lab.session, in
// the worker) owns the run; this file forwards clicks and draws each frame it sends.
import { createDerivation } from "./derive.js";
import { Python } from "./python.js";
import { fmt } from "./show.js";
import {
  edgePath, edgeStyle, paintClasses, paintClassProbability, paintCurve, paintGrid, paintLossChart, paintPoints,
  paintTicks, planePoint,
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
  fillSelect($("l1"), choices.l1Rates);
  for (const key of ["activation", "init", "loss", "optimizer"]) fillSelect($(key), choices.choices[key]);
  // The features column: a toggle and a heatmap per input feature (Playground's), in FEATURES' order.
  for (const name of choices.features) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = name;
    box.dataset.testid = `feature-${name}`;
    box.addEventListener("change", () => {
      const chosen = [...$("features").querySelectorAll("input:checked")].map((b) => b.value);
      change({ features: chosen });
    });
    const canvas = document.createElement("canvas");
    canvas.dataset.feature = name;
    const text = document.createElement("span");
    text.textContent = choices.featureNames[name];
    label.append(box, canvas, text);
    $("features").append(label);
  }
}

function selectValue(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) select.add(new Option(text, text));
  select.value = text;
}

function syncControls() {
  for (const key of ["learningRate", "l2", "l1", "activation", "init", "loss", "optimizer", "dataset", "classes"]) {
    selectValue($(key), config[key]);
  }
  $("classes").disabled = !choices.manyClasses.includes(config.dataset);
  for (const box of $("features").querySelectorAll("input")) box.checked = config.features.includes(box.value);
  $("features").hidden = config.dataset === "function";  // one input, x
  $("classes").closest("label").hidden = choices.regression.includes(config.dataset);
  for (const key of ["noise", "trainRatio", "samples", "seed", "batchSize"]) $(key).value = config[key];
  $("noise-out").textContent = config.noise.toFixed(2);
  $("trainRatio-out").textContent = `${Math.round(config.trainRatio * 100)}%`;
  const regression = choices.regression.includes(config.dataset);
  const curve = config.dataset === "function";
  for (const option of $("loss").options) {
    option.disabled = (regression && option.value !== "mse") || (config.classes > 2 && option.value !== "cross_entropy");
  }
  $("accuracy-head").textContent = regression ? "" : "accuracy";
  $("scale-legend").hidden = !regression || curve;  // a number on the plane: its colour scale, and the rings
  $("edit").querySelectorAll(".classes").forEach((label) => (label.hidden = regression || Number(label.dataset.class ?? 0) >= config.classes));
  $("edit").querySelectorAll(".targets").forEach((label) => (label.hidden = !regression || curve));
  $("edit").querySelector(".regression").hidden = !curve;
  const mode = document.querySelector("input[name=edit]:checked").value;
  const keep = mode === "remove" || (curve ? mode === "point" : regression ? mode.startsWith("t") : Number(mode) < config.classes);
  if (!keep) document.querySelector(`input[name=edit][value='${curve ? "point" : regression ? "t1" : "0"}']`).checked = true;
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
  const perClass = f.classAccuracy?.test;
  $("class-accuracy").hidden = !(f.classes > 2 && perClass);
  if (f.classes > 2 && perClass) {  // a class the network gets wrong more often than right, in bold
    const parts = perClass.map((a, k) => {
      const text = `${k} (${f.classPoints[k]}) ${a === null ? "–" : `${(100 * a).toFixed(0)}%`}`;
      return a !== null && a < 0.5 ? Object.assign(document.createElement("strong"), { textContent: text }) : text;
    });
    $("class-accuracy").replaceChildren("test accuracy per class: ", ...parts.flatMap((p, k) => (k ? [", ", p] : [p])));
  }
  drawNetwork(f);
  drawPlane(f);
  paintLossChart($("loss-chart"), f.history);
  showEditor();
  $("edited").hidden = f.edits.length === 0;
  $("edited").textContent = f.edits.length ? `${f.edits.length} weight${f.edits.length === 1 ? "" : "s"} set by hand (the link keeps them)` : "";
  describePlots(f);
  if (f.stopped) {
    say(f.stopped, "stop", f.stoppedDetail);
    if (playing) setPlaying(false);
  }
  if (follow && derivation.isOpen) derivation.refresh({ light: playing });  // while playing, the Matrices tab only
}

// An input feature's values (Python's) scaled for its heatmap: the largest |value| at full colour.
function scaled(values) {
  const top = Math.max(1e-12, ...values.map((v) => Math.abs(v ?? 0)));
  return values.map((v) => (v === null ? null : v / top));
}

// The values of a node over the plane (or along x): an input feature's, a neuron's output.
function nodeValues(f, node) {
  if (node.input !== undefined) return f.curve ? f.inputs[node.input] : scaled(f.inputs[node.input]);
  return f.neurons[node.layer][node.index];
}

// The features column's heatmaps: every feature over the plane, asked for again when the plane moves.
let featureMapsOf = null;
async function paintFeatureMaps(f) {
  if (f.curve) return;
  const key = JSON.stringify(f.domain);
  if (featureMapsOf === key) return;
  featureMapsOf = key;
  const maps = await py.call("feature_maps", { resolution: 16 });
  for (const canvas of $("features").querySelectorAll("canvas")) paintGrid(canvas, scaled(maps[canvas.dataset.feature]), 16);
}

function paintNode(canvas, f, node, big = false) {
  const values = nodeValues(f, node);
  if (f.curve) {
    const finite = values.filter((v) => v !== null);
    const range = big ? [f.domain[2], f.domain[3]] : [Math.min(...finite, -1), Math.max(...finite, 1)];
    return paintCurve(canvas, values, range, { lineWidth: big ? 3 : 1.5 });
  }
  if (f.probabilities && node.layer === f.neurons.length - 1) {  // a softmax output: its class's probability
    return paintClassProbability(canvas, f.probabilities[node.index], f.predicted, node.index, f.resolution,
      big && $("discrete").checked, big ? 0.7 : 1);
  }
  return paintGrid(canvas, values, f.resolution, big && $("discrete").checked, big ? 0.7 : 1);
}

function drawPlane(f) {
  const canvas = $("boundary");
  const node = shown ?? { layer: f.neurons.length - 1, index: 0 };
  const drawn = !shown && f.probabilities  // a softmax output: each class's region in its colour
    ? paintClasses(canvas, f.predicted, f.probabilities, f.resolution, $("discrete").checked, 0.7)
    : paintNode(canvas, f, node, true);
  $("shown").textContent = shown ? `(${shown.label})` : "";
  const kind = { regression: f.regression, curve: f.curve };
  paintPoints(drawn, f.data.train, f.domain, kind);
  if ($("show-test").checked) paintPoints(drawn, f.data.test, f.domain, { ...kind, test: true });
  paintTicks(drawn, f.domain, f.curve ? ["x", "y"] : ["x₁", "x₂"]);
}

// The network: one column of nodes per layer (inputs first), edges between them.

function drawNetwork(f) {
  const sizes = [f.inputs.length, ...f.neurons.map((layer) => layer.length)];
  const key = JSON.stringify([sizes, f.inputNames, derivation.isOpen, derivation.isWide]);
  paintFeatureMaps(f);
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
  const head = f.curve ? ["set", "x", "y"] : ["set", "x1", "x2", f.regression ? "target" : "class"];
  const caption = document.createElement("caption");
  caption.textContent = `${f.data.train.length} training and ${f.data.test.length} test points`;
  const rows = [];
  for (const [set, list] of [["train", f.data.train], ["test", f.data.test]]) {
    for (const row of list) {
      const last = f.regression ? fmt(row[2]) : `${Math.round(row[2])} (${f.classPoints[Math.round(row[2])]})`;
      rows.push(cells("td", f.curve ? [set, fmt(row[0]), fmt(row[1])] : [set, fmt(row[0]), fmt(row[1]), last]));
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

// A softmax output's tag, right of its neuron: its class's mark (the "Click the plane to" legend's
// dot: colour and shape, as on the plane) and number.
const CLASS_DOTS = ["orange", "blue", "red", "sky", "navy"];
function classTag(k, looks) {
  const tag = document.createElement("span");
  tag.className = "tag class-tag";
  tag.title = `class ${k} (${looks})`;
  tag.dataset.testid = `class-tag-${k}`;
  const dot = document.createElement("span");
  dot.className = `dot ${CLASS_DOTS[k]}`;
  dot.setAttribute("aria-hidden", "true");
  tag.append(dot, String(k));
  return tag;
}

function buildDiagram(f, sizes, key) {
  const diagram = $("diagram");
  const svg = $("edges");
  diagram.querySelectorAll(".node, .column-controls").forEach((e) => e.remove());
  svg.replaceChildren();
  const box = diagram.getBoundingClientRect();
  const width = box.width;
  const height = box.height;
  const most = Math.max(...sizes);
  const columns = sizes.length;
  const names = f.curve ? ["x"] : f.inputNames.map((name) => choices.featureNames[name]);
  const left = 12 + 8 * Math.max(...names.map((name) => name.length));  // room for the inputs' tags
  const classTags = !f.regression && sizes.at(-1) > 1 && sizes.at(-1) === f.classes;  // a softmax's: by class
  const right = classTags ? 44 : 12;
  // The layers' − and + side by side need about 64 px; where the columns are closer they go one
  // above the other, so that one layer's buttons never cover the next one's.
  const stacked = (width - left - right) / Math.max(columns - 1, 1) < 72;
  const top = derivation.isWide ? 6 : stacked ? 58 : 40;  // room for the +/- buttons (hidden in the wide mode's strip)
  // As tall as the column allows, and narrow enough that the edges between columns stay in sight
  // (beside the panel the diagram is narrow: the Matrices tab marks its edges).
  const size = Math.max(14, Math.min(52, (height - top - 8) / most - 8, (width - left - right) / (1.7 * columns)));
  const gap = Math.min(size + 14, (height - top - 8) / most);
  const step = (width - left - right - size) / Math.max(columns - 1, 1);
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
        const label = names[i];
        node = { input: i, label, element, canvas };
        element.dataset.input = f.inputNames[i];
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
        element.addEventListener("click", () => choose(`${name}.b`, name));
        element.addEventListener("focus", () => showNode(node));
        element.addEventListener("blur", () => showNode(null));
        if (column === columns - 1) element.classList.add("output-node");
        if (column === columns - 1 && classTags) element.append(classTag(i, f.classPoints[i]));
      }
      element.addEventListener("mouseenter", () => showNode(node));
      element.addEventListener("mouseleave", () => showNode(null));
      diagram.append(element);
      nodes.push(node);
      at[column].push([x, y + size / 2]);
    }
    if (column > 0 && column < columns - 1) {
      const controls = document.createElement("div");
      controls.className = stacked ? "column-controls stacked" : "column-controls";
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
        for (const target of [path, hit]) target.addEventListener("click", () => choose(param));
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

// A click on an edge or a neuron: its chain rule (derive.js), and the editor of its weight (or bias)
// with its value, as Playground's click on a weight.
let editing = null;  // the dotted name of the parameter in the editor
function choose(param, neuron = null) {
  editing = param;
  showEditor();
  return derivation.pick(param, neuron);
}

function showEditor() {
  const value = frame?.parameters?.[editing];
  $("weight-editor").hidden = editing === null || value === undefined;
  if ($("weight-editor").hidden) return;
  $("weight-name").textContent = frame.parameterNames[editing];
  if (document.activeElement !== $("weight-value")) $("weight-value").value = String(value);
}

async function setParameter(name, value) {
  const reply = await py.call("set_parameter", { name, value });
  say(`${frame.parameterNames[name]} set to ${fmt(reply.value)} at step ${reply.step}: training goes on from it.`);
  // The address bar says so: the link of this moment (its edits), which opens the run as edited.
  const url = await link().catch(() => null);  // none when a link cannot carry the data (a CSV's)
  if (url !== null) history.replaceState(null, "", `${url.slice(location.origin.length)}${location.hash}`);
  await redraw();
  return reply;
}

$("weight-editor").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("weight-value").value.trim();
  if (text === "" || !Number.isFinite(Number(text))) {
    say(`a weight is set to a number; got ${JSON.stringify(text)}`, "error");
    return;
  }
  setPlaying(false);
  guarded(setParameter(editing, Number(text)));
});

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
  const rebuilt = await rebuild(shown);
  if (rebuilt !== null) say(`Stopped: the Python worker was restarted and ${rebuilt}`, "stop");
  return how;
}

// A new worker (after Stop, or after Pyodide failed): the run rebuilt from `shown`, the last frame
// drawn: its settings, its steps, its weights set by hand, its data. The sentence that says so, or null.
async function rebuild(shown) {
  await py.ready;
  if (!shown) return "the page started again.";
  const args = { config: shown.config, steps: shown.step, edits: shown.edits };
  // The points added and removed are taken again at their steps (so a link still carries them);
  // only a CSV's rows go as rows.
  if (shown.pointEdits) args.points = shown.pointEdits;
  else if (shown.customData) Object.assign(args, { train: shown.data.train, test: shown.data.test });
  const rebuilt = await guarded(py.call("restore", args));
  if (rebuilt === null) return null;
  await guarded(redraw());
  if (derivation.isOpen) derivation.refresh();
  return `the run rebuilt from its settings${shown.customData ? " and data" : ""}, its ${rebuilt.steps} steps taken again. The console starts afresh.`;
}

// Pyodide failed (the browser's stack overflowed, memory ran out): python.js started a new worker.
// Once: a rebuild that makes Pyodide fail again is not tried a second time.
let rebuilding = false;
py.onrestart = async (error) => {
  setPlaying(false);
  if (rebuilding) {  // the new worker gets the settings only: the run starts again from step 0
    await py.ready;
    await guarded(configure(config));
    say(`${error.message}, again while rebuilding the run: the Python worker is new and the run starts again from its settings, at step 0.`, "error");
    return;
  }
  const shown = frame;
  say(`${error.message}; restarting it and rebuilding the run …`, "error");
  rebuilding = true;
  try {
    const rebuilt = await rebuild(shown);
    if (rebuilt !== null) say(`${error.message}. The Python worker was restarted and ${rebuilt}`, "error");
  } finally {
    rebuilding = false;
  }
};

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

for (const key of ["learningRate", "l2", "l1", "classes"]) {
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
    // A class, or on the plane's regression sets the target chosen (t-1, t1), or the curve's (x, y).
    const label = mode === "point" ? 0 : mode.startsWith("t") ? Number(mode.slice(1)) : Number(mode);
    await guarded(py.call("add_point", { x1, x2, label }));
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

// --- the link of this moment -----------------------------------------------------------------

// The URL of the run as it is now: its settings, step, weights set by hand, points, and the chain
// rule panel when it shows a parameter (Python writes it, and refuses what a link cannot carry).
async function link() {
  const tab = derivation.tab;
  const current = derivation.current;
  const panel = derivation.isOpen && current && ["chain", "steps", "matrices"].includes(tab)
    ? { tab, parameter: current.parameter, example: derivation.example } : null;
  const reply = await py.call("link", { panel });
  return `${location.origin}${location.pathname}?${reply.query}`;
}

$("copy-link").addEventListener("click", async () => {
  const url = await guarded(link());
  if (url === null) return;
  try {
    await navigator.clipboard.writeText(url);
    say(`Link copied (${url.length} characters): it opens this run at step ${frame.step}, trained again.`);
  } catch {
    say(`The link (copy it): ${url}`);
  }
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
  // A link: its settings, then its moment (the steps taken again, the weights set by hand, the points
  // added and removed), then its panel.
  const fromUrl = await py.call("from_link", { query: location.search });
  await configure(fromUrl.config);
  if (fromUrl.steps || fromUrl.edits.length || fromUrl.points.length) {
    const args = { config: fromUrl.config, steps: fromUrl.steps, edits: fromUrl.edits, points: fromUrl.points };
    await guarded(py.call("restore", args));
    await redraw();
  }
  if (fromUrl.panel) await guarded(derivation.open(fromUrl.panel.parameter, fromUrl.panel.tab, fromUrl.panel.example));
  if (fromUrl.notices.length) say(`The link's settings: ${fromUrl.notices.join("; ")}`);
  if (await derivation.expression.fromLink()) await derivation.open(null, "expression");  // #expr=...: the tab, drawn
  else if (await guarded(derivation.exercise.fromLink())) await derivation.open(null, "exercise");  // #class=...
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
  setParameter: (name, value) => setParameter(name, value),
  link: () => link(),
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
