"""The engine: a scalar `Value` that records how it was made, and backprop over the graph.

Every operation creates one node. The node keeps its inputs (`a`, and `b` for a
binary op) and, for each, the *local* derivative d node / d input (`da`, `db`),
a number computed when the node is made; its `op` is the operation's row of the
op table (autograd/ops.py: its forward, its derivative, the rule in words). Backward
is then the chain rule and nothing else: `chain_rule` below is one node's part of
it, and `Value.backward` runs it over the graph, children before parents:

    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.locals):
            parent.grad += local * node.grad

(The one op of many inputs, a neuron's z = w.x + b, keeps them in tuples: see
`_ManyInputValue` and `linear` at the end.)

What is an error: an op whose value is undefined (log 0, sqrt of a negative,
x / 0, 0 ** -1) or overflows although its operands are finite (x * x at 1e200,
exp(1000)) raises, naming the op, the numbers and the node. Everything else is
IEEE arithmetic, as in PyTorch: nan in gives nan out, and a local derivative may
be +-inf (d(1/x)/dx at x = 1e-200) while the value is an ordinary float. The
graphs that `grad(create_graph=True)` builds for second derivatives are not the
user's: there, every op takes IEEE's value (+-inf, nan) instead of raising.
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ContextDecorator, contextmanager
from contextvars import ContextVar
from numbers import Real
from sys import getrefcount

from autograd.ops import (
    ADD,
    DIV,
    LEAF,
    LINEAR,
    MUL,
    POW,
    UNARY_OPS,
    Op,
    float_div,
    float_pow,
    pow_op,
    unary_name,
)

# --- recording on and off -------------------------------------------------------------

# Recording is switched off per thread and per asyncio task: each context has its own
# count of open `no_grad` blocks. Asking a ContextVar costs about as much as making
# half a node, so a global count of blocks open anywhere lets node creation skip the
# question while no block is open at all (the usual case, and the benchmarks').
_no_grad_depth: ContextVar[int] = ContextVar("autograd_no_grad_depth", default=0)
_open_anywhere = 0  # no_grad blocks open in all threads and tasks together
_open_lock = threading.Lock()


class no_grad(ContextDecorator):
    """`with no_grad():` results record no parents: for evaluation, plots and updates.

    The switch is per thread and per asyncio task: another thread keeps recording.
    """

    def __enter__(self) -> no_grad:
        global _open_anywhere
        _no_grad_depth.set(_no_grad_depth.get() + 1)
        with _open_lock:
            _open_anywhere += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _open_anywhere
        with _open_lock:
            _open_anywhere -= 1
        _no_grad_depth.set(_no_grad_depth.get() - 1)


def is_recording() -> bool:
    """True unless inside `no_grad()` in this thread or task."""
    return _open_anywhere == 0 or _no_grad_depth.get() == 0


# While grad(create_graph=True) builds the graph of a derivative, the nodes it makes
# are not the user's: where a user's op would raise (0 ** -1, an overflow), they take
# IEEE's value (+-inf), as PyTorch's gradients do. Read only on the error paths.
_deriving: ContextVar[bool] = ContextVar("autograd_deriving", default=False)


@contextmanager
def derivative_graph() -> Iterator[None]:
    """Inside: ops give +-inf where they would raise, for the derivative graphs of `grad`."""
    token = _deriving.set(True)
    try:
        yield
    finally:
        _deriving.reset(token)


# --- making nodes ---------------------------------------------------------------------------

_new = object.__new__  # makes a Value without running __init__'s checks


def _unary(op: Op, a: Value, data: float) -> Value:
    """The node op(a) with value `data`; records the edge to `a` unless in no_grad."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._label = ""
    out.b = out.db = None
    if _open_anywhere == 0 or _no_grad_depth.get() == 0:
        out.op = op
        out.a = a
        (out.da,) = op.derivative(data, a.data)
    else:
        out.op = LEAF
        out.a = out.da = None
    return out


def _binary(op: Op, a: Value, b: Value, data: float) -> Value:
    """The node op(a, b) with value `data`; records the edges unless in no_grad."""
    if data - data != 0.0:  # inf or nan: refuse an overflow from finite operands
        _check_overflow(op, data, a, b)
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._label = ""
    if _open_anywhere == 0 or _no_grad_depth.get() == 0:
        out.op = op
        out.a = a
        out.b = b
        out.da, out.db = op.derivative(data, a.data, b.data)
    else:
        out.op = LEAF
        out.a = out.da = out.b = out.db = None
    return out


