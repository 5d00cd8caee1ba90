"""The engine: a scalar `Value` that records how it was made, and backprop over the graph.

Every operation creates one node. The node keeps its inputs (`a`, and `b` for a
binary op) and, for each, the *local* derivative d node / d input (`da`, `db`),
a number computed when the node is made; its `op` names the operation and
carries the rule in words (`d tanh(a)/da = 1 - tanh(a)^2`). Backward is then the
chain rule and nothing else, in `Value.backward`:

    for node in reversed(topological_order(root)):
        node.a.grad += node.da * node.grad      # for each input the node has
        node.b.grad += node.db * node.grad

(The one op of many inputs, a neuron's z = w.x + b, keeps them in tuples: see
`_ManyInputValue` and `linear` at the end.)

Each op's calculus is written once, in its `Op` in the table below: the local
derivatives as arithmetic that runs on floats (stored at forward time) and on
Values (a differentiable gradient, for second derivatives), and the same formula
as text for the rule and the step-through. Its forward value is the `Value`
method of the same name.

What is an error: an op whose value is undefined (log 0, sqrt of a negative,
x / 0, 0 ** -1) or overflows although its operands are finite (x * x at 1e200,
exp(1000)) raises, naming the op, the numbers and the node. Everything else is
IEEE arithmetic, as in PyTorch: nan in gives nan out, and a local derivative may
be +-inf (d(1/x)/dx at x = 1e-200) while the value is an ordinary float. The
graphs that `grad(create_graph=True)` builds for second derivatives are not the
user's: there, every op takes IEEE's value (+-inf, nan) instead of raising.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ContextDecorator, contextmanager
from contextvars import ContextVar
from functools import lru_cache
from numbers import Real

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


# --- ops: a name, the local derivatives, and the rule in words ------------------------------


class Op:
    """An operation: its name (`tanh`), its local derivatives and the rule in words.

    `derivative(out, *parents)` returns d out / d parent for each parent. It is
    written with plain arithmetic, so it runs on floats (stored at forward time)
    and on Values (a differentiable gradient, for second derivatives).
    `formulas[i]` is the same derivative as text, with {a}, {b}, ... for the parents
    and {out} for the result: filled with symbols it is the rule in words
    ("d tanh(a)/da = 1 - tanh(a)^2"), filled with numbers a step of the chain rule.
    Without formulas, a step shows the local derivative's number.

    Ops compare by identity: two ops named `leaky_relu` with different slopes are
    two ops. `str(op)` is the name; a leaf's op is `LEAF`, named "", with no rules.
    """

    __slots__ = ("name", "expression", "formulas", "derivative")

    def __init__(
        self, name: str, expression: str, formulas: tuple[str, ...] | None, derivative: Callable[..., tuple]
    ) -> None:
        self.name = name
        self.expression = expression
        self.formulas = formulas
        self.derivative = derivative

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __bool__(self) -> bool:
        return self is not LEAF

    @property
    def rules(self) -> tuple[str, ...]:
        """The local derivative for each parent, in words: ('d(a*b)/da = b', 'd(a*b)/db = a')."""
        count = len(self.formulas or ())
        return tuple(self.rule(i, count) for i in range(count))

    def rule(self, index: int, arity: int) -> str:
        """The rule, in words, for parent `index` of a node with `arity` parents."""
        expression = self.expression
        shown = f"({expression})" if any(c in expression for c in "+-*/ ") else f" {expression}"
        if self.formulas is None:
            return f"d{shown}/d{PARENT_NAMES[index]} (no rule text given)"
        symbolic = self.formulas[index].format(out=expression, **{n: n for n in PARENT_NAMES[:arity]})
        return f"d{shown}/d{PARENT_NAMES[index]} = {symbolic}"

    def formula(self, index: int, node: Value) -> str:
        """The local derivative for parent `index` of `node`, with the node's numbers in it."""
        if self.formulas is None:
            return _number(node.locals[index])
        numbers = {name: _number(parent.data) for name, parent in zip(PARENT_NAMES, node.parents)}
        return self.formulas[index].format(out=_number(node.data), **numbers)


