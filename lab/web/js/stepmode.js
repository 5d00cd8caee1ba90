// The step mode of the chain rule panel: the forward pass node by node, then backward edge by
// edge with the step-through page's own script (backprop-steps.js), then the update. Every
// record and sentence is Python's (lab/derivation.py); this file only moves between them.
import { backpropSteps } from "./backprop-steps.js";
import { fmt, setSentence } from "./show.js";

const $ = (id) => document.getElementById(id);

// The record of the traced parameter's own last backward step (its grad's last +=): what the
// chain rule tab highlights. Python names it (parameterStep, an index into backward).
export function parameterRecord(d) {
  return Number.isInteger(d.parameterStep) ? d.backward[d.parameterStep] ?? null : null;
}

const HOT = ["hot-parent", "hot-node", "hot-edge", "hot-forward", "hot-update"];

// graph: the element holding the derivation's SVG (the graph view may swap the SVG inside);
// derivation(): the one shown; tab(): the open tab; keep(() => element): keep that node in
// view; onMove(sentence): the sentence shown changed (the presenter view shows it too).
export function createStepMode({ graph, derivation, tab, keep, onMove }) {
  let show = null;  // STEP_JS's show(k) for the current backward records
  let position = 0;
  let timer = null;
  let chain = false;  // showing the chain rule tab's picture rather than a step
  let stepsShown = false;  // the last setup was on the step-through tab (it keeps its place)

  // A new derivation drawn: the chain rule tab shows the graph after backward, the step mode where it was.
  function setup(d) {
    show = backpropSteps(graph, d.backward);
    const total = d.forward.length + d.backward.length + 1;
    $("sm-slider").max = total;
    position = tab() !== "steps" ? total : stepsShown ? Math.min(position, total) : 0;
    stepsShown = tab() === "steps";
    if (tab() === "steps") goTo(position);
    else showChain();
  }

  // The derivation's SVG in the box, or null while the box shows the exercise's graph.
  const drawing = () => graph.querySelector("svg.derivation-svg");

  function goTo(k) {
    const d = derivation();
    if (!d || !drawing()) return;
    const list = d.backward;  // with "only the paths", Python sends only theirs
    const forward = d.forward.length;
    const total = forward + list.length + 1;
    position = Math.max(0, Math.min(total, k));
    $("sm-slider").value = position;
    $("sm-count").textContent = `${position} / ${total}`;
    const svg = drawing();
    svg.querySelectorAll(".pending, .hot-forward, .hot-update").forEach((e) => e.classList.remove("pending", "hot-forward", "hot-update"));
    chain = false;
    let sentence;
    let said;  // the same step as a screen reader says it (Python's spoken form), for the live region
    let rule = "";
    if (position <= forward) {
      show(0);
      d.forward.forEach((r, i) => {
        if (i >= position) {
          svg.querySelector(`[id="${r.node}"]`)?.classList.add("pending");
          svg.querySelector(`[id="${r.node}-op"]`)?.classList.add("pending");
        }
      });
      if (position === 0) sentence = said = "The forward pass: press Next to compute the values node by node, then backprop.";
      else {
        const r = d.forward[position - 1];
        svg.querySelector(`[id="${r.node}"]`)?.classList.add("hot-forward");
        sentence = `forward: ${r.sentence}`;
        said = r.spoken;
      }
    } else if (position <= forward + list.length) {
      const step = show(position - forward);
      sentence = step.sentence;
      said = step.spoken || step.sentence;
      rule = step.math;
    } else {
      show(list.length);  // every grad filled in; the last step's highlight is not the update's
      clearHighlights(svg);
      svg.querySelector(`[id="${d.parameterId}"]`)?.classList.add("hot-update");
      const u = d.update;
      sentence = `update (${u.optimizer}, on the batch's mean gradient ${fmt(u.gradient)}): ${u.rule}  →  ${d.parameterName ?? d.parameter}: ${fmt(u.before)} → ${fmt(u.after)}`;
      said = d.updateSpoken;
    }
    $("sm-spoken").textContent = `step ${position} of ${total}: ${said}`;
    keep(() => graph.querySelector(".hot-parent, .hot-forward, .hot-update"));
    setSentence($("sm-sentence"), sentence);
    $("sm-rule").innerHTML = rule;  // MathML written by autograd.views.mathml
    onMove?.(sentence);
  }

  function clearHighlights(svg) {
    svg.querySelectorAll(HOT.map((c) => `.${c}`).join(", ")).forEach((e) => e.classList.remove(...HOT));
  }

  // The chain rule tab: the graph after backward, every grad filled in, and the traced
  // parameter's own step highlighted (the step that receives its gradient), not the last one.
  function showChain() {
    const d = derivation();
    const svg = drawing();
    if (!d || !show || !svg) return;
    svg.querySelectorAll(".pending").forEach((e) => e.classList.remove("pending"));
    show(d.backward.length);
    clearHighlights(svg);
    const record = parameterRecord(d);
    const find = (id) => (id ? svg.querySelector(`[id="${id}"]`) : null);
    if (record) {
      find(record.parent)?.classList.add("hot-parent");
      if (record.node !== record.parent) find(record.node)?.classList.add("hot-node");  // a step inside one box: it receives
      find(record.edge)?.classList.add("hot-edge");
    }
    position = Number($("sm-slider").max);
    chain = true;
    keep(() => find(d.parameterId));
    onMove?.(record?.sentence ?? "");
  }

  // The graph view put the other layout's SVG in the box: highlight it as the last one was.
  function redo() {
    if (chain) showChain();
    else goTo(position);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    $("sm-play").innerHTML = "&#x25B6; Play";
  }

  const last = () => Number($("sm-slider").max);
  $("sm-slider").addEventListener("input", () => goTo(Number($("sm-slider").value)));
  $("sm-first").addEventListener("click", () => goTo(0));
  $("sm-prev").addEventListener("click", () => goTo(position - 1));
  $("sm-next").addEventListener("click", () => goTo(position + 1));
  // Play advances by itself, so a reader who asks for reduced motion gets Next (→) instead.
  const still = matchMedia("(prefers-reduced-motion: reduce)");
  function motion() {
    if (still.matches) stop();
    $("sm-play").disabled = still.matches;
    $("sm-play").title = still.matches ? "Off: your system asks for reduced motion. Next (→) steps." : "Play the steps";
  }
  still.addEventListener("change", motion);
  motion();
  $("sm-play").addEventListener("click", () => {
    if (timer) return stop();
    if (still.matches) return;
    if (position >= last()) goTo(0);
    $("sm-play").innerHTML = "&#x275A;&#x275A; Pause";
    timer = setInterval(() => {
      if (position >= last()) stop();
      else goTo(position + 1);
    }, 700);
  });

  // The step mode's keys; true when it took the key.
  function key(event) {
    if (event.key === "ArrowRight" || event.key === "PageDown") goTo(position + 1);
    else if (event.key === "ArrowLeft" || event.key === "PageUp") goTo(position - 1);
    else if (event.key === "Home") goTo(0);
    else if (event.key === "End") goTo(last());
    else return false;
    return true;
  }

  return {
    setup,
    goTo,
    showChain,
    redo,
    stop,
    key,
    first: () => goTo(0),
    end: () => goTo(last()),
    get position() {
      return position;
    },
  };
}
