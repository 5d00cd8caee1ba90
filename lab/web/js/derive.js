// The chain rule of one parameter: the derivation panel, the step mode and the console.
// Python (lab/derivation.py, lab/console.py) computes everything; this file renders the
// DOT with Graphviz (WebAssembly) and shows the records, sentences and numbers it sends.
import { instance as vizInstance } from "../viz/viz.js";
import { backpropSteps } from "./backprop-steps.js";
import { BLUE, ORANGE, fitCanvas } from "./draw.js";

const $ = (id) => document.getElementById(id);
let viz = null;
const graphviz = () => (viz ??= vizInstance());

// A number to 4 significant digits ("nan" for Python's None); `num` adds the full value on hover.
const fmt = (x) => (x === null || x === undefined ? "nan" : Number.parseFloat(x.toPrecision(4)).toString());

function num(x) {
  const span = document.createElement("span");
  span.className = "num";
  span.textContent = fmt(x);
  if (x !== null && x !== undefined) span.title = String(x);
  return span;
}

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

export async function renderDot(dot) {
  const svg = (await graphviz()).renderSVGElement(dot);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  return svg;
}

export function createDerivation({ py, say, frame, onOpen }) {
  const panel = $("derive");
  const graph = $("derive-graph");
  let current = null;  // the last derivation from Python
  let wanted = { parameter: null, example: 0, view: "neuron", paths_only: false };
  let zoom = null;  // the graph's scale (1: Graphviz's points as pixels), null: chosen on drawing
  let busy = null;
  let again = false;
  let show = null;  // STEP_JS's show(k) for the current backward records
  let position = 0;
  let timer = null;
  let tab = "chain";

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
    stopPlaying();
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
    setupSteps(d);
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
    if (d.pathCount > d.paths.length) paths.append(element("p", `… and ${d.pathCount - d.paths.length} more paths`, "hint"));
    const sum = element("p", undefined, "path-sum");
    sum.append(mathSum(d), " the sum over ", `${d.pathCount} path${d.pathCount === 1 ? "" : "s"}`, " = ", num(d.pathSum),
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

  // --- step mode ------------------------------------------------------------------------------

  const records = (d) => d.backward;  // with "only the paths", Python sends only theirs

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

  function setupSteps(d) {
    const svg = graph.querySelector("svg");
    show = backpropSteps(svg, records(d));
    const total = d.forward.length + records(d).length + 1;
    const slider = $("sm-slider");
    slider.max = total;
    position = Math.min(position, total);
    if (tab !== "steps") position = total;  // the chain rule tab shows the graph after backward
    goTo(position);
  }

  function goTo(k) {
    const d = current;
    if (!d) return;
    const list = records(d);
    const forward = d.forward.length;
    const total = forward + list.length + 1;
    position = Math.max(0, Math.min(total, k));
    $("sm-slider").value = position;
    $("sm-count").textContent = `${position} / ${total}`;
    const svg = graph.querySelector("svg");
    svg.querySelectorAll(".pending, .hot-forward, .hot-update").forEach((e) => e.classList.remove("pending", "hot-forward", "hot-update"));
    let sentence;
    let rule = "";
    if (position <= forward) {
      show(0);
      d.forward.forEach((r, i) => {
        if (i >= position) {
          svg.querySelector(`[id="${r.node}"]`)?.classList.add("pending");
          svg.querySelector(`[id="${r.node}-op"]`)?.classList.add("pending");
        }
      });
      if (position === 0) sentence = "The forward pass: press Next to compute the values node by node, then backprop.";
      else {
        const r = d.forward[position - 1];
        svg.querySelector(`[id="${r.node}"]`)?.classList.add("hot-forward");
        sentence = `forward: ${r.sentence}`;
      }
    } else if (position <= forward + list.length) {
      const step = show(position - forward);
      sentence = step.sentence;
      rule = step.math;
    } else {
      show(list.length);
      svg.querySelector(`[id="${d.parameterId}"]`)?.classList.add("hot-update");
      const u = d.update;
      sentence = `update (${u.optimizer}, on the batch's mean gradient ${fmt(u.gradient)}): ${u.rule}  →  ${d.parameter}: ${fmt(u.before)} → ${fmt(u.after)}`;
    }
    const hot = svg.querySelector(".hot-parent, .hot-forward, .hot-update");
    if (hot && tab === "steps") hot.scrollIntoView({ block: "nearest", inline: "nearest" });
    $("sm-sentence").textContent = sentence;
    $("sm-rule").innerHTML = rule;  // MathML written by autograd.mathml
  }

  function stopPlaying() {
    clearInterval(timer);
    timer = null;
    $("sm-play").innerHTML = "&#x25B6; Play";
  }

  $("sm-slider").addEventListener("input", () => goTo(Number($("sm-slider").value)));
  $("sm-first").addEventListener("click", () => goTo(0));
  $("sm-prev").addEventListener("click", () => goTo(position - 1));
  $("sm-next").addEventListener("click", () => goTo(position + 1));
  $("sm-play").addEventListener("click", () => {
    if (timer) return stopPlaying();
    if (position >= Number($("sm-slider").max)) goTo(0);
    $("sm-play").innerHTML = "&#x275A;&#x275A; Pause";
    timer = setInterval(() => {
      if (position >= Number($("sm-slider").max)) stopPlaying();
      else goTo(position + 1);
    }, 700);
  });

  // --- tabs and keys --------------------------------------------------------------------------

  // --- the exercise tab: backprop by hand, marked by autograd.exercises.check in the worker ------

  let exercise = null;

  async function newExercise() {
    const level = Number($("exercise-level").value);
    const seed = Number($("exercise-seed").value);
    if (!Number.isInteger(seed) || seed < 0) {
      say(`the exercise's seed must be a whole number from 0; got ${$("exercise-seed").value}`, "error");
      return null;
    }
    try {
      exercise = await py.call("exercise", { level, seed });
    } catch (error) {
      say(error.message, "error");
      return null;
    }
    await showExercise();
    const table = $("exercise-answers");
    table.replaceChildren();
    for (const name of exercise.names) {
      const row = table.insertRow();
      row.insertCell().append(element("code", `dL/d${name} =`));
      const input = element("input");
      input.dataset.testid = `answer-${name}`;
      input.dataset.node = name;
      input.setAttribute("aria-label", `dL/d${name}`);
      input.inputMode = "decimal";
      row.insertCell().append(input);
      row.insertCell().className = "mark";
    }
    $("exercise-forward").replaceChildren(...exercise.forward.map((line) => element("li", line)));
    $("exercise-diagnosis").textContent = "";
    return exercise;
  }

  async function showExercise() {
    if (!exercise) return;
    const svg = await renderDot(exercise.dot);
    graph.replaceChildren(svg);
    setZoom(null);
  }

  async function checkExercise() {
    if (!exercise) return null;
    const answers = {};
    for (const input of $("exercise-answers").querySelectorAll("input")) {
      const text = input.value.trim();
      if (text === "") continue;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        say(`dL/d${input.dataset.node}: ${JSON.stringify(text)} is not a number`, "error");
        return null;
      }
      answers[input.dataset.node] = value;
    }
    let report;
    try {
      report = await py.call("check_exercise", { answers });
    } catch (error) {
      say(error.message, "error");
      return null;
    }
    for (const input of $("exercise-answers").querySelectorAll("input")) {
      const mark = input.parentElement.nextSibling;
      const result = report.results[input.dataset.node];
      mark.textContent = result === "right" ? "✓ right" : result === "wrong" ? "✗ wrong" : "";
      mark.className = `mark ${result}`;
    }
    const [right, total] = report.score;
    $("exercise-diagnosis").textContent = report.diagnosis ?? `${right} of ${total} right${right === total ? ": all of them." : "."}`;
    return report;
  }

  $("exercise-new").addEventListener("click", newExercise);
  $("exercise-check").addEventListener("click", checkExercise);
  $("exercise-answers").addEventListener("keydown", (event) => {
    if (event.key === "Enter") checkExercise();
  });

  function selectTab(which) {
    const was = tab;
    tab = which;
    panel.dataset.tab = which;
    if (which === "exercise") (exercise ? showExercise() : newExercise());
    else if (was === "exercise" && current) draw(current);
    for (const name of ["chain", "steps", "console", "exercise"]) {
      $(`tab-${name}`).hidden = name !== which;
      $(`tab-button-${name}`).setAttribute("aria-selected", String(name === which));
    }
    if (which !== "steps") stopPlaying();
    if (current && which === "steps") goTo(0);
    if (current && which === "chain") goTo(Number($("sm-slider").max));
    if (which === "console") $("console-input").focus();
  }

  document.querySelectorAll("[role=tab]").forEach((b) => b.addEventListener("click", () => selectTab(b.dataset.tab)));

  // Keys for the step mode; returns true when it took the key.
  function key(event) {
    if (panel.hidden || tab !== "steps") return false;
    if (event.key === "ArrowRight" || event.key === "PageDown") goTo(position + 1);
    else if (event.key === "ArrowLeft" || event.key === "PageUp") goTo(position - 1);
    else if (event.key === "Home") goTo(0);
    else if (event.key === "End") goTo(Number($("sm-slider").max));
    else return false;
    return true;
  }

  // --- the console ----------------------------------------------------------------------------

  const history = [];
  let back = 0;
  const output = $("console-output");
  const input = $("console-input");
  let banner = false;

  async function run(code) {
    if (!banner) {
      banner = true;
      output.append("Bound: autograd, nn, Value, and the run's model, data, optimizer, lab.\n");
    }
    const prompt = $("console-prompt").textContent;
    output.append(`${prompt} ${code}\n`);
    let reply;
    try {
      reply = await py.call("python", { code });
    } catch (error) {
      output.append(`${error.message}\n`);
      return error.message;
    }
    output.append(reply.output);
    for (const dot of reply.graphs) {
      const figure = element("div", undefined, "console-graph");
      figure.append(await renderDot(dot));
      output.append(figure);
    }
    $("console-prompt").textContent = reply.more ? "..." : ">>>";
    output.scrollTop = output.scrollHeight;
    return reply.output;
  }

  input.addEventListener("keydown", async (event) => {
    if (event.key === "Enter") {
      const code = input.value;
      input.value = "";
      if (code.trim()) history.push(code);
      back = history.length;
      await run(code);
    } else if (event.key === "ArrowUp") {
      if (back > 0) input.value = history[--back];
      event.preventDefault();
    } else if (event.key === "ArrowDown") {
      back = Math.min(history.length, back + 1);
      input.value = history[back] ?? "";
      event.preventDefault();
    }
  });

  return {
    open,
    close,
    refresh,
    key,
    run,
    get isOpen() {
      return !panel.hidden;
    },
    get current() {
      return current;
    },
    get position() {
      return position;
    },
    goTo,
    newExercise,
    checkExercise,
  };
}
