"""`python -m autograd "tanh(x*w1 + y*w2 + b)" x=2 y=0 w1=-3 w2=1 b=6.8813735870195432`

Builds the expression from Values, prints the forward pass, every backward step
and the final gradients; `--render graph.svg` also draws the graph, `--slides DIR`
writes the step-through as slides (`--slides steps.pdf`: one format), `--steps`
waits for Enter between steps. The expression is parsed with Python's `ast` and
only the engine's operations are evaluated: numbers, `pi` and `e`, the variables
given, + - * / **, unary -, and calls of the engine's functions. Anything else
(attribute access, subscripts, other calls, `__import__`) is rejected before
anything runs. Numbers are floats, so `9**9**9` overflows at once instead of
making Python build a huge integer. Every failure is one `error:` line and exit
status 2.
"""

from __future__ import annotations

import argparse
import ast
import io
import math
import sys
import threading
import tokenize
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from autograd.engine import UNARY_FUNCTIONS, Value
from autograd.ops import UNARY_OPS, unary_name
from autograd.views.drawing import Drawing
from autograd.views.notation import fixed

FUNCTIONS = UNARY_FUNCTIONS  # the engine's ops of one input, by name
# The arguments after the first that a function takes (positionally or by name), and their type:
# the settings of the op's row, {"leaky_relu": {"slope": float}, "gelu": {"approximate": str}}.
OPTIONS: dict[str, dict[str, type]] = {unary_name(op): op.option_types() for op in UNARY_OPS if op.options}
CONSTANTS = {"pi": math.pi, "e": math.e}
OPERATORS: dict[type, tuple[str, Callable]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}
LABEL_LIMIT = 60  # a node whose source text is longer stays unlabelled (v12): sentences stay readable
MAX_OPERATIONS = 20_000


class ExpressionError(ValueError):
    """The expression uses something the engine does not have, or a name without a value."""