PARENT_NAMES = "abcdefghijklmnopqrstuvwxyz"  # how rules name an op's inputs, in order
LEAKY_RELU_SLOPE = 0.01  # leaky_relu's default slope for a < 0, as PyTorch's
LEAF = Op("", "", (), lambda out: ())  # the op of a node that was not made by one


def _number(x: float) -> str:
    """A number inside a formula: 4 decimals, negatives in parentheses."""
    return f"{x:.4f}" if x >= 0 else f"({x:.4f})"


class LinearOp(Op):
    """z = w.x + b over n weights, n inputs and a bias: 2n + 1 parents, three rules."""

    def rule(self, index: int, arity: int) -> str:
        n = (arity - 1) // 2
        kind = 0 if index < n else 1 if index < 2 * n else 2  # a weight, an input, or the bias
        return f"dz/d{('w_i', 'x_i', 'b')[kind]} = {self.formulas[kind]}"

    def formula(self, index: int, node: Value) -> str:
        return _number(node.locals[index])  # the partner's value: x_i for w_i, w_i for x_i, 1 for b


def _either(method: str, on_floats: Callable[[float], float]) -> Callable:
    """A function that calls `Value.method` on a Value and `on_floats` on a float."""
    return lambda x: getattr(x, method)() if isinstance(x, Value) else on_floats(x)


def _odd(n: float) -> bool:
    return n % 2.0 == 1.0


def _float_pow(x: float, n: float) -> float:
    """x**n for floats with IEEE's answers where Python raises: 0.0**-1 = inf, 1e-300**-2 = inf,
    (-8.0)**0.5 = nan (Python would make a complex number). Local derivatives use it: a
    derivative may be infinite, as PyTorch's are, where the value itself is a float."""
    try:
        return math.pow(x, n)
    except OverflowError:
        return -math.inf if x < 0 and _odd(n) else math.inf
    except ValueError:  # 0.0 ** negative, or a negative base to a non-integer power
        if x == 0.0:
            return math.copysign(math.inf, x) if _odd(n) else math.inf
        return math.nan


def _float_log(x: float) -> float:
    """log x for a float, with IEEE's answers where math.log raises: -inf at 0, nan below."""
    return math.log(x) if x > 0 else -math.inf if x == 0 else math.nan


def _float_div(a: float, b: float) -> float:
    """a / b for floats, with IEEE's answers at b = 0 (+-inf, and nan for 0/0) where Python raises."""
    if b != 0.0:
        return a / b
    if a == 0.0 or a != a:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _divide(a, b):
    """a / b for Values or floats: a derivative formula's division."""
    if isinstance(a, Value) or isinstance(b, Value):
        return a / b
    return _float_div(a, b)


def _reciprocal(x):
    """1/x for a Value or a float; +-inf for 0.0, as PyTorch's gradients give."""
    return _divide(1.0, x)


def _power(x, n: float):
    """x**n for a Value or a float, with _float_pow's infinities for floats."""
    if isinstance(x, Value):
        return x**n
    return _float_pow(x, n)


def _step(a, positive: float, negative: float) -> float:
    """The derivative of a piecewise-linear op: `positive` for a > 0, `negative` for a <= 0, nan for nan.
    (PyTorch gives relu'(nan) = 1; a nan here stays nan, so it cannot vanish into a number.)"""
    return positive if a > 0 else negative if a <= 0 else math.nan


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_GELU_TANH_K = 0.044715

_exp = _either("exp", math.exp)
_log = _either("log", _float_log)
_sin = _either("sin", math.sin)
_cos = _either("cos", math.cos)
_tanh = _either("tanh", math.tanh)
_erf = _either("erf", math.erf)


