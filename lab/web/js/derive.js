// The chain rule panel of one parameter: opening it, its tabs, its keys, the wide mode, and the
// Chain rule tab (every path's product, their sum, the batch and the update). The graph's
// layout and zoom are graphview.js; the Step mode, Matrices, Exercise and Console tabs are
// stepmode.js, matrices.js, exercise.js and console.js; the presenter view is presenter.js.
// Python (lab/derivation.py) computes everything; this file shows the numbers.
import { createConsole } from "./console.js";
import { fitCanvas, markPoint, pointColour, pointShape } from "./draw.js";
import { createExercise } from "./exercise.js";
import { createExpression } from "./expression.js";
import { accessibleGraph } from "./graph-a11y.js";
import { createGraphView } from "./graphview.js";
import { createMatrices } from "./matrices.js";
import { createPresenter } from "./presenter.js";
import { element, num, setSentence } from "./show.js";
import { createStepMode } from "./stepmode.js";

// The smallest node text Fit allows, in CSS pixels: the panel's, and the presenter view's.
const TEXT_FLOOR_PX = 13;
const PRESENTER_TEXT_FLOOR_PX = 16;

// Focus in these keeps Escape for itself (the console's line, a text area); in TYPING, every key.
const KEEPS_ESCAPE = "textarea, [contenteditable], input[type=search], #console-input";
const TYPING = "input, textarea, select, [contenteditable]";
// The tabs that draw a graph of their own in the panel's box, not the derivation's.
const OWN_GRAPH = ["exercise", "expression"];

const $ = (id) => document.getElementById(id);

