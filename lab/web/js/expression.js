// The Expression tab: `python -m autograd` in the page. The student's expression and values go
// to Python (lab/expression.py), which reads them with the CLI's own parser and sends back the
// graph, the forward records and backward's, the forward table, explain for a variable, the
// gradients, and the link's fragment; a refusal is the CLI's one line. This file lays them out
// and steps through the records with the step-through page's script (backprop-steps.js).
import { backpropSteps } from "./backprop-steps.js";
import { accessibleGraph } from "./graph-a11y.js";
import { element, num, setSentence } from "./show.js";

const $ = (id) => document.getElementById(id);

// view: the panel's graph view (graphview.js), whose box the tab draws in, as the Exercise tab does;
// graph: that box; say(text, kind): the page's message line.
export function createExpression({ py, say, view, graph }) {
  let shown = null;  // Python's last reply
  let show = null;  // backpropSteps' show(k) on its records
  let reader = null;  // accessibleGraph's nodes for a keyboard and a screen reader: named by what they show
  let position = 0;

  let queue = Promise.resolve();  // one drawing at a time, in the order asked: the last asked is the one shown
  let linked = null;  // the variable a link names, for the first drawing

  // fn() once every drawing asked before it is done; its Promise.
  function serial(fn) {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  }

  // Draw `text` with `values` (the CLI's name=number words) and explain `variable`; a Promise of
  // the reply, rejected with the CLI's line (shown in the tab) when Python refuses.
  const draw = (text, values, variable = null) => serial(() => drawNow(text, values, variable));

  async function drawNow(text, values, variable) {
    $("expression-text").value = text;
    $("expression-values").value = values;
    const same = shown && shown.text === text && shown.values === values;
    let reply;
    try {
      reply = await py.call("expression", { text, values, variable });
    } catch (error) {
      refused(error.message);
      throw error;
    }
    $("expression-error").hidden = true;
    $("expression-result").classList.remove("stale");
    shown = reply;
    const total = reply.forward.length + reply.backward.length;
    position = same ? Math.min(position, total) : total;  // a new expression: every grad filled in, as the CLI ends
    if (reply.fragment !== null) history.replaceState(null, "", `${location.search}#${reply.fragment}`);
    if (reply.linkNote) say(reply.linkNote);
    fill(reply);
    if (visible()) await picture();
    return reply;
  }

  // The CLI's line, as it prints it, where the graph would be; the last graph stays below it.
  function refused(message) {
    const line = $("expression-error");
    line.textContent = `error: ${message}`;
    line.hidden = false;
    $("expression-result").classList.toggle("stale", shown !== null);  // what is below is the last one drawn
  }

  const visible = () => !$("tab-expression").hidden;

  // The graph in the panel's box (the tab opened, or a new reply), each step's highlight on it.
  async function picture() {
    if (!shown) return;
    const onPath = new Set([...shown.pathNodes, ...shown.pathNodes.map((id) => `${id}-op`), ...shown.pathEdges]);
    view.fit();  // a graph of its own: Fit, whatever the derivation's zoom was
    await view.draw(shown.dots, (svg) => {
      svg.classList.add("expression-svg");
      svg.querySelectorAll("g.node, g.edge").forEach((g) => g.classList.toggle("on-path", onPath.has(g.id)));
      svg.querySelector(`[id="${shown.variableId}"]`)?.classList.add("traced");
    });
    redo();
  }

  // A new SVG in the box (drawn, or the other layout put in): the steps' script and the keys on it.
  function redo() {
    const svg = graph.querySelector("svg.expression-svg");
    if (!shown || !svg) return;
    show = backpropSteps(graph, shown.backward);
    reader = accessibleGraph(graph, shown.nodes, shown.backward, (id) => {
      const into = shown.backward.findIndex((r) => r.parent === id);
      goTo(into >= 0 ? shown.forward.length + into + 1 : shown.forward.findIndex((r) => r.node === id) + 1);
    });
    goTo(position);
  }

  // Step k: 0 the start, 1..F the forward pass node by node, then backward's records one by one.
  function goTo(k) {
    const svg = graph.querySelector("svg.expression-svg");
    if (!shown || !show || !svg) return;
    const forward = shown.forward.length;
    const total = forward + shown.backward.length;
    position = Math.max(0, Math.min(total, k));
    $("expression-slider").max = total;
    $("expression-slider").value = position;
    $("expression-count").textContent = `${position} / ${total}`;
    svg.querySelectorAll(".pending, .hot-forward").forEach((e) => e.classList.remove("pending", "hot-forward"));
    let sentence;
    let said;
    let rule = "";
    if (position <= forward) {
      show(0);
      shown.forward.forEach((r, i) => {
        if (i >= position) for (const id of [r.node, `${r.node}-op`]) svg.querySelector(`[id="${id}"]`)?.classList.add("pending");
      });
      if (position === 0) sentence = said = "The forward pass: press Next to compute the values node by node, then backprop.";
      else {
        const r = shown.forward[position - 1];
        svg.querySelector(`[id="${r.node}"]`)?.classList.add("hot-forward");
        [sentence, said] = [`forward: ${r.sentence}`, r.spoken];
      }
    } else {
      const step = show(position - forward);
      [sentence, said, rule] = [step.sentence, step.spoken || step.sentence, step.math];
    }
    setSentence($("expression-sentence"), sentence);
    $("expression-spoken").textContent = `step ${position} of ${total}: ${said}`;
    $("expression-rule").innerHTML = rule;  // MathML written by autograd.views.mathml
    view.keep(() => graph.querySelector(".hot-parent, .hot-forward"));
    reader?.refresh();  // the grads the nodes show changed: their names say the new ones
  }

  // The value, the gradients, the forward table and explain, from the reply.
  function fill(d) {
    const value = $("expression-value");
    value.replaceChildren("L = ", element("code", d.text), " = ", num(d.value));
    const grads = $("expression-grads");
    grads.replaceChildren(...Object.entries(d.grads).map(([name, grad]) => {
      const li = element("li");
      li.dataset.variable = name;
      li.append(element("code", `dL/d${name} = `), element("span", d.gradTexts[name], "num"));
      li.lastChild.title = String(grad);
      return li;
    }));
    const table = $("expression-table");
    const head = element("tr");
    for (const text of ["node", "op", "inputs", "value", "dL/d node"]) head.append(element("th", text));
    table.replaceChildren(head, ...d.table.map((row) => {
      const tr = element("tr");
      tr.dataset.node = row.node;
      tr.append(element("td", row.name, "name"), element("td", row.op || "(leaf)"), element("td", row.inputs));
      for (const [x, text] of [[row.value, row.valueText], [row.grad, row.gradText]]) {
        const cell = element("td", text, "num");
        cell.title = String(x);
        tr.append(cell);
      }
      return tr;
    }));
    const select = $("expression-variable");
    select.replaceChildren(...Object.keys(d.variables).map((name) => new Option(name, name)));
    select.value = d.variable;
    $("expression-explain").textContent = d.explain.text;
    $("expression-steps").replaceChildren(...d.explain.steps.map((text) => {
      const li = element("li");
      const code = element("code");
      setSentence(code, text);
      li.append(code);
      return li;
    }));
  }

  // The tab opened: the form's expression drawn, unless it is the one drawn last (then its picture).
  function open() {
    return serial(async () => {
      const [text, values] = [$("expression-text").value, $("expression-values").value];
      if (shown && shown.text === text && shown.values === values) return picture();
      const variable = linked;
      linked = null;
      return drawNow(text, values, variable).catch(() => {});  // the CLI's line is in the tab
    });
  }

  // A link's expression (#expr=...&values=...&var=...) put in the form, for open() to draw:
  // true when the page's link has one.
  async function fromLink() {
    const found = await py.call("expression_link", { fragment: location.hash });
    if (!found) return false;
    $("expression-text").value = found.text;
    $("expression-values").value = found.values;
    linked = found.variable;
    return true;
  }

  $("expression-form").addEventListener("submit", (event) => {
    event.preventDefault();
    draw($("expression-text").value, $("expression-values").value).catch(() => {});
  });
  $("expression-variable").addEventListener("change", () => {
    if (shown) draw(shown.text, shown.values, $("expression-variable").value).catch(() => {});
  });
  $("expression-slider").addEventListener("input", () => goTo(Number($("expression-slider").value)));
  $("expression-first").addEventListener("click", () => goTo(0));
  $("expression-prev").addEventListener("click", () => goTo(position - 1));
  $("expression-next").addEventListener("click", () => goTo(position + 1));
  $("expression-last").addEventListener("click", () => goTo(Infinity));

  // The tab's keys (not while typing in its fields); true when it took the key.
  function key(event) {
    const moves = { ArrowRight: position + 1, PageDown: position + 1, ArrowLeft: position - 1, PageUp: position - 1,
      Home: 0, End: Infinity };
    if (!(event.key in moves) || !shown) return false;
    goTo(moves[event.key]);
    return true;
  }

  return {
    draw,
    open,
    idle: () => queue,  // resolved once every drawing asked for is done
    redo,
    fromLink,
    goTo,
    key,
    get current() {
      return shown;
    },
    get position() {
      return position;
    },
  };
}