def _refusal(node: ast.AST) -> str:
    """Why a node that is not an engine operation is refused."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        return "^ is not a power here (in Python it is bitwise xor): use ** for powers, as in x**2"
    kinds = {
        ast.Attribute: "attribute access",
        ast.Subscript: "subscripts",
        ast.Lambda: "lambdas",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "if-expressions",
        ast.NamedExpr: "assignments",
    }
    what = kinds.get(type(node), type(node).__name__)
    if isinstance(node, ast.BinOp):
        what = f"the operator {type(node.op).__name__}"
    return f"{what} not allowed: only numbers, names, + - * / ** and engine functions"


class _Source:
    """The text of each node of the parsed expression (ast positions count UTF-8 bytes)."""

    def __init__(self, expression: str) -> None:
        self.lines = [line.encode() for line in expression.splitlines() or [""]]

    def text(self, node: ast.AST) -> str:
        if node.lineno != node.end_lineno:
            return ""
        return self.lines[node.lineno - 1][node.col_offset : node.end_col_offset].decode(errors="replace")


def _parse(expression: str) -> ast.Expression:
    """ast.parse under a raised recursion limit: Python builds the tree of `x + x + ... + x`
    recursively, one level per term, so thousands of terms need more than the default. Where
    threads can start (CPython), on a thread with a deep stack; where they cannot (Pyodide in the
    browser), on this thread, and an expression that could be too deep for its stack is refused
    first, with the same one-line error."""
    try:
        outcome = _on_a_deep_stack(lambda: _read(expression, 4 * MAX_OPERATIONS + 1000))
    except RuntimeError:  # no threads here: "can't start new thread", or no say over a thread's stack
        if _tokens(expression) > SHALLOW_TOKENS:
            raise ExpressionError(
                f"the expression is too deeply nested to read here (more than {SHALLOW_TOKENS} numbers, names "
                "and operators where Python has no threads)"
            ) from None
        outcome = _read(expression, SHALLOW_TOKENS + 1000)
    if isinstance(outcome, SyntaxError):
        shown = expression if len(expression) <= 80 else expression[:77] + "..."
        raise ExpressionError(f"not a valid expression: {outcome.msg} in {shown!r}")
    if isinstance(outcome, BaseException):
        raise ExpressionError(f"the expression is too deeply nested to read ({type(outcome).__name__})")
    return outcome


# Where no thread can start, the parse runs on the caller's stack, and Pyodide's in a browser worker
# is shallow: ast.parse of a sum of about 3,000 terms, or of 3,000 unary minuses, overflows it and
# kills the interpreter whole, past Python's own checks, and so does freeing a chain of about 3,000
# Values. A tree is no deeper than the expression has numbers, names and operators, so beyond this
# many the expression is refused unread (the Lab draws at most 800 nodes in any case).
SHALLOW_TOKENS = 1000
_NOT_NODES = {"(", ")", "[", "]", "{", "}", ",", "="}  # tokens that make no node of the tree


def _tokens(expression: str) -> int:
    """The numbers, names, strings and operators of the expression (a bound on its tree's depth),
    counted without recursion; up to where tokenizing fails, if it does (ast.parse says why)."""
    count = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(expression).readline):
            if token.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING):
                count += 1
            elif token.type == tokenize.OP and token.string not in _NOT_NODES:
                count += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return count


def _read(expression: str, limit: int) -> ast.Expression | BaseException:
    """The parsed tree, or the error that stopped it, with sys's recursion limit at least `limit`."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        return ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return error
    finally:
        sys.setrecursionlimit(before)


def _on_a_deep_stack(work: Callable[[], object]) -> object:
    """work() on a new thread with a 512 MB stack (reserved, not used unless it goes deep), its
    result once it ends. RuntimeError where no thread can start, before work() has begun."""
    result: list[object] = []
    size = threading.stack_size()
    threading.stack_size(512 * 1024 * 1024)
    try:
        worker = threading.Thread(target=lambda: result.append(work()))
        worker.start()
    finally:
        threading.stack_size(size)
    worker.join()
    return result[0]


def _check(tree: ast.Expression, source: _Source, names: dict[str, str]) -> None:
    """Refuse anything that is not an engine operation, before anything is evaluated."""
    operations = 0
    called: set[ast.AST] = set()  # the names of called functions, and strings given as their options
    for node in ast.walk(tree):  # iterative, breadth first: a call comes before its parts
        if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop, ast.keyword)) or node in called:
            continue
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise ExpressionError(
                    f"{source.text(node)} not allowed: only numbers, names, + - * / ** and engine functions "
                    "(a string only as an option: gelu(x, approximate='tanh'))"
                )
            continue
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
            if node.id not in names and node.id not in CONSTANTS:
                raise ExpressionError(
                    f"unknown name {source.text(node)!r}: give it a value on the command line: {source.text(node)}=1.5"
                )
            continue
        operations += 1
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            continue
        if isinstance(node, ast.Call):
            _check_call(node, source)
            called.add(node.func)
            called.update(a for a in [*node.args[1:], *(k.value for k in node.keywords)] if isinstance(a, ast.Constant))
            continue
        raise ExpressionError(_refusal(node))
    if operations > MAX_OPERATIONS:
        raise ExpressionError(f"the expression has {operations} operations; at most {MAX_OPERATIONS} are drawn here")


def _check_call(node: ast.Call, source: _Source) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        called = node.func.id if isinstance(node.func, ast.Name) else source.text(node.func)
        raise ExpressionError(f"cannot call {called!r}: the functions are {', '.join(FUNCTIONS)}")
    name = node.func.id
    options = OPTIONS.get(name, {})
    usage = f"{name}(x" + "".join(f", {option}=..." for option in options) + ")"
    if not node.args or len(node.args) > 1 + len(options):
        raise ExpressionError(f"{name}() takes one argument" + (f" and optionally {usage}" if options else ""))
    for keyword in node.keywords:
        if keyword.arg not in options:
            raise ExpressionError(f"{name}() has no argument {keyword.arg!r}: use {usage}")
    for argument in [*node.args[1:], *(k.value for k in node.keywords)]:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            continue
        for inner in ast.walk(argument):
            if isinstance(inner, ast.Name) and inner.id not in CONSTANTS:
                raise ExpressionError(f"{name}()'s options must be numbers, not variables: got {source.text(argument)}")


def _float(value: object, text: str) -> float:
    """A number in the expression, as a float."""
    try:
        number = float(value)
    except OverflowError:
        raise ExpressionError(f"the number {text[:20]}... is too large for a float") from None
    if not math.isfinite(number):
        raise ExpressionError(f"the number {text} is not finite")
    return number


def _fold(symbol: str, fn: Callable, a: float, b: float, text: str) -> float:
    """An operation between two numbers, on floats, or a clear error."""
    try:
        result = fn(a, b)
    except ZeroDivisionError:
        raise ExpressionError(f"division by zero in {text or f'{a!r} {symbol} {b!r}'}") from None
    except OverflowError:
        raise ExpressionError(f"{text or f'{a!r} {symbol} {b!r}'} overflows a float") from None
    if isinstance(result, complex):
        raise ExpressionError(f"{text or f'{a!r} {symbol} {b!r}'} is undefined: a negative base to a non-integer power")
    if math.isinf(result):
        raise ExpressionError(f"{text or f'{a!r} {symbol} {b!r}'} overflows a float")
    return result


