"""autograd.Function: an op a student writes works everywhere a built-in one does, and
gradcheck says when its derivative is wrong. Oracles: PyTorch (float64) and the built-in ops."""

import math

import pytest

from autograd import Function, Value, explain, grad, gradcheck, hessian, sigmoid, tanh
from autograd.views.page import export_html
from autograd.views.render import draw_graph
from demos.custom_op import Swish  # the demo's op: tested here against PyTorch

torch = pytest.importorskip("torch")


class Tanh(Function):
    """The built-in tanh, written as a Function: the same value, local derivative and rule."""

    name = "tanh"

    def forward(a):
        return math.tanh(a)

    def derivative(out, a):
        return (1.0 - out * out,)

    rules = ("1 - {out}^2",)


class Product3(Function):
    """a*b*c, a Function of three inputs."""

    def forward(a, b, c):
        return a * b * c

    def derivative(out, a, b, c):
        return (b * c, a * c, a * b)


@pytest.mark.parametrize("x", [-2.5, -0.3, 0.0, 0.7, 3.0])
def test_a_function_matches_pytorch_value_gradient_and_second_derivative(x):
    """L = swish(u) * u with u = x + x: a reused node and an upstream gradient that is not 1."""
    v = Value(x)
    u = v + v
    loss = Swish.apply(u) * u
    loss.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tu = t + t
    tloss = torch.nn.functional.silu(tu) * tu
    (first,) = torch.autograd.grad(tloss, [t], create_graph=True)
    (second,) = torch.autograd.grad(first, [t])
    assert math.isclose(loss.data, tloss.item(), rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(v.grad, first.item(), rel_tol=1e-12, abs_tol=1e-15)
    ours = hessian(lambda w: Swish.apply(w[0] + w[0]) * (w[0] + w[0]), [x])[0][0]
    assert math.isclose(ours, second.item(), rel_tol=1e-10, abs_tol=1e-12)


def test_a_built_in_op_written_as_a_function_is_the_same_node():
    x = Value(0.8, label="x")
    ours, builtin = Tanh.apply(x), x.tanh()
    assert ours.data == builtin.data and ours.locals == builtin.locals and ours.parents == builtin.parents
    assert ours.op.rules == builtin.op.rules == ("d tanh(a)/da = 1 - tanh(a)^2",)
    ours.label = builtin.label = "o"
    assert [str(s) for s in ours.backward_steps()] == [str(s) for s in builtin.backward_steps()]
    assert hessian(lambda v: Tanh.apply(v[0] * v[1]), [0.8, -1.3]) == hessian(
        lambda v: (v[0] * v[1]).tanh(), [0.8, -1.3]
    )
    assert type(ours.op) is type(builtin.op)  # one mechanism: both are an Op


def test_a_function_node_works_in_every_view(tmp_path):
    x = Value(0.5, label="x")
    y = Swish.apply(x * x)
    y.label = "y"
    steps = [str(step) for step in y.backward_steps()]
    assert steps[1].startswith("(x*x).grad += dL/d(x*x) * dL/dL = (sigmoid(0.25) + 0.25*sigmoid(0.25)*(1 - ")
    assert math.isclose(explain(y, x).total, x.grad)
    (dy,) = grad(y, [x], create_graph=True)
    assert isinstance(dy, Value) and math.isclose(dy.data, x.grad)
    source = draw_graph(y).source
    assert "[label=swish fillcolor=white" in source
    page = export_html(y, tmp_path / "swish.html").read_text()
    assert page.count('"sentence":') == 1 + 3  # the seed, three edges
    assert "sigmoid(0.25)" in page and '"rule": "d swish(a)/da = sigmoid(a)' in page


def test_gradcheck_catches_a_wrong_derivative_with_its_table():
    class Forgot(Function):
        def forward(x):
            return x * sigmoid(x)

        def derivative(out, x):
            return (sigmoid(x),)  # the product rule forgotten

    with pytest.raises(AssertionError, match=r"gradcheck failed for 1 of 1 inputs(.|\n)*<-- mismatch"):
        gradcheck(lambda v: Forgot.apply(v[0]), [0.5])
    assert gradcheck(lambda v: Swish.apply(v[0]), [0.5])


def test_a_function_of_three_inputs_and_without_rule_text():
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    out = Product3.apply(a, b, 4.0)  # a number becomes a constant leaf
    out.label = "out"
    out.backward()
    assert out.data == -12.0 and a.grad == -8.0 and b.grad == 6.0
    assert hessian(lambda v: Product3.apply(*v), [1.0, 2.0, 3.0]) == [[0.0, 3.0, 2.0], [3.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    steps = [str(s) for s in out.backward_steps()]
    assert steps[1] == "a.grad += dL/da * dL/dL = (-8) * 1 = -8"  # no text: the number
    assert out.op.rules == ()  # and no rules to show


@pytest.mark.parametrize(
    "define, message",
    [
        (lambda: type("NoForward", (Function,), {"derivative": lambda out, x: (1.0,)}), "must define forward"),
        (lambda: type("Str", (Function,), {"forward": lambda x: "1", "derivative": lambda o, x: (1.0,)}),
         "forward must return a number, got str"),
        (lambda: type("Two", (Function,), {"forward": lambda x: x, "derivative": lambda o, x: (1.0, 2.0)}),
         r"derivative must return a tuple of 1 number\(s\), one per input"),
        (lambda: type("Bare", (Function,), {"forward": lambda x: x, "derivative": lambda o, x: 1.0}),
         "derivative must return a tuple"),
        (lambda: type("Rules", (Function,), {"forward": lambda x: x, "derivative": lambda o, x: (1.0,),
                                             "rules": ("1", "2")}), "rules has 2 entries for 1 inputs"),
    ],
)  # fmt: skip
def test_a_badly_written_function_gets_a_clear_error(define, message):
    with pytest.raises((TypeError, ValueError), match=message):
        define().apply(Value(1.0))


def test_the_math_helpers_take_numbers_and_values():
    assert tanh(0.5) == math.tanh(0.5) and tanh(Value(0.5)).data == math.tanh(0.5)
    assert isinstance(sigmoid(Value(0.0)), Value) and sigmoid(0.0) == 0.5


class MathCos(Function):
    """sin, its derivative written with math.cos: right on numbers, but it cuts a derivative's graph."""

    def forward(x):
        return math.sin(x)

    def derivative(out, x):
        return (math.cos(x),)


def test_a_derivative_written_with_math_functions_is_refused_where_it_would_cut_the_graph():
    assert gradcheck(lambda v: MathCos.apply(v[0]), [0.7])  # first derivatives are right
    with pytest.raises(TypeError, match=r"float\(\) of a Value .* cut the graph .*autograd\.cos"):
        hessian(lambda v: MathCos.apply(v[0]), [0.7])  # instead of [[0.0]] (the true one is -sin(0.7))


def test_numpy_scalars_in_a_function_become_floats_so_grads_and_steps_stay_floats(tmp_path):
    np = pytest.importorskip("numpy")
    import nn

    class Scale(Function):
        def forward(x):
            return np.float32(0.3) * x

        def derivative(out, x):
            return (np.float32(0.3),)

    class Model(nn.Module):
        def __init__(self):
            self.w = Value(1.0)

        def forward(self, x):
            return Scale.apply(self.w * x)

    model = Model()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    model(2.0).backward()
    assert type(model.w.grad) is float and model.w.grad == 2 * float(np.float32(0.3))
    optimizer.step()
    assert type(model.w.data) is float
    model.save(tmp_path / "model.json")  # a float32 parameter could not be saved
    assert type(Scale.apply(Value(1.0)).data) is float


def on_numbers(x) -> bool:
    """Whether a derivative is called on numbers (a node being made) or on Values (a second derivative)."""
    return isinstance(x, float)


@pytest.mark.parametrize(
    "define, make, message",
    [
        (lambda: {"forward": lambda x: math.nan, "derivative": lambda o, x: (1.0,)},
         lambda F: F.apply(1.0), r"nanforward is undefined for 1.0 \(unlabelled node\), its value being nan"),
        (lambda: {"forward": lambda x: 10**400, "derivative": lambda o, x: (1.0,)},
         lambda F: F.apply(1.0), "NanForward.forward gave a number too large for a float"),
        (lambda: {"forward": lambda a, b: a * b, "derivative": lambda o, a, b: (b, a) if on_numbers(a) else (b,)},
         lambda F: hessian(lambda v: F.apply(*v), [1.0, 2.0]), r"derivative must return a tuple of 2 number\(s\)"),
        (lambda: {"forward": lambda x: x * x, "derivative": lambda o, x: (2 * x,) if on_numbers(x) else ("2x",)},
         lambda F: hessian(lambda v: F.apply(v[0]), [1.0]), "derivative must return Values or numbers .* str"),
        (lambda: {"forward": lambda x: x, "derivative": lambda o, x: (1.0,), "rules": ("{zz}",)},
         lambda F: F.apply(1.0), r"rules\[0\] '\{zz\}' cannot be filled in .* \{a\} and the result as \{out\}"),
        (lambda: {"forward": lambda x: x, "derivative": lambda o, x: (1.0,), "rules": ("{",)},
         lambda F: F.apply(1.0), r"rules\[0\] '\{' cannot be filled in"),
    ],
)  # fmt: skip
def test_a_function_is_checked_on_values_as_on_numbers_and_its_rules_when_it_is_made(define, make, message):
    F = type("NanForward", (Function,), define())
    with pytest.raises((TypeError, ValueError, OverflowError), match=message):
        make(F)
