"""The Lab's Expression tab: `python -m autograd` in the page.

A student types an expression, `tanh(x*w + b)`, and values as the CLI takes them,
`x=2 w=-3 b=6.8813735870195432`. The text is read by the CLI's own parser
(`autograd.views.cli.evaluate`: only numbers, the variables given, + - * / **, unary -
and the engine's functions are evaluated; anything else is refused before anything
runs), and every refusal is the CLI's one-line message. From the one `Drawing` of the
graph come, as for the Chain rule panel:
- the graph as DOT (`autograd.draw_graph`), left to right and top to bottom, grads 0;
- the forward pass node by node and backward's records (`autograd.views.page.backward_records`),
  which the tab steps through with the step-through page's own script;
- the forward table: each node's op, inputs, value and dL/d node after backward;
- `autograd.explain` for one variable: every path from the root down to it, the product
  of its local derivatives and their sum, and backward's steps that reach it;
- the gradients `python -m autograd` prints (each leaf's grad after `backward()`).
The expression and the values also go into the page's link, as its fragment
(`#expr=...&values=...&var=...`), so that a link opens the tab with them drawn.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from autograd import Drawing, draw_graph, explain
from autograd.views.cli import ExpressionError, evaluate, parse_assignments
from autograd.views.notation import fixed, number
from autograd.views.page import LAYOUTS, backward_records, node_descriptions
from lab.derivation import MAX_NODES, MAX_PATHS_SHOWN
from lab.derivation import _forward_record as forward_record

MAX_LINK = 4000  # characters of the link's fragment: more and the link is not written, with a note why
LINK_KEYS = {"expr": "text", "values": "values", "var": "variable"}


def read_values(values: object) -> dict[str, float]:
    """`x=2 w=-3 b=6.88`, the CLI's name=number arguments separated by spaces, as a dict."""
    if not isinstance(values, str):
        raise ExpressionError(f"the values must be text such as 'x=2 w=-3'; got {type(values).__name__}")
    return parse_assignments(values.split())


def expression_view(text: object, values: object = "", variable: object = None) -> dict:
    """Everything the Expression tab shows of `text` with `values` (see the module's docstring);
    explain is for `variable` (a name given in `values`; the first one when None)."""
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text such as 'tanh(x*w + b)'; got {type(text).__name__}")
    try:
        root, leaves = evaluate(text, read_values(values))
    except ArithmeticError as error:  # the engine's own words, as the CLI prints them: log is undefined for 0.0
        raise ExpressionError(str(error)) from None
    if variable is None:
        variable = next(iter(leaves))
    if variable not in leaves:
        raise ExpressionError(f"explain takes one of the variables {', '.join(leaves)}; got {variable!r}")
    drawing = Drawing(root)  # as the CLI draws it: the nodes named by their source text
    if len(drawing.nodes) > MAX_NODES:
        raise ExpressionError(
            f"the expression makes {len(drawing.nodes)} nodes; the Lab draws at most {MAX_NODES} "
            "(python -m autograd prints any)"
        )
    names, ids, traced = drawing.names, drawing.ids, leaves[variable]
    dots = {rankdir: draw_graph(drawing, rankdir, max_nodes=MAX_NODES, stacked=True).source for rankdir in LAYOUTS}
    records = backward_records(drawing)
    # Each leaf is "an input" (or the expression's one node, when it is a lone variable).
    forward = [forward_record(drawing, node, None if root.parents else root) for node in drawing.nodes]
    explanation = explain(drawing, traced, max_paths=MAX_PATHS_SHOWN, largest=MAX_PATHS_SHOWN)
    leads_to = drawing.made_from(traced)  # the nodes on a path from the root down to the variable
    on_path = {ids[n] for n in leads_to}
    for record in records:
        record["onPath"] = record["parent"] in on_path and (record["node"] in on_path or record["node"] == "")
    try:
        root.backward()  # the grads the CLI prints: each leaf's after backward
    except ArithmeticError as error:
        raise ExpressionError(str(error)) from None
    table = [
        {"node": ids[n], "name": names[n], "op": str(n.op) if n.parents else "",
         "inputs": ", ".join(names[p] for p in n.parents), "value": n.data, "grad": n.grad,
         "valueText": fixed(n.data), "gradText": fixed(n.grad)}
        for n in drawing.order
    ]  # fmt: skip
    grads = {name: leaf.grad for name, leaf in leaves.items()}
    return {
        "text": text,
        "values": values,
        "variables": {name: leaf.data for name, leaf in leaves.items()},
        "variable": variable,
        "variableId": ids[traced],
        "value": root.data,
        "valueText": number(root.data),
        "grads": grads,
        "gradTexts": {name: fixed(grad) for name, grad in grads.items()},  # as the CLI prints them
        "dot": dots["LR"],
        "dots": dots,
        "nodes": node_descriptions(drawing),
        "forward": forward,
        "backward": records,
        "table": table,
        "explain": {
            "text": str(explanation),
            "paths": [
                {"nodes": [names[n] for n in path.nodes], "locals": list(path.locals), "product": path.product}
                for path in explanation.paths
            ],
            "pathCount": explanation.count,
            "pathsAreLargest": not explanation.complete,
            "pathSum": explanation.total,
            "gradient": traced.grad,
            "steps": [r["sentence"] for r in records if r["onPath"]],
        },
        "pathNodes": sorted(on_path),
        "pathEdges": [edge for parent, node, _, edge in drawing.edges() if parent in leads_to and node in leads_to],
        **link(text, values, variable),
    }


def link(text: str, values: str, variable: str | None) -> dict:
    """{"fragment", "linkNote"}: the link's fragment for this expression (without the "#"), or
    None and why, when it would be longer than MAX_LINK."""
    fragment = urlencode({"expr": text, "values": values, "var": variable or ""}, quote_via=quote)
    if len(fragment) > MAX_LINK:
        note = (f"The expression is too long for a link ({len(fragment)} characters encoded, at most {MAX_LINK}): "
                "the address bar keeps the last one that fitted; copy the text to share it.")  # fmt: skip
        return {"fragment": None, "linkNote": note}
    return {"fragment": fragment, "linkNote": None}


def from_fragment(fragment: object) -> dict | None:
    """The expression, values and variable a link's fragment holds ({"text", "values",
    "variable"}), or None when it holds no expression (a link of a training run only)."""
    if not isinstance(fragment, str):
        raise ExpressionError(f"a link's fragment is text; got {type(fragment).__name__}")
    found = dict(parse_qsl(fragment.lstrip("#"), keep_blank_values=True))
    if "expr" not in found:
        return None
    shown = {LINK_KEYS[key]: value for key, value in found.items() if key in LINK_KEYS}
    return {"text": shown["text"], "values": shown.get("values", ""), "variable": shown.get("variable") or None}
