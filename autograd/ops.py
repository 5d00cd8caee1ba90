"""The op table: every operation of the engine, one row each.

A row (`Op`) holds everything about one operation, side by side:

    name        "tanh": how graphs, steps and errors call it
    forward     its value, a function of the inputs' numbers
    derivative  d out / d input for each input, as plain arithmetic, so that it runs
                on floats (stored in each node when it is made) and on Values (for
                second derivatives, `grad(create_graph=True)`)
    formulas    the same derivative as text: "1 - {out}^2" (see `Op.rule`)
    undefined   where the value does not exist (log: a <= 0): the engine refuses there

Nothing else in the project has its own copy of an op. The `Value` methods of one
input (`x.tanh()`, `x.log()`, ...) are made from the rows by engine.py; the CLI's
functions, nn's activations (`activation=True`), the PyTorch bridge (`torch=`) and
`autograd.Function`'s helpers (`exp`, `log`, ...) are read off the same rows.
Python's operators (+, *, /, **) are `Value`'s dunder methods: + and * make most of
a graph's nodes, so their forward is written out there (the rows' `forward` is the
same arithmetic, and tests/test_ops.py holds the two equal).

Adding an op is one row here and its test in tests/test_ops.py: see CONTRIBUTING.md.

Forward values follow IEEE arithmetic (log 0 = -inf, sqrt(-1) = nan, exp(1000) =
inf): that is what the functions below give for numbers, and what derivative graphs
use. A user's node is stricter: engine.py refuses a value that is undefined or that
overflows from finite inputs, naming the op, the number and the node.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from functools import lru_cache
from numbers import Real

PARENT_NAMES = "abcdefghijklmnopqrstuvwxyz"  # how rules name an op's inputs, in order
LEAKY_RELU_SLOPE = 0.01  # leaky_relu's default slope for a < 0, as PyTorch's


def number_in_formula(x: float, exact: bool = False) -> str:
    """A number inside a formula: 4 significant digits (every digit when `exact`), negatives in
    parentheses, never -0: 0.5, 0.7071, (-3.5)."""
    text = repr(float(x)) if exact else f"{x:.4g}"
    if text in ("-0", "-0.0"):
        text = text[1:]
    return f"({text})" if text.startswith("-") else text


# A negative number opening a function's argument or a parenthesis needs no parentheses of its
# own: sigmoid(-4.563), not sigmoid((-4.563)); (-1 + 2) too, but not (-1)^2, which is not -1^2.
_DOUBLED = re.compile(r"\(\((-[0-9.e+-]+|-inf|-nan)\)(?!\^|\*\*)")


def without_doubled_parentheses(text: str) -> str:
    return _DOUBLED.sub(r"(\1", text)


class Op:
    """One operation: its name, forward, local derivatives and their rule in words.

    `derivative(out, *parents)` returns d out / d parent for each parent. It is
    written with plain arithmetic, so it runs on floats and on Values.
    `formulas[i]` is the same derivative as text, with {a}, {b}, ... for the parents
    and {out} for the result: filled with symbols it is the rule in words
    ("d tanh(a)/da = 1 - tanh(a)^2"), filled with numbers a step of the chain rule.
    Without formulas, a step shows the local derivative's number.

    For the ops that are `Value` methods: `method` is the method's name; `undefined(x)`
    says where the value does not exist; `options`, for an op with settings
    (leaky_relu's slope), takes them and returns the op for them; `activation` marks
    nn's activations and `torch` names the torch.nn module of the same function.

    Ops compare by identity: two ops named `leaky_relu` with different slopes are
    two ops. `str(op)` is the name; a leaf's op is `LEAF`, named "", with no rules.
    """

    __slots__ = (
        "name", "expression", "formulas", "derivative", "forward", "undefined", "method", "options", "activation",
        "torch", "doc",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        expression: str,
        formulas: tuple[str, ...] | None,
        derivative: Callable[..., tuple],
        forward: Callable[..., float] | None = None,
        *,
        undefined: Callable[[float], bool] | None = None,
        method: str | None = None,
        options: Callable[..., Op] | None = None,
        activation: bool = False,
        torch: str | None = None,
        doc: str = "",
    ) -> None:
        self.name = name
        self.expression = expression
        self.formulas = formulas
        self.derivative = derivative
        self.forward = forward
        self.undefined = undefined
        self.method = method
        self.options = options
        self.activation = activation
        self.torch = torch
        self.doc = doc

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

    def formula(self, index: int, node, exact: bool = False) -> str:  # node: a Value
        """The local derivative for parent `index` of `node`, with the node's numbers in it (to 4
        significant digits, or every digit when `exact`)."""
        if self.formulas is None:
            return number_in_formula(node.locals[index], exact)
        numbers = {name: number_in_formula(parent.data, exact) for name, parent in zip(PARENT_NAMES, node.parents)}
        text = self.formulas[index].format(out=number_in_formula(node.data, exact), **numbers)
        return without_doubled_parentheses(text)

    def option_types(self) -> dict[str, type]:
        """The settings `options` takes, with their types: {'slope': float} for leaky_relu."""
        if self.options is None:
            return {}
        parameters = inspect.signature(self.options).parameters.values()
        return {p.name: type(p.default) for p in parameters}


LEAF = Op("", "", (), lambda out: ())  # the op of a node that was not made by one


class LinearOp(Op):
    """z = w.x + b over n weights, n inputs and a bias: 2n + 1 parents, three rules."""

    __slots__ = ()

    def rule(self, index: int, arity: int) -> str:
        n = (arity - 1) // 2
        kind = 0 if index < n else 1 if index < 2 * n else 2  # a weight, an input, or the bias
        return f"dz/d{('w_i', 'x_i', 'b')[kind]} = {self.formulas[kind]}"

    def formula(self, index: int, node, exact: bool = False) -> str:  # node: a Value
        return number_in_formula(node.locals[index], exact)  # the partner's value: x_i for w_i, w_i for x_i, 1 for b


# --- arithmetic on floats, with IEEE's answers where Python raises -----------------------------


def _is_number(x: object) -> bool:
    """A float or another real number (not a Value): the derivative formulas' two cases."""
    return x.__class__ is float or isinstance(x, Real)


