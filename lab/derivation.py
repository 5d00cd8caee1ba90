"""The Lab's derivation of one parameter's gradient: the chain rule with the engine's numbers.

For a parameter (a dotted name of `named_parameters()`) and a training example, from
the run as it is now (before its next step):
- the example's graph, one `autograd.Drawing` read by all that follows, as DOT from
  `autograd.draw_graph`, left to right and top to bottom (the browser renders them with
  Graphviz compiled to WebAssembly), and the ids of the nodes and edges on the paths
  from the loss down to the parameter;
- the records of backward on it, from `autograd.views.page.backward_records` (what the
  step-through page and the notebook stepper show), each marked on a path or not, and
  the forward pass as records too, node by node;
- the chain-rule sentences of the steps on those paths (backward's records), every path
  with the product of its local derivatives and their sum (`autograd.explain`);
- the batch: each example's gradient, their mean (what the optimizer uses), and the
  update `nn.optim` is about to make, computed by a copy of the optimizer.
Nothing is changed: grads, weights and the optimizer's state are as they were. Numbers
are plain floats, nan and inf included (Lab.call's reply makes those null).
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from numbers import Integral

from autograd import Drawing, Value, draw_graph, explain
from autograd.engine import grads_set_aside
from autograd.views.notation import number
from autograd.views.page import LAYOUTS, backward_records

VIEWS = ("neuron", "expanded")
MAX_PATHS_SHOWN = 64  # the sum is over all of them; this many are listed (the largest, when there are more)
MAX_NODES = 800  # Graphviz in the browser lays this out in about a second; the neuron view stays below


@contextmanager
def _expanded(model, on: bool):
    """Build the model's neurons as micrograd's chains of * and + while inside (same numbers)."""
    neurons = [n for layer in model.layers for n in layer.neurons]
    before = [n.expand for n in neurons]
    for n in neurons:
        n.expand = on
    try:
        yield
    finally:
        for n, was in zip(neurons, before):
            n.expand = was


def check_request(lab, parameter: object, example: object, view: object) -> Value:
    named = dict(lab.model.named_parameters())
    if not isinstance(parameter, str) or parameter not in named:
        few = ", ".join(list(named)[:3])
        raise ValueError(f"unknown parameter {parameter!r}; the {len(named)} parameters are named like {few}")
    if isinstance(example, bool) or not isinstance(example, Integral) or not 0 <= example < len(lab.train_set):
        raise ValueError(
            f"example must be the index of a training point, 0 to {len(lab.train_set) - 1}; got {example!r}"
        )
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    return named[parameter]


def example_loss(lab, index: int) -> Value:
    """The loss of one training example, as a training step computes it (labelled "loss")."""
    loss = lab.loss([lab.train_set[index]])
    loss.label = "loss"
    return loss


def derive(
    lab, parameter: str, example: int = 0, view: str = "neuron", paths_only: bool = False, notation: str = "notes"
) -> dict:
    """Everything the derivation panel and the step mode show; see the module's docstring.
    paths_only draws only the nodes on the paths from the loss to the parameter (draw_graph's
    focus), and backward's records only for the edges between them. A run whose weights overflow
    (training diverged) gets the message a step would give, not a traceback. notation names the
    nodes on screen ("notes" or "paths"); the ids and `parameter` stay the dotted module paths."""
    check_request(lab, parameter, example, view)
    if not isinstance(paths_only, bool):
        raise ValueError(f"paths_only must be true or false; got {paths_only!r}")
    if notation not in ("notes", "paths"):
        raise ValueError(f"notation must be 'notes' or 'paths'; got {notation!r}")
    try:
        return _derive(lab, parameter, example, view, paths_only, notation)
    except OverflowError as error:
        raise ValueError(
            f"The chain rule of {parameter} cannot be shown: {error}. Training diverged? Lower the learning rate "
            f"({lab.config['learningRate']:g}) and press Reset"
        ) from None


def _derive(lab, parameter: str, example: int, view: str, paths_only: bool, notation: str) -> dict:
    p = check_request(lab, parameter, example, view)
    parameters = lab.parameters
    index = next(i for i, q in enumerate(parameters) if q is p)
    with grads_set_aside(parameters, keep=False):  # the parameters' grads start at 0 and are put back
        with _expanded(lab.model, view == "expanded"):
            loss = example_loss(lab, example)
        drawing = Drawing(loss, notation=notation, **lab.model.graph_style())  # sorted once for all below
        names, ids = drawing.names, drawing.ids
        note = None
        if not paths_only and len(drawing.order) > MAX_NODES:  # too big to read whole: draw the paths
            paths_only = True
            count = len(drawing.order)
            note = f"The whole graph has {count} nodes: only the paths from the loss to {parameter} are drawn."
        if paths_only:
            drawing = drawing.around(p)
        leads_to = drawing.made_from(p)  # the nodes on a path from the loss down to p
        # Every grad 0: the step mode fills them in. Drawn both ways: the page picks what fits its box.
        dots = {rankdir: draw_graph(drawing, rankdir, max_nodes=MAX_NODES, stacked=True).source for rankdir in LAYOUTS}
        records = backward_records(drawing)
        on_path = {ids[n] for n in leads_to}
        for record in records:
            record["onPath"] = record["parent"] in on_path and (record["node"] in on_path or record["node"] == "")
        path_edges = [edge for parent, node, _, edge in drawing.edges() if parent in leads_to and node in leads_to]
        on = [r for r in records if r["onPath"]]  # backward's steps that reach p, in backward's order
        own = max((k for k, r in enumerate(records) if r["parent"] == ids[p]), default=None)  # p's last step
        gradient = records[own]["value"] if own is not None else 0.0  # p's grad at the end
        explanation = explain(drawing, p, max_paths=MAX_PATHS_SHOWN, largest=MAX_PATHS_SHOWN)
        paths = [
            {"nodes": [names[n] for n in path.nodes], "locals": list(path.locals), "product": path.product}
            for path in explanation.paths
        ]  # fmt: skip
        forward = [_forward_record(drawing, n, p) for n in drawing.nodes]
        batch = _batch(lab, p, index)
    return {
        "parameter": parameter,
        "parameterName": names[p],
        "parameterStep": own,
        "notation": notation,
        "example": example,
        "exampleRow": lab.train_set[example],
        "target": lab.target(lab.train_set[example][-1]),
        "loss": loss.data,
        "value": p.data,
        "gradient": gradient,
        "steps": [r["sentence"] for r in on],
        "rules": [r["rule"] for r in on],
        "paths": paths,
        "pathCount": explanation.count,
        "pathsAreLargest": not explanation.complete,
        "pathSum": explanation.total,
        **batch,
        "view": view,
        "pathsOnly": paths_only,
        "note": note,
        "dot": dots["LR"],
        "dots": dots,
        "nodeIds": {names[n]: ids[n] for n in drawing.nodes},
        "parameterId": ids[p],
        "pathNodes": sorted(on_path),
        "pathEdges": path_edges,
        "forward": forward,
        "backward": records,
    }


LEAF_KINDS = {"parameter": "a parameter", "input": "an input", "constant": "a constant"}


def _forward_record(drawing: Drawing, node: Value, p: Value) -> dict:
    """The forward pass at one node: `n = tanh(z) = 0.7616`, or a leaf's value and what it is."""
    name = drawing.names[node]
    if not node.parents:
        kind = "the parameter traced" if node is p else LEAF_KINDS[drawing.kind(node)]
        text = f"{name} = {number(node.data)}  ({kind})"
    else:
        inputs = ", ".join(drawing.names[q] for q in node.parents)
        text = f"{name} = {node.op.name}({inputs}) = {number(node.data)}"
    return {"node": drawing.ids[node], "sentence": text, "value": node.data}