def _stable_sigmoid(x: float) -> float:
    """1/(1 + e^-x) for a float, without overflow: e^x/(1 + e^x) for negative x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # underflows to 0.0 for very negative x, which is right
    return e / (1.0 + e)


_sigmoid = _either("sigmoid", _stable_sigmoid)

ADD = Op("+", "a+b", ("1", "1"), lambda out, a, b: (1.0, 1.0))
MUL = Op("*", "a*b", ("{b}", "{a}"), lambda out, a, b: (b, a))
DIV = Op("/", "a/b", ("1/{b}", "-{a}/{b}^2"), lambda out, a, b: (_divide(1.0, b), -_divide(out, b)))  # -a/b^2 = -out/b
EXP = Op("exp", "exp(a)", ("{out}",), lambda out, a: (out,))
LOG = Op("log", "log(a)", ("1/{a}",), lambda out, a: (_reciprocal(a),))
SQRT = Op("sqrt", "sqrt(a)", ("1/(2*{out})",), lambda out, a: (0.5 * _reciprocal(out),))
TANH = Op("tanh", "tanh(a)", ("1 - {out}^2",), lambda out, a: (1.0 - out * out,))
SIGMOID = Op("sigmoid", "sigmoid(a)", ("{out}*(1 - {out})",), lambda out, a: (out * (1.0 - out),))
SOFTPLUS = Op("softplus", "softplus(a)", ("sigmoid({a})",), lambda out, a: (_sigmoid(a),))
# relu's is _step(a, 1.0, 0.0) written out: it is the hot op of every ReLU network.
RELU = Op("relu", "relu(a)", ("1 if {a} > 0 else 0",), lambda out, a: (1.0 if a > 0 else 0.0 if a <= 0 else math.nan,))
ABS = Op("abs", "|a|", ("sign({a}), 0 at 0",), lambda out, a: (-1.0 if a < 0 else _step(a, 1.0, 0.0),))
HEAVISIDE = Op("heaviside", "heaviside(a)", ("0",), lambda out, a: (_step(a, 0.0, 0.0),))
SIGN = Op("sign", "sign(a)", ("0",), lambda out, a: (_step(a, 0.0, 0.0),))
SIN = Op("sin", "sin(a)", ("cos({a})",), lambda out, a: (_cos(a),))
COS = Op("cos", "cos(a)", ("-sin({a})",), lambda out, a: (-_sin(a),))
ERF = Op("erf", "erf(a)", ("2/sqrt(pi)*exp(-{a}^2)",), lambda out, a: (_TWO_OVER_SQRT_PI * _exp(-(a * a)),))
GELU = Op(
    "gelu",
    "gelu(a)",
    ("Phi({a}) + {a}*phi({a})",),  # Phi is the standard normal CDF, phi its density
    lambda out, a: (0.5 * (1.0 + _erf(a * (1.0 / _SQRT_2))) + a * _INV_SQRT_2PI * _exp(-0.5 * (a * a)),),
)


def _gelu_tanh_derivative(out, a):
    t = _tanh(_SQRT_2_OVER_PI * (a + _GELU_TANH_K * (a * a * a)))
    dinner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_K * (a * a))
    return (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * dinner,)


GELU_TANH = Op(
    "gelu_tanh",
    "gelu_tanh(a)",
    ("(1 + t)/2 + {a}*(1 - t^2)*u'/2 with t = tanh(u), u = sqrt(2/pi)*({a} + 0.044715*{a}^3)",),
    _gelu_tanh_derivative,
)


def _pow_value_derivative(out, a, b):
    # d/db a^b = a^b * log(a): 0 at a = 0 (PyTorch's convention), nan for a < 0 (no real log),
    # and in a derivative graph a node that depends on a and b, so its own derivatives are nan too.
    by_base = b * _power(a, b - 1.0) if float(b) != 0 else 0.0
    by_exponent = 0.0 if float(a) == 0 else out * _log(a)
    return (by_base, by_exponent)


POW = Op("**", "a**b", ("{b}*{a}**({b}-1)", "{out}*log({a})"), _pow_value_derivative)


# One Op per exponent (per slope), shared by the nodes that use it. The caches are
# bounded: a loop over a million exponents keeps at most 256 Ops, plus those that
# nodes still hold.
@lru_cache(maxsize=256)
def _pow_op(n: float) -> Op:
    """The op `a**n` for a fixed number n."""
    shown = f"{n:g}"
    return Op(
        f"**{shown}",
        f"a**{shown}",
        (f"{shown}*{{a}}**({shown}-1)",),
        lambda out, a: (n * _power(a, n - 1.0) if n != 0 else 0.0,),
    )


@lru_cache(maxsize=256)
def _leaky_relu_op(slope: float) -> Op:
    """The op `leaky_relu(a)` for a fixed negative slope."""
    return Op(
        "leaky_relu",
        "leaky_relu(a)",
        (f"1 if {{a}} > 0 else {slope:g}",),
        lambda out, a: (_step(a, 1.0, slope),),
    )


# --- making nodes ---------------------------------------------------------------------------

_new = object.__new__  # makes a Value without running __init__'s checks


def _unary(op: Op, a: Value, data: float) -> Value:
    """The node op(a) with value `data`; records the edge to `a` unless in no_grad."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
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
    out.label = ""
    if _open_anywhere == 0 or _no_grad_depth.get() == 0:
        out.op = op
        out.a = a
        out.b = b
        out.da, out.db = op.derivative(data, a.data, b.data)
    else:
        out.op = LEAF
        out.a = out.da = out.b = out.db = None
    return out


