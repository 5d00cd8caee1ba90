"""One drawing of the graph: made once from a root, then read by every view.

A `Drawing` is what every picture and every sentence of backprop needs to agree on:
the topological order (from one sort), what each node is called, its id in the SVG,
which leaves are parameters, the boxes it is drawn in, and, for a focused view, which
nodes are drawn. `draw_graph`, the step-through page, the notebook stepper, the
exercises, `explain` and the Lab read it instead of sorting, naming and numbering
the graph again.

    >>> drawing = Drawing(loss, **model.graph_style())
    >>> drawing.names[node], drawing.ids[node]      # 'layers.0.neurons.1.z', 'value-12'
    >>> Drawing(loss, notation="notes").names[node]  # 'z⁽¹⁾₂', as the lecture notes write it

Names: a node's label; else, for an unlabelled leaf (a constant), its number; else
the expression that made it from its parents' names (`x1*w1`, `tanh(n)`) while that
is at most NAME_LIMIT characters; else what it is (`sum of 10 terms`), or v<i>, its place
in the order. In the notes' notation (autograd.views.notation) the labels are the notes'
symbols, the network's output is ŷ and the root L. Ids: value-<i>, the same place, so a
node has one id in every view of its graph, focused or not.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from autograd.engine import Value, short_number, topological_order
from autograd.views.notation import check_notation, fixed, module_path, notes_label, output_name, power

NAME_LIMIT = 24  # an expression longer than this is no name: the node is v<i> instead
LABEL_LIMIT = 200  # a label longer than this is shown cut, ending in "…" (Graphviz refuses labels over 16 KB)
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair: no file or page can hold one alone

Group = Callable[[Value], Sequence[str] | None]  # a node -> the boxes it is drawn in, outermost first
Collapse = Callable[[Value], str | None]  # a node -> the name of the one box that stands for it


def shown_text(text: str) -> str:
    """A label as every view can show it: a lone surrogate as �, and cut to LABEL_LIMIT characters."""
    text = _SURROGATE.sub("\ufffd", text)
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def node_names(order: list[Value], notation: str = "paths", root_is_L: bool = True) -> dict[Value, str]:
    """What each node of `order` (a topological order, the root last) is called, in the notation
    given (see autograd.views.notation): see the module's docstring. The notes call the root L
    (unless it is the network's output ŷ); root_is_L=False names it as any other node."""
    notes, plain = notation != "paths", notation == "notes-plain"
    outputs = _outputs(order, plain) if notes else {}
    terms: dict[Value, int] = {}  # how many terms an unlabelled sum adds up
    names: dict[Value, str] = {}
    for i, node in enumerate(order):  # parents come first, so their names are known
        if node in outputs:
            names[node] = outputs[node]
        elif notes and root_is_L and i == len(order) - 1:
            names[node] = "L"
        elif node.label:
            names[node] = shown_text(notes_label(node.label, plain) if notes else node.label)
        elif not node.parents:
            names[node] = short_number(node.data)
        else:
            text = expression(str(node.op), [names[p] for p in node.parents], notes=notes and not plain)
            if str(node.op) == "+" and len(node.parents) == 2:
                terms[node] = sum(terms.get(p, 1) for p in node.parents)
            if len(text) > NAME_LIMIT:  # what it is, or its place; the root is L, as the sentences call it
                text = _summary(node, terms, 2) or ("L" if root_is_L and i == len(order) - 1 else f"v{i}")
            names[node] = _summary(node, terms, 3) or text
    return names


def _summary(node: Value, terms: dict[Value, int], least: int) -> str | None:
    """A sum's name by what it is: 'sum of 12 terms', and 'mean of 12 terms' for it times 1/12,
    for sums of at least `least` terms."""
    if terms.get(node, 0) >= least:
        return f"sum of {terms[node]} terms"
    if str(node.op) == "*" and len(node.parents) == 2:
        total, factor = node.parents
        if terms.get(total, 0) >= least and not factor.parents and abs(factor.data * terms[total] - 1) < 1e-12:
            return f"mean of {terms[total]} terms"
    return None


def _outputs(order: list[Value], plain: bool) -> dict[Value, str]:
    """The network's outputs ŷ (ŷ₁, ŷ₂, ... for several): the h of each neuron of nn's last layer,
    or its z where the layer has no activation."""
    found = [(node, parsed) for node in order if node.label and (parsed := module_path(node.label))]
    found = [(node, parsed) for node, parsed in found if parsed[2] in "zh"]
    if not found:
        return {}
    depth = lambda layer: -1 if layer is None else layer  # noqa: E731  (a Layer or Neuron alone: one layer)
    last = max(depth(layer) for _, (layer, _, _, _) in found)
    in_last = [(node, neuron, kind) for node, (layer, neuron, kind, _) in found if depth(layer) == last]
    activated = {neuron for _, neuron, kind in in_last if kind == "h"}
    neurons = sorted({-1 if neuron is None else neuron for _, neuron, _ in in_last})
    several = len(neurons) > 1
    return {
        node: output_name(neuron if several else None, plain)
        for node, neuron, kind in in_last
        if kind == "h" or neuron not in activated
    }


def expression(op: str, parents: list[str], spaced: bool = False, notes: bool = False) -> str:
    """How an op's node reads in its parents' names: x1*w1, a + b, a - b, -a, a/b, a**2, tanh(a);
    `spaced` puts spaces around every operator (a * b, a ** 2), as a worksheet writes them; `notes`
    writes products and powers as the notes do (x₁·w₁, a²)."""

    def tight(name: str) -> str:  # an operand of * / **: parenthesized if it is a sum
        return f"({name})" if " + " in name or " - " in name else name

    gap = " " if spaced else ""
    if op == "+" and len(parents) == 2:
        a, b = parents
        return f"{a} - {b[1:]}" if b.startswith("-") and len(b) > 1 and not spaced else f"{a} + {b}"
    if op == "*" and len(parents) == 2 and parents[1] in ("-1.0", "-1"):
        return f"-{tight(parents[0])}"
    if op == "*" and len(parents) == 2 and parents[0] in ("-1.0", "-1"):
        return f"-{tight(parents[1])}"
    if notes and op == "*" and len(parents) == 2:
        return f"{tight(parents[0])}·{tight(parents[1])}"
    if op in ("*", "/", "**") and len(parents) == 2:
        return f"{tight(parents[0])}{gap}{op}{gap}{tight(parents[1])}"
    if op.startswith("**") and len(parents) == 1:
        if notes:  # (ŷ - y)², (-a)²
            base = parents[0]
            return (f"({base})" if base.startswith("-") else tight(base)) + power(op[2:], plain=False)
        return f"{tight(parents[0])}{gap}**{gap}{op[2:]}"
    return f"{op}({', '.join(parents)})"


def made_from(order: list[Value], node: Value) -> set[Value]:
    """The nodes of `order` (a topological order) that are made from `node`, `node` included:
    those on some path from the root down to it."""
    above = {node}
    for n in order:  # parents come first, so each node's parents are already decided
        if any(p in above for p in n.parents):
            above.add(n)
    return above


def made_of(order: list[Value], node: Value) -> set[Value]:
    """The nodes of `order` that `node` is made of, `node` included: its graph, read off the order."""
    below = {node}
    for n in reversed(order):  # children come last, so each node is decided before its parents
        if n in below:
            below.update(n.parents)
    return below


@dataclass
class Boxes:
    """Nodes drawn as one box each name: which box a node is in, the boxes' ids, members and outputs
    (the members that feed a node outside the box, or are the root: what the box shows)."""

    box_of: dict[Value, str]
    ids: dict[str, str]
    members: dict[str, list[Value]]
    outputs: dict[str, list[Value]]

    def text(self, name: str, attribute: str) -> str:
        """The box's outputs' values or grads, as a vector: [0.123, -0.456]."""
        return "[" + ", ".join(fixed(getattr(n, attribute), 3) for n in self.outputs[name]) + "]"


def _boxes(nodes: list[Value], root: Value, collapse: Collapse | None) -> Boxes:
    box_of = {node: name for node in nodes if (name := collapse(node))} if collapse is not None else {}
    members: dict[str, list[Value]] = {}
    for node in nodes:
        if node in box_of:
            members.setdefault(box_of[node], []).append(node)
    feeding_out = {p for node in nodes for p in node.parents if p in box_of and box_of.get(node) != box_of[p]}
    outputs = {
        name: [n for n in group if n in feeding_out or n is root] or group[-1:] for name, group in members.items()
    }
    return Boxes(box_of, {name: f"box-{k}" for k, name in enumerate(members)}, members, outputs)


class Drawing:
    """The graph of `root`, read once: the order, names, ids, kinds, boxes and the nodes drawn.

    params: the leaves to fill as parameters (others are inputs). group: for each node,
    the labels of the nested boxes it is drawn in, outermost first, or None. collapse:
    for each node, the name of the one box that stands for it and the others of that
    name, or None. focus: draw only what `focus` is made of and what is made of it
    (one example's part of a batch). nn's models give params, group and collapse:
    `Drawing(loss, **model.graph_style())`.
    """

    def __init__(
        self,
        root: Value,
        params: Iterable[Value] | None = None,
        group: Group | None = None,
        collapse: Collapse | None = None,
        focus: Value | None = None,
        notation: str = "paths",
    ) -> None:
        for name, function in (("group", group), ("collapse", collapse)):
            if function is not None and not callable(function):
                raise TypeError(f"{name} must be a function of a node, or None; got {type(function).__name__}")
        self.root = root
        self.order = topological_order(root)  # the one sort; it also refuses a root that is not a Value
        self.ids = {node: f"value-{i}" for i, node in enumerate(self.order)}  # the op ellipse is id + "-op"
        self.parameters = set() if params is None else set(params)
        self.group = group
        self.collapse = collapse
        self.notation = check_notation("paths" if notation is None else notation)
        self._focus(focus)

    @cached_property
    def names(self) -> dict[Value, str]:
        """What each node is called, in the drawing's notation (see the module's docstring), from the
        labels as they are on first use."""
        return node_names(self.order, self.notation)

    @cached_property
    def paths(self) -> dict[Value, str]:
        """What each node is called in the "paths" notation: the labels (shown on hover in the others)."""
        return self.names if self.notation == "paths" else node_names(self.order)

    def title(self) -> str:
        """What the root is, for a page's title: `L = mean of 10 losses`, `L = o`, `L = tanh(n)`."""
        shown = node_names(self.order, self.notation, root_is_L=False)[self.root]
        return "L" if shown == "L" else f"L = {shown}"

    def _focus(self, focus: Value | None) -> None:
        """Set the nodes drawn (all, or those around `focus`) and the boxes they are drawn in."""
        if focus is not None:
            if not isinstance(focus, Value):
                raise TypeError(f"focus must be a Value of the graph, got {type(focus).__name__}")
            if focus not in self.ids:
                raise ValueError("focus is not a node of this graph")
        self.focus = focus
        if focus is None:
            self.nodes = self.order
        else:
            around = made_of(self.order, focus) | made_from(self.order, focus)
            self.nodes = [node for node in self.order if node in around]
        self.drawn = set(self.nodes)
        self.boxes = _boxes(self.nodes, self.root, self.collapse)

    def around(self, focus: Value | None) -> Drawing:
        """The same graph drawn around another node (None: all of it), without sorting or naming it again."""
        other = copy.copy(self)
        other.names = self.names  # one naming of the graph, shared
        other.paths = self.paths
        other._focus(focus)
        return other

    def kind(self, node: Value) -> str:
        """'output', 'intermediate', 'parameter', 'input' or 'constant' (a leaf with no label, a
        number of the expression): it picks the node's fill."""
        if node is self.root:
            return "output"
        if node.parents:
            return "intermediate"
        if node in self.parameters:
            return "parameter"
        return "input" if node.label else "constant"

    def shown(self, node: Value) -> str:
        """The id of what stands for `node` in the picture: its box, or itself."""
        box = self.boxes.box_of.get(node)
        return self.ids[node] if box is None else self.boxes.ids[box]

    def edge_id(self, parent: Value, node: Value, index: int) -> str:
        """The id of the edge from what shows `parent` into `node` (its parent number `index`):
        into its box, or into its op."""
        source = self.shown(parent)
        box = self.boxes.box_of.get(node)
        if box is not None:
            return f"{source}-to-{self.boxes.ids[box]}"
        return f"{source}-to-{self.ids[node]}-op-{index}"

    def edges(self) -> Iterator[tuple[Value, Value, int, str]]:
        """The edges drawn, (parent, node, index of the parent, the edge's id), node by node."""
        for node in self.nodes:
            for index, parent in enumerate(node.parents):
                if parent in self.drawn:
                    yield parent, node, index, self.edge_id(parent, node, index)

    def made_from(self, node: Value) -> set[Value]:
        """The nodes on a path from the root down to `node`, `node` included."""
        return made_from(self.order, node)


def drawing_of(root: Value | Drawing, **structure) -> Drawing:
    """`root`'s Drawing: the one given, or one made now (with params, group, collapse, focus)."""
    if isinstance(root, Drawing):
        given = [key for key, value in structure.items() if value is not None]
        if given:
            raise ValueError(f"{', '.join(given)} belong to the Drawing: pass them to Drawing(root, ...) instead")
        return root
    return Drawing(root, **{key: value for key, value in structure.items() if value is not None})
