"""Write your own differentiable op, as minitorch teaches: its forward value and its local derivatives.

    from autograd import Function, sigmoid

    class Swish(Function):
        \"\"\"swish(x) = x * sigmoid(x)\"\"\"

        def forward(x):
            return x * sigmoid(x)

        def derivative(out, x):                 # d swish / dx, one entry per input
            s = sigmoid(x)
            return (s + x * s * (1 - s),)

        rules = ("sigmoid({a}) + {a}*sigmoid({a})*(1 - sigmoid({a}))",)

    y = Swish.apply(x)                          # one node, like x.tanh()
    autograd.gradcheck(lambda v: Swish.apply(v[0]), [0.5])   # is the derivative right?

`forward` takes the inputs' numbers and returns a number. `derivative(out, *inputs)`
returns d out / d input for each input; write it with plain arithmetic and the
functions below (`exp`, `log`, `sigmoid`, `tanh`, `sin`, `cos`, `erf`, `sqrt`), which
take numbers or Values: the engine calls it on numbers when the node is made, and on
Values to build the graph of a derivative, so second derivatives (`grad` with
`create_graph=True`, `hessian`) work as for the built-in ops. `rules` (optional) is
the derivative as text, one per input, with {a}, {b}, ... for the inputs and {out}
for the result: `backward_steps()` fills it with the node's numbers.

The built-in ops are made of the same piece: each is an `Op` (name, forward, derivative,
rule text), a row of autograd/ops.py's table, and `apply` turns a Function into one
`Op`. The built-ins build their nodes directly, without `apply`'s checks, for speed.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

from autograd.engine import Value, as_value, make_node
from autograd.ops import PARENT_NAMES, Op, cos, erf, exp, log, sigmoid, sin, sqrt, tanh

__all__ = ["Function", "cos", "erf", "exp", "log", "sigmoid", "sin", "sqrt", "tanh"]


class Function:
    """Subclass it with `forward(*inputs) -> float` and `derivative(out, *inputs) -> tuple`
    (functions of the inputs, no `self`), and optionally `rules` and `name`; then
    `MyOp.apply(*inputs)` makes one node of the graph."""

    name: str | None = None  # shown in graphs and steps; the class name in lower case by default
    rules: tuple[str, ...] | None = None  # the derivative for each input, as text

    forward: Callable[..., float]
    derivative: Callable[..., tuple]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for method in ("forward", "derivative"):
            if isinstance(cls.__dict__.get(method), (staticmethod, classmethod)):
                continue
            if method in cls.__dict__ and callable(cls.__dict__[method]):
                setattr(cls, method, staticmethod(cls.__dict__[method]))  # a plain function of the inputs
        cls._ops: dict[int, Op] = {}

    @classmethod
    def op(cls, arity: int) -> Op:
        """The Op of this Function for `arity` inputs, made once: the same kind of object as the rows of ops.py.
        Its rules are checked now (each filled with symbols), not when a step first prints one."""
        if arity not in cls._ops:
            name = cls.name or cls.__name__.lower()
            rules = cls.rules
            if rules is not None:
                if isinstance(rules, str):
                    rules = (rules,)
                if len(rules) != arity:
                    raise ValueError(f"{cls.__name__}.rules has {len(rules)} entries for {arity} inputs: one per input")
                for i, rule in enumerate(rules):
                    _check_rule(cls.__name__, i, rule, arity)
            expression = f"{name}({', '.join(PARENT_NAMES[:arity])})"
            cls._ops[arity] = Op(name, expression, rules, _checked_derivative(cls, arity), cls.forward)
        return cls._ops[arity]

    @classmethod
    def apply(cls, *inputs: Value | float) -> Value:
        """One node: forward on the inputs' numbers, with d out / d input from `derivative`."""
        who = cls.__name__
        if cls is Function or "forward" not in dir(cls) or "derivative" not in dir(cls):
            raise TypeError(f"{who} must define forward(*inputs) and derivative(out, *inputs)")
        if not inputs:
            raise ValueError(f"{who}.apply() needs at least one input")
        if len(inputs) > len(PARENT_NAMES):
            raise ValueError(f"{who}.apply() takes at most {len(PARENT_NAMES)} inputs, got {len(inputs)}")
        values = []
        for i, x in enumerate(inputs):
            value = as_value(x)
            if value is NotImplemented:
                raise TypeError(f"{who}.apply() inputs must be numbers or Values, got {type(x).__name__} at {i}")
            values.append(value)
        op = cls.op(len(values))
        data = cls.forward(*(v.data for v in values))
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"{who}.forward must return a number, got {type(data).__name__} {data!r}")
        try:
            data = float(data)  # a numpy scalar, a Fraction or an int become the float the graph holds
        except OverflowError:
            shown = f"an int of {len(str(abs(data)))} digits" if isinstance(data, int) else repr(data)[:40]
            raise OverflowError(f"{who}.forward gave a number too large for a float: {shown}") from None
        return make_node(op, data, *values)  # which calls op.derivative, the checked one below


def _check_rule(who: str, index: int, rule: object, arity: int) -> None:
    """A rule must fill in with the inputs' names ({a}, {b}, ...) and {out}, as the steps will fill it."""
    if not isinstance(rule, str):
        raise TypeError(f"{who}.rules[{index}] must be a str, got {type(rule).__name__} {rule!r}")
    try:
        rule.format(out="out", **{n: n for n in PARENT_NAMES[:arity]})
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        names = ", ".join("{" + n + "}" for n in PARENT_NAMES[:arity])
        raise ValueError(
            f"{who}.rules[{index}] {rule!r} cannot be filled in ({type(error).__name__}: {error}): write the inputs as "
            f"{names} and the result as {{out}}; a brace of the text itself is {{{{ or }}}}"
        ) from None


def _checked_derivative(cls: type, arity: int) -> Callable[..., tuple]:
    """cls.derivative, checked each time the engine calls it: on numbers (when a node is made) it must
    give `arity` numbers, which become floats (a numpy float32 would make every grad float32); on
    Values (for second derivatives) `arity` Values or numbers."""
    who, derivative = cls.__name__, cls.derivative

    def checked(out, *inputs) -> tuple:
        locals_ = derivative(out, *inputs)
        if not isinstance(locals_, (tuple, list)) or len(locals_) != arity:
            raise TypeError(
                f"{who}.derivative must return a tuple of {arity} number(s), one per input, got {locals_!r}"
            )
        on_values = isinstance(out, Value)
        checked_locals = []
        for i, local in enumerate(locals_):
            if isinstance(local, Value) and on_values:
                checked_locals.append(local)
            elif isinstance(local, bool) or not isinstance(local, Real):
                wanted = "Values or numbers (on Values, for second derivatives)" if on_values else "numbers"
                raise TypeError(f"{who}.derivative must return {wanted}, got {type(local).__name__} for input {i}")
            else:
                checked_locals.append(float(local))
        return tuple(checked_locals)

    return checked
