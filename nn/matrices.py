"""From scalars to matrices: the notes' delta recursion, with this run's numbers, read from the graph.

The lecture notes teach backprop twice: as the chain rule on a graph of scalars, which the
engine runs, and as matrix equations per layer (seed 002; seed 001 for a batch):

    z⁽ˡ⁾ = W⁽ˡ⁾ h⁽ˡ⁻¹⁾ + b⁽ˡ⁾,  h⁽ˡ⁾ = φ(z⁽ˡ⁾),  h⁽⁰⁾ = x
    δ⁽ᴸ⁾ = φ'(z⁽ᴸ⁾) ⊙ ∇ŷ ℓ  (∇ŷ ℓ itself when the output is linear, as the notes write it)
    δ⁽ˡ⁾ = φ'(z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾)
    ∂ℓ/∂W⁽ˡ⁾ = δ⁽ˡ⁾ h⁽ˡ⁻¹⁾ᵀ,  ∂ℓ/∂b⁽ˡ⁾ = δ⁽ˡ⁾
    over a batch, L = (1/N) Σₖ ℓₖ:  ∂L/∂W⁽ˡ⁾ = (1/N) Δ⁽ˡ⁾ H⁽ˡ⁻¹⁾ᵀ, Δ's column k being example k's δ

`layer_view(loss, model, inputs)` reads every entry from the engine's own nodes after
`loss.backward()`: δ⁽ˡ⁾ᵢ is the grad of the node z⁽ˡ⁾ᵢ (over the weight its example's loss
has in L), φ'(z⁽ˡ⁾ᵢ) the local derivative stored on h⁽ˡ⁾ᵢ, ∂L/∂W⁽ˡ⁾ᵢⱼ the grad of the
weight. Then numpy computes the same matrices from W, φ' and the output's gradient alone,
and the view says how far apart they are (they agree to 1e-12, or it raises). Each entry
keeps its nodes, so a page can link an entry to the graph, and `steps(...)` gives the
backward steps it stands for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograd.engine import Value, topological_order
from autograd.views.notation import number

if TYPE_CHECKING:
    from autograd.views.drawing import Drawing
    from nn.module import Module

TOLERANCE = 1e-12  # the engine's entries and numpy's matrices agree to this (relative to the largest entry)


@dataclass
class LayerMatrices:
    """Layer l (from 1) of the recursion: each attribute a list (a vector, one example) or a list of
    rows (a matrix; over a batch, the vectors are matrices with a column per example). `h_prev` is
    h⁽ˡ⁻¹⁾ (x for the first layer), `upstream` is W⁽ˡ⁺¹⁾ᵀδ⁽ˡ⁺¹⁾ (∇ŷ ℓ for the last layer), `dphi`
    is φ'(z⁽ˡ⁾). `nodes[name]` holds the Value behind each entry, in the same shape (for W and dW
    the weights, for b and db the biases, for z, delta and dphi the z nodes, for h and upstream the
    h nodes; over a batch, one per example)."""

    index: int
    activation: str
    W: list[list[float]]
    b: list[float]
    h_prev: list
    z: list
    h: list
    dphi: list
    upstream: list
    delta: list
    dW: list[list[float]]
    db: list[float]
    nodes: dict[str, list] = field(repr=False, default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """(nₗ, nₗ₋₁): W⁽ˡ⁾'s rows and columns."""
        return len(self.W), len(self.W[0])