def _number_of(x) -> float:
    """The number of a float or of a Value (its data): for a decision inside a derivative formula."""
    return x if _is_number(x) else x.data


def _odd(n: float) -> bool:
    return n % 2.0 == 1.0


def float_pow(x: float, n: float) -> float:
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


def _float_exp(x: float) -> float:
    """e^x for a float, inf where math.exp raises OverflowError."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def float_div(a: float, b: float) -> float:
    """a / b for floats, with IEEE's answers at b = 0 (+-inf, and nan for 0/0) where Python raises."""
    if b != 0.0:
        return a / b
    if a == 0.0 or a != a:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _divide(a, b):
    """a / b for Values or floats: a derivative formula's division."""
    if _is_number(a) and _is_number(b):
        return float_div(a, b)
    return a / b


def _reciprocal(x):
    """1/x for a Value or a float; +-inf for 0.0, as PyTorch's gradients give."""
    return _divide(1.0, x)


def _power(x, n: float):
    """x**n for a Value or a float, with float_pow's infinities for floats."""
    if _is_number(x):
        return float_pow(x, n)
    return x**n


def _step(a, positive: float, negative: float) -> float:
    """The derivative of a piecewise-linear op: `positive` for a > 0, `negative` for a <= 0, nan for nan.
    (PyTorch gives relu'(nan) = 1; a nan here stays nan, so it cannot vanish into a number.)"""
    return positive if a > 0 else negative if a <= 0 else math.nan


