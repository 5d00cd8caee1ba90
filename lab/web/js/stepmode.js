// The step mode of the chain rule panel: the forward pass node by node, then backward edge by
// edge with the step-through page's own script (backprop-steps.js), then the update. Every
// record and sentence is Python's (lab/derivation.py); this file only moves between them.
import { backpropSteps } from "./backprop-steps.js";
import { fmt } from "./show.js";

const $ = (id) => document.getElementById(id);

// graph: the element holding the derivation's SVG; derivation(): the one shown; tab(): the open tab.
export function createStepMode({ graph, derivation, tab }) {
  let show = null;  // STEP_JS's show(k) for the current backward records
  let position = 0;
  let timer = null;

  // A new derivation drawn: the chain rule tab shows the graph after backward, the step mode where it was.
  function setup(d) {
    show = backpropSteps(graph.querySelector("svg"), d.backward);
    const total = d.forward.length + d.backward.length + 1;
    $("sm-slider").max = total;
    position = tab() === "steps" ? Math.min(position, total) : total;
    goTo(position);
  }

  function goTo(k) {
    const d = derivation();
    if (!d) return;
    const list = d.backward;  // with "only the paths", Python sends only theirs
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
    if (hot && tab() === "steps") hot.scrollIntoView({ block: "nearest", inline: "nearest" });
    $("sm-sentence").textContent = sentence;
    $("sm-rule").innerHTML = rule;  // MathML written by autograd.views.mathml
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
  $("sm-play").addEventListener("click", () => {
    if (timer) return stop();
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
    stop,
    key,
    first: () => goTo(0),
    end: () => goTo(last()),
    get position() {
      return position;
    },
  };
}
