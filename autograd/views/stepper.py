"""Step through backward in a notebook: `autograd.stepper(root)`.

In Jupyter, VS Code or marimo it is a widget (anywidget: one small ES module):
Prev / Next / Play, a slider and the arrow keys, Fit and a switch of names (the notes'
or the module paths), the graph drawn in the layout that fits its box with the step's
edge and nodes highlighted and its grad filled in (the current step kept in view), the
chain-rule sentence under it. Every record comes from `autograd.views.page.layout_records`,
as for the HTML page; the widget's script only shows them. Outside a notebook, or
without anywidget, it is the text stepper: each step printed, one per Enter when a
person is typing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from autograd.engine import Value
from autograd.views.drawing import Drawing, drawing_of
from autograd.views.explain import backward_steps, trace_table
from autograd.views.page import GRAPH_A11Y_JS, HIGHLIGHT_CSS, LAYOUT_JS, STEP_JS, layout_records, split_options
from autograd.views.widget import widget_class, widget_or_none

_ESM = (
    LAYOUT_JS
    + STEP_JS
    + GRAPH_A11Y_JS
    + """
function render({ model, el }) {
  el.innerHTML = '<div class="bp-stepper" tabindex="0" aria-label="backprop, step by step: arrow keys step">'
    + '<div class="bp-nav"><button class="bp-prev">&larr; Prev</button> <button class="bp-next">Next &rarr;</button> '
    + '<button class="bp-play">Play</button> '
    + '<input class="bp-slider" type="range" min="0" aria-label="step"> <span class="bp-counter"></span> '
    + '<button class="bp-fit" title="fit the graph to the box">Fit</button> '
    + '<label>names <select class="bp-notation"><option value="notes">as in the notes</option>'
    + '<option value="paths">module paths</option></select></label></div>'
    + '<div class="bp-graph"></div><p class="bp-sentence"></p>'
    + '<p class="bp-announce" aria-live="polite" style="position:absolute;width:1px;height:1px;overflow:hidden;'
    + 'clip:rect(0 0 0 0);white-space:nowrap"></p></div>';
  var root = el.querySelector(".bp-stepper"), graph = el.querySelector(".bp-graph");
  var slider = el.querySelector(".bp-slider"), notation = el.querySelector(".bp-notation");
  var steps, show, layout, timer = null, reader = null;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function height() { return Math.min(600, window.innerHeight * 0.7); }  // the box: 70% of the window at most
  function room(l) { return layoutRoom(graph, l, height()); }
  function draw() {  // drawn by Graphviz from Python: ids and texts only; the layout that fits the box
    var layouts = model.get("layouts");
    layout = layouts[pickLayout(layouts, "auto", room, 13, graph.clientWidth - 32)];
    graph.innerHTML = layout.svg;
    steps = model.get("steps");
    show = backpropSteps(graph, steps);
    reader = accessibleGraph(graph, model.get("nodes"), steps, function (id) {  // Enter on a node: its step
      for (var k = 0; k < steps.length; k++) {
        if (steps[k].parent === id || (steps[k].parents || []).indexOf(id) >= 0) { go(k + 1); return; }
      }
    });
    slider.max = steps.length;
    notation.value = model.get("notation");
    fit();
  }
  function fit() { sizeGraph(graph, layout, fitZoom(room(layout), 13)); update(); }
  function update() {
    var i = Math.min(model.get("index"), steps.length), step = show(i);
    el.querySelector(".bp-sentence").textContent = step ? step.sentence : model.get("start");
    el.querySelector(".bp-sentence").title = step ? step.exact : "";
    el.querySelector(".bp-counter").textContent = "step " + i + " of " + steps.length;
    el.querySelector(".bp-announce").textContent = "step " + i + " of " + steps.length + ": "
      + (step ? step.spoken || step.sentence : model.get("start"));
    if (reader) reader.refresh();
    slider.value = i;
    var shown = i > 0 ? steps[i - 1] : steps[0];
    bringIntoView(graph, shown && shown.parent);  // the current step in view (at 0, the output)
  }
  function go(i) {
    model.set("index", Math.max(0, Math.min(steps.length, i)));
    model.save_changes();
  }
  function play() {
    var button = el.querySelector(".bp-play");
    if (timer) { clearInterval(timer); timer = null; button.textContent = "Play"; return; }
    if (still) return;  // reduced motion: no auto-advance
    if (model.get("index") >= steps.length) go(0);
    button.textContent = "Pause";
    timer = setInterval(function () {
      if (model.get("index") >= steps.length) play(); else go(model.get("index") + 1);
    }, 1200);
  }
  el.querySelector(".bp-prev").onclick = function () { go(model.get("index") - 1); };
  el.querySelector(".bp-next").onclick = function () { go(model.get("index") + 1); };
  el.querySelector(".bp-play").onclick = play;
  if (still) {
    el.querySelector(".bp-play").disabled = true;
    el.querySelector(".bp-play").title = "off: your system asks for reduced motion";
  }
  el.querySelector(".bp-fit").onclick = fit;
  notation.onchange = function () { model.set("notation", notation.value); model.save_changes(); };
  slider.oninput = function () { go(Number(slider.value)); };
  root.addEventListener("keydown", function (e) {  // keys while the stepper has focus; the notebook keeps its own
    if (e.target.tagName === "SELECT" || e.target === slider) return;
    if (e.target.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;  // it presses the button
    var moves = { ArrowRight: 1, ArrowLeft: -1, PageDown: 1, PageUp: -1 };
    if (e.key in moves) { e.preventDefault(); e.stopPropagation(); go(model.get("index") + moves[e.key]); }
    else if (e.key === "Home") { e.preventDefault(); e.stopPropagation(); go(0); }
    else if (e.key === "End") { e.preventDefault(); e.stopPropagation(); go(steps.length); }
  });
  model.on("change:index", update);
  model.on("change:layouts", draw);  // another notation: Python drew it again
  draw();
  return function () { if (timer) clearInterval(timer); };
}
export default { render };
"""
)
_CSS = (
    HIGHLIGHT_CSS
    + """
  .bp-stepper .bp-graph { overflow: auto; max-height: min(600px, 70vh); }
  .bp-stepper .bp-graph svg { display: block; }
  .bp-stepper .bp-sentence { font-family: ui-monospace, monospace; font-size: 1.1rem; }
  .bp-stepper .bp-slider { width: 30%; vertical-align: middle; }
  .bp-stepper:focus-visible { outline: 2px solid #2563eb; }
  .bp-stepper svg .node:focus { outline: 3px solid #1d4ed8; outline-offset: 3px; }
  .bp-stepper button:focus-visible, .bp-stepper select:focus-visible { outline: 3px solid #1d4ed8; }
"""
)
START = "The forward pass is done: every grad is 0. Press Next (or →) to start backprop."


@widget_class
def _stepper_class(AnyWidget: type, traitlets) -> type:
    class Stepper(AnyWidget):
        """Backprop one step at a time: `index` steps done (0: the forward pass), of `len(steps)`;
        `notation` names the nodes ("notes" or "paths"), and changing it draws the graph again."""

        _esm = _ESM
        _css = _CSS
        layouts = traitlets.Dict({}).tag(sync=True)
        steps = traitlets.List([]).tag(sync=True)
        nodes = traitlets.Dict({}).tag(sync=True)  # what a screen reader says of each node (node_descriptions)
        start = traitlets.Unicode(START).tag(sync=True)
        index = traitlets.Int(0).tag(sync=True)
        notation = traitlets.Unicode("notes").tag(sync=True)

        def __init__(self, drawing: Drawing, style: dict, layers=None, **kwargs) -> None:
            super().__init__(notation=drawing.notation, **kwargs)
            self._drawings = {drawing.notation: drawing}
            self._style = style
            self._layers = layers
            self._draw()
            self.observe(lambda change: self._draw(), names="notation")

        def _draw(self) -> None:
            if self.notation not in self._drawings:  # the same graph, named the other way
                one = next(iter(self._drawings.values()))
                self._drawings[self.notation] = Drawing(
                    one.root, one.parameters, one.group, one.collapse, one.focus, notation=self.notation
                )
            drawing = self._drawings[self.notation]
            records = layout_records(drawing, style=self._style)
            self.steps = records["steps"] if self._layers is None else self._layers.records(drawing)
            self.layouts, self.nodes = records["layouts"], records["nodes"]

        def __repr__(self) -> str:
            return f"<backprop stepper: step {self.index} of {len(self.steps)}>"

    return Stepper


def stepper(root: Value, widget: bool | None = None, notation: str = "notes", layers=None, **draw):
    """Step through backward on the graph of `root`: a widget in a notebook (widget=None
    decides, True insists), else the text stepper, which prints and returns None.
    notation: "notes" (the lecture notes' w⁽¹⁾₁₁, ŷ, L; the default) or "paths" (the labels).
    layers: an `nn.layer_view` of this loss, to step layer by layer, an equation of the delta
    recursion a step. Keyword arguments go to `draw_graph` (e.g. `**model.graph_style()`)."""
    structure, style = split_options(draw)
    drawing = Drawing(root, notation=notation, **structure)  # also every view's TypeError for a root not a Value
    Stepper = widget_or_none(widget, _stepper_class, "the notebook stepper", "the text stepper")
    if Stepper is not None:
        return Stepper(drawing, {"stacked": True, **style}, layers)
    if layers is not None:
        print(layers)
        return None
    text_stepper(drawing)
    return None


def text_stepper(
    root: Value | Drawing, wait: bool | Callable[[], object] | None = None, backward_table: bool = False
) -> None:
    """Print the forward pass, then each backward step; wait for Enter between steps when a
    person is at the terminal (wait=None decides; EOF stops the waiting and prints the rest),
    or call `wait()` between steps. backward_table prints the backward pass as a table
    first (as `python -m autograd` does without --steps)."""
    if wait is None:
        wait = sys.stdin is not None and sys.stdin.isatty()
    drawing = drawing_of(root)
    print(trace_table(drawing, backward=backward_table))
    print("\nbackward, one step at a time")
    for step in backward_steps(drawing):
        print(f"  {step}")
        if callable(wait):
            wait()
        elif wait:
            try:
                input("  (Enter for the next step) ")
            except EOFError:
                wait = False
