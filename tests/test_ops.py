"""Every op: value, gradient and second derivative against PyTorch (float64), and
gradients against central differences.

Each case differentiates L = op(u) * u with u = x + x: the node x is reused (a
diamond) and the upstream gradient reaching op is u, not 1.
"""

import math

import pytest

from autograd import Value, grad, gradcheck, hessian, linear, topological_order
from tests.graphs import FORMULA_NAMES

torch = pytest.importorskip("torch")
F = torch.nn.functional

POINTS = [-2.5, -0.7, -0.1, 0.3, 1.2, 3.0]
POSITIVE = [0.05, 0.3, 1.2, 3.0]

# name: (ours on a Value, PyTorch on a tensor, points); the points stay off kinks.
UNARY = {
    "exp": (lambda v: v.exp(), torch.exp, POINTS),
    "log": (lambda v: v.log(), torch.log, POSITIVE),
    "sqrt": (lambda v: v.sqrt(), torch.sqrt, POSITIVE),
    "tanh": (lambda v: v.tanh(), torch.tanh, POINTS),
    "sigmoid": (lambda v: v.sigmoid(), torch.sigmoid, POINTS),
    "relu": (lambda v: v.relu(), torch.relu, POINTS),
    "leaky_relu": (lambda v: v.leaky_relu(), F.leaky_relu, POINTS),
    "leaky_relu(0.2)": (lambda v: v.leaky_relu(0.2), lambda t: F.leaky_relu(t, 0.2), POINTS),
    "gelu": (lambda v: v.gelu(), F.gelu, POINTS),
    "gelu_tanh": (lambda v: v.gelu(approximate="tanh"), lambda t: F.gelu(t, approximate="tanh"), POINTS),
    "erf": (lambda v: v.erf(), torch.erf, POINTS),
    "softplus": (lambda v: v.softplus(), F.softplus, POINTS + [-40.0, 40.0]),
    "sin": (lambda v: v.sin(), torch.sin, POINTS),
    "cos": (lambda v: v.cos(), torch.cos, POINTS),
    "abs": (lambda v: abs(v), torch.abs, POINTS),
    "neg": (lambda v: -v, torch.neg, POINTS),
    "square": (lambda v: v**2, lambda t: t**2, POINTS),
    "cube": (lambda v: v**3, lambda t: t**3, POINTS),
    "power -2": (lambda v: v**-2, lambda t: t**-2, POINTS),
    "power 0.5": (lambda v: v**0.5, lambda t: t**0.5, POSITIVE),
    "power 0": (lambda v: v**0, lambda t: t**0, POINTS),
    "reciprocal": (lambda v: 1 / v, lambda t: 1 / t, POINTS),
    "number - v": (lambda v: 2.5 - v, lambda t: 2.5 - t, POINTS),
    "v - number": (lambda v: v - 2.5, lambda t: t - 2.5, POINTS),
    "v / number": (lambda v: v / 4.0, lambda t: t / 4.0, POINTS),
    "number ** v": (lambda v: 1.7**v, lambda t: 1.7**t, POINTS),
    "number * v + number": (lambda v: 3 * v + 1, lambda t: 3 * t + 1, POINTS),
}

# Binary ops: (ours, PyTorch, pairs of points).
PAIRS = [(-2.5, 0.7), (-0.1, 3.0), (0.3, -1.2), (1.2, 0.4)]
POSITIVE_BASES = [(0.3, -1.2), (1.2, 0.4), (2.5, 2.0), (0.7, -0.5)]
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, PAIRS),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, PAIRS),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, PAIRS),
    "div": (lambda a, b: a / b, lambda a, b: a / b, PAIRS),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, POSITIVE_BASES),
}