def _stable_sigmoid(x: float) -> float:
    """1/(1 + e^-x) for a float, without overflow: e^x/(1 + e^x) for negative x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # underflows to 0.0 for very negative x, which is right
    return e / (1.0 + e)


def _finite_only(fn: Callable[[float], float]) -> Callable[[float], float]:
    """fn where it is defined, nan at +-inf (math.sin raises there)."""
    return lambda x: fn(x) if math.isfinite(x) else math.nan


def function_of(op: Op) -> Callable:
    """The op as a function of a number (its forward, IEEE's inf and nan included) or of a Value
    (a node of the graph): what derivative formulas and `autograd.Function`s are written with."""
    forward, method = op.forward, op.method

    def function(x):  # a float, or a Value: the same function of either
        return forward(x) if _is_number(x) else getattr(x, method)()

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = f"{op.doc} A number gives a number; a Value gives a node of the graph."
    return function


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_GELU_TANH_K = 0.044715

# --- the table ------------------------------------------------------------------------------------
# Python's operators. Their dunder methods are in Value (engine.py); + and * with their
# forward written out, for speed.

ADD = Op("+", "a+b", ("1", "1"), lambda out, a, b: (1.0, 1.0), lambda a, b: a + b)
MUL = Op("*", "a*b", ("{b}", "{a}"), lambda out, a, b: (b, a), lambda a, b: a * b)
# -a/b^2 = -out/b, which reuses the quotient
DIV = Op("/", "a/b", ("1/{b}", "-{a}/{b}^2"), lambda out, a, b: (_divide(1.0, b), -_divide(out, b)), float_div)


def _pow_value_derivative(out, a, b):
    # d/db a^b = a^b * log(a): 0 at a = 0 (PyTorch's convention), nan for a < 0 (no real log),
    # and in a derivative graph a node that depends on a and b, so its own derivatives are nan too.
    by_base = b * _power(a, b - 1.0) if _number_of(b) != 0 else 0.0
    by_exponent = 0.0 if _number_of(a) == 0 else out * log(a)
    return (by_base, by_exponent)


POW = Op("**", "a**b", ("{b}*{a}**({b}-1)", "{out}*log({a})"), _pow_value_derivative, float_pow)


# One Op per exponent (per slope), shared by the nodes that use it. The caches are
# bounded: a loop over a million exponents keeps at most 256 Ops, plus those that
# nodes still hold.
@lru_cache(maxsize=256)
def pow_op(n: float) -> Op:
    """The op `a**n` for a fixed number n (a Value exponent is POW, with two parents)."""
    shown = f"{n:g}"
    return Op(
        f"**{shown}",
        f"a**{shown}",
        (f"{shown}*{{a}}**({shown}-1)",),
        lambda out, a: (n * _power(a, n - 1.0) if n != 0 else 0.0,),
        lambda a: float_pow(a, n),
    )


# The ops of one input: each is a method of Value, named `method`.

EXP = Op(
    "exp", "exp(a)", ("{out}",), lambda out, a: (out,), _float_exp,
    method="exp", doc="e^a.",
)  # fmt: skip
exp = function_of(EXP)

LOG = Op(
    "log", "log(a)", ("1/{a}",), lambda out, a: (_reciprocal(a),), _float_log,
    undefined=lambda a: a <= 0, method="log", doc="Natural logarithm, defined for a > 0.",
)  # fmt: skip
log = function_of(LOG)

SQRT = Op(
    "sqrt", "sqrt(a)", ("1/(2*{out})",), lambda out, a: (0.5 * _reciprocal(out),),
    lambda a: math.sqrt(a) if a >= 0 else math.nan,
    undefined=lambda a: a < 0, method="sqrt", doc="Square root, defined for a >= 0.",
)  # fmt: skip
sqrt = function_of(SQRT)

SIGMOID = Op(
    "sigmoid", "sigmoid(a)", ("{out}*(1 - {out})",), lambda out, a: (out * (1.0 - out),), _stable_sigmoid,
    method="sigmoid", activation=True, torch="Sigmoid", doc="1/(1 + e^-a), computed without overflow for any a.",
)  # fmt: skip
sigmoid = function_of(SIGMOID)

TANH = Op(
    "tanh", "tanh(a)", ("1 - {out}^2",), lambda out, a: (1.0 - out * out,), math.tanh,
    method="tanh", activation=True, torch="Tanh",
    doc="tanh(a) = (e^a - e^-a)/(e^a + e^-a); saturates to +-1, never overflows.",
)  # fmt: skip
tanh = function_of(TANH)

# relu's derivative is _step(a, 1.0, 0.0) written out: it is the hot op of every ReLU network.
RELU = Op(
    "relu", "relu(a)", ("1 if {a} > 0 else 0",), lambda out, a: (1.0 if a > 0 else 0.0 if a <= 0 else math.nan,),
    lambda a: 0.0 if a < 0 else a,  # so relu(-0.0) is -0.0, as PyTorch's (clamp_min keeps it)
    method="relu", activation=True, torch="ReLU",
    doc="max(0, a); derivative 1 for a > 0, else 0 (PyTorch's choice at 0); nan stays nan.",
)  # fmt: skip


@lru_cache(maxsize=256)
def _leaky_relu_op(slope: float) -> Op:
    """The op `leaky_relu(a)` for a fixed negative slope."""
    return Op(
        "leaky_relu", "leaky_relu(a)", (f"1 if {{a}} > 0 else {slope:g}",), lambda out, a: (_step(a, 1.0, slope),),
        lambda a: slope * a if a <= 0 else a,
        method="leaky_relu", options=_leaky_relu_options, activation=True, torch="LeakyReLU",
        doc="a for a > 0, slope*a otherwise; nan stays nan.",
    )  # fmt: skip


def _leaky_relu_options(slope: float = LEAKY_RELU_SLOPE) -> Op:
    """leaky_relu's op for a slope."""
    if isinstance(slope, bool) or not isinstance(slope, Real):
        hint = " (a Value slope would need its own gradient; pass float(slope))" if hasattr(slope, "grad") else ""
        raise TypeError(f"leaky_relu slope must be a number, got {type(slope).__name__} {slope!r}{hint}")
    return _leaky_relu_op(float(slope))


LEAKY_RELU = _leaky_relu_op(LEAKY_RELU_SLOPE)


def _gelu_options(approximate: str = "none") -> Op:
    """gelu's op: the exact a*Phi(a) ("none"), or PyTorch's tanh approximation ("tanh")."""
    if approximate == "none":
        return GELU
    if approximate == "tanh":
        return GELU_TANH
    raise ValueError(f"gelu approximate must be 'none' or 'tanh', got {approximate!r}")


GELU = Op(
    "gelu", "gelu(a)",
    ("Phi({a}) + {a}*phi({a})",),  # Phi is the standard normal CDF, phi its density
    lambda out, a: (0.5 * (1.0 + erf(a * (1.0 / _SQRT_2))) + a * _INV_SQRT_2PI * exp(-0.5 * (a * a)),),
    lambda a: 0.5 * a * (1.0 + math.erf(a / _SQRT_2)),
    method="gelu", options=_gelu_options, activation=True, torch="GELU",
    doc="a*Phi(a) (approximate='none'), or PyTorch's tanh approximation ('tanh').",
)  # fmt: skip


def _gelu_tanh_derivative(out, a):
    t = tanh(_SQRT_2_OVER_PI * (a + _GELU_TANH_K * (a * a * a)))
    dinner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_K * (a * a))
    return (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * dinner,)


