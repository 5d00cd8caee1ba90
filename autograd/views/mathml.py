"""A rule in words as typeset mathematics: `d tanh(a)/da = 1 - tanh(a)^2` as MathML.

Browsers (Chromium, Firefox, Safari) render MathML natively, so the step-through
page typesets each step's rule next to its plain text, with nothing to load. The
rules are the ops' own formula texts (autograd/ops.py's table, a Function's `rules`):
their right-hand side is parsed as arithmetic; what is not arithmetic (`1 if a > 0
else 0`) is shown as text. Every piece of text is escaped.
"""

from __future__ import annotations

import ast
import re
from html import escape

_LEFT = re.compile(r"^d\s*(?P<what>.+?)\s*/\s*d(?P<by>\w+)$")
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}


def rule_mathml(rule: str) -> str:
    """The rule as a <math> element: d(expression)/d(input) as a fraction, = , the derivative."""
    left, sep, right = rule.partition(" = ")
    if not sep:
        return _math(_text(rule))
    match = _LEFT.match(left.strip())
    if match:
        what = _expression(match["what"], around=3)  # d(a*b): the parentheses stay
        left_ml = f"<mfrac><mrow><mi>d</mi>{what}</mrow><mrow><mi>d</mi>{_name(match['by'])}</mrow></mfrac>"
    else:
        left_ml = _text(left)
    return _math(f"{left_ml}<mo>=</mo>{_expression(right)}")


def _math(inner: str) -> str:
    return f'<math display="inline"><mrow>{inner}</mrow></math>'


def _text(text: str) -> str:
    return f"<mtext>{escape(text)}</mtext>"


def _name(name: str) -> str:
    """An identifier, with w_i as w subscript i."""
    base, underscore, index = name.partition("_")
    if underscore and base and index:
        return f"<msub><mi>{escape(base)}</mi><mi>{escape(index)}</mi></msub>"
    return f"<mi>{escape(name)}</mi>"


def _expression(text: str, around: int = 0) -> str:
    """Arithmetic text (with ^ or ** for powers) as MathML, or the text itself if it is not arithmetic;
    in parentheses if it binds less tightly than `around`."""
    try:
        tree = ast.parse(text.replace("^", "**").strip(), mode="eval").body
        return _node(tree, around)
    except (SyntaxError, ValueError, RecursionError):
        return _text(text)


def _node(node: ast.AST, parent_precedence: int = 0) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return f"<mn>{escape(repr(node.value))}</mn>"
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _wrap(f"<mo>&#x2212;</mo>{_node(node.operand, 3)}", 3, parent_precedence)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = "<mo>,</mo>".join(_node(a) for a in node.args)
        return f"<mrow>{_name(node.func.id)}<mo>(</mo>{arguments}<mo>)</mo></mrow>"
    if isinstance(node, ast.BinOp) and type(node.op) in _PRECEDENCE:
        precedence = _PRECEDENCE[type(node.op)]
        if isinstance(node.op, ast.Div):
            return f"<mfrac><mrow>{_node(node.left)}</mrow><mrow>{_node(node.right)}</mrow></mfrac>"
        if isinstance(node.op, ast.Pow):
            return f"<msup><mrow>{_node(node.left, 5)}</mrow><mrow>{_node(node.right)}</mrow></msup>"
        symbol = {ast.Add: "+", ast.Sub: "&#x2212;", ast.Mult: "&#x22C5;"}[type(node.op)]
        # the right operand of - binds tighter: a - (b + c) keeps its parentheses
        right = _node(node.right, precedence + (1 if isinstance(node.op, ast.Sub) else 0))
        return _wrap(f"{_node(node.left, precedence)}<mo>{symbol}</mo>{right}", precedence, parent_precedence)
    raise ValueError(f"not arithmetic: {ast.dump(node)}")


def _wrap(inner: str, precedence: int, parent_precedence: int) -> str:
    """Parentheses where the parent binds tighter."""
    if precedence < parent_precedence:
        return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"
    return f"<mrow>{inner}</mrow>"
