"""Property tests: random expression graphs, built from the whole op set with
nodes reused (diamonds), have PyTorch's gradients and second derivatives."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, linear

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
