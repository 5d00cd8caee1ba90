"""One drawing of the graph: made once from a root, then read by every view.

A `Drawing` is what every picture and every sentence of backprop needs to agree on:
the topological order (from one sort), what each node is called, its id in the SVG,
which leaves are parameters, the boxes it is drawn in, and, for a focused view, which
nodes are drawn. `draw_graph`, the step-through page, the notebook stepper, the
exercises, `explain` and the Lab read it instead of sorting, naming and numbering
the graph again.

    >>> drawing = Drawing(loss, **model.graph_style())
    >>> drawing.names[node], drawing.ids[node]      # 'layers.0.neurons.1.z', 'value-12'

Names: a node's label; else, for an unlabelled leaf (a constant), its number; else
the expression that made it from its parents' names (`x1*w1`, `tanh(n)`) while that
is at most NAME_LIMIT characters; else v<i>, its place in the order. Ids: value-<i>,
the same place, so a node has one id in every view of its graph, focused or not.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from autograd.engine import Value, short_number, topological_order

NAME_LIMIT = 24  # an expression longer than this is no name: the node is v<i> instead
LABEL_LIMIT = 200  # a label longer than this is shown cut, ending in "…" (Graphviz refuses labels over 16 KB)
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair: no file or page can hold one alone

Group = Callable[[Value], Sequence[str] | None]  # a node -> the boxes it is drawn in, outermost first
Collapse = Callable[[Value], str | None]  # a node -> the name of the one box that stands for it


def shown_text(text: str) -> str:
    """A label as every view can show it: a lone surrogate as �, and cut to LABEL_LIMIT characters."""
    text = _SURROGATE.sub("\ufffd", text)
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def node_names(order: list[Value]) -> dict[Value, str]:
    """What each node of `order` (a topological order) is called: see the module's docstring."""
    names: dict[Value, str] = {}
    for i, node in enumerate(order):  # parents come first, so their names are known
        if node.label:
            names[node] = shown_text(node.label)
        elif not node.parents:
            names[node] = short_number(node.data)
        else:
            text = expression(str(node.op), [names[p] for p in node.parents])
            names[node] = text if len(text) <= NAME_LIMIT else f"v{i}"
    return names


def expression(op: str, parents: list[str], spaced: bool = False) -> str:
    """How an op's node reads in its parents' names: x1*w1, a + b, a - b, -a, a/b, a**2, tanh(a);
    `spaced` puts spaces around every operator (a * b, a ** 2), as a worksheet writes them."""

    def tight(name: str) -> str:  # an operand of * / **: parenthesized if it is a sum
        return f"({name})" if " + " in name or " - " in name else name

    gap = " " if spaced else ""
    if op == "+" and len(parents) == 2:
        a, b = parents
        return f"{a} - {b[1:]}" if b.startswith("-") and len(b) > 1 and not spaced else f"{a} + {b}"
    if op == "*" and len(parents) == 2 and parents[1] in ("-1.0", "-1"):
        return f"-{tight(parents[0])}"
    if op in ("*", "/", "**") and len(parents) == 2:
        return f"{tight(parents[0])}{gap}{op}{gap}{tight(parents[1])}"
    if op.startswith("**") and len(parents) == 1:
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
        return "[" + ", ".join(f"{getattr(n, attribute):.3f}" for n in self.outputs[name]) + "]"


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
        self._focus(focus)

    @cached_property
    def names(self) -> dict[Value, str]:
        """What each node is called (see the module's docstring), from the labels as they are on first use."""
        return node_names(self.order)

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
    return Drawing(root, **structure)