def _apply(op: Op, a: Value) -> Value:
    """The node op(a) for an op of one input: its row's forward, refused where the value is
    undefined (log of 0) or overflows from a finite input (exp(1000)); IEEE's in a derivative graph."""
    x = a.data
    if op.undefined is not None and op.undefined(x) and not _deriving.get():
        raise ValueError(f"{op.name} is undefined for {x!r} {_where(a)}")
    data = op.forward(x)
    if data - data != 0.0:  # inf or nan
        _check_overflow(op, data, a)
    return _unary(op, a, data)


def _check_overflow(op: Op, data: float, *operands: Value) -> None:
    """The policy for a value that is not finite although every operand is: +-inf is an
    OverflowError (x*x at x = 1e200, as Python's 1e200**2), and so is the nan of a sum that
    overflowed on the way (linear's inf - inf); a nan from another op (a Function's forward)
    is a ValueError, the op being undefined there. An infinite or nan operand passes
    through (inf*2 is inf, nan in gives nan out); so do derivative graphs."""
    if not all(math.isfinite(x.data) for x in operands) or _deriving.get():
        return
    if len(operands) == 1:
        shown = f" for {operands[0].data!r} {_where(operands[0])}"
    else:
        labels = [x.label for x in operands if x.label][:3]
        where = f"(node {', '.join(map(repr, labels))})" if labels else "(unlabelled node)"
        if len(operands) == 2 and op.name in "+*/":
            numbers = f"{operands[0].data!r} {op} {operands[1].data!r}"
        else:
            numbers = f"{op}({', '.join(repr(x.data) for x in operands[:3])}{', ...' if len(operands) > 3 else ''})"
        shown = f": {numbers} is {data} {where}"
    if math.isinf(data):
        raise OverflowError(f"{op} overflows a float{shown}")
    if op is LINEAR:
        raise OverflowError(f"{op} overflows a float{shown}, a partial sum having overflowed")
    raise ValueError(f"{op} is undefined{shown}, its value being nan")


def make_node(op: Op, data: float, *parents: Value) -> Value:
    """The node op(*parents) with value `data`, for ops defined outside this file (autograd.Function,
    nn's BCE); like the built-in ops, it refuses an overflow and records nothing inside no_grad."""
    if not parents:
        raise ValueError("make_node() needs at least one parent")
    if len(parents) == 2:
        return _binary(op, parents[0], parents[1], data)  # which checks for an overflow itself
    if data - data != 0.0:
        _check_overflow(op, data, *parents)
    if len(parents) == 1:
        return _unary(op, parents[0], data)
    return _many_input_node(op, data, parents, [p.data for p in parents])


def _many_input_node(op: Op, data: float, parents: tuple, parent_data: list[float]) -> Value:
    """The node op(*parents) of more than two parents, with value `data`; `parent_data` holds the
    parents' values, for the local derivatives. Records the edges unless in no_grad."""
    out = _new(_ManyInputValue)
    out.data = data
    out.grad = 0.0
    out._label = ""
    out.a = out.da = out.b = out.db = None
    if _open_anywhere == 0 or _no_grad_depth.get() == 0:
        out.op = op
        out.inputs = parents
        out.dinputs = tuple(op.derivative(data, *parent_data))
    else:
        out.op = LEAF
        out.inputs = out.dinputs = ()
    return out


def as_value(x: object, what: str | None = None) -> Value:
    """A number as a constant leaf (a Value stays itself). For anything else: NotImplemented, so
    that Python's operators raise their TypeError, or, given `what`, a TypeError naming it."""
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):
        return Value(x)
    if what is None:
        return NotImplemented
    raise TypeError(f"{what} must be numbers or Values, got {type(x).__name__} {x!r}")


