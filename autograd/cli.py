"""`python -m autograd "tanh(x*w1 + y*w2 + b)" x=2 y=0 w1=-3 w2=1 b=6.8813735870195432`

Builds the expression from Values, prints the forward pass, every backward step
and the final gradients; `--render graph.svg` also draws the graph, `--steps`
waits for Enter between steps. The expression is parsed with Python's `ast` and
only the engine's operations are evaluated: numbers, the variables given, + - * /
**, unary -, and calls of the engine's functions. Anything else (attribute
access, subscripts, other calls, `__import__`) is rejected before anything runs.
"""

from __future__ import annotations

import argparse
import ast
import math
import sys
from collections.abc import Sequence

from autograd.engine import Value
from autograd.explain import trace_table

FUNCTIONS = {
    "exp": Value.exp,
    "log": Value.log,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "gelu": Value.gelu,
    "erf": Value.erf,
    "heaviside": Value.heaviside,
    "sign": Value.sign,
    "sin": Value.sin,
    "cos": Value.cos,
    "abs": abs,
}
OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


class ExpressionError(ValueError):
    """The expression uses something the engine does not have, or a name without a value."""


def _what(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "attribute access",
        ast.Subscript: "subscripts",
        ast.Lambda: "lambdas",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "if-expressions",
        ast.NamedExpr: "assignments",
    }
    return kinds.get(type(node), type(node).__name__)


def evaluate(expression: str, variables: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """The expression as a graph of Values (each labelled by its source text), and the variables' leaves."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not a valid expression: {error.msg} in {expression!r}") from None
    leaves = {name: Value(value, label=name) for name, value in variables.items()}
    used: set[str] = set()

    def build(node: ast.AST) -> Value | float:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
            if node.id not in leaves:
                raise ExpressionError(f"unknown name {node.id!r}: give it a value on the command line: {node.id}=1.5")
            used.add(node.id)
            return leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            result = OPERATORS[type(node.op)](build(node.left), build(node.right))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = build(node.operand)
            result = -operand if isinstance(node.op, ast.USub) else operand
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
                raise ExpressionError(f"cannot call {called!r}: the functions are {', '.join(FUNCTIONS)}")
            if node.keywords or not 1 <= len(node.args) <= (2 if node.func.id == "leaky_relu" else 1):
                raise ExpressionError(f"{node.func.id}() takes one argument (leaky_relu: and a number, the slope)")
            argument = build(node.args[0])
            if not isinstance(argument, Value):
                argument = Value(argument, label=ast.unparse(node.args[0]))
            extra = [build(a) for a in node.args[1:]]
            if any(not isinstance(e, (int, float)) for e in extra):
                raise ExpressionError("leaky_relu's slope must be a number")
            result = FUNCTIONS[node.func.id](argument, *extra)
        else:
            raise ExpressionError(f"{_what(node)} not allowed: only numbers, names, + - * / ** and engine functions")
        if isinstance(result, Value) and not result.label:
            result.label = ast.unparse(node)
        return result

    root = build(tree.body)
    if not isinstance(root, Value):
        raise ExpressionError("the expression has no variables: nothing to differentiate")
    unused = set(leaves) - used
    if unused:
        raise ExpressionError(f"{', '.join(sorted(unused))} given but not used in the expression")
    return root, leaves


def parse_assignment(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise ExpressionError(f"expected name=number, got {text!r}")
    try:
        number = float(value)
    except ValueError:
        raise ExpressionError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ExpressionError(f"{name} must be a finite number, got {value!r}")
    return name, number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograd",
        description="Backpropagate through an expression and print every step of the chain rule.",
        epilog='example: python -m autograd "tanh(x*w1 + y*w2 + b)" x=2 y=0 w1=-3 w2=1 b=6.8813735870195432',
    )
    parser.add_argument("expression", help="e.g. 'tanh(x*w1 + y*w2 + b)'")
    parser.add_argument("values", nargs="*", metavar="name=number", help="a value for each variable")
    parser.add_argument("--render", metavar="FILE", help="draw the graph into FILE (.svg, .png or .pdf)")
    parser.add_argument("--steps", action="store_true", help="wait for Enter between backward steps")
    args = parser.parse_args(argv)

    try:
        variables = dict(parse_assignment(a) for a in args.values)
        root, leaves = evaluate(args.expression, variables)
    except (ExpressionError, ValueError, OverflowError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    print(trace_table(root))
    print("\nbackward, one step at a time")
    for step in root.backward_steps():
        print(f"  {step}")
        if args.steps:
            input("  (Enter for the next step) ")
    print("\ngradients")
    for name, leaf in leaves.items():
        print(f"  dL/d{name} = {leaf.grad:.4f}")
    if args.render:
        from autograd.render import render

        try:
            path = render(root, args.render)
        except (FileNotFoundError, ValueError, RuntimeError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"\ngraph written to {path}")
    return 0
