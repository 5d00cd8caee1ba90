"""Step through backward in a notebook: `autograd.stepper(root)`.

In Jupyter, VS Code or marimo it is a widget (anywidget: one small ES module):
Prev / Next and a slider, the graph drawn once with the step's edge and nodes
highlighted and its grad filled in, the chain-rule sentence under it. Every
record comes from `autograd.views.page.step_records`, as for the HTML page; the
widget's script only shows them. Outside a notebook, or without anywidget, it is
the text stepper: each step printed, one per Enter when a person is typing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from autograd.engine import Value
from autograd.views.drawing import Drawing, drawing_of
from autograd.views.explain import backward_steps, trace_table
from autograd.views.page import HIGHLIGHT_CSS, STEP_JS, split_options, step_records
from autograd.views.widget import widget_class, widget_or_none

_ESM = (
    STEP_JS
    + """
function render({ model, el }) {
  el.innerHTML = '<div class="bp-stepper">'
    + '<div class="bp-nav"><button class="bp-prev">&larr; Prev</button> <button class="bp-next">Next &rarr;</button> '
    + '<input class="bp-slider" type="range" min="0" aria-label="step"> <span class="bp-counter"></span></div>'
    + '<div class="bp-graph"></div><p class="bp-sentence"></p></div>';
  var graph = el.querySelector(".bp-graph"), slider = el.querySelector(".bp-slider");
  graph.innerHTML = model.get("svg");  // drawn by Graphviz from Python: ids and texts only
  var steps = model.get("steps"), show = backpropSteps(graph, steps);
  slider.max = steps.length;
  function update() {
    var i = model.get("index"), step = show(i);
    el.querySelector(".bp-sentence").textContent = step ? step.sentence : model.get("start");
    el.querySelector(".bp-counter").textContent = "step " + i + " of " + steps.length;
    slider.value = i;
  }
  function go(i) {
    model.set("index", Math.max(0, Math.min(steps.length, i)));
    model.save_changes();
  }
  el.querySelector(".bp-prev").onclick = function () { go(model.get("index") - 1); };
  el.querySelector(".bp-next").onclick = function () { go(model.get("index") + 1); };
  slider.oninput = function () { go(Number(slider.value)); };
  model.on("change:index", update);
  update();
}
export default { render };
"""
)
_CSS = (
    HIGHLIGHT_CSS
    + """
  .bp-stepper .bp-graph { overflow: auto; max-height: 70vh; }
  .bp-stepper .bp-sentence { font-family: ui-monospace, monospace; font-size: 1.1rem; }
  .bp-stepper .bp-slider { width: 40%; vertical-align: middle; }
"""
)
START = "The forward pass is done: every grad is 0. Press Next to start backprop."


@widget_class
def _stepper_class(AnyWidget: type, traitlets) -> type:
    class Stepper(AnyWidget):
        """Backprop one step at a time: `index` steps done (0: the forward pass), of `len(steps)`."""

        _esm = _ESM
        _css = _CSS
        svg = traitlets.Unicode("").tag(sync=True)
        steps = traitlets.List([]).tag(sync=True)
        start = traitlets.Unicode(START).tag(sync=True)
        index = traitlets.Int(0).tag(sync=True)

        def __repr__(self) -> str:
            return f"<backprop stepper: step {self.index} of {len(self.steps)}>"

    return Stepper


def stepper(root: Value, widget: bool | None = None, **draw):
    """Step through backward on the graph of `root`: a widget in a notebook (widget=None
    decides, True insists), else the text stepper, which prints and returns None.
    Keyword arguments go to `draw_graph` (e.g. `**model.graph_style()`)."""
    structure, style = split_options(draw)
    drawing = Drawing(root, **structure)  # also the TypeError of every other view for a root that is not a Value
    Stepper = widget_or_none(widget, _stepper_class, "the notebook stepper", "the text stepper")
    if Stepper is not None:
        svg, steps = step_records(drawing, **style)
        return Stepper(svg=svg, steps=steps)
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