@dataclass
class LayerView:
    """The recursion of every layer (`layers[0]` is layer 1), the examples it was read over, each
    example's weight in L (1/N for a batch mean), and numpy's largest difference from the engine."""

    layers: list[LayerMatrices]
    batch: int
    weights: list[float]
    difference: float
    loss: Value = field(repr=False)
    examples: list[dict[str, list[Value]]] = field(repr=False, default_factory=list)
    expand: bool = False  # the model's neurons are micrograd's chains of * and + (expand=True)

    def __str__(self) -> str:
        return text(self)

    def _repr_html_(self) -> str:
        return html_view(self)

    def steps(self, layer: int, name: str, i: int, j: int | None = None, notation: str = "notes") -> list:
        """backward's steps (autograd.backward_steps on the loss, from zero grads) that an entry stands
        for, named in `notation`: for dW (i, j) and db i the steps into that weight or bias (one per
        example); for delta i the steps into h⁽ˡ⁾ᵢ and then z⁽ˡ⁾ᵢ (every example's). Layers and rows
        count from 1 as the notes do; i and j from 0, as Python's lists. The grads are left alone."""
        from autograd.engine import grads_set_aside
        from autograd.views.drawing import Drawing
        from autograd.views.explain import backward_steps

        if not (isinstance(layer, int) and 1 <= layer <= len(self.layers)):
            raise ValueError(f"layer counts from 1 to {len(self.layers)}, as the notes' W⁽ˡ⁾; got {layer!r}")
        wanted = set(entry_nodes(self.layers[layer - 1], name, i, j))
        drawing = Drawing(self.loss, notation=notation)
        with grads_set_aside(drawing.order, keep=False):  # backward from zero, then the grads as they were
            return [step for step in backward_steps(drawing) if not step.is_seed and step.parent in wanted]

    def records(self, drawing: Drawing | None = None) -> list[dict]:
        """backward's steps grouped as the recursion's equations, as records of the step-through page
        (`export_html(loss, path, layers=view)`) and the stepper: the loss's steps down to ŷ (with the
        seed), then for each layer from the output down δ⁽ˡ⁾ (the steps into its h and z nodes),
        ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾, and last ∂L/∂x. Each holds the ids of all its steps' nodes and edges
        and the grads they leave. `drawing`: the Drawing of the page (else one of the loss)."""
        return layer_records(self, drawing)

    def to_json(self, ids: dict[Value, str] | None = None) -> dict:
        """The view as JSON for a page: per layer, each matrix's numbers and shape and, with `ids` (a
        Drawing's ids), the ids of each entry's nodes."""
        layers = []
        for layer in self.layers:
            entry = {"index": layer.index, "activation": layer.activation, "shape": list(layer.shape)}
            for name in ("W", "b", "h_prev", "z", "h", "dphi", "upstream", "delta", "dW", "db"):
                entry[name] = getattr(layer, name)
                if ids is not None and name in layer.nodes:
                    entry[name + "_ids"] = _mapped(layer.nodes[name], ids)
            layers.append(entry)
        difference = self.difference if self.difference == self.difference else None  # JSON has no nan
        return {"batch": self.batch, "weights": self.weights, "difference": difference, "layers": layers}


def _mapped(nested, ids):
    if isinstance(nested, list):
        return [_mapped(item, ids) for item in nested]
    return ids.get(nested, "")


def entry_nodes(layer: LayerMatrices, name: str, i: int, j: int | None = None) -> list[Value]:
    """The nodes behind one entry (every example's, over a batch): for delta, h then z."""
    if name not in ("W", "dW", "b", "db", "z", "h", "dphi", "delta", "upstream"):
        raise ValueError(f"an entry is one of W, dW, b, db, z, h, dphi, delta, upstream; got {name!r}")
    if name in ("W", "dW"):
        if j is None:
            raise ValueError(f"{name} is a matrix: give the row i and the column j")
        return [layer.nodes["W"][i][j]]
    if name in ("b", "db"):
        return [layer.nodes["b"][i]]
    row = layer.nodes["z" if name in ("z", "dphi") else name][i]
    nodes = row if isinstance(row, list) else [row]
    if name == "delta":
        hs = layer.nodes["h"][i]
        hs = hs if isinstance(hs, list) else [hs]
        return [n for pair in zip(hs, nodes) for n in pair]
    return nodes