def torch_leaf(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def close(a, b, tol=1e-10):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def unary_cases():
    return [pytest.param(name, x, id=f"{name}@{x}") for name, (_, _, points) in UNARY.items() for x in points]


def binary_cases():
    return [pytest.param(name, a, b, id=f"{name}@{a},{b}") for name, (_, _, pairs) in BINARY.items() for a, b in pairs]


@pytest.mark.parametrize("name, x", unary_cases())
def test_unary_op_matches_pytorch_value_gradient_and_second_derivative(name, x):
    ours, theirs, _ = UNARY[name]
    v = Value(x)
    u = v + v
    y = ours(u)
    loss = y * u
    loss.backward()
    (second,) = grad(grad(ours(v + v) * (v + v), [v], create_graph=True)[0], [v])

    t = torch_leaf(x)
    tu = t + t
    ty = theirs(tu)
    (tgrad,) = torch.autograd.grad(ty * tu, [t], create_graph=True)
    (tsecond,) = torch.autograd.grad(tgrad, [t])

    assert close(y.data, ty.item())
    assert close(v.grad, tgrad.item())
    assert close(second, tsecond.item())


@pytest.mark.parametrize("name, a, b", binary_cases())
def test_binary_op_matches_pytorch_value_gradient_and_second_derivative(name, a, b):
    ours, theirs, _ = BINARY[name]
    va, vb = Value(a), Value(b)
    y = ours(va, vb)
    loss = y * va  # va reused; the upstream of op is va, not 1
    loss.backward()
    first = grad(ours(va, vb) * va, [va, vb], create_graph=True)
    hessian_rows = [grad(g, [va, vb]) for g in first]

    ta, tb = torch_leaf(a), torch_leaf(b)
    ty = theirs(ta, tb)
    tfirst = torch.autograd.grad(ty * ta, [ta, tb], create_graph=True)
    thessian = [
        [
            d.item()
            for d in torch.autograd.grad(g, [ta, tb], retain_graph=True, allow_unused=True, materialize_grads=True)
        ]
        for g in tfirst
    ]

    assert close(y.data, ty.item())
    assert close(va.grad, tfirst[0].item())
    assert close(vb.grad, tfirst[1].item())
    for row, trow in zip(hessian_rows, thessian):
        assert all(close(h, th) for h, th in zip(row, trow)), (hessian_rows, thessian)


@pytest.mark.parametrize("name, x", unary_cases())
def test_unary_op_gradient_matches_central_differences(name, x):
    ours = UNARY[name][0]
    assert gradcheck(lambda v: ours(v[0] + v[0]) * v[0], [x], eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name, a, b", binary_cases())
def test_binary_op_gradient_matches_central_differences(name, a, b):
    ours = BINARY[name][0]
    assert gradcheck(lambda v: ours(v[0], v[1]) * v[0], [a, b], eps=1e-6, atol=1e-6, rtol=1e-5)


def test_every_row_of_the_op_table_is_tested_here():
    """Adding an op is one row in autograd/ops.py and its line in UNARY (or BINARY) above."""
    from autograd.ops import TABLE, UNARY_OPS, unary_name

    tested_apart = {"heaviside", "sign"}  # their derivative is 0 and PyTorch has none: tested below
    assert {unary_name(op) for op in UNARY_OPS} - tested_apart <= set(UNARY)
    assert {op.name for op in TABLE} - {unary_name(op) for op in UNARY_OPS} == {"+", "*", "/", "**", "gelu_tanh"}


@pytest.mark.parametrize("a, b", PAIRS + [(0.0, 0.0), (1e308, 10.0), (math.inf, 1.0), (math.nan, 2.0)])
def test_the_operators_forward_is_their_rows(a, b):
    """+ and * (and /) write their forward out in Value, for speed: the same numbers as their rows'."""
    from autograd.engine import no_grad
    from autograd.ops import ADD, DIV, MUL

    with no_grad():  # the arithmetic alone: no overflow refused, no derivative
        for op, operator in ((ADD, Value.__add__), (MUL, Value.__mul__)):
            try:
                ours = operator(Value(a), Value(b)).data
            except OverflowError:
                assert math.isinf(op.forward(a, b))
                continue
            assert ours == op.forward(a, b) or (math.isnan(ours) and math.isnan(op.forward(a, b)))
        if b != 0:
            assert (Value(a) / Value(b)).data == DIV.forward(a, b) or math.isnan(DIV.forward(a, b))


def test_heaviside_and_sign_values_and_zero_derivative():
    # PyTorch's sign is 0 at 0; the perceptron's step is 1 there, so 0 is checked by hand.
    for x in [-2.0, -0.5, 0.5, 2.0]:
        t = torch.tensor(x, dtype=torch.float64)
        assert Value(x).heaviside().data == torch.heaviside(t, torch.tensor(0.0, dtype=torch.float64)).item()
        assert Value(x).sign().data == torch.sign(t).item()
    assert Value(0.0).heaviside().data == 0.0
    assert Value(0.0).sign().data == 1.0
    for x in [-1.0, 0.0, 1.0]:
        for op in (Value.heaviside, Value.sign):
            v = Value(x)
            op(v * 2).backward()
            assert v.grad == 0.0


@pytest.mark.parametrize("x", [0.0])
def test_kinks_take_pytorch_conventions(x):
    """At 0: relu' = 0, leaky_relu' = slope, |x|' = 0, sqrt' = inf, as PyTorch."""
    for ours, theirs in [
        (Value.relu, torch.relu),
        (Value.leaky_relu, F.leaky_relu),
        (abs, torch.abs),
        (Value.sqrt, torch.sqrt),
    ]:
        v = Value(x)
        ours(v).backward()
        t = torch_leaf(x)
        theirs(t).backward()
        assert v.grad == t.grad.item()


@pytest.mark.parametrize("x", [-1000.0, -50.0, 50.0, 1000.0])
def test_sigmoid_and_tanh_saturate_without_overflow(x):
    t = torch.tensor(x, dtype=torch.float64)
    assert math.isclose(Value(x).sigmoid().data, torch.sigmoid(t).item(), rel_tol=1e-12)
    assert Value(x).tanh().data == torch.tanh(t).item()
    assert Value(-1000.0).sigmoid().data == 0.0
    v = Value(x)
    v.sigmoid().backward()
    assert v.grad == 0.0 or abs(v.grad) < 1e-20


def test_float_and_number_operands_on_either_side():
    v = Value(3.0)
    assert (2 + v).data == 5.0 and (v + 2).data == 5.0
    assert (2 - v).data == -1.0 and (v - 2).data == 1.0
    assert (2 * v).data == 6.0 and (v * 2).data == 6.0
    assert (6 / v).data == 2.0 and (v / 2).data == 1.5
    assert (2**v).data == 8.0 and (v**2).data == 9.0
    assert (v ** Value(2.0)).data == 9.0
    assert float(v) == 3.0
    assert abs(Value(-2.0)).data == 2.0


def test_linear_is_one_node_with_the_chains_value_and_gradients():
    w = [Value(0.3), Value(-1.2), Value(0.7)]
    x = [Value(2.0), Value(0.5), Value(-1.5)]
    b = Value(0.1)
    z = linear(w, x, b)
    assert str(z.op) == "linear" and z.parents == (*w, *x, b)
    assert z.locals == (2.0, 0.5, -1.5, 0.3, -1.2, 0.7, 1.0)
    assert [z.op.rule(i, 7) for i in (0, 2, 3, 5, 6)] == [
        "dz/dw_i = x_i", "dz/dw_i = x_i", "dz/dx_i = w_i", "dz/dx_i = w_i", "dz/db = 1"
    ]  # fmt: skip
    (z.tanh() * z).backward()
    chain = sum((wi * xi for wi, xi in zip(w, x)), b)  # micrograd's elementary nodes
    assert chain.data == z.data  # same order of additions: the same bits
    grads = [v.grad for v in (*w, *x, b)]
    for v in (*w, *x, b):
        v.grad = 0.0
    (chain.tanh() * chain).backward()
    assert [v.grad for v in (*w, *x, b)] == grads


def test_linear_matches_pytorch_gradients_and_hessian():
    point = [0.3, -1.2, 2.0, 0.5, 0.1]  # w1, w2, x1, x2, b

    def f(v):
        return linear(v[:2], v[2:4], v[4]).sigmoid() * v[2]

    def torch_f(t):
        return torch.sigmoid(t[0] * t[2] + t[1] * t[3] + t[4]) * t[2]

    t = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    (tgrad,) = torch.autograd.grad(torch_f(t), [t])
    leaves = [Value(p) for p in point]
    assert all(close(g, tg.item()) for g, tg in zip(grad(f(leaves), leaves), tgrad))
    theirs = torch.autograd.functional.hessian(torch_f, t.detach())
    for row, trow in zip(hessian(f, point), theirs):
        assert all(close(h, th.item()) for h, th in zip(row, trow))


def test_linear_takes_numbers_as_inputs_and_rejects_mismatched_lengths():
    z = linear([Value(2.0)], [3.0], Value(1.0))
    assert z.data == 7.0 and z.parents[1].data == 3.0
    with pytest.raises(ValueError, match="2 weights, got 1 inputs"):
        linear([Value(1.0), Value(2.0)], [1.0], Value(0.0))
    with pytest.raises(TypeError, match="must be numbers or Values, got str"):
        linear([Value(1.0)], ["a"], Value(0.0))


def test_each_rule_text_evaluates_to_its_local_derivative():
    """The text a step prints (`(1 - 0.4621^2)`) is the number backward used, wherever it is plain
    arithmetic: one formula per op, written once, cannot drift from the derivative it describes."""
    import nn

    a, b = Value(0.5, label="a"), Value(1.25, label="b")  # 4 decimals show them exactly
    nodes = [op(a) for op, _, _ in UNARY.values()] + [op(a, b) for op, _, _ in BINARY.values()]
    nodes += [linear([a, b], [b, a], a), nn.bce_loss(Value(0.25), 0.75)]
    names = FORMULA_NAMES
    not_arithmetic, checked = set(), 0
    for node in {n for root in nodes for n in topological_order(root) if n.parents}:
        for i, local in enumerate(node.locals):
            text = node.op.formula(i, node).replace("^", "**")
            try:
                value = eval(text, {"__builtins__": {}}, names)  # noqa: S307 - our own formula text
            except SyntaxError:
                not_arithmetic.add(str(node.op))
                continue
            assert math.isclose(value, local, rel_tol=2e-3, abs_tol=2e-4), (str(node.op), text, local)
            checked += 1
    assert not_arithmetic == {"abs", "gelu_tanh"}  # "sign(a), 0 at 0" and "... with t = tanh(u)" are prose
    assert checked > 40