GELU_TANH = Op(
    "gelu_tanh", "gelu_tanh(a)",
    ("(1 + t)/2 + {a}*(1 - t^2)*u'/2 with t = tanh(u), u = sqrt(2/pi)*({a} + 0.044715*{a}^3)",),
    _gelu_tanh_derivative,
    lambda a: 0.5 * a * (1.0 + math.tanh(_SQRT_2_OVER_PI * (a + _GELU_TANH_K * a * a * a))),
    method="gelu", options=_gelu_options,
    doc="PyTorch's tanh approximation of gelu: x.gelu(approximate='tanh').",
)  # fmt: skip

SOFTPLUS = Op(
    "softplus", "softplus(a)", ("sigmoid({a})",), lambda out, a: (sigmoid(a),),
    lambda a: a + math.log1p(math.exp(-a)) if a > 0 else math.log1p(math.exp(a)),
    method="softplus", activation=True, torch="Softplus",
    doc="log(1 + e^a), without overflow: a + log(1 + e^-a) for positive a.",
)  # fmt: skip

ERF = Op(
    "erf", "erf(a)", ("2/sqrt(pi)*exp(-{a}^2)",), lambda out, a: (_TWO_OVER_SQRT_PI * exp(-(a * a)),), math.erf,
    method="erf", doc="The error function (2/sqrt(pi)) * integral_0^a e^(-t^2) dt.",
)  # fmt: skip
erf = function_of(ERF)

