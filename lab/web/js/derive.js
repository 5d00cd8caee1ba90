// The chain rule panel of one parameter: opening it, its tabs, the graph and its zoom, and the
// Chain rule tab (every path's product, their sum, the batch and the update). The Step mode,
// Exercise and Console tabs are stepmode.js, exercise.js and console.js. Python
// (lab/derivation.py) computes everything; this file renders the DOT and shows the numbers.
import { createConsole } from "./console.js";
import { BLUE, ORANGE, fitCanvas } from "./draw.js";
import { createExercise } from "./exercise.js";
import { element, num, renderDot } from "./show.js";
import { createStepMode } from "./stepmode.js";

const $ = (id) => document.getElementById(id);

export function createDerivation({ py, say, frame, onOpen }) {
  const panel = $("derive");
  const graph = $("derive-graph");
  let current = null;  // the last derivation from Python
  let wanted = { parameter: null, example: 0, view: "neuron", paths_only: false };
  let zoom = null;  // the graph's scale (1: Graphviz's points as pixels), null: chosen on drawing
  let busy = null;
  let again = false;
  let tab = "chain";
  const steps = createStepMode({ graph, derivation: () => current, tab: () => tab });
  const exercise = createExercise({ py, say, graph, fit: () => setZoom(null) });
  const console_ = createConsole({ py });

  // --- opening, closing, choosing -------------------------------------------------------------

  async function open(parameter = null, which = "chain") {
    wanted.parameter = parameter ?? wanted.parameter;
    panel.hidden = false;
    document.querySelector(".lab").classList.add("deriving");
    selectTab(which);
    onOpen?.();
    await refresh();
    return current;
  }

  function close() {
    steps.stop();
    panel.hidden = true;
    document.querySelector(".lab").classList.remove("deriving");
    onOpen?.();
  }

  // Ask Python again (after a step, a reset, another example); one request at a time.
  async function refresh() {
    if (panel.hidden) return null;
    if (busy) {
      again = true;
      return busy;
    }
    busy = (async () => {
      try {
        const list = await py.call("parameter_list");
        const names = list.map((p) => p.name);
        if (!names.includes(wanted.parameter)) wanted.parameter = names[0];
        const train = frame()?.data.train.length ?? 1;
        if (wanted.example >= train) wanted.example = 0;
        fillParameters(names);
        const d = await py.call("explain", { ...wanted });
        await draw(d);
        return d;
      } catch (error) {
        say(error.message, "error");
        return null;
      } finally {
        busy = null;
        if (again) {
          again = false;
          refresh();
        }
      }
    })();
    return busy;
  }

  function fillParameters(names) {
    const select = $("parameter");
    if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
      select.replaceChildren(...names.map((n) => new Option(n, n)));
    }
    select.value = wanted.parameter;
    $("example").value = wanted.example;
    $("example").max = (frame()?.data.train.length ?? 1) - 1;
    $("graph-view").value = wanted.view;
  }

  $("parameter").addEventListener("change", () => {
    wanted.parameter = $("parameter").value;
    refresh();
  });
  $("graph-view").addEventListener("change", () => {
    wanted.view = $("graph-view").value;
    refresh();
  });
  $("example").addEventListener("change", () => pickExample(Number($("example").value)));
  $("example-prev").addEventListener("click", () => pickExample(wanted.example - 1));
  $("example-next").addEventListener("click", () => pickExample(wanted.example + 1));
  $("derive-close").addEventListener("click", close);
  $("paths-only").addEventListener("change", () => {
    wanted.paths_only = $("paths-only").checked;
    zoom = null;
    refresh();
  });

  function pickExample(index) {
    const train = frame()?.data.train.length ?? 1;
    if (!Number.isInteger(index) || index < 0 || index >= train) {
      say(`example must be a training point, 0 to ${train - 1}; got ${$("example").value}`, "error");
      $("example").value = wanted.example;
      return;
    }
    wanted.example = index;
    refresh();
  }

  // The mini plane: the training points, the traced one ringed; a click picks the nearest.
  function drawExamplePlane() {
    const f = frame();
    const canvas = $("example-plane");
    const { context, width, height } = fitCanvas(canvas);
    context.clearRect(0, 0, width, height);
    context.fillStyle = "#f4f5f6";
    context.fillRect(0, 0, width, height);
    if (!f) return;
    const [x0, x1, y0, y1] = f.domain;
    const at = (row) => [((row[0] - x0) / (x1 - x0)) * width, height - ((row[1] - y0) / (y1 - y0)) * height];
    f.data.train.forEach((row, i) => {
      const [x, y] = at(row);
      context.beginPath();
      context.arc(x, y, i === wanted.example ? 4 : 2, 0, 2 * Math.PI);
      const [r, g, b] = f.regression ? [60, 60, 60] : row[2] > 0.5 ? BLUE : ORANGE;
      context.fillStyle = `rgb(${r}, ${g}, ${b})`;
      context.fill();
    });
    const row = f.data.train[wanted.example];
    if (row) {
      const [x, y] = at(row);
      context.beginPath();
      context.arc(x, y, 8, 0, 2 * Math.PI);
      context.strokeStyle = "#d62728";
      context.lineWidth = 2.5;
      context.stroke();
    }
  }

  $("example-plane").addEventListener("click", (event) => {
    const f = frame();
    if (!f) return;
    const box = $("example-plane").getBoundingClientRect();
    const [x0, x1, y0, y1] = f.domain;
    const px = (event.clientX - box.left) / box.width;
    const py_ = 1 - (event.clientY - box.top) / box.height;
    let best = 0;
    let distance = Infinity;
    f.data.train.forEach((row, i) => {
      const d = Math.hypot((row[0] - x0) / (x1 - x0) - px, (row[1] - y0) / (y1 - y0) - py_);
      if (d < distance) [best, distance] = [i, d];
    });
    pickExample(best);
  });

  // --- drawing one derivation -----------------------------------------------------------------

  async function draw(d) {
    current = d;
    $("paths-only").checked = d.pathsOnly;
    if (d.note) say(d.note);
    if (tab === "exercise") return;  // the graph area shows the exercise
    const svg = await renderDot(d.dot);
    svg.classList.add("derivation-svg");
    const onPath = new Set([...d.pathNodes, ...d.pathNodes.map((id) => `${id}-op`), ...d.pathEdges]);
    svg.querySelectorAll("g.node, g.edge").forEach((g) => {
      if (onPath.has(g.id)) g.classList.add("on-path");
    });
    svg.querySelector(`[id="${d.parameterId}"]`)?.classList.add("traced");
    graph.replaceChildren(svg);
    setZoom(zoom, true);
    fillParameters([...$("parameter").options].map((o) => o.value));
    drawExamplePlane();
    drawChain(d);
    steps.setup(d);
  }

  function drawChain(d) {
    const steps = $("chain-steps");
    steps.replaceChildren(
      ...d.steps.map((text, i) => {
        const li = element("li");
        li.append(element("code", text), element("span", ` ${d.rules[i]}`, "rule-words"));
        return li;
      }),
    );
    const paths = $("chain-paths");
    paths.replaceChildren();
    const list = element("ol", undefined, "paths");
    for (const path of d.paths) {
      const li = element("li");
      li.append(element("div", path.nodes.join(" → "), "path-nodes"));
      const factors = element("div", undefined, "path-product");
      path.locals.forEach((x, i) => {
        if (i) factors.append(" × ");
        factors.append(num(x));
      });
      factors.append(" = ", num(path.product));
      li.append(factors);
      list.append(li);
    }
    paths.append(list);
    if (d.pathsAreLargest) {
      const many = d.pathCount.toLocaleString("en");
      paths.append(element("p", `The ${d.paths.length} largest of ${many} paths. Their sum, below, is computed as backprop does: one pass over the graph, no path listed.`, "hint"));
    }
    const sum = element("p", undefined, "path-sum");
    sum.append(mathSum(d), " the sum over ", `${d.pathCount.toLocaleString("en")} path${d.pathCount === 1 ? "" : "s"}`, " = ", num(d.pathSum),
      ", the gradient backward() leaves in ", element("code", `${d.parameter}.grad`), " = ", num(d.gradient));
    paths.append(sum);
    drawBatch(d);
  }

  // ∂L/∂w = Σ over paths of the product of local derivatives, typeset in MathML.
  function mathSum(d) {
    const m = (tag, text) => {
      const e = document.createElementNS("http://www.w3.org/1998/Math/MathML", tag);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const math = m("math");
    const row = m("mrow");
    const frac = m("mfrac");
    frac.append(m("mi", "∂loss"), m("mi", `∂${d.parameter.split(".").slice(-2).join(".")}`));
    const under = m("munder");
    under.append(m("mo", "∑"), m("mi", "paths"));
    const prod = m("munder");
    prod.append(m("mo", "∏"), m("mi", "edges"));
    row.append(frac, m("mo", "="), under, prod, m("mfrac"));
    row.lastChild.append(m("mi", "∂child"), m("mi", "∂parent"));
    math.append(row);
    return math;
  }

  function drawBatch(d) {
    const box = $("chain-batch");
    box.replaceChildren();
    const table = element("table", undefined, "batch");
    const head = element("tr");
    head.append(element("th", "example"), element("th", `∂loss/∂${d.parameter.split(".").slice(-1)[0]}`));
    table.append(head);
    for (const e of d.batch) {
      const tr = element("tr");
      if (e.example === d.example) tr.className = "traced-row";
      const cell = element("td");
      cell.append(num(e.gradient));
      tr.append(element("td", String(e.example)), cell);
      table.append(tr);
    }
    const mean = element("tr", undefined, "mean");
    const cell = element("td");
    cell.append(num(d.batchGradient));
    mean.append(element("td", `mean of ${d.batch.length}`), cell);
    table.append(mean);
    box.append(table);
    const u = d.update;
    const update = element("div", undefined, "update");
    update.append(element("p", `${u.optimizer}: `), element("code", u.rule));
    const numbers = element("p");
    numbers.append(`p = ${d.parameter}: `, num(u.before), " → ", num(u.after), " (change ", num(u.delta), "), with g = ", num(u.gradient));
    const state = Object.entries(u.stateAfter).filter(([k]) => k !== "t");
    if (state.length) {
      numbers.append("; then ");
      state.forEach(([k, v], i) => numbers.append(i ? ", " : "", `${k} = `, num(v)));
    }
    update.append(numbers);
    if (!d.batch.some((e) => e.example === d.example)) {
      update.append(element("p", `Example ${d.example} is not in this batch: the next step does not use its gradient.`, "hint"));
    }
    box.append(update);
  }

  // --- zoom: Fit, -, +, Ctrl+wheel ----------------------------------------------------------

  function naturalSize(svg) {
    const box = svg.viewBox.baseVal;
    return [box.width, box.height];
  }

  // Scale the graph; null picks one: the whole graph if its text stays readable, else
  // readable size scrolled to the traced parameter.
  function setZoom(scale, scroll = false) {
    const svg = graph.querySelector("svg");
    if (!svg) return;
    const [w, h] = naturalSize(svg);
    const fit = Math.min(graph.clientWidth / w, graph.clientHeight / h);
    zoom = scale ?? (fit >= 0.7 ? fit : 1);
    zoom = Math.max(0.1, Math.min(3, zoom));
    svg.style.width = `${w * zoom}px`;
    svg.style.height = `${h * zoom}px`;
    if (scroll) {
      const target = svg.querySelector(`[id="${current?.parameterId}"]`);
      if (target) {
        const t = target.getBoundingClientRect();
        const g = graph.getBoundingClientRect();
        graph.scrollLeft += t.left - g.left - graph.clientWidth / 2 + t.width / 2;
        graph.scrollTop += t.top - g.top - graph.clientHeight / 2 + t.height / 2;
      }
    }
  }

  $("zoom-fit").addEventListener("click", () => {
    const svg = graph.querySelector("svg");
    if (!svg) return;
    const [w, h] = naturalSize(svg);
    setZoom(Math.min(graph.clientWidth / w, graph.clientHeight / h));
  });
  $("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  $("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  graph.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    setZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });

  // --- tabs and keys --------------------------------------------------------------------------

  function selectTab(which) {
    const was = tab;
    tab = which;
    panel.dataset.tab = which;
    if (which === "exercise") exercise.show();
    else if (was === "exercise" && current) draw(current);
    for (const name of ["chain", "steps", "console", "exercise"]) {
      $(`tab-${name}`).hidden = name !== which;
      $(`tab-button-${name}`).setAttribute("aria-selected", String(name === which));
    }
    if (which !== "steps") steps.stop();
    if (current && which === "steps") steps.first();
    if (current && which === "chain") steps.end();
    if (which === "console") console_.focus();
  }

  document.querySelectorAll("[role=tab]").forEach((b) => b.addEventListener("click", () => selectTab(b.dataset.tab)));

  // Keys for the step mode; returns true when it took the key.
  function key(event) {
    return !panel.hidden && tab === "steps" && steps.key(event);
  }

  return {
    open,
    close,
    refresh,
    key,
    run: console_.run,
    get isOpen() {
      return !panel.hidden;
    },
    get current() {
      return current;
    },
    get position() {
      return steps.position;
    },
    goTo: steps.goTo,
    newExercise: exercise.create,
    checkExercise: exercise.check,
  };
}