def _compared(x: object) -> float:
    """The number a Value is compared with; NotImplemented (so Python raises TypeError) for a non-number."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, Real):
        return x
    return NotImplemented


def _where(node: Value) -> str:
    """Which node an error is about, for messages: "(node 'p')"."""
    return f"(node {node.label!r})" if node.label else "(unlabelled node)"


def _refuse_division_by_zero(numerator: float, divisor: Value) -> None:
    if not _deriving.get():
        raise ZeroDivisionError(f"division by zero: {numerator!r} / {divisor.data!r} {_where(divisor)}")


def short_number(x: float) -> str:
    """4 significant digits, always with a decimal point or exponent: 0.7071, 1.0, 1.235e+04."""
    s = f"{x:.4g}"
    return s if any(c in s for c in ".enia") else s + ".0"


# --- the Value ------------------------------------------------------------------------------


class Value:
    """One float in a computation graph: its `data`, its `grad`, and how it was made.

    `op` is the operation that made it (`LEAF` for a leaf) and carries the rules,
    `parents` are its inputs in order, `locals[i]` is d self / d parents[i].
    The operators + - * / ** are below; the ops of one input (`exp`, `log`, `sqrt`,
    `sigmoid`, `tanh`, `relu`, `leaky_relu`, `gelu`, `softplus`, `erf`, `heaviside`,
    `sign`, `sin`, `cos`, `abs`) are methods made from their rows in autograd/ops.py.
    """

    # An op has one or two inputs, a and b, named as in its rules ("d(a*b)/da = b");
    # da = d self / d a and db = d self / d b are the local derivatives, numbers
    # fixed when the node is made. A leaf has a = b = None; a unary op, b = None.
    # Slots rather than tuples: one object per node, which is what makes the
    # graph small and cheap for Python's garbage collector.
    __slots__ = ("data", "grad", "_label", "op", "a", "da", "b", "db")

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(data, Real):
            raise TypeError(f"Value() takes a real number (float, int or bool), got {type(data).__name__} {data!r}")
        if label.__class__ is not str and not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.data = float(data)
        self.grad = 0.0
        self._label = label
        self.op = LEAF
        self.a = self.da = self.b = self.db = None

    @property
    def label(self) -> str:
        """The node's name in graphs, steps and errors ("" if it has none: the views then name it)."""
        return self._label

    @label.setter
    def label(self, text: str) -> None:
        if text.__class__ is not str and not isinstance(text, str):
            raise TypeError(f"a Value's label must be a str, got {type(text).__name__} {text!r}")
        self._label = text

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in order: (), (a,) or (a, b)."""
        if self.a is None:
            return ()
        return (self.a,) if self.b is None else (self.a, self.b)

    @property
    def locals(self) -> tuple:
        """locals[i] = d self / d parents[i], computed when the node was made."""
        if self.a is None:
            return ()
        return (self.da,) if self.b is None else (self.da, self.db)

    def __repr__(self) -> str:
        text = f"Value(data={short_number(self.data)}, grad={short_number(self.grad)}"
        if self.op:
            text += f", op={str(self.op)!r}"
        if self.label:
            text += f", label={self.label!r}"
        return text + ")"

    def __float__(self) -> float:
        if _deriving.get():  # math.cos(x) in a derivative would take x's number and drop its graph
            raise TypeError(
                f"float() of a Value while grad(create_graph=True) or hessian builds a derivative's graph "
                f"{_where(self)} would cut the graph there (math.cos(x) calls float(x)): write the derivative "
                "with autograd's functions (autograd.cos, exp, log, sqrt, ...), which take numbers and Values"
            )
        return self.data

    # Comparisons look at data (for `if loss < 0.01`); equality stays identity,
    # so Values can live in sets and dicts as graph nodes.
    def __lt__(self, other: Value | float) -> bool:
        other = _compared(other)
        return NotImplemented if other is NotImplemented else self.data < other

    def __le__(self, other: Value | float) -> bool:
        other = _compared(other)
        return NotImplemented if other is NotImplemented else self.data <= other

    def __gt__(self, other: Value | float) -> bool:
        other = _compared(other)
        return NotImplemented if other is NotImplemented else self.data > other

    def __ge__(self, other: Value | float) -> bool:
        other = _compared(other)
        return NotImplemented if other is NotImplemented else self.data >= other

    # --- the operators: rows ADD, MUL, DIV and POW of autograd/ops.py ------------------------
    # + and * make most nodes of a graph, so their forward (the rows' a + b, a * b, a / b) is
    # written out here rather than called: a call per node costs about 5% of making it.

    def __add__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = as_value(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(ADD, self, other, self.data + other.data)

    def __mul__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = as_value(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(MUL, self, other, self.data * other.data)

    # Division is a primitive rather than a * b**-1: so x / x is exactly 1, and every
    # quotient is IEEE's correctly rounded one, as PyTorch's.
    def __truediv__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = as_value(other)
            if other is NotImplemented:
                return NotImplemented
        if other.data == 0.0:
            _refuse_division_by_zero(self.data, other)  # inside a derivative graph: +-inf or nan
            return _binary(DIV, self, other, float_div(self.data, other.data))
        return _binary(DIV, self, other, self.data / other.data)  # DIV's forward, written out

    def __rtruediv__(self, other: float) -> Value:  # n / a, with n as a constant leaf
        other = as_value(other)
        if other is NotImplemented:
            return NotImplemented
        return other / self

    def __pow__(self, exponent: Value | float) -> Value:
        """a**n for a number n (one parent, the op a**n), or a**b for a Value b (two parents, POW)."""
        a = self.data
        if isinstance(exponent, Value):
            b = exponent.data
        elif isinstance(exponent, Real):
            b = float(exponent)
        else:
            return NotImplemented
        data = float_pow(a, b)
        if data - data != 0.0 and not _deriving.get():  # inf or nan: which of them is an error
            if a == 0.0 and b < 0:
                raise ZeroDivisionError(
                    f"** is undefined for 0.0 ** {b!r}: zero to a negative power, a division by zero {_where(self)}"
                )
            if a < 0 and math.isfinite(b) and not b.is_integer():
                raise ValueError(
                    f"** is undefined for {a!r} ** {b!r}: a negative base to a non-integer power {_where(self)}"
                )
            if math.isinf(data) and math.isfinite(a) and math.isfinite(b):
                raise OverflowError(f"** overflows a float for {a!r} ** {b!r} {_where(self)}")
        if isinstance(exponent, Value):
            return _binary(POW, self, exponent, data)
        return _unary(pow_op(b), self, data)

    # --- derived ops: one line each, from the primitives above ----------------------------------

    def __neg__(self) -> Value:  # -a == a * -1
        return self * -1.0

    def __radd__(self, other: float) -> Value:  # n + a == a + n
        return self + other

    def __sub__(self, other: Value | float) -> Value:  # a - b == a + (-b)
        return self + (-other)

    def __rsub__(self, other: float) -> Value:  # n - a == n + (-a)
        return (-self) + other

    def __rmul__(self, other: float) -> Value:  # n * a == a * n
        return self * other

    def __rpow__(self, base: float) -> Value:  # n ** a, with n as a constant leaf
        base = as_value(base)
        if base is NotImplemented:
            return NotImplemented
        return base**self

    # --- backward -------------------------------------------------------------------------------

    def backward(self, gradient: float = 1.0) -> None:
        """Add d self / d node to `node.grad` for every node of the graph, self included.

        `gradient` seeds self.grad (PyTorch's `backward(gradient)`, minitorch's
        `backward(d_output)`): every grad is then scaled by it. Gradients accumulate,
        as in micrograd and PyTorch: calling backward twice without zeroing doubles
        every grad. Call `zero_grad()` on a model (or set `.grad = 0.0`) between steps.
        """
        seed = seed_of(gradient)
        backward_over(topological_order(self), seed)

    def backward_steps(self, gradient: float = 1.0, notation: str | None = None) -> Iterator:
        """backward(), one chain-rule step at a time: an iterator of `autograd.views.explain.Step`.

        The first step seeds dL/dL = gradient (1 by default); each next one adds
        local * upstream to one parent's grad. Exhausting it leaves the grads that
        backward() would; stopping early leaves them as they were before. notation="notes"
        names the nodes as the lecture notes do (w⁽¹⁾₁₁, ŷ, L).
        """
        from autograd.views.explain import backward_steps  # the views import the engine, not back

        return backward_steps(self, gradient, notation)

    # --- the lecture's names ------------------------------------------------------------------
    # The "Zero to Hero" lecture and micrograd step backward by hand (`o.grad = 1.0;
    # o._backward(); n._backward()`) and draw graphs from `_prev` and `_op`. This
    # project's own names are `parents`, `op` and `backward_steps()`.

    def _backward(self) -> None:
        """One chain-rule step: each parent's grad += d self / d parent * self.grad (nothing for a leaf)."""
        for _, parent, _, contribution in chain_rule(self, self.grad):
            parent.grad += contribution

    @property
    def _prev(self) -> set[Value]:
        """The parents, as a set (micrograd's name)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The op's name as a plain str, "" for a leaf (micrograd's name)."""
        return self.op.name