HEAVISIDE = Op(
    "heaviside", "heaviside(a)", ("0",), lambda out, a: (_step(a, 0.0, 0.0),), lambda a: _step(a, 1.0, 0.0),
    method="heaviside", activation=True,
    doc="1 if a > 0 else 0; its derivative is 0 everywhere it exists; nan stays nan.",
)  # fmt: skip

SIGN = Op(
    "sign", "sign(a)", ("0",), lambda out, a: (_step(a, 0.0, 0.0),),
    lambda a: 1.0 if a >= 0 else -1.0 if a < 0 else math.nan,
    method="sign", activation=True, doc="The perceptron's step: 1 if a >= 0 else -1; derivative 0; nan stays nan.",
)  # fmt: skip

SIN = Op(
    "sin", "sin(a)", ("cos({a})",), lambda out, a: (cos(a),), _finite_only(math.sin),
    undefined=math.isinf, method="sin", activation=True, doc="sin(a), for finite a.",
)  # fmt: skip
sin = function_of(SIN)

COS = Op(
    "cos", "cos(a)", ("-sin({a})",), lambda out, a: (-sin(a),), _finite_only(math.cos),
    undefined=math.isinf, method="cos", doc="cos(a), for finite a.",
)  # fmt: skip
cos = function_of(COS)

ABS = Op(
    "abs", "|a|", ("sign({a}), 0 at 0",), lambda out, a: (-1.0 if a < 0 else _step(a, 1.0, 0.0),), abs,
    method="__abs__", doc="|a|; derivative sign(a), and 0 at 0.",
)  # fmt: skip

# The ops of one input, in the order the CLI lists its functions and nn its activations.
UNARY_OPS: tuple[Op, ...] = (EXP, LOG, SQRT, SIGMOID, TANH, RELU, LEAKY_RELU, GELU, SOFTPLUS, ERF, HEAVISIDE, SIGN,
                             SIN, COS, ABS)  # fmt: skip
# Every row: the operators, then the ops of one input (and gelu's tanh form, a setting of gelu).
TABLE: tuple[Op, ...] = (ADD, MUL, DIV, POW, *UNARY_OPS, GELU_TANH)

LINEAR = LinearOp(
    "linear",
    "w.x+b",
    ("x_i", "w_i", "1"),
    # parents are (w_1..w_n, x_1..x_n, b): each weight's derivative is its input and back
    lambda out, *p: (*p[len(p) // 2 : -1], *p[: len(p) // 2], 1.0),
)


def unary_name(op: Op) -> str:
    """The name users call an op of one input by: its method's, and `abs` for __abs__."""
    return op.method.strip("_")