def layer_view(loss: Value, model: Module, inputs: Sequence, check: bool = True) -> LayerView:
    """The notes' matrices of every layer of `model` (an nn.MLP, or any Module with `layers` of
    nn.Layer) for the forward pass that built `loss`, after `loss.backward()`. `inputs`: the one
    example's inputs (a list of numbers or Values), or the batch's list of them, in the order the
    loss was built from. check=False skips numpy's check (where there is no numpy, as in the Lab's
    Pyodide): `difference` is then nan."""
    if not isinstance(loss, Value):
        raise TypeError(f"layer_view takes the loss, a Value, got {type(loss).__name__} {loss!r}")
    layers = _layers(model)
    batch = _batch(inputs, len(layers[0].neurons[0].w))
    order = topological_order(loss)
    if loss.grad == 0.0 or all(node.grad == 0.0 for node in order):
        raise ValueError("layer_view reads the grads: call loss.backward() first (after model.zero_grad())")
    examples = _examples(order, layers, batch)
    weights = _example_weights(order, examples, loss)
    matrices = []
    for index, layer in enumerate(layers, start=1):
        matrices.append(_layer(index, layer, examples, weights, len(batch) > 1 or _is_batch(inputs)))
    for below, layer in zip(matrices, matrices[1:]):  # h⁽ˡ⁻¹⁾ is the layer below's h
        layer.h_prev, layer.nodes["h_prev"] = below.h, below.nodes["h"]
    expand = any(n.expand for layer in layers for n in layer.neurons)
    view = LayerView(matrices, len(examples), weights, math.nan, loss, examples, expand)
    if check:
        try:
            import numpy
        except ImportError:
            raise ImportError("layer_view checks its matrices with numpy: pip install numpy, or check=False") from None
        view.difference = _numpy_difference(view, numpy)
    return view


def _layers(model) -> list:
    from nn.layers import Layer

    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not layers or not all(isinstance(layer, Layer) for layer in layers):
        raise TypeError(f"layer_view takes an nn.MLP (or a Module whose `layers` are nn.Layer), got {model!r}")
    for k in range(1, len(layers)):
        n_prev, fan_in = len(layers[k - 1].neurons), len(layers[k].neurons[0].w)
        if fan_in != n_prev:
            raise ValueError(
                f"the layers do not chain: W{_sup(k + 1)} is {len(layers[k].neurons)} × {fan_in}, so it needs "
                f"h{_sup(k)} of {fan_in} × 1, but layer {k} gives h{_sup(k)} of {n_prev} × 1"
            )
    for layer in layers:
        if len({n.activation for n in layer.neurons}) != 1 or len({len(n.w) for n in layer.neurons}) != 1:
            raise ValueError(f"{layer!r}: its neurons differ, so it is no matrix")
    if any(not n.name for layer in layers for n in layer.neurons):
        raise ValueError("the model's neurons have no names: build it as nn.MLP does (a Module's layers list)")
    return layers


def _is_batch(inputs) -> bool:
    return hasattr(inputs[0], "__len__")


def _batch(inputs, nin: int) -> list[list]:
    """The examples' inputs as a list of lists; one example's list is a batch of one."""
    if isinstance(inputs, (Value, int, float, str)) or not hasattr(inputs, "__len__") or len(inputs) == 0:
        raise TypeError(f"layer_view inputs: one example's {nin} inputs or a list of examples, got {inputs!r}")
    rows = [list(row) for row in inputs] if _is_batch(inputs) else [list(inputs)]
    for k, row in enumerate(rows):
        if len(row) != nin:
            raise ValueError(f"layer_view inputs: the model takes {nin} inputs, example {k + 1} has {len(row)}")
    return rows