def evaluate(expression: str, variables: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """The expression as a graph of Values (each labelled by its source text), and the variables' leaves.

    `variables` maps each name, as given, to its value; names are compared as Python
    compares identifiers (NFKC), so `ｘ=1` is the x of the expression.
    """
    names = {unicodedata.normalize("NFKC", given): given for given in variables}
    tree = _parse(expression)
    try:
        return _build(tree, _Source(expression), names, variables)
    finally:
        _dismantle(tree)


def _dismantle(tree: ast.AST) -> None:
    """Cut the links between the tree's nodes, so that it is freed one node at a time: CPython frees
    a nested tree recursively, and in a browser worker (Pyodide) about 1,000 levels of that overflow
    the browser's own stack, which Python's checks do not see."""
    for node in list(ast.walk(tree)):
        node.__dict__.clear()


def _build(
    tree: ast.Expression, source: _Source, names: dict[str, str], variables: dict[str, float]
) -> tuple[Value, dict[str, Value]]:
    """evaluate's work on the parsed tree: checked, then combined node by node, children first."""
    _check(tree, source, names)
    leaves = {given: Value(value, label=given) for given, value in variables.items()}
    used: set[str] = set()

    def children(node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.BinOp):
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            return [node.operand]
        if isinstance(node, ast.Call):
            return [*node.args, *(k.value for k in node.keywords)]
        return []

    def combine(node: ast.AST, parts: list) -> Value | float | str:
        text = source.text(node)
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else _float(node.value, text)
        if isinstance(node, ast.Name):
            if node.id in names:
                used.add(names[node.id])
                return leaves[names[node.id]]
            return CONSTANTS[node.id]
        if isinstance(node, ast.BinOp):
            symbol, fn = OPERATORS[type(node.op)]
            a, b = parts
            if isinstance(a, str) or isinstance(b, str):
                raise ExpressionError(f"{text}: a string is only an option of gelu, as in gelu(x, approximate='tanh')")
            result = fn(a, b) if isinstance(a, Value) or isinstance(b, Value) else _fold(symbol, fn, a, b, text)
        elif isinstance(node, ast.UnaryOp):
            (operand,) = parts
            if isinstance(operand, str):
                raise ExpressionError(f"{text}: cannot negate a string")
            result = -operand if isinstance(node.op, ast.USub) else operand
        else:  # a call, checked by _check_call
            name = node.func.id
            argument, *rest = parts
            if isinstance(argument, str):
                raise ExpressionError(f"{name}() takes a number or an expression of variables, got {text}")
            if not isinstance(argument, Value):
                argument = Value(argument, label=source.text(node.args[0])[:LABEL_LIMIT])
            options = OPTIONS[name] if name in OPTIONS else {}
            given = dict(zip(options, rest[: len(node.args) - 1]))
            given.update(zip((k.arg for k in node.keywords), rest[len(node.args) - 1 :]))
            for option, value in given.items():
                if not isinstance(value, options[option]):
                    expected = "a number" if options[option] is float else "a string"
                    raise ExpressionError(f"{name}()'s {option} must be {expected}, got {value!r}")
            result = FUNCTIONS[name](argument, **given)
        if isinstance(result, Value) and not result.label and len(text) <= LABEL_LIMIT:
            result.label = ast.unparse(node)  # short, so unparse's recursion is shallow
        return result

    # Post-order without recursion: a node is combined once its children are.
    values: dict[ast.AST, Value | float | str] = {}
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            values[node] = combine(node, [values.pop(child) for child in children(node)])
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children(node)))
    root = values[tree.body]
    if not isinstance(root, Value):
        raise ExpressionError("the expression has no variables: nothing to differentiate")
    unused = [given for given in variables if given not in used]
    if unused:
        raise ExpressionError(f"{', '.join(unused)} given but not used in the expression")
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


def parse_assignments(texts: Sequence[str]) -> dict[str, float]:
    """name=number arguments as a dict; a name given twice (also as two spellings of one name) is refused."""
    variables: dict[str, float] = {}
    first: dict[str, tuple[str, str]] = {}  # the name as Python reads it -> (as given, the argument)
    for text in texts:
        name, number = parse_assignment(text)
        key = unicodedata.normalize("NFKC", name)
        if key in first:
            earlier, argument = first[key]
            same = "" if earlier == name else f" ({earlier!r} and {name!r} are the same name to Python)"
            raise ExpressionError(f"{name} is given twice: {argument} and {text}{same}")
        first[key] = (name, text)
        variables[name] = number
    return variables


