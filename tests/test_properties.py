"""Property tests: random expression graphs, built from the whole op set with
nodes reused (diamonds), have PyTorch's gradients and second derivatives."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, linear, topological_order

torch = pytest.importorskip("torch")
F = torch.nn.functional

# Each op as a pair (ours, PyTorch), composed so that any real input stays in its
# domain and nothing overflows: log and sqrt see 1 + a^2, exp sees tanh(a).
UNARY = [
    (lambda a: a.tanh(), torch.tanh),
    (lambda a: a.sigmoid(), torch.sigmoid),
    (lambda a: a.sin(), torch.sin),
    (lambda a: a.cos(), torch.cos),
    (lambda a: a.gelu(), F.gelu),
    (lambda a: a.gelu(approximate="tanh"), lambda t: F.gelu(t, approximate="tanh")),
    (lambda a: a.erf(), torch.erf),
    (lambda a: a.softplus(), F.softplus),
    (lambda a: a.tanh().exp(), lambda t: t.tanh().exp()),
    (lambda a: (a * a + 1).log(), lambda t: (t * t + 1).log()),
    (lambda a: (a * a + 1).sqrt(), lambda t: (t * t + 1).sqrt()),
    (lambda a: a**2, lambda t: t**2),
    (lambda a: -a, lambda t: -t),
    (lambda a: 0.5 * a - 1, lambda t: 0.5 * t - 1),
]
# Kinked ops: first derivatives only (a second derivative at a kink is a convention).
KINKED = [
    (lambda a: a.relu(), torch.relu),
    (lambda a: a.leaky_relu(0.1), lambda t: F.leaky_relu(t, 0.1)),
    (lambda a: abs(a), torch.abs),
]
BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    (lambda a, b: (a * a + 1) ** b.tanh(), lambda a, b: (a * a + 1) ** b.tanh()),
    (lambda a, b: linear([a, b], [b, a], a), lambda a, b: a * b + b * a + a),
]

floats = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@st.composite
def programs(draw, unary_ops):
    """A random straight-line program over 3 inputs: a list of (op kind, op index, operand indices)."""
    steps = []
    for k in range(draw(st.integers(1, 10))):
        available = 3 + k  # inputs and the results so far; any can be reused
        if draw(st.booleans()):
            steps.append(("unary", draw(st.integers(0, len(unary_ops) - 1)), (draw(st.integers(0, available - 1)),)))
        else:
            operands = (draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1)))
            steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)), operands))
    return steps


def run(program, inputs, unary_ops, side):
    """Evaluate the program with ours (side 0) or PyTorch (side 1); the output sums the last three nodes."""
    nodes = list(inputs)
    for kind, index, operands in program:
        fn = (unary_ops if kind == "unary" else BINARY)[index][side]
        nodes.append(fn(*(nodes[i] for i in operands)))
    out = nodes[-1]
    for node in nodes[-3:-1]:
        out = out + node * 0.5
    return out


def torch_inputs(xs):
    return [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-10)


@settings(max_examples=150, deadline=None)
@given(programs(UNARY + KINKED), st.lists(floats, min_size=3, max_size=3))
def test_random_graphs_have_pytorchs_gradients(program, xs):
    ops = UNARY + KINKED
    ours = [Value(x) for x in xs]
    out = run(program, ours, ops, 0)
    out.backward()
    theirs = torch_inputs(xs)
    tout = run(program, theirs, ops, 1)
    tgrads = torch.autograd.grad(tout, theirs, allow_unused=True, materialize_grads=True)
    assert close(out.data, tout.item())
    for v, t in zip(ours, tgrads):
        assert close(v.grad, t.item()), (v.grad, t.item())


@settings(max_examples=75, deadline=None)
@given(programs(UNARY), st.lists(floats, min_size=3, max_size=3))
def test_random_graphs_have_pytorchs_second_derivatives(program, xs):
    ours = [Value(x) for x in xs]
    first = grad(run(program, ours, UNARY, 0), ours, create_graph=True)
    hessian = [grad(g, ours) for g in first]
    theirs = torch_inputs(xs)
    tfirst = torch.autograd.grad(
        run(program, theirs, UNARY, 1), theirs, create_graph=True, allow_unused=True, materialize_grads=True
    )
    for g, row, tg in zip(first, hessian, tfirst):
        assert close(float(g), tg.item())
        if not tg.requires_grad:  # PyTorch's gradient is a constant: its derivatives are 0
            assert all(h == 0.0 for h in row)
            continue
        trow = torch.autograd.grad(tg, theirs, retain_graph=True, allow_unused=True, materialize_grads=True)
        for h, th in zip(row, trow):
            assert close(h, th.item()), (h, th.item())


# --- differential fuzz at the singular points: inputs that reach 0 and the kinks ---
#
# Every op, including those undefined or kinked at 0, on inputs drawn from the kinks
# themselves (0, +-1) as well as anywhere, so that intermediate nodes hit 0 exactly (x - x,
# 1 + (-1)). Values, first derivatives (backward), and second derivatives (grad with
# create_graph, then grad) must equal PyTorch float64's, nan for nan and inf for inf, except
# where this engine differs on purpose. The conventions, as in the README:
#   1. sign(0) = 1: `sign` is the perceptron's step (1 for x >= 0, else -1); torch.sign(0) = 0.
#      It is compared with torch.where(x >= 0, 1, -1), derivative 0 on both sides.
#   2. heaviside has derivative 0 (PyTorch does not implement one); compared with (x > 0) + 0*x.
#   3. Where a value is undefined or overflows from finite operands (log(0), sqrt(-1), 0**-1,
#      x/0, (-8)**0.5, exp(1000)), this engine raises; PyTorch gives nan or inf. The test checks
#      that PyTorch's value is then non-finite, and the other way round: whenever PyTorch's value
#      is non-finite, this engine raised. Derivatives may be +-inf or nan, as PyTorch's are.
#   4. a**b with a Value exponent where PyTorch masks its formula (a = 0 or b = 0): the first
#      derivatives follow PyTorch's conventions (d/db = 0 at a = 0, d/da = 0 at b = 0), and their
#      own derivatives are those of the formulas this engine states; PyTorch's double backward
#      through its masks differs there, and is not even symmetric ((-1)**x0 at x0 = 0 gives
#      d2/dx0 dx1 = -1 but d2/dx1 dx0 = nan). Second derivatives of such graphs are not compared.
#   5. 0 * inf and 0 * nan are nan, also in the chain rule: a gradient that is nan or infinite,
#      times a local derivative of 0, gives nan, and nan never becomes a number on its way down.
#      PyTorch's relu, leaky_relu and pow backward select 0 there (a mask, not a product). So in
#      a graph whose gradients or local derivatives are somewhere nan or infinite (sqrt'(0),
#      d(a**b)/db = a**b log a for a < 0), a gradient may be nan here and a number in PyTorch.
#   6. Signed zero: x**0.5 at x = -0.0 is IEEE's pow, +0 with derivative +inf; PyTorch computes
#      it as sqrt, -0 with derivative -inf. Derivatives of such graphs are not compared.
# Any other difference fails.

SINGULAR_UNARY = [
    (lambda a: a.sqrt(), torch.sqrt),
    (lambda a: a.log(), torch.log),
    (lambda a: a**-1, lambda t: t**-1),
    (lambda a: a**0.5, lambda t: t**0.5),
    (lambda a: a**-0.5, lambda t: t**-0.5),
    (lambda a: a**1.5, lambda t: t**1.5),
    (lambda a: a**3, lambda t: t**3),
    (lambda a: 1 / a, lambda t: 1 / t),
    (lambda a: a.relu(), torch.relu),
    (lambda a: a.leaky_relu(0.1), lambda t: F.leaky_relu(t, 0.1)),
    (lambda a: abs(a), torch.abs),
    (lambda a: a.sign(), lambda t: t * 0 + torch.where(t >= 0, 1.0, -1.0).to(torch.float64)),  # convention 1
    (lambda a: a.heaviside(), lambda t: t * 0 + (t > 0).to(torch.float64)),  # convention 2
    (lambda a: a.exp(), torch.exp),
    (lambda a: a.tanh(), torch.tanh),
    (lambda a: a.sigmoid(), torch.sigmoid),
    (lambda a: a.softplus(), F.softplus),
    (lambda a: a.gelu(), F.gelu),
    (lambda a: a.erf(), torch.erf),
    (lambda a: a.sin(), torch.sin),
    (lambda a: -a, lambda t: -t),
    (lambda a: 1 - a, lambda t: 1 - t),
]
SQUARE_ROOT_BY_POWER = SINGULAR_UNARY[3][0]  # a**0.5: convention 6
SINGULAR_BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a / b, lambda a, b: a / b),
    (lambda a, b: a**b, lambda a, b: a**b),
    (lambda a, b: linear([a, b], [b, a], a), lambda a, b: a * b + b * a + a),
]
# Multiples of 1/8 in [-2, 2]: 0 and +-1 come up often, sums of them hit 0 exactly, and no input
# is so small that a second derivative is a cancellation of terms of 1e150 (rounding, not a bug).
at_kinks = st.sampled_from([k / 8 for k in range(-16, 17)])


@st.composite
def singular_programs(draw):
    steps = []
    for k in range(draw(st.integers(1, 8))):
        available = 3 + k
        if draw(st.booleans()):
            index = draw(st.integers(0, len(SINGULAR_UNARY) - 1))
            steps.append(("unary", index, (draw(st.integers(0, available - 1)),)))
        else:
            operands = (draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1)))
            steps.append(("binary", draw(st.integers(0, len(SINGULAR_BINARY) - 1)), operands))
    return steps


def same(ours: float, theirs: float) -> bool:
    """Equal, nan for nan, the same infinity, or close."""
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return math.isclose(ours, theirs, rel_tol=1e-8, abs_tol=1e-10)


def build_both(program, xs):
    """Run the program on both sides, step by step; None where this engine refused a step
    (after checking that PyTorch's value there is not finite: convention 3)."""
    ours, theirs = [Value(x) for x in xs], torch_inputs(xs)
    nodes, tnodes = list(ours), list(theirs)
    power_masked = signed_zero = False  # conventions 4 and 6
    for kind, index, operands in program:
        if kind == "binary" and index == 4:
            power_masked |= nodes[operands[0]].data == 0.0 or nodes[operands[1]].data == 0.0
        if kind == "unary" and SINGULAR_UNARY[index][0] is SQUARE_ROOT_BY_POWER:
            signed_zero |= math.copysign(1.0, nodes[operands[0]].data) < 0 and nodes[operands[0]].data == 0.0
        mine, torch_fn = (SINGULAR_UNARY if kind == "unary" else SINGULAR_BINARY)[index]
        tvalue = torch_fn(*(tnodes[i] for i in operands))
        try:
            value = mine(*(nodes[i] for i in operands))
        except (ValueError, ArithmeticError):
            assert not math.isfinite(tvalue.item()), f"refused although PyTorch's value is {tvalue.item()}"
            return None
        assert math.isfinite(tvalue.item()), f"PyTorch's value is {tvalue.item()}, ours {value.data}: not refused"
        assert same(value.data, tvalue.item()), (value.data, tvalue.item())
        nodes.append(value)
        tnodes.append(tvalue)
    out, tout = nodes[-1], tnodes[-1]
    for node, tnode in zip(nodes[-3:-1], tnodes[-3:-1]):
        out, tout = out + node * 0.5, tout + tnode * 0.5
    return ours, out, theirs, tout, power_masked or signed_zero, signed_zero


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(singular_programs(), st.lists(at_kinks, min_size=3, max_size=3))
def test_differential_fuzz_at_zero_and_kinks_values_gradients_and_second_derivatives(program, xs):
    built = build_both(program, xs)
    if built is None:
        return
    ours, out, theirs, tout, skip_second, skip_first = built
    if not tout.requires_grad or skip_first:
        return
    first = grad(out, ours, create_graph=True)
    tfirst = torch.autograd.grad(tout, theirs, create_graph=True, allow_unused=True, materialize_grads=True)
    out.backward()

    def non_finite_inside(root: Value) -> bool:  # convention 5
        order = topological_order(root)
        numbers = [*grad(root, order), *(local for node in order for local in node.locals)]
        return not all(math.isfinite(float(x)) for x in numbers)

    def agree(ours: float, theirs: float, root: Value) -> bool:
        return same(ours, theirs) or (math.isnan(ours) and non_finite_inside(root))

    for v, g, tg in zip(ours, first, tfirst):
        assert agree(v.grad, tg.item(), out), ("backward", v.grad, tg.item())
        assert agree(float(g), tg.item(), out), ("grad", float(g), tg.item())
    if skip_second:
        return
    for g, tg in zip(first, tfirst):
        row = grad(g, ours)
        if not tg.requires_grad:  # PyTorch's gradient is a constant: its derivatives are 0
            assert all(h == 0.0 for h in row), row
            continue
        trow = torch.autograd.grad(tg, theirs, retain_graph=True, allow_unused=True, materialize_grads=True)
        for h, th in zip(row, trow):
            assert agree(h, th.item(), g), ("second derivative", h, th.item())


def test_hessian_equals_grad_of_grad_at_the_singular_points():
    f = lambda v: v[1] * v[0].sqrt() + abs(v[0]) * v[1].relu()  # noqa: E731
    xs = [0.0, 0.0]
    leaves = [Value(x) for x in xs]
    rows = [grad(g, leaves) for g in grad(f(leaves), leaves, create_graph=True)]
    from autograd import hessian

    assert [[str(h) for h in row] for row in hessian(f, xs)] == [[str(h) for h in row] for row in rows]
