"""grad (first and higher order), hessian and gradcheck."""

import math

import pytest

from autograd import Value, grad, gradcheck, hessian


def test_grad_returns_derivatives_without_touching_any_grad():
    x, y = Value(2.0), Value(-1.0)
    z = x * y + x.tanh()
    dx, dy = grad(z, [x, y])
    assert math.isclose(dx, -1.0 + 1 - math.tanh(2.0) ** 2) and dy == 2.0
    assert x.grad == 0.0 and y.grad == 0.0 and z.grad == 0.0


def test_grad_gives_zero_for_an_input_the_output_does_not_use():
    x, unused = Value(2.0), Value(5.0)
    assert grad(x * x, [x, unused]) == [4.0, 0.0]
    assert [float(d) for d in grad(x * x, [x, unused], create_graph=True)] == [4.0, 0.0]
    assert grad(x, [x]) == [1.0]


def test_grad_of_a_grad_is_the_second_derivative():
    x = Value(0.7)
    (first,) = grad(x**3 * x.sin(), [x], create_graph=True)
    assert isinstance(first, Value)
    (second,) = grad(first, [x])
    # (x^3 sin x)'' = 6x sin x + 6x^2 cos x - x^3 sin x
    expected = 6 * 0.7 * math.sin(0.7) + 6 * 0.49 * math.cos(0.7) - 0.343 * math.sin(0.7)
    assert math.isclose(second, expected, rel_tol=1e-12)
    (third,) = grad(grad(first, [x], create_graph=True)[0], [x])
    # (x^3 sin x)''' = 6 sin x + 18x cos x - 9x^2 sin x - x^3 cos x
    expected3 = 6 * math.sin(0.7) + 18 * 0.7 * math.cos(0.7) - 9 * 0.49 * math.sin(0.7) - 0.343 * math.cos(0.7)
    assert math.isclose(third, expected3, rel_tol=1e-12)


def test_grad_rejects_what_is_not_a_value():
    with pytest.raises(TypeError, match="output must be a Value, got float"):
        grad(1.0, [Value(1.0)])
    with pytest.raises(TypeError, match="inputs must be Values, got float 2.0 at position 1"):
        grad(Value(1.0), [Value(1.0), 2.0])


def test_hessian_of_the_notes_quadratic_is_constant():
    # Seed 003: L(x, y) = x^2 + y^2 has Hessian [[2, 0], [0, 2]]; Newton's step lands on 0.
    assert hessian(lambda v: v[0] ** 2 + v[1] ** 2, [3.0, -4.0]) == [[2.0, 0.0], [0.0, 2.0]]


def test_hessian_matches_pytorch():
    torch = pytest.importorskip("torch")

    def f(v):
        x, y, z = v
        return (x * y).tanh() * z.exp() + (x**2 + 1).log() * y.sigmoid() - z.gelu() * x

    point = [0.3, -1.1, 0.8]
    ours = hessian(f, point)

    def torch_f(t):  # the same f, on one tensor of 3
        x, y, z = t[0], t[1], t[2]
        return (x * y).tanh() * z.exp() + (x**2 + 1).log() * y.sigmoid() - torch.nn.functional.gelu(z) * x

    theirs = torch.autograd.functional.hessian(torch_f, torch.tensor(point, dtype=torch.float64))
    for i in range(3):
        for j in range(3):
            assert math.isclose(ours[i][j], theirs[i][j].item(), rel_tol=1e-10, abs_tol=1e-12)
            assert math.isclose(ours[i][j], ours[j][i], rel_tol=1e-10, abs_tol=1e-12)


def test_hessian_rejects_bad_points_and_functions():
    with pytest.raises(TypeError, match="xs must be numbers, got str"):
        hessian(lambda v: v[0], ["1"])
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        hessian(lambda v: 1.0, [1.0])


def test_gradcheck_passes_on_a_correct_gradient():
    assert gradcheck(lambda v: (v[0] * v[1]).tanh() + v[1] ** 3, [0.4, -0.9])


def test_gradcheck_fails_with_a_table_when_a_derivative_is_wrong():
    def wrong_derivative(v):
        x = v[0]
        y = x.tanh()
        y.da = 2.0  # claim d tanh(x)/dx = 2: a planted bug
        return y * v[1]

    with pytest.raises(AssertionError) as failure:
        gradcheck(wrong_derivative, [0.5, 1.5])
    table = str(failure.value)
    assert "gradcheck failed for 1 of 2 inputs" in table
    assert "analytic" in table and "numeric" in table and "difference" in table
    assert "x0" in table and "mismatch" in table
    mismatched = [line for line in table.splitlines() if "mismatch" in line]
    assert len(mismatched) == 1 and mismatched[0].split()[0] == "x0"


# --- derivative graphs at the singular points: +-inf, as PyTorch's, never an error ---


def test_hessian_at_zero_gives_pytorchs_infinities_not_an_error():
    assert hessian(lambda v: v[1] * v[0].sqrt(), [0.0, 1.0]) == [[-math.inf, math.inf], [math.inf, 0.0]]


@pytest.mark.parametrize(
    "f, torch_f, xs",
    [
        (lambda v: v[1] * v[0].sqrt(), lambda t: t[1] * t[0].sqrt(), [0.0, 1.0]),
        (lambda v: v[0].sqrt() * v[0].sqrt(), lambda t: t[0].sqrt() * t[0].sqrt(), [0.0, 2.0]),
        (lambda v: v[0] * v[1].log(), lambda t: t[0] * t[1].log(), [2.0, 1e-200]),
        (lambda v: (v[0] ** 0.5) * v[1], lambda t: (t[0] ** 0.5) * t[1], [0.0, -3.0]),
        (lambda v: v[0] ** -1 * v[1], lambda t: t[0] ** -1 * t[1], [1e-120, 1.0]),
    ],
)
def test_second_derivatives_at_singular_points_match_pytorch(f, torch_f, xs):
    torch = pytest.importorskip("torch")
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    first = torch.autograd.grad(torch_f(leaves), leaves, create_graph=True, allow_unused=True, materialize_grads=True)
    expected = [
        [d.item() for d in torch.autograd.grad(g, leaves, retain_graph=True, allow_unused=True, materialize_grads=True)]
        for g in first
    ]
    ours = hessian(f, xs)
    for row, expected_row in zip(ours, expected):
        for h, e in zip(row, expected_row):
            assert (math.isnan(h) and math.isnan(e)) or h == e or math.isclose(h, e, rel_tol=1e-9), (ours, expected)


def test_newton_step_does_not_raise_about_a_node_the_user_never_wrote():
    import nn

    x = Value(0.0)
    with pytest.raises(ValueError, match="undefined here: the gradient or the Hessian is not finite"):
        nn.optim.Newton([x]).step(lambda: x.sqrt() + x * x)


@pytest.mark.parametrize("kwargs, message", [({"eps": 0}, "eps must be a finite number > 0, got 0"),
                                             ({"eps": -1e-6}, "eps must be"), ({"atol": math.nan}, "atol must be"),
                                             ({"rtol": -1}, "rtol must be")])  # fmt: skip
def test_gradcheck_refuses_a_step_or_tolerance_that_cannot_work(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradcheck(lambda v: v[0] * v[0], [1.0], **kwargs)