# --- the ops of one input: Value's methods, made from their rows -------------------------------


def _method(op: Op) -> Callable[..., Value]:
    """The Value method of an op of one input: `x.tanh()`. An op with settings (leaky_relu's
    slope, gelu's approximate) takes them, and its row's `options` picks the op for them."""
    if op.options is None:
        forward, undefined = op.forward, op.undefined

        def method(self: Value) -> Value:  # _apply(op, self), written out: relu and tanh are hot
            x = self.data
            if undefined is not None and undefined(x) and not _deriving.get():
                raise ValueError(f"{op.name} is undefined for {x!r} {_where(self)}")
            data = forward(x)
            if data - data != 0.0:  # inf or nan
                _check_overflow(op, data, self)
            return _unary(op, self, data)

    else:
        options = op.options

        def method(self: Value, *args, **kwargs) -> Value:
            return _apply(options(*args, **kwargs), self)

        signature = inspect.signature(options)
        self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        method.__signature__ = signature.replace(parameters=[self_parameter, *signature.parameters.values()])
    method.__name__ = op.method
    method.__qualname__ = f"Value.{op.method}"
    method.__doc__ = op.doc
    return method


for _op in UNARY_OPS:
    setattr(Value, _op.method, _method(_op))

# The functions of one Value, by name: the CLI's functions and nn's activations are taken from here.
UNARY_FUNCTIONS: dict[str, Callable[..., Value]] = {unary_name(op): getattr(Value, op.method) for op in UNARY_OPS}