def _examples(order: list[Value], layers, batch: list[list]) -> list[dict[str, list[Value]]]:
    """For each example of the batch, in order: its z and h nodes of each neuron, by the neuron's
    name, found by which input leaves they descend from."""
    parameters = {id(p) for layer in layers for n in layer.neurons for p in (*n.w, n.b)}
    first = f"{layers[0].neurons[0].name}.z"
    roots = [node for node in order if node.label == first]  # one per forward pass through the model
    if len(roots) != len(batch):
        raise ValueError(f"the loss holds {len(roots)} forward passes of the model, but {len(batch)} examples were "
                         "given: pass the inputs the loss was built from")  # fmt: skip
    owner: dict[int, int] = {}  # id(node) -> its example
    unused = list(range(len(batch)))
    for node in roots:
        leaves = _input_leaves(node, parameters)
        data = [leaf.data for leaf in leaves]
        match = None
        for k in unused:
            row = batch[k]
            if all(x is leaf if isinstance(x, Value) else float(x) == d for x, leaf, d in zip(row, leaves, data)):
                match = k
                break
        if match is None:
            raise ValueError(f"no example given has the inputs {data} that the loss was built from")
        unused.remove(match)
        for leaf in leaves:
            owner[id(leaf)] = match
    examples: list[dict[str, list[Value]]] = [{} for _ in batch]
    names = {f"{n.name}.{part}" for layer in layers for n in layer.neurons for part in ("z", "h")}
    for node in order:
        if id(node) in owner or not node.parents:
            continue
        mine = {owner[id(p)] for p in node.parents if id(p) in owner}
        if len(mine) == 1:
            k = mine.pop()
            owner[id(node)] = k
            if node.label in names:
                examples[k][node.label] = [node]
    for k, found in enumerate(examples):
        found["inputs"] = _input_leaves(roots[[owner.get(id(r)) for r in roots].index(k)], parameters)
    return examples


def _input_leaves(z: Value, parameters: set[int]) -> list[Value]:
    """The example's input leaves under a first-layer z node, in the order of the weights they meet."""
    if z.op.name == "linear":
        n = (len(z.parents) - 1) // 2
        return list(z.parents[n : 2 * n])
    leaves, stack, seen = [], [z], set()  # expand=True: the chain of * and +, products in order
    while stack:
        node = stack.pop()
        for parent in reversed(node.parents):
            if id(parent) in seen:
                continue
            seen.add(id(parent))
            if not parent.parents and id(parent) not in parameters:
                leaves.append(parent)
            elif parent.parents:
                stack.append(parent)
    return leaves


def _example_weights(order: list[Value], examples, loss: Value) -> list[float]:
    """Each example's dL/dℓₖ: the grad of the last node that only that example's numbers flow into
    (the loss's own root for a single example)."""
    if len(examples) == 1:
        return [1.0]
    inside = {}
    for k, found in enumerate(examples):
        for nodes in found.values():
            for node in nodes:
                inside[id(node)] = k
    owner = dict(inside)
    for node in order:
        if node.parents and id(node) not in owner:
            mine = {owner[id(p)] for p in node.parents if id(p) in owner}
            if len(mine) == 1 and all(id(p) in owner or not p.parents for p in node.parents):
                owner[id(node)] = mine.pop()
    weights = [0.0] * len(examples)
    for node in order:
        for parent in node.parents:
            if id(parent) in owner and id(node) not in owner:  # example k's part ends here: parent is ℓₖ
                weights[owner[id(parent)]] = parent.grad
    if not all(weights):
        raise ValueError("an example's loss gets no gradient from L (dL/dℓₖ = 0): layer_view needs each one in L")
    return weights