def _batch(lab, p: Value, index: int) -> dict:
    """The next step's batch: each example's gradient, the batch gradient, and the optimizer's update."""
    indices = list(lab.upcoming_batch())
    per_example = []
    for i in indices:
        for q in lab.parameters:
            q.grad = 0.0
        example_loss(lab, i).backward()
        per_example.append({"example": i, "gradient": p.grad})
    for q in lab.parameters:
        q.grad = 0.0
    loss = lab.loss([lab.train_set[i] for i in indices])
    loss.backward()
    grads = [q.grad for q in lab.parameters]
    return {"batch": per_example, "batchGradient": p.grad, "batchLoss": loss.data,
            "update": _update(lab.optimizer, grads, index)}  # fmt: skip


def _update(optimizer, grads: list[float], index: int) -> dict:
    """What optimizer.step() would make of parameter `index` with these grads: run on a copy."""
    fresh = {id(q): Value(q.data) for q in optimizer.params}  # the copy's own parameters
    twin = copy.deepcopy(optimizer, memo=fresh)
    for q, g in zip(twin.params, grads):
        q.grad = g
    before = optimizer.params[index].data
    twin.step()
    after = twin.params[index].data
    return {
        "optimizer": type(optimizer).__name__,
        "rule": optimizer.rule(),
        "lr": optimizer.lr,
        "weightDecay": optimizer.weight_decay,
        "before": before,
        "gradient": grads[index],
        "after": after,
        "delta": after - before,
        "stateBefore": optimizer.state(index),
        "stateAfter": twin.state(index),
    }