def _check_overflow(op: str, data: float, *operands: Value) -> None:
    """The overflow policy: a value that is +-inf although every operand is finite is an
    OverflowError (x*x at x = 1e200, as Python's 1e200**2). An infinite or nan operand
    passes through (inf*2 is inf, nan in gives nan out); so do derivative graphs."""
    if math.isinf(data) and all(math.isfinite(x.data) for x in operands) and not _deriving.get():
        if len(operands) == 2:
            shown = f"{operands[0].data!r} {op} {operands[1].data!r}"
        else:
            shown = f"{op}({', '.join(repr(x.data) for x in operands[:3])}{', ...' if len(operands) > 3 else ''})"
        labels = [x.label for x in operands if x.label][:3]
        where = f" (node {', '.join(map(repr, labels))})" if labels else " (unlabelled node)"
        raise OverflowError(f"{op} overflows a float: {shown} is {data}{where}")


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
    out.label = ""
    out.a = out.da = out.b = out.db = None
    if _open_anywhere == 0 or _no_grad_depth.get() == 0:
        out.op = op
        out.inputs = parents
        out.dinputs = tuple(op.derivative(data, *parent_data))
    else:
        out.op = LEAF
        out.inputs = out.dinputs = ()
    return out


def _constant(x: object) -> Value:
    """A number on the other side of an operator, as a leaf; NotImplemented for anything else."""
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):
        return Value(x)
    return NotImplemented


def _checked_constant(x: object, what: str) -> Value:
    """A number as a leaf Value, or a TypeError that says what `what` takes."""
    if isinstance(x, Real):
        return Value(x)
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


def _short(x: float) -> str:
    """4 significant digits, always with a decimal point or exponent: 0.7071, 1.0, 1.235e+04."""
    s = f"{x:.4g}"
    return s if any(c in s for c in ".enia") else s + ".0"


# --- the Value ------------------------------------------------------------------------------