def _layer(index: int, layer, examples, weights: list[float], batch: bool) -> LayerMatrices:
    neurons = layer.neurons
    W = [[w.data for w in n.w] for n in neurons]
    b = [n.b.data for n in neurons]

    def per_example(name: str) -> list[list[Value]]:
        return [[found[f"{n.name}.{name}"][0] if f"{n.name}.{name}" in found else found[f"{n.name}.z"][0]
                 for found in examples] for n in neurons]  # fmt: skip

    zs, hs = per_example("z"), per_example("h")
    if index == 1:
        h_prev_nodes = [[found["inputs"][j] for found in examples] for j in range(len(W[0]))]
    else:
        h_prev_nodes = None
    dphi = [[h.locals[0] if h is not z else 1.0 for h, z in zip(hrow, zrow)] for hrow, zrow in zip(hs, zs)]
    # Over the example's weight in L (1/N in a mean): ℓₖ's own derivatives, as the notes' δ are.
    delta = [[z.grad / c for z, c in zip(zrow, weights)] for zrow in zs]
    # dℓ/dh⁽ˡ⁾: W⁽ˡ⁺¹⁾ᵀδ⁽ˡ⁺¹⁾ for a hidden layer (h feeds only the next layer's z), ∇ŷ ℓ for the last.
    upstream = [[h.grad / c for h, c in zip(hrow, weights)] for hrow in hs]

    def shaped(rows):  # a vector for one example, a matrix with a column per example for a batch
        return rows if batch else [row[0] for row in rows]

    matrices = LayerMatrices(
        index=index,
        activation=neurons[0].activation,
        W=W,
        b=b,
        h_prev=shaped([[x.data for x in row] for row in h_prev_nodes]) if h_prev_nodes else [],
        z=shaped([[z.data for z in row] for row in zs]),
        h=shaped([[h.data for h in row] for row in hs]),
        dphi=shaped(dphi),
        upstream=shaped(upstream),
        delta=shaped(delta),
        dW=[[w.grad for w in n.w] for n in neurons],
        db=[n.b.grad for n in neurons],
        nodes={
            "W": [list(n.w) for n in neurons],
            "b": [n.b for n in neurons],
            "z": shaped(zs),
            "h": shaped(hs),
            "delta": shaped(zs),
            "upstream": shaped(hs),
        },  # fmt: skip
    )
    if h_prev_nodes:
        matrices.nodes["h_prev"] = shaped(h_prev_nodes)
    return matrices


def _numpy_difference(view: LayerView, numpy) -> float:
    """The largest difference, relative to the largest entry, between the engine's entries and the
    recursion computed by numpy from W, φ'(z), ∇ŷ ℓ and the inputs alone; raises past TOLERANCE."""
    layers, count = view.layers, view.batch

    def matrix(values) -> numpy.ndarray:
        array = numpy.array(values, dtype=float)
        return array.reshape(len(values), count) if array.ndim == 1 else array

    worst, scale = 0.0, 1e-300
    last = layers[-1]
    delta = matrix(last.dphi) * matrix(last.upstream)
    weights = numpy.array(view.weights)
    for layer, below in zip(reversed(layers), list(reversed(layers))[1:] + [None]):
        engine = {"delta": matrix(layer.delta), "dW": numpy.array(layer.dW), "db": numpy.array(layer.db)}
        h_prev = matrix(layer.h_prev)
        ours = {"delta": delta, "dW": (delta * weights) @ h_prev.T, "db": (delta * weights).sum(axis=1)}
        for name in ours:
            worst = max(worst, float(numpy.max(numpy.abs(ours[name] - engine[name]))))
            scale = max(scale, float(numpy.max(numpy.abs(engine[name]))))
        z_ours = numpy.array(layer.W) @ h_prev + numpy.array(layer.b)[:, None]
        worst = max(worst, float(numpy.max(numpy.abs(z_ours - matrix(layer.z)))))
        if below is not None:
            back = numpy.array(layer.W).T @ delta
            worst = max(worst, float(numpy.max(numpy.abs(back - matrix(below.upstream)))))
            delta = matrix(below.dphi) * back
    difference = worst / max(scale, 1.0)
    if not difference <= TOLERANCE:
        raise ValueError(
            f"the engine's grads and the matrix recursion differ by {difference:.1e} (more than {TOLERANCE}): the loss "
            "depends on the weights other than through this forward pass (a penalty such as L2?), or the grads were "
            "accumulated over other passes; call layer_view on a loss of the model's outputs, after zero_grad()"
        )
    return difference


