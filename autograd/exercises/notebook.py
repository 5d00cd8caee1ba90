"""A quiz in a notebook: an exercise's graph and a box per node, marked by `check` in Python."""

from __future__ import annotations

from autograd.exercises.checking import check
from autograd.exercises.generate import Exercise, exercise
from autograd.views.notation import spoken
from autograd.views.page import GRAPH_A11Y_JS, LAYOUT_JS, layouts, node_descriptions
from autograd.views.widget import widget_class, widget_or_none

_QUIZ_ESM = (
    LAYOUT_JS
    + GRAPH_A11Y_JS
    + """
function render({ model, el }) {
  el.innerHTML = '<div class="bp-quiz"><div class="bp-graph"></div><table class="bp-answers"></table>'
    + '<button class="bp-check">Check</button> <button class="bp-copy" hidden>Copy my answers</button>'
    + '<p class="bp-diagnosis" aria-live="polite"></p>'
    + '<textarea class="bp-rows" readonly rows="4" cols="48" hidden '
    + 'aria-label="Your answers, as rows for the teacher"></textarea></div>';
  var graph = el.querySelector(".bp-graph"), layouts = model.get("layouts");
  function room(l) { return layoutRoom(graph, l, Math.min(520, window.innerHeight * 0.6)); }
  var layout = layouts[pickLayout(layouts, "auto", room, 13, graph.clientWidth - 32)];  // TB when narrow
  graph.innerHTML = layout.svg;  // drawn by Graphviz from Python
  sizeGraph(graph, layout, fitZoom(room(layout), 13));
  accessibleGraph(graph, model.get("nodes"), [], null);  // each node named and reached by the arrow keys
  var table = el.querySelector(".bp-answers"), inputs = {};
  model.get("names").forEach(function (name) {
    var row = table.insertRow(), input = document.createElement("input");
    row.insertCell().textContent = "dL/d" + name + " =";
    input.size = 10;
    input.setAttribute("aria-label", "dL/d" + name + ", the gradient of L with respect to " + model.get("said")[name]);
    row.insertCell().appendChild(input);
    row.insertCell().className = "bp-mark";
    inputs[name] = input;
  });
  function given() {
    var answers = {};
    Object.keys(inputs).forEach(function (name) {
      var text = inputs[name].value.trim();
      if (text !== "" && isFinite(Number(text))) answers[name] = Number(text);
    });
    return answers;
  }
  el.querySelector(".bp-check").onclick = function () {
    model.set("answers", given());
    model.save_changes();  // Python marks them (autograd.exercises.check) and sends results back
  };
  var copy = el.querySelector(".bp-copy"), box = el.querySelector(".bp-rows");
  copy.hidden = !model.get("student");  // a class's exercise: its rows are for the teacher's grade
  copy.onclick = function () {
    model.set("to_copy", { answers: given(), asked: Date.now() });
    model.save_changes();  // Python writes the rows (autograd.exercises.classroom.answer_rows)
  };
  model.on("change:rows", function () {
    var rows = model.get("rows");
    box.value = rows;
    box.hidden = !rows;
    box.select();
    if (rows && navigator.clipboard) navigator.clipboard.writeText(rows).catch(function () {});
  });
  function marks() {
    var results = model.get("results");
    Object.keys(inputs).forEach(function (name) {
      var mark = inputs[name].parentElement.nextSibling, r = results[name];
      mark.textContent = r === "right" ? "right" : r === "wrong" ? "wrong" : "";
      mark.className = "bp-mark " + (r || "");
    });
    el.querySelector(".bp-diagnosis").textContent = model.get("diagnosis");
  }
  model.on("change:results", marks);
  model.on("change:diagnosis", marks);
  marks();
}
export default { render };
"""
)
_QUIZ_CSS = """
  .bp-quiz .bp-graph { overflow: auto; max-height: min(520px, 60vh); }
  .bp-quiz .bp-graph svg { display: block; }
  .bp-quiz .bp-mark.right { color: #15803d; font-weight: 600; }
  .bp-quiz .bp-mark.wrong { color: #b91c1c; font-weight: 600; }
  .bp-quiz .bp-diagnosis { font-family: ui-monospace, monospace; }
  .bp-quiz svg .node:focus { outline: 3px solid #1d4ed8; outline-offset: 3px; }
  .bp-quiz input:focus-visible, .bp-quiz button:focus-visible { outline: 3px solid #1d4ed8; }
"""