class Value:
    """One float in a computation graph: its `data`, its `grad`, and how it was made.

    `op` is the operation that made it (`LEAF` for a leaf) and carries the rules,
    `parents` are its inputs in order, `locals[i]` is d self / d parents[i].
    """

    # An op has one or two inputs, a and b, named as in its rules ("d(a*b)/da = b");
    # da = d self / d a and db = d self / d b are the local derivatives, numbers
    # fixed when the node is made. A leaf has a = b = None; a unary op, b = None.
    # Slots rather than tuples: one object per node, which is what makes the
    # graph small and cheap for Python's garbage collector.
    __slots__ = ("data", "grad", "label", "op", "a", "da", "b", "db")

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(data, Real):
            raise TypeError(f"Value() takes a real number (float, int or bool), got {type(data).__name__} {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = LEAF
        self.a = self.da = self.b = self.db = None

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
        text = f"Value(data={_short(self.data)}, grad={_short(self.grad)}"
        if self.op:
            text += f", op={str(self.op)!r}"
        if self.label:
            text += f", label={self.label!r}"
        return text + ")"

    def __float__(self) -> float:
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

    # --- primitives -------------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(ADD, self, other, self.data + other.data)

    def __mul__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(MUL, self, other, self.data * other.data)

    # Division is a primitive rather than a * b**-1: so x / x is exactly 1, and every
    # quotient is IEEE's correctly rounded one, as PyTorch's.
    def __truediv__(self, other: Value | float) -> Value:
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        if other.data == 0.0:
            _refuse_division_by_zero(self.data, other)  # inside a derivative graph: +-inf or nan
            return _binary(DIV, self, other, _float_div(self.data, other.data))
        return _binary(DIV, self, other, self.data / other.data)

    def __rtruediv__(self, other: float) -> Value:  # n / a, with n as a constant leaf
        other = _constant(other)
        if other is NotImplemented:
            return NotImplemented
        return other / self

    def __pow__(self, exponent: Value | float) -> Value:
        """a**n for a number n (one parent), or a**b for a Value b (two parents)."""
        a = self.data
        if isinstance(exponent, Value):
            b = exponent.data
        elif isinstance(exponent, Real):
            b = float(exponent)
        else:
            return NotImplemented
        if a == 0.0 and b < 0:
            if not _deriving.get():
                raise ZeroDivisionError(
                    f"** is undefined for 0.0 ** {b!r}: zero to a negative power, a division by zero {_where(self)}"
                )
            data = _float_pow(a, b)
        elif a < 0 and math.isfinite(b) and not b.is_integer():
            if not _deriving.get():
                raise ValueError(
                    f"** is undefined for {a!r} ** {b!r}: a negative base to a non-integer power {_where(self)}"
                )
            data = math.nan
        else:
            try:
                data = a**b
            except OverflowError:
                if not _deriving.get():
                    raise OverflowError(f"** overflows a float for {a!r} ** {b!r} {_where(self)}") from None
                data = _float_pow(a, b)
        if isinstance(exponent, Value):
            return _binary(POW, self, exponent, data)
        return _unary(_pow_op(b), self, data)

    def exp(self) -> Value:
        """e^a."""
        try:
            data = math.exp(self.data)
        except OverflowError:
            if not _deriving.get():
                raise OverflowError(f"exp overflows a float for {self.data!r} {_where(self)}") from None
            data = math.inf
        return _unary(EXP, self, data)

    def log(self) -> Value:
        """Natural logarithm, defined for a > 0."""
        if not self.data > 0:  # also catches nan
            if not math.isnan(self.data) and not _deriving.get():
                raise ValueError(f"log is undefined for {self.data!r} {_where(self)}")
            return _unary(LOG, self, _float_log(self.data))
        return _unary(LOG, self, math.log(self.data))

    def sqrt(self) -> Value:
        """Square root, defined for a >= 0."""
        if self.data < 0:
            raise ValueError(f"sqrt is undefined for {self.data!r} {_where(self)}")
        return _unary(SQRT, self, math.sqrt(self.data))

    def tanh(self) -> Value:
        """tanh(a) = (e^a - e^-a)/(e^a + e^-a); saturates to +-1, never overflows."""
        return _unary(TANH, self, math.tanh(self.data))

    def sigmoid(self) -> Value:
        """1/(1 + e^-a), computed without overflow for any a."""
        return _unary(SIGMOID, self, _stable_sigmoid(self.data))

    def softplus(self) -> Value:
        """log(1 + e^a), without overflow: a + log(1 + e^-a) for positive a."""
        a = self.data
        data = a + math.log1p(math.exp(-a)) if a > 0 else math.log1p(math.exp(a))
        return _unary(SOFTPLUS, self, data)

    def relu(self) -> Value:
        """max(0, a); derivative 1 for a > 0, else 0 (PyTorch's choice at 0); nan stays nan."""
        a = self.data
        return _unary(RELU, self, 0.0 if a <= 0 else a)

    def leaky_relu(self, slope: float = LEAKY_RELU_SLOPE) -> Value:
        """a for a > 0, slope*a otherwise; nan stays nan."""
        if isinstance(slope, bool) or not isinstance(slope, Real):
            raise TypeError(
                f"leaky_relu slope must be a number, got {type(slope).__name__} {slope!r}"
                + (
                    " (a Value slope would need its own gradient; pass float(slope))"
                    if isinstance(slope, Value)
                    else ""
                )
            )
        slope = float(slope)
        a = self.data
        data = slope * a if a <= 0 else a
        if data - data != 0.0:
            _check_overflow("leaky_relu", data, self)
        return _unary(_leaky_relu_op(slope), self, data)

    def gelu(self, approximate: str = "none") -> Value:
        """a*Phi(a) (approximate='none'), or PyTorch's tanh approximation ('tanh')."""
        a = self.data
        if approximate == "none":
            return _unary(GELU, self, 0.5 * a * (1.0 + math.erf(a / _SQRT_2)))
        if approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (a + _GELU_TANH_K * a * a * a)
            return _unary(GELU_TANH, self, 0.5 * a * (1.0 + math.tanh(inner)))
        raise ValueError(f"gelu approximate must be 'none' or 'tanh', got {approximate!r}")

    def erf(self) -> Value:
        """The error function (2/sqrt(pi)) * integral_0^a e^(-t^2) dt."""
        return _unary(ERF, self, math.erf(self.data))

    def heaviside(self) -> Value:
        """1 if a > 0 else 0; its derivative is 0 everywhere it exists; nan stays nan."""
        return _unary(HEAVISIDE, self, _step(self.data, 1.0, 0.0))

    def sign(self) -> Value:
        """The perceptron's step: 1 if a >= 0 else -1; derivative 0; nan stays nan."""
        a = self.data
        return _unary(SIGN, self, 1.0 if a >= 0 else -1.0 if a < 0 else math.nan)

    def sin(self) -> Value:
        """sin(a)."""
        return _unary(SIN, self, self._finite_for("sin", math.sin))

    def cos(self) -> Value:
        """cos(a)."""
        return _unary(COS, self, self._finite_for("cos", math.cos))

    def _finite_for(self, name: str, fn: Callable[[float], float]) -> float:
        if math.isinf(self.data):
            raise ValueError(f"{name} is undefined for {self.data!r} {_where(self)}")
        return fn(self.data)

    def __abs__(self) -> Value:
        return _unary(ABS, self, abs(self.data))

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
        base = _constant(base)
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
        seed = _seed(gradient)
        order = topological_order(self)
        with grads_set_aside(order):
            self.grad = seed
            for node in reversed(order):
                upstream = node.grad
                if node.a is not None:
                    node.a.grad += node.da * upstream
                if node.b is not None:
                    node.b.grad += node.db * upstream
                if node.__class__ is _ManyInputValue:  # the fast path for a neuron's z: no tuples built
                    for parent, local in zip(node.inputs, node.dinputs):
                        parent.grad += local * upstream

    def backward_steps(self, gradient: float = 1.0) -> Iterator:
        """backward(), one chain-rule step at a time: an iterator of `autograd.explain.Step`.

        The first step seeds dL/dL = gradient (1 by default); each next one adds
        local * upstream to one parent's grad. Exhausting it leaves the grads that
        backward() would; stopping early leaves them as they were before.
        """
        from autograd.explain import backward_steps

        return backward_steps(self, gradient)

    # --- the lecture's names ------------------------------------------------------------------
    # The "Zero to Hero" lecture and micrograd step backward by hand (`o.grad = 1.0;
    # o._backward(); n._backward()`) and draw graphs from `_prev` and `_op`. This
    # project's own names are `parents`, `op` and `backward_steps()`.

    def _backward(self) -> None:
        """One chain-rule step: each parent's grad += d self / d parent * self.grad (nothing for a leaf)."""
        upstream = self.grad
        for parent, local in zip(self.parents, self.locals):
            parent.grad += local * upstream

    @property
    def _prev(self) -> set[Value]:
        """The parents, as a set (micrograd's name)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The op's name as a plain str, "" for a leaf (micrograd's name)."""
        return self.op.name


# The functions of one Value, by name: the CLI's functions and nn's activations are taken from here.
UNARY_FUNCTIONS: dict[str, Callable[..., Value]] = {
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
    "abs": Value.__abs__,
}


def _seed(gradient: object) -> float:
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


LINEAR = LinearOp(
    "linear",
    "w.x+b",
    ("x_i", "w_i", "1"),
    # parents are (w_1..w_n, x_1..x_n, b): each weight's derivative is its input and back
    lambda out, *p: (*p[len(p) // 2 : -1], *p[: len(p) // 2], 1.0),
)


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
        inputs = [x if isinstance(x, Value) else _checked_constant(x, "linear() inputs") for x in inputs]
        input_data = [x.data for x in inputs]
    weight_data = [w.data for w in weights]
    z = bias.data
    for w, x in zip(weight_data, input_data):
        z += w * x
    if z - z != 0.0:  # inf or nan
        _check_overflow("linear", z, *weights, *inputs, bias)
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