# --- the recursion as steps of the page ---------------------------------------------------------------


def _vector(values) -> str:
    """A vector as (a, b, c); a matrix as its rows: ((a, b), (c, d))."""
    if values and isinstance(values[0], list):
        return "(" + ", ".join(_vector(row) for row in values) + ")"
    return "(" + ", ".join(number(x) for x in values) + ")"


def layer_records(view: LayerView, drawing=None) -> list[dict]:
    from autograd.views.drawing import Drawing
    from autograd.views.page import backward_records

    drawing = drawing if drawing is not None else Drawing(view.loss)
    by_id = {key: node for node, key in drawing.ids.items()}
    count, batch = len(view.layers), view.batch > 1
    group: dict[int, tuple] = {}  # id(node) -> the equation its steps belong to
    for layer in view.layers:
        k = layer.index
        for row in layer.nodes["W"]:
            for w in row:
                group[id(w)] = ("dW", k)
        for b in layer.nodes["b"]:
            group[id(b)] = ("db", k)
        for name in ("z", "h"):
            for row in layer.nodes[name]:
                for node in row if isinstance(row, list) else [row]:
                    group[id(node)] = ("delta", k)
    for found in view.examples:
        for x in found["inputs"]:
            group[id(x)] = ("dx", 0)
    if view.expand:
        raise ValueError("layer by layer needs one z node per neuron: build the model with expand=False (the default)")
    order = [("loss", count + 1)] + [(kind, k) for k in range(count, 0, -1) for kind in ("delta", "dW", "db")]
    order.append(("dx", 0))
    steps: dict[tuple, list[dict]] = {key: [] for key in order}
    for record in backward_records(drawing):
        node = by_id.get(record["parent"])
        steps[group.get(id(node), ("loss", count + 1))].append(record)
    records = []
    for key in order:
        into = steps[key]
        if not into:
            continue
        grads = {}
        for record in into:
            if record["grad"]:
                grads[record["parent"]] = record["grad"]
        parents = list(dict.fromkeys(r["parent"] for r in into))
        nodes = [n for n in dict.fromkeys(r["node"] for r in into) if n and n not in parents]
        sentence = _equation(view, key, batch)
        records.append({
            "node": "", "parent": parents[0], "edge": "", "parents": parents, "nodes": nodes,
            "edges": [r["edge"] for r in into if r["edge"]], "grads": [[k, v] for k, v in grads.items()],
            "sentence": sentence, "exact": f"{sentence} ({len(into)} steps of backward)",
            "rule": "; ".join(dict.fromkeys(r["rule"] for r in into)), "math": "", "grad": "", "value": None,
            "count": len(into),
        })  # fmt: skip
    return records


