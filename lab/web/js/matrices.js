// The Matrices tab: the notes' delta recursion layer by layer, from the output down, with this
// step's numbers (nn.layer_view, through lab/derivation.py's `matrices`). Every number, title,
// shape, name and equation is Python's; this file lays the matrices out, colours their entries
// with the Lab's colour scale and links each entry to the network diagram (a weight is an edge, a
// bias or a δ is a neuron) and to its node in the chain rule's graph, both ways.
import { colour } from "./draw.js";
import { element, reveal, setSentence } from "./show.js";

const $ = (id) => document.getElementById(id);
const HOW = "Point at an entry (or Tab to it) for all its digits and where it is in the network; click it (or Enter) "
  + "to keep it marked. A click on an edge or a neuron of the network marks its entries here.";
const STRENGTH = 0.7;  // the colours a little paler than the heatmaps', so that dark text reads on every one

// request(): {example, view} as the panel has them; graph: the box of the chain rule's graph;
// onDrawn(reply): after each reply is drawn (the panel shows its example).
export function createMatrices({ py, say, request, graph, onDrawn }) {
  let current = null;  // the last reply
  let busy = null;
  let again = false;
  let picked = null;  // {param} or {neuron}: what a click (or the diagram) chose, kept across redraws
  let hovered = null;  // what the pointer or the focus is on now
  const body = $("matrices-body");

  // Ask Python for this step's matrices (after a step, another example, the other mode); one at a time.
  function refresh() {
    if (busy) {
      again = true;
      return busy;
    }
    busy = (async () => {
      try {
        const { example, view } = request();
        const reply = await py.call("matrices", { example, batch: $("matrices-over").value === "batch", view });
        draw(reply);
        return reply;
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

  function draw(reply) {
    current = reply;
    const scroll = [body.scrollTop, body.scrollLeft];
    $("matrices-scale").textContent = reply.gradientScaleText;
    const parts = [element("p", reply.title, "mx-title")];
    for (const layer of [...reply.layers].reverse()) parts.push(drawLayer(layer, reply));
    parts.push(element("p", HOW, "hint"), element("p", reply.check, "hint"));
    const focused = body.contains(document.activeElement) ? document.activeElement.closest("td") : null;
    const where = focused && `[data-testid="${focused.closest("figure").dataset.testid}"] `
      + `td[data-i="${focused.dataset.i}"][data-j="${focused.dataset.j}"]`;
    body.replaceChildren(...parts);
    body.classList.toggle("mx-one", !reply.batch);
    [body.scrollTop, body.scrollLeft] = scroll;  // the same place after a step
    if (where) body.querySelector(where)?.focus({ preventScroll: true });  // the keyboard keeps its entry
    const wide = [...body.querySelectorAll(".mx-scroll")].some((e) => e.scrollWidth > e.clientWidth + 1);
    $("matrices-wider").hidden = !wide;
    mark();
    onDrawn?.(reply);
  }

  function drawLayer(layer, reply) {
    const section = element("section", undefined, "mx-layer");
    section.dataset.testid = `matrices-layer-${layer.index}`;
    section.append(element("h4", layer.heading));
    const drawn = new Set();  // a matrix shown again as a factor (δ, hᵀ in ∂L/∂W) is told apart by its row
    for (const row of layer.rows) {
      const line = element("div", undefined, "mx-row");
      line.dataset.equation = row.name;
      const equation = element("div", undefined, "mx-equation");
      const text = element("span", undefined, "mx-formula");
      setSentence(text, row.equation);
      equation.append(text, element("span", row.shapes, "mx-shapes"));
      const terms = element("div", undefined, "mx-terms");
      for (const term of row.terms) {
        if (typeof term === "string") terms.append(element("span", term, "mx-op"));
        else {
          const shown = matrix(layer, term.matrix, term.transposed, reply);
          const id = shown.dataset.testid;
          if (drawn.has(id)) shown.dataset.testid = `${id}-in-${row.name}`;
          drawn.add(id);
          terms.append(shown);
        }
      }
      line.append(equation, terms);
      section.append(line);
    }
    return section;
  }

  // One matrix as a table between brackets; `transposed` shows it as its transpose (hᵀ), each cell
  // still the same entry.
  function matrix(layer, name, transposed, reply) {
    const m = layer.matrices[name];
    const figure = element("figure", undefined, "matrix");
    figure.dataset.testid = `matrix-${layer.index}-${name}${transposed ? "-T" : ""}`;
    const caption = element("figcaption");
    caption.append(element("span", transposed ? `${m.title}ᵀ` : m.title, "mx-name"), " ",
      element("span", transposed ? m.shape.split(" × ").reverse().join(" × ") : m.shape, "mx-shape"));
    const table = element("table", undefined, "mx");
    const [rows, columns] = [m.values.length, m.values[0].length];
    const scale = m.kind === "gradient" ? reply.gradientScale || 1 : 1;  // weights and values as the edges: full at ±1
    for (let r = 0; r < (transposed ? columns : rows); r++) {
      const tr = table.insertRow();
      for (let c = 0; c < (transposed ? rows : columns); c++) {
        const [i, j] = transposed ? [c, r] : [r, c];
        tr.append(cell(m, name, i, j, scale));
      }
    }
    const scroll = element("div", undefined, "mx-scroll");  // a batch's many columns scroll sideways, alone
    scroll.append(table);
    figure.append(caption, scroll);
    return figure;
  }

  function cell(m, name, i, j, scale) {
    const value = m.values[i][j];
    const td = element("td", m.text[i][j]);
    td.tabIndex = 0;
    td.dataset.name = name;
    td.dataset.i = i;
    td.dataset.j = j;
    if (m.params) td.dataset.entryParam = m.params[i][j];
    if (m.neurons[i]) td.dataset.entryNeuron = m.neurons[i];
    if (m.ids[i][j]) td.dataset.node = m.ids[i][j];
    const words = `${m.labels[i][j]} = ${value === null ? "nan" : String(value)}`;  // every digit on hover
    td.title = words;
    td.setAttribute("aria-label", words);
    const [red, green, blue] = colour(value === null ? null : value / scale, STRENGTH);
    td.style.background = `rgb(${red}, ${green}, ${blue})`;
    return td;
  }

  // --- linking: an entry <-> the diagram's edge or neuron <-> the chain rule graph's node ----------

  // What an entry stands for: a weight or a bias (its parameter), else its row's neuron.
  function keyOf(td) {
    if (td.dataset.entryParam) return { param: td.dataset.entryParam };
    if (td.dataset.entryNeuron) return { neuron: td.dataset.entryNeuron };
    return { node: td.dataset.node };  // an input: only the graph has it
  }

  function matches(td, key) {
    if (!key) return false;
    if (key.param) return td.dataset.entryParam === key.param;
    if (key.neuron) return !td.dataset.entryParam && td.dataset.entryNeuron === key.neuron;
    return !!key.node && td.dataset.node === key.node && !td.dataset.entryNeuron;
  }

  // Mark the entries, the diagram's edge or neuron and the graph's nodes of what is picked and hovered.
  function mark() {
    for (const cls of ["mx-picked", "mx-hovered", "mx-link"]) {
      document.querySelectorAll(`.${cls}`).forEach((e) => e.classList.remove(cls));
    }
    for (const [key, cls] of [[picked, "mx-picked"], [hovered, "mx-hovered"]]) {
      if (!key) continue;
      const cells = [...body.querySelectorAll("td")].filter((td) => matches(td, key));
      cells.forEach((td) => td.classList.add(cls));
      const diagram = $("diagram");
      if (key.param?.includes(".w.")) diagram.querySelector(`path[data-param="${key.param}"]`)?.classList.add("mx-link");
      const neuron = key.neuron ?? (key.param?.endsWith(".b") ? key.param.slice(0, -2) : null);
      if (neuron) diagram.querySelector(`[data-neuron="${neuron}"]`)?.classList.add("mx-link");
      for (const id of new Set(cells.map((td) => td.dataset.node).filter(Boolean))) {
        graph.querySelector(`svg [id="${id}"]`)?.classList.add("mx-link");
      }
    }
  }

  // Pick what the diagram's click or an entry stands for (null: nothing); `show` scrolls its first
  // entry (a gradient's, when it has one) into view.
  function pick(key, show = false) {
    picked = key;
    mark();
    if (!key) return;
    if (graph.clientWidth) reveal(graph, graph.querySelector("svg .mx-link"), { center: true });  // the graph shown
    if (show) {
      const cells = [...body.querySelectorAll("td.mx-picked")];
      const first = cells.find((td) => td.dataset.name === "dW" || td.dataset.name === "delta") ?? cells[0];
      reveal(body, first, { center: true });
    }
  }

  const same = (a, b) => !!a && !!b && a.param === b.param && a.neuron === b.neuron && a.node === b.node;

  function choose(td) {
    const key = keyOf(td);
    pick(same(key, picked) ? null : key);  // a second click lets go
  }

  body.addEventListener("click", (event) => {
    const td = event.target.closest("td");
    if (td) choose(td);
  });
  body.addEventListener("keydown", (event) => {
    const td = event.target.closest("td");
    if (td && event.key === "Enter") {
      event.preventDefault();
      choose(td);
    }
  });
  const hover = (event) => {
    const td = event.target.closest?.("td");
    hovered = td && body.contains(td) ? keyOf(td) : null;
    mark();
  };
  body.addEventListener("mouseover", hover);
  body.addEventListener("focusin", hover);
  body.addEventListener("mouseleave", () => {
    hovered = null;
    mark();
  });
  body.addEventListener("focusout", () => {
    hovered = null;
    mark();
  });
  $("matrices-over").addEventListener("change", refresh);

  return {
    refresh,
    pick,
    mark,
    get current() {
      return current;
    },
    get picked() {
      return picked;
    },
  };
}