def _check_render_target(path: str) -> None:
    """Everything --render needs, checked before anything is printed: the format, the folder, a renderer."""
    from autograd.views.render import FORMATS, renderer_for

    target = Path(path)
    format = target.suffix.lstrip(".").lower()
    if format not in FORMATS:
        raise ExpressionError(f"--render can write {', '.join(FORMATS)}; got {format or 'no suffix'!r} in {path}")
    folder = target.parent
    if not folder.is_dir():
        raise ExpressionError(f"--render {path}: the folder {folder} does not exist")
    if target.is_dir():
        raise ExpressionError(f"--render {path} is a folder; give a file name such as {target / 'graph.svg'}")
    try:
        renderer_for(format)
    except (FileNotFoundError, ValueError) as error:
        raise ExpressionError(f"--render: {error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograd",
        description="Backpropagate through an expression and print every step of the chain rule.",
        epilog='example: python -m autograd "tanh(x*w1 + y*w2 + b)" x=2 y=0 w1=-3 w2=1 b=6.8813735870195432',
    )
    parser.add_argument("expression", help="e.g. 'tanh(x*w1 + y*w2 + b)'; pi and e are known")
    parser.add_argument("values", nargs="*", metavar="name=number", help="a value for each variable")
    parser.add_argument("--render", metavar="FILE", help="draw the graph into FILE (.svg, .png or .pdf)")
    parser.add_argument("--steps", action="store_true", help="wait for Enter between backward steps")
    slides = "write the step-through as slides: into a folder, every format (PDF, handout, PPTX, GIF, MP4, PNG frames)"
    parser.add_argument("--slides", metavar="PATH", help=slides + "; into a .pdf, .pptx, .gif or .mp4 file, that one")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ExpressionError, ArithmeticError, ValueError, OSError, RuntimeError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
    except EOFError:
        print("error: the input ended before the last step (--steps reads Enter from the terminal)", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nerror: interrupted", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    from autograd.views.stepper import text_stepper

    if args.render:
        _check_render_target(args.render)
    if args.slides:
        _check_slides_target(args.slides)
    root, leaves = evaluate(args.expression, parse_assignments(args.values))
    drawing = Drawing(root)
    # With --steps, the steps show the backward pass, one per Enter (the input's end is an error).
    text_stepper(drawing, wait=(lambda: input("  (Enter for the next step) ")) if args.steps else False,
                 backward_table=not args.steps)  # fmt: skip
    print("\ngradients")
    for name, leaf in leaves.items():
        print(f"  dL/d{name} = {fixed(leaf.grad)}")
    if args.render:
        from autograd.views.render import render

        print(f"\ngraph written to {render(drawing, args.render)}")
    if args.slides:
        from autograd.views.slides import export_deck, export_slides

        target = Path(args.slides)
        if target.suffix:
            written = [export_slides(drawing, target, format=_SLIDE_SUFFIXES[target.suffix.lower()])]
        else:
            written = export_deck(drawing, target)
        print("\nslides written to " + ", ".join(str(path) for path in written))
    return 0


_SLIDE_SUFFIXES = {".pdf": "pdf", ".pptx": "pptx", ".gif": "gif", ".mp4": "mp4"}


def _check_slides_target(path: str) -> None:
    """--slides: a folder (every format) or a file of a deck's suffix, in a folder that exists; the packages."""
    from autograd.views.pdf import need
    from autograd.views.slides import _NEEDS, FORMATS

    target = Path(path)
    if target.suffix and target.suffix.lower() not in _SLIDE_SUFFIXES:
        raise ExpressionError(f"--slides writes a folder or a .pdf, .pptx, .gif or .mp4 file; got {path}")
    if target.suffix and not target.parent.is_dir():
        raise ExpressionError(f"--slides {path}: the folder {target.parent} does not exist")
    if target.suffix and target.is_dir():
        raise ExpressionError(f"--slides {path} is a folder, not a {target.suffix} file")
    if not target.suffix and target.exists() and not target.is_dir():
        raise ExpressionError(f"--slides {path} is a file; give a folder, or a name ending .pdf, .pptx, .gif or .mp4")
    for format in [_SLIDE_SUFFIXES[target.suffix.lower()]] if target.suffix else FORMATS:
        for module, package in _NEEDS[format]:
            need(module, package)