def _equation(view: LayerView, key: tuple, batch: bool) -> str:
    """The equation a group of steps computes, with its numbers."""
    kind, k = key
    count = len(view.layers)
    if kind == "loss":
        out = view.layers[-1]
        grads = out.upstream
        name = "∇ŷ ℓ of each example (a column each)" if batch else "∇ŷ ℓ"
        return f"dL/dL = 1, the seed; backward through the loss down to the output: {name} = {_vector(grads)}"
    if kind == "dx":
        grads = [[x.grad / c for x in found["inputs"]] for found, c in zip(view.examples, view.weights)]
        shown = _vector([list(col) for col in zip(*grads)]) if batch else _vector(grads[0])
        return f"∂L/∂x = W⁽¹⁾ᵀ {'Δ' if batch else 'δ'}⁽¹⁾ = {shown}: the inputs' grads (nothing trains them)"
    layer = view.layers[k - 1]
    sk, sp, su = _sup(k), _sup(k - 1), _sup(k + 1)
    d = "Δ" if batch else "δ"
    if kind == "delta":
        upstream = "∇ŷ ℓ" if k == count else f"(W{su}ᵀ {d}{su})"
        numbers = f"{_vector(layer.dphi)} ⊙ {_vector(layer.upstream)} = {_vector(layer.delta)}"
        return f"{d}{sk} = φ'(z{sk}) ⊙ {upstream} = {numbers}"
    n, m = layer.shape
    if kind == "dW":
        mean = "(1/N) Δ" if batch else "δ"
        h = "H" if batch else "h"
        return f"∂L/∂W{sk} = {mean}{sk} {h}{sp}ᵀ, ({n} × {m}) = {_vector(layer.dW)}"
    return f"∂L/∂b{sk} = {'(1/N) Δ' if batch else 'δ'}{sk}{' 1' if batch else ''} = {_vector(layer.db)}"


# --- the view as text and as HTML ----------------------------------------------------------------------