export function createDerivation({ py, say, frame, onOpen }) {
  const panel = $("derive");
  const graph = $("derive-graph");
  let current = null;  // the last derivation from Python
  let wanted = { parameter: null, example: 0, view: "neuron", paths_only: false, notation: "notes" };
  let busy = null;
  let again = false;
  let tab = "chain";
  let stale = false;  // the chain rule's derivation is of an earlier step (the Matrices tab skipped it)
  const presenter = createPresenter({ panel, onChange: presented });
  const view = createGraphView(graph, {
    floorPx: () => (presenter.active ? PRESENTER_TEXT_FLOOR_PX : TEXT_FLOOR_PX),
    onLayout: () => {
      if (tab === "expression") expression.redo();
      else if (tab !== "exercise" && current) {
        readable();
        steps.redo();
      }
      matrices.mark();
    },
  });
  const steps = createStepMode({
    graph,
    derivation: () => current,
    tab: () => tab,
    keep: view.keep,
    onMove: (sentence) => {
      presenter.say(sentence);
      reader?.refresh();  // the grads the nodes show changed: their names say the new ones
    },
  });

  // The graph for a keyboard and a screen reader: the step-through page's own script
  // (graph-a11y.js, written by build.py from autograd/views/page.py) on Python's node_descriptions.
  // Once per SVG; the node that had the focus keeps it across a redraw (a training step).
  let reader = null;
  function readable(focused = null) {
    const svg = graph.querySelector("svg.derivation-svg");
    if (!svg || !current?.nodes) return;
    if (svg.dataset.readable !== "yes") {
      svg.dataset.readable = "yes";
      reader = accessibleGraph(graph, current.nodes, current.backward, activate);
    }
    const again = focused && svg.querySelector(`[id="${focused}"][tabindex]`);
    if (again) {
      svg.querySelectorAll("[tabindex='0']").forEach((e) => e.setAttribute("tabindex", "-1"));
      again.setAttribute("tabindex", "0");
      again.focus();
    }
  }

  // Enter on a node: the step-through tab at the step into it (its forward step, for a leaf
  // that receives nothing), as Enter on the step-through page goes to that node's step.
  function activate(id) {
    const d = current;
    if (!d) return;
    const into = d.backward.findIndex((r) => r.parent === id);
    const at = into >= 0 ? d.forward.length + into + 1 : d.forward.findIndex((r) => r.node === id) + 1;
    if (tab !== "steps") selectTab("steps");
    steps.goTo(at);
  }
  const exercise = createExercise({ py, say, view });
  const expression = createExpression({ py, say, view, graph });
  const matrices = createMatrices({
    py,
    say,
    request: () => ({ example: checkedExample(), view: wanted.view }),
    graph,
    onDrawn: () => {
      showExample();
      drawExamplePlane();
    },
  });
  const console_ = createConsole({ py });

  // --- opening, closing, choosing -------------------------------------------------------------

  async function open(parameter = null, which = "chain", example = null) {
    wanted.parameter = parameter ?? wanted.parameter;
    if (example !== null) wanted.example = example;  // a link's panel
    panel.hidden = false;
    document.querySelector(".lab").classList.add("deriving");
    selectTab(which, false);
    onOpen?.();
    await refresh();
    return which === "matrices" ? matrices.current : current;
  }

  function close() {
    steps.stop();
    presenter.exit();
    panel.hidden = true;
    document.querySelector(".lab").classList.remove("deriving");
    onOpen?.();
  }

  // The wide mode: the panel across the page, the network and the output in a strip above it.
  function setWide(on) {
    document.querySelector(".lab").classList.toggle("wide", on);
    $("derive-wide").setAttribute("aria-pressed", String(on));
    onOpen?.();
  }
  $("derive-wide").addEventListener("click", () => setWide($("derive-wide").getAttribute("aria-pressed") !== "true"));

  // Entering or leaving the presenter view: the box changed, so Fit again for its floor.
  function presented() {
    requestAnimationFrame(() => view.fit());
  }

  // The Matrices tab, with or without the chain rule's graph above it.
  const graphShown = () => tab !== "matrices" || $("matrices-graph").checked;

  // The example asked for, back to the first when the data has fewer points now.
  function checkedExample() {
    const train = frame()?.data.train.length ?? 1;
    if (wanted.example >= train) wanted.example = 0;
    return wanted.example;
  }

  // Ask Python again (after a step, a reset, another example); one request at a time. `light`
  // (while playing): only the Matrices tab follows, the graph waits for the pause.
  async function refresh({ light = false } = {}) {
    if (panel.hidden) return null;
    if (tab === "matrices") {
      const shown = matrices.refresh();
      if (light || !graphShown()) {
        stale = true;
        return shown;
      }
    } else if (light) return null;
    if (busy) {
      again = true;
      return busy;
    }
    busy = (async () => {
      try {
        const list = await py.call("parameter_list");
        const names = list.map((p) => p.name);
        if (!names.includes(wanted.parameter)) wanted.parameter = names[0];
        checkedExample();
        fillParameters(list);
        const d = await explain();
        stale = false;
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

  // The parameters by the names of the notation chosen; the values stay the dotted module paths.
  let shownNames = null;
  // Python's explain, the nodes named in the notation chosen.
  function explain() {
    return py.call("explain", { ...wanted });
  }

  function fillParameters(list) {
    const select = $("parameter");
    const label = (p) => (wanted.notation === "notes" ? p.displayName ?? p.name : p.name);
    const key = JSON.stringify(list.map((p) => [p.name, label(p)]));
    if (key !== shownNames) {
      shownNames = key;
      select.replaceChildren(...list.map((p) => {
        const option = new Option(label(p), p.name);
        option.title = p.name;
        return option;
      }));
    }
    select.value = wanted.parameter;
    showExample();
    $("graph-view").value = wanted.view;
  }

  $("parameter").addEventListener("change", () => {
    wanted.parameter = $("parameter").value;
    refresh();
  });
  $("graph-view").addEventListener("change", () => {
    wanted.view = $("graph-view").value;
    view.fit();
    refresh();
  });
  $("notation").addEventListener("change", () => {
    wanted.notation = $("notation").value;
    refresh();
  });
  // The example field shows the example drawn, except while a student is typing another in it: a
  // reply that lands between their keys and Enter must not undo what they typed.
  let typing = false;
  function showExample() {
    if (!typing) $("example").value = wanted.example;
    $("example").max = (frame()?.data.train.length ?? 1) - 1;
  }
  $("example").addEventListener("input", () => {
    typing = true;
  });
  $("example").addEventListener("blur", () => {
    typing = false;
  });
  $("example").addEventListener("change", () => {
    typing = false;
    pickExample(Number($("example").value));
  });
  $("example-prev").addEventListener("click", () => pickExample(wanted.example - 1));
  $("example-next").addEventListener("click", () => pickExample(wanted.example + 1));
  $("derive-close").addEventListener("click", close);
  $("paths-only").addEventListener("change", () => {
    wanted.paths_only = $("paths-only").checked;
    view.fit();  // another graph: Fit it, whatever the last one's zoom
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
      markPoint(context, x, y, i === wanted.example ? 4 : 2.5, pointShape(row, f));
      const [r, g, b] = pointColour(row, f);
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
    panel.dataset.notation = d.notation;  // the notes' names read better in the text's own font
    // What this reply drew (Python may draw only the paths of a big graph), unless a newer choice is on its way.
    $("paths-only").checked = again ? wanted.paths_only : d.pathsOnly;
    if (d.note) say(d.note);
    if (OWN_GRAPH.includes(tab)) return;  // the graph area shows the exercise's, or the expression's
    const focused = graph.contains(document.activeElement) ? document.activeElement.closest("g.node")?.id : null;
    const onPath = new Set([...d.pathNodes, ...d.pathNodes.map((id) => `${id}-op`), ...d.pathEdges]);
    await view.draw(d.dots, (svg) => {
      svg.classList.add("derivation-svg");
      svg.querySelectorAll("g.node, g.edge").forEach((g) => {
        if (onPath.has(g.id)) g.classList.add("on-path");
      });
      svg.querySelector(`[id="${d.parameterId}"]`)?.classList.add("traced");
    });
    $("parameter").value = wanted.parameter;
    showExample();
    drawExamplePlane();
    readable(focused);
    drawChain(d);
    steps.setup(d);
    matrices.mark();  // a new SVG: the entry marked, marked in it too
  }

  function drawChain(d) {
    const steps = $("chain-steps");
    steps.replaceChildren(
      ...d.steps.map((text, i) => {
        const li = element("li");
        const code = element("code");
        setSentence(code, text);
        // The rule apart from the numbers ("= -1 (rule: d(a*b)/da = b)"), unless the step says it already.
        if (!text.includes(d.rules[i])) li.append(code, element("span", ` (rule: ${d.rules[i]})`, "rule-words"));
        else li.append(code);
        return li;
      }),
    );
    const paths = $("chain-paths");
    paths.replaceChildren();
    const list = element("ol", undefined, "paths");
    for (const path of d.paths) {
      const li = element("li");
      const nodes = element("div", undefined, "path-nodes");  // a line breaks between names, never inside w⁽¹⁾₁₁
      path.nodes.forEach((name, i) => nodes.append(i ? " → " : "", element("span", name, "name")));
      li.append(nodes);
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
      ", the gradient backward() leaves in ", gradCode(d), " = ", num(d.gradient));
    paths.append(sum);
    drawBatch(d);
  }

  // Where backward() leaves the gradient: the parameter's .grad, by its name on screen (the
  // dotted module path on hover).
  function gradCode(d) {
    const code = element("code", `${d.parameterName}.grad`);
    code.title = `${d.parameter}.grad`;
    return code;
  }

  // ∂L/∂w = Σ over paths of the product of local derivatives, typeset in MathML.
  function mathSum(d) {
    const m = (tag, text) => {
      const e = document.createElementNS("http://www.w3.org/1998/Math/MathML", tag);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const math = m("math");
    math.setAttribute("displaystyle", "true");  // the fractions' parts full size, the sums' signs large
    const row = m("mrow");
    const frac = m("mfrac");
    frac.append(m("mi", "∂L"), m("mi", `∂${d.parameterName}`));
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
    head.append(element("th", "example"), element("th", `∂L/∂${d.parameterName}`));
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
    numbers.append(`p = ${d.parameterName}: `, num(u.before), " → ", num(u.after), " (change ", num(u.delta), "), with g = ", num(u.gradient));
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

  // --- zoom: Fit, -, + (Ctrl+wheel is the graph view's) ---------------------------------------

  $("zoom-fit").addEventListener("click", () => view.fit());
  $("zoom-in").addEventListener("click", () => view.zoomBy(1.25));
  $("zoom-out").addEventListener("click", () => view.zoomBy(1 / 1.25));

  // --- tabs and keys --------------------------------------------------------------------------

  // `fetch`: ask Python for what the tab shows when it needs it (open() asks itself).
  function selectTab(which, fetch = true) {
    const was = tab;
    tab = which;
    panel.dataset.tab = which;
    if (which === "exercise") exercise.show();
    else if (which === "expression") expression.open();
    else if (OWN_GRAPH.includes(was) && current) draw(current);  // the derivation's graph again: setup shows the tab's
    for (const name of ["chain", "steps", "matrices", "console", "exercise", "expression"]) {
      $(`tab-${name}`).hidden = name !== which;
      $(`tab-button-${name}`).setAttribute("aria-selected", String(name === which));
    }
    if (which !== "steps") steps.stop();
    if (["console", "exercise", "matrices", "expression"].includes(which)) presenter.exit();  // the presenter view is the graph's
    if (fetch && which === "matrices" && was !== "matrices") refresh();
    else if (fetch && stale && (which === "chain" || which === "steps")) refresh();  // the derivation of this step
    else if (current && !OWN_GRAPH.includes(was) && which === "steps") steps.first();
    else if (current && !OWN_GRAPH.includes(was) && which === "chain") steps.showChain();
    if (which === "console") console_.focus();
  }

  // A click on the network diagram: with the Matrices tab open, mark that weight's (or neuron's)
  // entries; else open the chain rule of the parameter.
  function pick(parameter, neuron = null) {
    if (!panel.hidden && tab === "matrices") {
      wanted.parameter = parameter;  // the Chain rule tab traces it next
      stale = true;
      matrices.pick(neuron ? { neuron } : { param: parameter }, true);
      return Promise.resolve(matrices.current);
    }
    return open(parameter);
  }

  $("matrices-graph").addEventListener("change", () => {
    panel.classList.toggle("with-graph", $("matrices-graph").checked);
    view.fit();
    if ($("matrices-graph").checked) refresh();
  });

  document.querySelectorAll("[role=tab]").forEach((b) => b.addEventListener("click", () => selectTab(b.dataset.tab)));

  // The panel's keys; true when it took the key. Escape leaves the presenter view, then closes
  // the panel; F toggles the presenter view; the step mode has its own. None while typing.
  function key(event) {
    if (panel.hidden) return false;
    if (event.key === "Escape" && !event.target.closest?.(KEEPS_ESCAPE)) {
      if (presenter.active) presenter.exit();
      else close();
      return true;
    }
    if (event.target.closest?.(TYPING)) return false;
    if ((event.key === "f" || event.key === "F") && (tab === "chain" || tab === "steps")) {
      presenter.toggle();
      return true;
    }
    if (tab === "expression") return expression.key(event);
    return tab === "steps" && steps.key(event);
  }

  return {
    open,
    close,
    refresh,
    pick,
    matrices,
    key,
    run: console_.run,
    get isOpen() {
      return !panel.hidden;
    },
    get tab() {
      return tab;  // the tab shown: chain, steps, matrices, console, exercise or expression
    },
    get current() {
      return current;
    },
    get example() {
      return wanted.example;
    },
    get position() {
      return steps.position;
    },
    get layout() {
      return view.layout;  // "LR" or "TB": which of Python's two drawings is in the box
    },
    get isWide() {
      return !panel.hidden && document.querySelector(".lab").classList.contains("wide");
    },
    presenter,
    fit: view.fit,
    goTo: steps.goTo,
    expression,
    exercise,
    newExercise: exercise.create,
    checkExercise: exercise.check,
  };
}