# --- backward: the chain rule, node by node ------------------------------------------------------


def chain_rule(node: Value, upstream, locals_: Sequence | None = None) -> Iterator[tuple[int, Value, object, object]]:
    """One node's part of backprop: for each parent, (its index, the parent, local, contribution).

    local = d node / d parent (the edge's local derivative), upstream = dL / d node, and
    contribution = local * upstream, the parent's share of dL / d parent through this
    node: what backward adds to `parent.grad`. `locals_` stands in for node.locals
    (grad's local derivatives as Values, for second derivatives). Every backward pass
    reads the chain rule from here: backward_steps, grad, explain's paths, `_backward`;
    `backward_over` is the same loop written out, for speed.
    """
    for index, (parent, local) in enumerate(zip(node.parents, node.locals if locals_ is None else locals_)):
        yield index, parent, local, local * upstream


def backward_over(order: list[Value], seed: float = 1.0) -> None:
    """Backward on a graph's topological order (the root last): `Value.backward` once sorted.

    This is `chain_rule` for every node, children first, written out without the
    generator and without building tuples: it is the loop every training step runs.
    """
    with grads_set_aside(order):
        order[-1].grad = seed
        for node in reversed(order):
            upstream = node.grad
            if node.a is not None:
                node.a.grad += node.da * upstream
            if node.b is not None:
                node.b.grad += node.db * upstream
            if node.__class__ is _ManyInputValue:  # a neuron's z: its parents are in tuples
                for parent, local in zip(node.inputs, node.dinputs):
                    parent.grad += local * upstream


def seed_of(gradient: object) -> float:
    """backward's seed dL/dL as a float, or a TypeError for what is not a number."""
    if isinstance(gradient, bool) or not isinstance(gradient, Real):
        raise TypeError(f"backward() gradient must be a number, got {type(gradient).__name__} {gradient!r}")
    return float(gradient)


@contextmanager
def grads_set_aside(order: list[Value], keep: bool = True) -> Iterator[None]:
    """Inside, the grads of `order` start at 0, so that a backward pass spreads only its own
    gradient (without this, a second backward() would push the sum of both calls down
    the graph and more than double the leaves). On leaving, the earlier grads are added
    back (keep=True: gradients accumulate) or the new ones thrown away (keep=False). If the
    pass stops early (an error, a step-through closed half way), the grads are put back
    as they were."""
    earlier = [node.grad for node in order]
    if any(earlier):
        for node in order:
            node.grad = 0.0
    try:
        yield
    except BaseException:
        for node, grad in zip(order, earlier):
            node.grad = grad
        raise
    if not keep:
        for node, grad in zip(order, earlier):
            node.grad = grad
    elif any(earlier):
        for node, grad in zip(order, earlier):
            node.grad += grad


class _ManyInputValue(Value):
    """A node made by an op of many inputs: a neuron's pre-activation z = w.x + b.

    Its parents and their local derivatives are kept in two tuples, `inputs` and
    `dinputs` (dinputs[i] = d self / d inputs[i]); `a` and `b` are None.
    """

    __slots__ = ("inputs", "dinputs")

    @property
    def parents(self) -> tuple[Value, ...]:
        return self.inputs

    @property
    def locals(self) -> tuple:
        return self.dinputs


# --- freeing a long chain -------------------------------------------------------------------