SUP = str.maketrans("0123456789+-()L", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᴸ")
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sup(k: int | str) -> str:
    return f"⁽{str(k).translate(SUP)}⁾"


def _sub(k: int) -> str:
    return str(k).translate(SUB)


def _rows(values) -> list[list[float]]:
    if not values:
        return []
    return [row if isinstance(row, list) else [row] for row in values]


def _block(title: str, values) -> list[str]:
    rows = _rows(values)
    cells = [[number(x) for x in row] for row in rows]
    width = max((len(c) for row in cells for c in row), default=1)
    lines = [title]
    for k, row in enumerate(cells):
        left, right = ("⎡", "⎤") if k == 0 else ("⎣", "⎦") if k == len(cells) - 1 else ("⎢", "⎥")
        if len(cells) == 1:
            left, right = "[", "]"
        lines.append(f"{left} " + "  ".join(c.rjust(width) for c in row) + f" {right}")
    return lines


def _side_by_side(blocks: list[list[str]], gap: str = "   ") -> list[str]:
    height = max(len(b) for b in blocks)
    widths = [max(len(line) for line in b) for b in blocks]
    lines = []
    for k in range(height):
        parts = [(b[k] if k < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append(gap.join(parts).rstrip())
    return lines


def _shape(values) -> str:
    rows = _rows(values)
    return f"{len(rows)} × {len(rows[0]) if rows else 0}"


def text(view: LayerView) -> str:
    """The recursion layer by layer, from the output down, with this run's numbers and the shapes."""
    count, batch = len(view.layers), view.batch > 1
    cols = "N" if batch else "1"
    vector = (lambda small, big: big) if batch else (lambda small, big: small)  # h or H, δ or Δ
    about = f", a batch of N = {view.batch} examples, a column each" if batch else ", one example"
    lines = [f"The delta recursion of this network (L = {count} layers{about})"]
    for layer in reversed(view.layers):
        k, (n, m) = layer.index, layer.shape
        sk, sp, su = _sup(k), _sup(k - 1), _sup(k + 1)
        h, z, d = vector("h", "H"), vector("z", "Z"), vector("δ", "Δ")
        lines.append("")
        lines.append(f"layer {k} ({layer.activation}): W{sk} is n{_sub(k)} × n{_sub(k - 1)} = {n} × {m}")
        lines.append(f"  forward   {z}{sk} = W{sk} {h}{sp} + b{sk}:  ({n} × {m})({m} × {cols}) + ({n} × 1) = "
                     f"({n} × {cols}),  {h}{sk} = {layer.activation}({z}{sk})")  # fmt: skip
        blocks = [_block(f"W{sk} ({_shape(layer.W)})", layer.W), _block(f"{h}{sp}", layer.h_prev),
                  _block(f"b{sk}", layer.b), _block(f"{z}{sk}", layer.z), _block(f"{h}{sk}", layer.h)]  # fmt: skip
        lines += ["    " + line for line in _side_by_side(blocks)]
        if k == count:
            linear = "  (∇ŷ ℓ itself: the output is linear)" if layer.activation == "identity" else ""
            rule, upstream = f"{d}{sk} = φ'({z}{sk}) ⊙ ∇ŷ ℓ{linear}", "∇ŷ ℓ"
        else:
            above = len(view.layers[k].W)
            rule = f"{d}{sk} = φ'({z}{sk}) ⊙ (W{su}ᵀ {d}{su}):  ({n} × {cols}) ⊙ (({n} × {above})({above} × {cols}))"
            upstream = f"W{su}ᵀ{d}{su}"
        lines.append(f"  backward  {rule}")
        blocks = [_block(f"φ'({z}{sk})", layer.dphi), _block(upstream, layer.upstream),
                  _block(f"{d}{sk} = dℓ/dz{sk}", layer.delta)]  # fmt: skip
        lines += ["    " + line for line in _side_by_side(blocks)]
        if batch:
            mean = "(1/N) " if all(abs(w - 1 / view.batch) < 1e-15 for w in view.weights) else "Σₖ cₖ "
            product = f"∂L/∂W{sk} = {mean}Δ{sk} H{sp}ᵀ:  ({n} × N)(N × {m}) = ({n} × {m}),  ∂L/∂b{sk} = {mean}Δ{sk} 1"
        else:
            product = f"∂L/∂W{sk} = δ{sk} h{sp}ᵀ:  ({n} × 1)(1 × {m}) = ({n} × {m}),  ∂L/∂b{sk} = δ{sk}"
        lines.append(f"  gradient  {product}")
        blocks = [_block(f"∂L/∂W{sk}", layer.dW), _block(f"∂L/∂b{sk}", layer.db)]
        lines += ["    " + line for line in _side_by_side(blocks)]
    lines.append("")
    checked = (f"numpy's matrices from W, φ' and ∇ŷ ℓ alone differ by {view.difference:.1e} (at most {TOLERANCE:.0e})"
               if view.difference == view.difference else "not checked against numpy (check=False)")  # fmt: skip
    lines.append(f"Every entry is the engine's own (δ⁽ˡ⁾ᵢ is the grad of the node z⁽ˡ⁾ᵢ); {checked}.")
    return "\n".join(lines)


def html_view(view: LayerView) -> str:
    """The same as HTML tables, for a notebook."""
    import html

    def table(title: str, values) -> str:
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(number(x))}</td>" for x in row) + "</tr>"
                       for row in _rows(values))  # fmt: skip
        return (f"<figure style='display:inline-block;margin:0 1em 0.5em 0;vertical-align:top'><figcaption>"
                f"{html.escape(title)} <small>({_shape(values)})</small></figcaption><table style='border-left:2px "
                f"solid;border-right:2px solid;font-family:monospace'>{rows}</table></figure>")  # fmt: skip

    parts = [f"<div><p>{html.escape(text(view).splitlines()[0])}</p>"]
    for layer in reversed(view.layers):
        sl, sp = _sup(layer.index), _sup(layer.index - 1)
        parts.append(f"<h4>layer {layer.index} ({html.escape(layer.activation)})</h4><div>")
        for title, values in ((f"W{sl}", layer.W), (f"h{sp}", layer.h_prev), (f"b{sl}", layer.b), (f"z{sl}", layer.z),
                              (f"h{sl}", layer.h), (f"φ'(z{sl})", layer.dphi), (f"δ{sl}", layer.delta),
                              (f"∂L/∂W{sl}", layer.dW), (f"∂L/∂b{sl}", layer.db)):  # fmt: skip
            parts.append(table(title, values))
        parts.append("</div>")
    parts.append(f"<p>{html.escape(text(view).splitlines()[-1])}</p></div>")
    return "".join(parts)
