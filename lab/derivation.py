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
And for the Matrices tab, every layer's matrices of the notes' delta recursion
(`nn.layer_view`) on the example or the next step's batch, each entry linked to the network
diagram's weight or neuron and to its node in the same drawing of the example's graph.
Nothing is changed: grads, weights and the optimizer's state are as they were. Numbers
are plain floats, nan and inf included (Lab.call's reply makes those null).
"""

from __future__ import annotations

import copy
import math
from contextlib import contextmanager
from functools import cache
from importlib.util import find_spec
from numbers import Integral

import nn
from autograd import Drawing, Value, draw_graph, explain
from autograd.engine import grads_set_aside
from autograd.views.notation import indices, layer_mark, notes_label, number, spoken
from autograd.views.page import LAYOUTS, backward_records, node_descriptions
from lab import data
from nn.matrices import TOLERANCE, LayerView

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
    check_example(lab, example, view)
    return named[parameter]


def check_example(lab, example: object, view: object) -> None:
    """Refuse what is not the index of a training point, or not one of the graph's VIEWS."""
    if not lab.train_set:
        raise ValueError("there are no training points: add some by clicking on the plane")
    if isinstance(example, bool) or not isinstance(example, Integral) or not 0 <= example < len(lab.train_set):
        raise ValueError(
            f"example must be the index of a training point, 0 to {len(lab.train_set) - 1}; got {example!r}"
        )
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")


def example_loss(lab, index: int) -> Value:
    """The loss of one training example, as a training step computes it (labelled "loss")."""
    loss = lab.loss([lab.train_set[index]])
    loss.label = "loss"
    return loss


def example_drawing(lab, index: int, view: str = "neuron", notation: str = "notes") -> Drawing:
    """The one Drawing of a training example's loss graph that the panel's tabs share: the Chain rule's
    and the Step through's graph, and the ids by which the Matrices tab's entries point into it."""
    with _expanded(lab.model, view == "expanded"):
        loss = example_loss(lab, index)
    return Drawing(loss, notation=notation, **lab.model.graph_style())


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
        drawing = example_drawing(lab, example, view, notation)  # sorted once for all below
        loss = drawing.root
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
        "nodes": node_descriptions(drawing),  # each node's name in words and its neighbours: the keyboard's graph
        "updateSpoken": _update_spoken(names[p], batch["update"]),
    }


def _update_spoken(name: str, update: dict) -> str:
    """The step mode's last step as a screen reader says it."""
    return (f"update, {update['optimizer']}, on the batch's mean gradient {number(update['gradient'])}: "
            f"{spoken(name)} goes from {number(update['before'])} to {number(update['after'])}")  # fmt: skip


LEAF_KINDS = {"parameter": "a parameter", "input": "an input", "constant": "a constant"}


def _forward_record(drawing: Drawing, node: Value, p: Value) -> dict:
    """The forward pass at one node: `n = tanh(z) = 0.7616`, or a leaf's value and what it is."""
    name = drawing.names[node]
    if not node.parents:
        kind = "the parameter traced" if node is p else LEAF_KINDS[drawing.kind(node)]
        text = f"{name} = {number(node.data)}  ({kind})"
        said = f"{spoken(name)} is {number(node.data)}, {kind}"
    else:
        inputs = ", ".join(drawing.names[q] for q in node.parents)
        text = f"{name} = {node.op.name}({inputs}) = {number(node.data)}"
        said = f"{spoken(name)} = {node.op.name} of {spoken(inputs)}, = {number(node.data)}"
    return {"node": drawing.ids[node], "sentence": text, "spoken": "forward: " + said, "value": node.data}


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


# --- every layer's matrices: the Matrices tab ------------------------------------------------------

GRADIENTS = ("upstream", "delta", "dW", "db")  # coloured on one scale: the largest of them


