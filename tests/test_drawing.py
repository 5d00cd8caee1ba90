"""One Drawing of the graph, read by every view: one topological sort per view, one name and
one id per node in every view of its graph."""

import collections
import re

import pytest

import autograd
import autograd.engine
import nn
from autograd import Drawing, Value, draw_graph, explain, export_html, trace_table


@pytest.fixture
def sorts(monkeypatch):
    """The roots topological_order is called on while the test runs, in order."""
    calls = []
    original = autograd.engine.topological_order

    def counting(root):
        calls.append(root)
        return original(root)

    # Every caller reaches it through one of these names (the engine's own, and the Drawing's import).
    monkeypatch.setattr(autograd.engine, "topological_order", counting)
    monkeypatch.setattr(autograd.views.drawing, "topological_order", counting)
    return calls


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    return n.tanh(), [w1, w2, b]


def batch_loss():
    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1], "tanh")
    predictions = [model(x) for x in ([0.5, -1.0], [1.0, 0.25], [-0.5, 0.5])]
    return nn.mse_loss(predictions, [1.0, -1.0, 0.5]), model, predictions


def test_export_html_sorts_the_graph_once_for_the_page_and_every_example(sorts, tmp_path):
    loss, model, predictions = batch_loss()
    export_html(loss, tmp_path / "page.html", examples=predictions, backend="graphviz-pure", **model.graph_style())
    assert sorts == [loss]  # the whole graph and each example's part of it read one Drawing


def test_each_view_sorts_once(sorts, tmp_path):
    o, params = neuron()
    views = {
        "draw_graph": lambda: draw_graph(o, params=params, focus=o.a),  # a focus reads the order too
        "explain": lambda: explain(o, params[0]),
        "trace_table": lambda: trace_table(o),
        "backward_steps": lambda: list(o.backward_steps()),
        "render": lambda: autograd.render(o, tmp_path / "g.svg", backend="graphviz-pure"),
        "text stepper": lambda: autograd.stepper(o, widget=False),
        "step_records": lambda: autograd.views.page.step_records(o, backend="graphviz-pure"),
        "export_slides": lambda: autograd.export_slides(o, tmp_path / "deck.pdf", backend="graphviz-pure"),
    }
    for name, view in views.items():
        sorts.clear()
        view()
        assert sorts == [o], name


def test_a_drawing_given_to_a_view_is_not_sorted_again(sorts):
    o, params = neuron()
    drawing = Drawing(o, params=params)
    assert sorts == [o]
    draw_graph(drawing)
    explain(drawing, params[1])
    trace_table(drawing)
    list(autograd.backward_steps(drawing))
    drawing.around(params[0])
    assert sorts == [o]
    with pytest.raises(ValueError, match="params belong to the Drawing"):
        draw_graph(drawing, params=params)


def test_an_exercise_is_sorted_once_for_its_answers_steps_worksheet_and_quiz(sorts, tmp_path):
    from autograd import exercises

    ex = exercises.exercise(3, level=2)
    sorts.clear()
    ex.answers(), ex.steps(), ex.order(), ex.forward_lines(), str(ex)
    exercises.worksheet([3], 2, tmp_path, backend="graphviz-pure")  # makes the exercise again: one sort
    assert len(sorts) == 1 and sorts[0] is not ex.root
    sorts.clear()
    exercises.quiz(level=2, seed=3, widget=False)
    assert len(sorts) == 1


def test_the_labs_explain_sorts_the_examples_graph_once(sorts):
    """The derivation reads one Drawing of the example's graph. The batch it shows (each example's
    gradient, and the batch's for the update) is a graph per example and one for the batch:
    backward sorts each of those once, and no graph is sorted twice."""
    from lab.session import Lab

    lab = Lab({"samples": 40, "batchSize": 10})
    lab.step(3)
    for paths_only in (False, True):
        sorts.clear()
        lab.explain("layers.0.neurons.1.w.0", 3, paths_only=paths_only)
        per_graph = collections.Counter(id(root) for root in sorts)
        assert len(per_graph) == 1 + 10 + 1 and set(per_graph.values()) == {1}, paths_only
        assert sorts[0].label == "loss"  # the example's own graph comes first


def test_a_node_has_one_name_and_one_id_in_every_view_of_its_graph():
    loss, model, predictions = batch_loss()
    whole = Drawing(loss, **model.graph_style())
    part = whole.around(predictions[1])
    assert set(part.nodes) < set(whole.nodes) and part.ids == whole.ids and part.names is whole.names
    drawn = set(re.findall(r'id="?(value-\d+)"?', draw_graph(part).source))
    assert drawn == {whole.ids[node] for node in part.nodes}
    steps = [s for s in autograd.backward_steps(whole) if s.node in part.drawn and s.parent in part.drawn]
    records = autograd.views.page.backward_records(part)
    assert [r["sentence"] for r in records] == [str(s) for s in steps]
    assert all(r["parent"] == whole.ids[s.parent] for r, s in zip(records, steps))


def test_drawing_ids_names_and_kinds():
    o, params = neuron()
    drawing = Drawing(o, params=params)
    assert [drawing.ids[n] for n in drawing.order] == [f"value-{i}" for i in range(len(drawing.order))]
    assert drawing.names[o] == "tanh(n)" and drawing.names[o.a] == "n"
    assert drawing.kind(o) == "output" and drawing.kind(params[0]) == "parameter"
    assert drawing.kind(o.a.a.a.a) == "input" and drawing.kind(o.a) == "intermediate"  # x1; n
    doubled = Drawing(o * 2.0)
    assert doubled.kind(doubled.order[-2]) == "constant" and doubled.names[doubled.order[-2]] == "2.0"
    assert [(p, n, i) for p, n, i, _ in doubled.edges()] == [(p, n, i) for n in doubled.order
                                                          for i, p in enumerate(n.parents)]  # fmt: skip
    with pytest.raises(TypeError, match="focus must be a Value"):
        Drawing(o, focus="n")
    with pytest.raises(ValueError, match="focus is not a node of this graph"):
        Drawing(o, focus=Value(1.0))
    with pytest.raises(TypeError, match="group must be a function of a node"):
        Drawing(o, group="layers")