# When the last reference to a node goes, CPython frees it and, from inside that call, its
# inputs, their inputs, and so on: a chain of n nodes is freed n calls deep. CPython's own
# stack takes that, but CPython compiled to WebAssembly (Pyodide: the Lab, JupyterLite) runs on
# the browser's stack, which a chain of a few thousand nodes overflows, killing the interpreter.
# Inside `shallow_frees()`, a node being freed first unlinks, in a loop, every input that only it
# holds (and theirs), so that each is then freed with no inputs left: one level deep, at any length.
# It costs about 15% of the time of training (a Python call for every node freed), so it is off
# unless asked for: the Lab's console runs a student's code inside it.


def _unlink_in_a_loop(node: Value) -> None:
    """Value.__del__ inside shallow_frees(): unlink the inputs only `node` holds, and theirs, in a loop."""
    if node.a is None and node.__class__ is not _ManyInputValue:
        return  # a leaf, or a node unlinked already
    pending: list[Value] = []
    while True:
        if node.__class__ is _ManyInputValue:
            pending.extend(node.inputs)
            node.inputs = node.dinputs = ()
        elif node.a is not None:
            pending.append(node.a)
            if node.b is not None:
                pending.append(node.b)
            node.a = node.b = None
        while pending:
            node = pending.pop()  # the one before is freed here, its inputs unlinked: one level
            if getrefcount(node) <= 2:  # held by `node` (and getrefcount's argument) alone
                break
        else:
            return


_shallow_depth = 0
_shallow_lock = threading.Lock()


@contextmanager
def shallow_frees() -> Iterator[None]:
    """`with shallow_frees():` a chain of Values freed inside it is freed in a loop, not one call
    inside another: what CPython in WebAssembly (Pyodide) needs to free a chain of thousands of
    nodes without overflowing the browser's stack. Blocks nest; it is off again after the last."""
    global _shallow_depth
    with _shallow_lock:
        _shallow_depth += 1
        if _shallow_depth == 1:
            Value.__del__ = _unlink_in_a_loop
    try:
        yield
    finally:
        with _shallow_lock:
            _shallow_depth -= 1
            if _shallow_depth == 0:
                del Value.__del__


def linear(
    weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value, input_data: list[float] | None = None
) -> Value:
    """z = w_1*x_1 + ... + w_n*x_n + b as one node, with 2n + 1 parents.

    The same number, to the last bit, as micrograd's chain `b + w_1*x_1 + ...`
    (the sum runs in that order); dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1.
    `input_data` is [x.data for x in inputs] when the caller has it already (a
    layer computes it once for all its neurons); the inputs must then be Values.
    """
    if input_data is None:
        if len(weights) != len(inputs):
            raise ValueError(
                f"linear() needs as many inputs as weights: {len(weights)} weights, got {len(inputs)} inputs"
            )
        for i, w in enumerate(weights):
            if not isinstance(w, Value):
                raise TypeError(f"linear() weights must be Values, got {type(w).__name__} {w!r} at position {i}")
        if not isinstance(bias, Value):
            raise TypeError(f"linear() bias must be a Value, got {type(bias).__name__} {bias!r}")
        inputs = [as_value(x, "linear() inputs") for x in inputs]
        input_data = [x.data for x in inputs]
    weight_data = [w.data for w in weights]
    z = bias.data
    for w, x in zip(weight_data, input_data):
        z += w * x
    if z - z != 0.0:  # inf or nan
        _check_overflow(LINEAR, z, *weights, *inputs, bias)
    return _many_input_node(LINEAR, z, (*weights, *inputs, bias), [*weight_data, *input_data, bias.data])


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, parents before children, `root` last.

    Depth-first, with an explicit stack instead of recursion, so a chain of a
    million nodes is fine. A node is pushed, then a `None` marker, then its
    parents: when the marker comes off the stack, all of the node's parents are
    in `order`, so the node goes in next. Parents are tuples, so the order is the
    same on every run.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"expected a Value to start from (the output of a computation), got {type(root).__name__} {root!r}"
        )
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the node under it has all its parents in order
            order.append(stack.pop())
        elif node not in visited:
            visited.add(node)
            stack.append(node)
            stack.append(None)
            # parents go on last-first, so the first parent comes off first
            if node.b is not None and node.b not in visited:
                stack.append(node.b)
            if node.a is not None and node.a not in visited:
                stack.append(node.a)
            if node.__class__ is _ManyInputValue:
                for parent in reversed(node.inputs):
                    if parent not in visited:
                        stack.append(parent)
    return order