def matrices(lab, example: int = 0, batch: bool = False, view: str = "neuron") -> dict:
    """The notes' matrices of every layer (nn.layer_view) on the run's weights as they are now: for
    training example `example`, whose loss is the Chain rule tab's graph, or (batch=True) for the
    next step's batch, whose mean loss the step minimizes (a column per example). Each matrix has
    its title, shape and entries (numbers, and as text at 4 significant digits), and each entry its
    name in the notes, the network diagram's weight (an edge) or neuron, and its node's id in the
    Chain rule tab's drawing of the example (`view`: that graph's, "neuron" or "expanded"); each
    layer has its equations, with their shapes. Grads, weights and the optimizer's state are left
    as they were."""
    check_example(lab, example, view)
    if not isinstance(batch, bool):
        raise ValueError(f"batch must be true (the next step's batch) or false (one example); got {batch!r}")
    try:
        return _matrices(lab, example, batch, view)
    except OverflowError as error:
        raise ValueError(
            f"The matrices cannot be shown: {error}. Training diverged? Lower the learning rate "
            f"({lab.config['learningRate']:g}) and press Reset"
        ) from None


def _matrices(lab, example: int, batch: bool, view: str) -> dict:
    drawing = example_drawing(lab, example, view)  # the Chain rule tab's graph: the ids entries point to
    with grads_set_aside(lab.parameters, keep=False):  # the parameters' grads start at 0 and are put back
        if batch:
            examples = list(lab.upcoming_batch())
            rows = [lab.train_set[i] for i in examples]
            loss, inputs = lab.loss(rows, penalty=False), [lab.input_values(row[:-1]) for row in rows]
        else:
            # The notes' recursion is the data loss's: with an L1 penalty, the root's first term.
            loss = drawing.root.parents[0] if lab.config["l1"] > 0 else drawing.root
            examples, inputs = [example], lab.input_values(lab.train_set[example][:-1])
        loss.backward()
        found = layer_view(loss, lab.model, inputs)
    numbers = found.to_json(drawing.ids)
    gradients = [abs(x) for layer in numbers["layers"] for name in GRADIENTS for x in _flat(layer[name])]
    scale = max((x for x in gradients if math.isfinite(x)), default=0.0)
    names = ["x1"] if lab.curve else [data.FEATURE_LABELS.get(f, f) for f in lab.config["features"]]
    layers = [_layer_reply(lab.model, shown, examples if batch else None, names) for shown in numbers["layers"]]
    if math.isnan(found.difference):
        check = ("Every entry is the engine's own (δ⁽ˡ⁾ᵢ is the grad of the node z⁽ˡ⁾ᵢ); here, without numpy, "
                 "they are not checked against numpy's matrices (CPython's nn.layer_view is, and the Lab's tests "
                 "compare the two).")  # fmt: skip
    else:
        check = (f"Every entry is the engine's own (δ⁽ˡ⁾ᵢ is the grad of the node z⁽ˡ⁾ᵢ); numpy's matrices from W, "
                 f"φ' and ∇ŷℓ alone differ by {found.difference:.1e} (at most {TOLERANCE:.0e}).")  # fmt: skip
    if batch:
        title = (f"The next step's batch: N = {len(examples)} examples, a column each; "
                 f"L = (1/N) Σₖ ℓₖ = {number(loss.data)}")  # fmt: skip
    else:
        title = f"One example, training point {example}: L = ℓ = {number(loss.data)}"
    return {
        "example": example,
        "exampleRow": lab.train_set[example],
        "batch": batch,
        "examples": examples,
        "count": len(examples),
        "view": view,
        "loss": loss.data,
        "title": title,
        "difference": found.difference,
        "tolerance": TOLERANCE,
        "check": check,
        "gradientScale": scale,
        "gradientScaleText": number(scale),
        "layers": layers,
    }