@widget_class
def _quiz_class(AnyWidget: type, traitlets) -> type:
    class Quiz(AnyWidget):
        """An exercise's graph and a box per node; Check marks the answers with `check`."""

        _esm = _QUIZ_ESM
        _css = _QUIZ_CSS
        layouts = traitlets.Dict({}).tag(sync=True)
        names = traitlets.List([]).tag(sync=True)
        said = traitlets.Dict({}).tag(sync=True)  # each name as a screen reader says it
        nodes = traitlets.Dict({}).tag(sync=True)  # what it says of each node of the graph
        answers = traitlets.Dict({}).tag(sync=True)
        results = traitlets.Dict({}).tag(sync=True)
        diagnosis = traitlets.Unicode("").tag(sync=True)
        student = traitlets.Unicode("").tag(sync=True)  # a class's exercise: the student's id
        number = traitlets.Int(1).tag(sync=True)  # and which of their exercises it is
        to_copy = traitlets.Dict({}).tag(sync=True)  # the answers "Copy my answers" asks rows for
        rows = traitlets.Unicode("").tag(sync=True)  # those rows, as the teacher's grade reads them

        def __init__(self, ex: Exercise, **kwargs) -> None:
            super().__init__(**kwargs)
            self.exercise = ex
            self.observe(self._mark, names="answers")
            self.observe(self._rows, names="to_copy")

        def _rows(self, change) -> None:
            from autograd.exercises.classroom import answer_rows

            answers = dict(change["new"].get("answers", {}))
            try:
                check(self.exercise, answers)  # the answers checked as Check checks them
            except ValueError as error:
                self.rows, self.diagnosis = "", str(error)
                return
            self.rows = answer_rows(self.student, self.number, {n: answers[n] for n in self.names if n in answers})

        def _mark(self, change) -> None:
            try:
                report = check(self.exercise, dict(change["new"]))
            except ValueError as error:
                self.results, self.diagnosis = {}, str(error)
                return
            self.results = report.results
            self.diagnosis = report.message

        def __repr__(self) -> str:
            return f"<backprop quiz: level {self.exercise.level}, seed {self.exercise.seed}>"

    return Quiz


def quiz(
    level: int = 1,
    seed: int = 0,
    widget: bool | None = None,
    course: str | None = None,
    student: str | None = None,
    number: int = 1,
):
    """An exercise to answer in a notebook: the graph and a box per node, marked by `check`
    (a widget; widget=None uses one in a notebook). Elsewhere, or without anywidget, it prints
    the exercise and returns it: answer with `check(ex, {...})`.

    course and student (the class code and the student's id): that student's exercise `number`
    of the class, the one the teacher's `python -m autograd.exercises grade` marks, and a "Copy my
    answers" button giving the rows it reads (student, exercise, node, answer)."""
    from autograd.exercises.classroom import student_exercise

    if course is None and student is None:
        ex = exercise(seed, level)
    else:
        ex = student_exercise(course or "", student or "", number, level)
    Quiz = widget_or_none(widget, _quiz_class, "the quiz", "the exercise as text")
    if Quiz is not None:
        drawn = layouts(ex.drawing, grads="now", show_grad=False, stacked=True)
        names = ex.order()
        return Quiz(ex, layouts=drawn, names=names, said={name: spoken(name) for name in names},
                    nodes=node_descriptions(ex.drawing), student=(student or "").strip(),
                    number=number)  # fmt: skip
    print(ex)
    print("Answer with exercises.check(ex, {'L': 1, ...}): the gradient of L with respect to each node.")
    if student is not None:
        print(f"Your rows for the teacher: exercises.answer_rows({student.strip()!r}, {number}, {{'L': 1, ...}})")
    return ex