def layer_view(loss: Value, model, inputs) -> LayerView:
    """nn.layer_view of `loss`, after loss.backward(). Its check against numpy's matrices needs numpy,
    which the worker's Pyodide has not (lab/build.py ships no numpy wheel): there it is skipped
    (difference nan); the browser tests compare the numbers with CPython's nn.layer_view."""
    return nn.layer_view(loss, model, inputs, check=_has_numpy())


@cache
def _has_numpy() -> bool:
    return find_spec("numpy") is not None


def _flat(values) -> list[float]:
    return [x for row in values for x in (row if isinstance(row, list) else [row])]


def _grid(values) -> list[list]:
    """A vector as a column (n × 1); a matrix as it is."""
    return [row if isinstance(row, list) else [row] for row in values]


def _layer_reply(model, shown: dict, examples: list[int] | None, inputs: list[str]) -> dict:
    """One layer of the reply: its matrices (see `matrices`) and its equations, as rows of terms;
    `inputs` the labels of the network's inputs (x1, x1*x1, ...)."""
    k, (n, m), count = shown["index"], shown["shape"], len(model.layers)
    neurons = [neuron.name for neuron in model.layers[k - 1].neurons]
    below = [neuron.name for neuron in model.layers[k - 2].neurons] if k > 1 else [None] * m  # x: no neuron
    batch = examples is not None
    sk, sp, su = layer_mark(k, False), layer_mark(k - 1, False), layer_mark(k + 1, False)
    h, z, d = ("H", "Z", "Δ") if batch else ("h", "z", "δ")
    sub = lambda i: indices([i + 1], False)  # noqa: E731  (row i, counted from 1 as the notes do)
    column = (lambda j: f", example {examples[j]}") if batch else (lambda j: "")  # noqa: E731
    titles = {
        "W": f"W{sk}", "b": f"b{sk}", "h_prev": f"{h}{sp} = {'X' if batch else 'x'}" if k == 1 else f"{h}{sp}",
        "z": f"{z}{sk}", "h": f"{h}{sk}", "dphi": f"φ'({z}{sk})", "upstream": "∇ŷℓ" if k == count else f"W{su}ᵀ{d}{su}",
        "delta": f"{d}{sk}", "dW": f"∂L/∂W{sk}", "db": f"∂L/∂b{sk}",
    }  # fmt: skip
    names = {  # each entry's name in the notes, by its row i and column j (an input, or an example)
        "W": lambda i, j: notes_label(f"{neurons[i]}.w.{j}"),
        "dW": lambda i, j: "∂L/∂" + notes_label(f"{neurons[i]}.w.{j}"),
        "b": lambda i, j: notes_label(f"{neurons[i]}.b"),
        "db": lambda i, j: "∂L/∂" + notes_label(f"{neurons[i]}.b"),
        "h_prev": lambda i, j: (notes_label(inputs[i]) if k == 1 else f"h{sp}{sub(i)}") + column(j),
        "z": lambda i, j: f"z{sk}{sub(i)}" + column(j),
        "h": lambda i, j: f"h{sk}{sub(i)}" + column(j),
        "dphi": lambda i, j: f"φ'(z{sk}{sub(i)})" + column(j),
        "upstream": lambda i, j: f"∂ℓ/∂h{sk}{sub(i)}" + column(j),
        "delta": lambda i, j: f"δ{sk}{sub(i)} = ∂ℓ/∂z{sk}{sub(i)}" + column(j),
    }
    ids = {"dW": "W_ids", "db": "b_ids", "dphi": "z_ids"}  # where to_json has none: the same nodes' ids
    out = {}
    for name, title in titles.items():
        values = _grid(shown[name])
        node_ids = shown.get(ids.get(name, f"{name}_ids"))
        entry = {
            "title": title,
            "shape": f"{len(values)} × {len(values[0])}",
            "kind": "gradient" if name in GRADIENTS else "value",
            "values": values,
            "text": [[number(x) for x in row] for row in values],
            "labels": [[names[name](i, j) for j in range(len(row))] for i, row in enumerate(values)],
            "ids": _grid(node_ids) if node_ids is not None else [[""] * len(row) for row in values],
            "neurons": below if name == "h_prev" else neurons,  # the diagram's neuron of each row
        }
        if name in ("W", "dW"):  # an entry is an edge of the network diagram
            entry["params"] = [[f"{neurons[i]}.w.{j}" for j in range(m)] for i in range(n)]
        elif name in ("b", "db"):  # a neuron's bias
            entry["params"] = [[f"{neurons[i]}.b"] for i in range(n)]
        out[name] = entry
    above = len(model.layers[k].neurons) if k < count else None
    return {
        "index": k,
        "activation": shown["activation"],
        "shape": [n, m],
        "output": k == count,
        "heading": (
            f"Layer {k}{', the output' if k == count else ''} (φ = {shown['activation']}): "
            f"W{sk} is n{indices([k], False)} × n{indices([k - 1], False)} = {n} × {m}"
        ),
        "matrices": out,
        "rows": _equations(k, n, m, above, shown["activation"], len(examples) if batch else None),
    }


def _equations(k: int, n: int, m: int, above: int | None, activation: str, count: int | None) -> list[dict]:
    """Layer k's equations as the notes write them (h, z, δ for one example; H, Z, Δ with a column per
    example over a batch of `count`), each with its shapes and the terms to lay out: a matrix's name
    ({"matrix": "W"}, "transposed" for hᵀ) or an operator."""
    sk, sp, su = layer_mark(k, False), layer_mark(k - 1, False), layer_mark(k + 1, False)
    batch = count is not None
    h, z, d, cols = ("H", "Z", "Δ", "N") if batch else ("h", "z", "δ", "1")
    mean = "(1/N) " if batch else ""
    W, hp, b, zm, hm = ({"matrix": name} for name in ("W", "h_prev", "b", "z", "h"))
    dphi, up, delta, dW, db = ({"matrix": name} for name in ("dphi", "upstream", "delta", "dW", "db"))
    if above is None:  # the output layer
        linear = ": the output is linear, φ' = 1" if activation == "identity" else ""
        backward = {"name": "delta", "equation": f"{d}{sk} = φ'({z}{sk}) ⊙ ∇ŷℓ{linear}",
                    "shapes": f"({n} × {cols}) ⊙ ({n} × {cols}) = ({n} × {cols})"}  # fmt: skip
    else:
        backward = {"name": "delta", "equation": f"{d}{sk} = φ'({z}{sk}) ⊙ (W{su}ᵀ{d}{su})",
                    "shapes": f"({n} × {cols}) ⊙ (({n} × {above})({above} × {cols})) = ({n} × {cols})"}  # fmt: skip
    return [
        {"name": "forward", "equation": f"{z}{sk} = W{sk}{h}{sp} + b{sk}{'1ᵀ' if batch else ''}",
         "shapes": f"({n} × {m})({m} × {cols}) + ({n} × 1) = ({n} × {cols})",
         "terms": [W, hp, "+", b, "=", zm]},
        {"name": "activation", "equation": f"{h}{sk} = φ({z}{sk}), φ = {activation}", "shapes": f"({n} × {cols})",
         "terms": [hm]},
        {**backward, "terms": [dphi, "⊙", up, "=", delta]},
        {"name": "dW", "equation": f"∂L/∂W{sk} = {mean}{d}{sk}{h}{sp}ᵀ",
         "shapes": f"({n} × {cols})({cols} × {m}) = ({n} × {m})" + (f", N = {count}" if batch else ""),
         "terms": ([mean.strip()] if batch else []) + [delta, {"matrix": "h_prev", "transposed": True}, "=", dW]},
        {"name": "db", "equation": f"∂L/∂b{sk} = {mean}{d}{sk}{'1' if batch else ''}",
         "shapes": f"({n} × N)(N × 1) = ({n} × 1)" if batch else f"({n} × 1)", "terms": [db]},
    ]  # fmt: skip
