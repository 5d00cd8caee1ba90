"""Forward mode: jvp(f, inputs, tangents) is df/dt along the direction, for random graphs of the whole op set
with reused nodes, against PyTorch's torch.func.jvp (float64), central differences and backward's gradient
dotted with the direction; jvp_steps' sentences carry each node's tangent; bad arguments are refused by name;
nan and inf go through as IEEE arithmetic; and demos.forward_vs_reverse's claims hold."""

import math
import random

import pytest

import autograd
import autograd.engine
import autograd.functional
import autograd.views.drawing
from autograd import Value, grad, jvp, jvp_steps, topological_order
from tests.graphs import FORMULA_NAMES, NEURON_POINT, neuron
from tests.test_properties import BINARY, KINKED, UNARY, close, run

torch = pytest.importorskip("torch")

OPS = UNARY + KINKED


def random_program(rng: random.Random) -> list:
    """A straight-line program over 3 inputs, as tests/test_properties.py's `programs` draws them (each step an
    op of UNARY + KINKED or BINARY on any earlier node, so nodes are reused), from a seeded generator."""
    steps = []
    for k in range(rng.randint(2, 10)):
        available = 3 + k
        if rng.random() < 0.5:
            steps.append(("unary", rng.randrange(len(OPS)), (rng.randrange(available),)))
        else:
            steps.append(("binary", rng.randrange(len(BINARY)), (rng.randrange(available), rng.randrange(available))))
    return steps


def random_case(seed: int) -> tuple[list, list[float], list[float]]:
    """A random program, a point in [-2, 2]^3 and a direction in [-1.5, 1.5]^3."""
    rng = random.Random(seed)
    program = random_program(rng)
    return program, [rng.uniform(-2, 2) for _ in range(3)], [rng.uniform(-1.5, 1.5) for _ in range(3)]


def ours(program):
    return lambda v: run(program, v, OPS, 0)


def torch_jvp(program, xs, tangents) -> tuple[float, float]:
    as_tensors = lambda numbers: tuple(torch.tensor(x, dtype=torch.float64) for x in numbers)  # noqa: E731
    value, derivative = torch.func.jvp(lambda *t: run(program, list(t), OPS, 1), as_tensors(xs), as_tensors(tangents))
    return value.item(), derivative.item()


@pytest.mark.parametrize("seed", range(20))
def test_jvp_equals_pytorchs_torch_func_jvp_on_random_graphs(seed):
    program, xs, tangents = random_case(seed)
    value, derivative = jvp(ours(program), xs, tangents)
    theirs = torch_jvp(program, xs, tangents)
    assert close(value, theirs[0]) and close(derivative, theirs[1]), (value, derivative, theirs)


@pytest.mark.parametrize("seed", range(20))
def test_jvp_equals_central_differences_along_the_direction(seed):
    program, xs, tangents = random_case(seed)
    h = 1e-6
    at = lambda s: run(program, [Value(x + s * t) for x, t in zip(xs, tangents)], OPS, 0).data  # noqa: E731
    numeric = (at(h) - at(-h)) / (2 * h)
    assert jvp(ours(program), xs, tangents)[1] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_jvp_is_backwards_gradient_dotted_with_the_direction(seed):
    program, xs, tangents = random_case(seed)
    leaves = [Value(x) for x in xs]
    gradient = grad(run(program, leaves, OPS, 0), leaves)
    dot = sum(g * t for g, t in zip(gradient, tangents))
    assert math.isclose(jvp(ours(program), xs, tangents)[1], dot, rel_tol=1e-12, abs_tol=1e-12)


def test_a_reused_node_gets_both_paths():
    """b = a + a with a = x*x: db/dt = 2 * 2x * dx/dt, both edges of the reuse counted."""
    value, derivative = jvp(lambda v: (v[0] * v[0]) + (v[0] * v[0]), [3.0], [0.5])
    assert (value, derivative) == (18.0, 6.0)
    a_twice = lambda v: (lambda a: a + a)(v[0] * v[0]).tanh()  # noqa: E731
    expected = torch.func.jvp(lambda x: (lambda a: a + a)(x * x).tanh(), (torch.tensor(0.7, dtype=torch.float64),),
                              (torch.tensor(-2.0, dtype=torch.float64),))[1].item()  # fmt: skip
    assert close(jvp(a_twice, [0.7], [-2.0])[1], expected)


def test_jvp_returns_floats_and_zero_for_an_output_that_does_not_depend_on_the_inputs():
    value, derivative = jvp(lambda v: v[0] * 2 + v[1], [1, 2], [3, 4])  # ints welcome
    assert (value, derivative) == (4.0, 10.0) and type(value) is float and type(derivative) is float
    assert jvp(lambda v: Value(5.0).tanh(), [1.0], [1.0]) == (math.tanh(5.0), 0.0)
    assert jvp(lambda v: v[1], [1.0, 2.0], [3.0, -4.0]) == (2.0, -4.0)  # the output is an input
    assert jvp(lambda v: Value(1.0), [], []) == (1.0, 0.0)


def test_the_classic_neuron_along_w1_gives_backwards_dL_dw1():
    """The lecture's neuron: do/dw1 = x1 * (1 - o^2) = 2 * 0.5 = 1, the grad backward puts on w1."""
    value, derivative = jvp(neuron, NEURON_POINT, [0.0, 0.0, 1.0, 0.0, 0.0])
    assert math.isclose(value, 0.7071067811865476) and math.isclose(derivative, 1.0)


# --- the sentences ------------------------------------------------------------------------------


NEURON_STEPS = [  # x1 moves at speed 2: d(x1*w1)/dt = w1 * 2 = -6, and do/dt = (1 - o^2) * (-6) = -3
    "dx1/dt = 2, x1's part of the direction",
    "dw1/dt = 0, w1's part of the direction",
    "d(x1*w1)/dt = d(x1*w1)/dx1 * dx1/dt + d(x1*w1)/dw1 * dw1/dt = (-3) * 2 + 2 * 0 = -6",
    "dx2/dt = 0, x2's part of the direction",
    "dw2/dt = 0, w2's part of the direction",
    "d(x2*w2)/dt = d(x2*w2)/dx2 * dx2/dt + d(x2*w2)/dw2 * dw2/dt = 1 * 0 + 0 * 0 = 0",
    "d(x1*w1 + x2*w2)/dt = d(x1*w1 + x2*w2)/d(x1*w1) * d(x1*w1)/dt + d(x1*w1 + x2*w2)/d(x2*w2) * d(x2*w2)/dt"
    " = 1 * (-6) + 1 * 0 = -6",
    "db/dt = 0, b's part of the direction",
    "dn/dt = dn/d(x1*w1 + x2*w2) * d(x1*w1 + x2*w2)/dt + dn/db * db/dt = 1 * (-6) + 1 * 0 = -6",
    "do/dt = do/dn * dn/dt = (1 - 0.7071^2) * (-6) = -3",
]


def test_the_classic_neurons_steps_read_like_the_worked_example():
    steps = list(jvp_steps(neuron, NEURON_POINT, [2.0, 0.0, 0.0, 0.0, 0.0]))
    assert [str(step) for step in steps] == NEURON_STEPS
    assert [step.index for step in steps] == list(range(10)) and steps[-1].node.label == "o"
    assert math.isclose(steps[-1].tangent, -3.0) and steps[-1].tangent == jvp(neuron, NEURON_POINT, [2, 0, 0, 0, 0])[1]
    (index, parent, local, parent_tangent, contribution), = steps[-1].terms  # fmt: skip
    assert index == 0 and parent.label == "n" and math.isclose(local, 0.5) and parent_tangent == -6.0
    assert contribution == local * parent_tangent and steps[0].terms == []


def test_the_notes_notation_names_the_nodes_as_the_other_views_do():
    steps = [str(step) for step in jvp_steps(neuron, NEURON_POINT, [2.0, 0.0, 0.0, 0.0, 0.0], notation="notes")]
    assert steps[0] == "dx₁/dt = 2, x₁'s part of the direction"
    assert steps[-1] == "dL/dt = dL/dn * dn/dt = (1 - 0.7071^2) * (-6) = -3"  # the root is L, as in the notes


@pytest.mark.parametrize("seed", range(20))
def test_each_sentence_carries_its_nodes_tangent_which_central_differences_confirm(seed):
    """Every node's tangent, one sentence a node in forward order, against central differences of that node
    (the graph has the same shape at x +- h*t, so a node is the one at the same place of the order); the exact
    sentence's products, computed again from its text, are the tangent; the last one is jvp's."""
    program, xs, tangents = random_case(seed)
    steps = list(jvp_steps(ours(program), xs, tangents))

    def values_at(s: float) -> list[float]:  # every node's value at xs + s * tangents, in forward order
        moved = [Value(x + s * t) for x, t in zip(xs, tangents)]
        return [node.data for node in topological_order(run(program, moved, OPS, 0))]

    assert [step.node.data for step in steps] == values_at(0.0)
    h = 1e-6
    for step, up, down in zip(steps, values_at(h), values_at(-h)):
        assert step.tangent == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-6), step.text
        head, *middle, result = step.exact.split(" = ")
        assert head == step.text.split(" = ")[0] and float(result.split(",")[0]) == step.tangent
        if step.terms:  # "d node/dt = rule = numbers = result"
            try:
                said = eval(middle[1].replace("^", "**"), {"__builtins__": {}}, FORMULA_NAMES)  # noqa: S307
                assert math.isclose(said, step.tangent, rel_tol=1e-9, abs_tol=1e-12), step.exact
            except SyntaxError:  # two rules are prose: "sign(a), 0 at 0", "... with t = tanh(u)"
                assert str(step.node.op) in ("abs", "gelu_tanh"), step.exact
            assert math.isclose(sum(term[4] for term in step.terms), step.tangent, rel_tol=1e-12, abs_tol=1e-15)
        assert f"= {autograd.views.notation.number(step.tangent)}" in step.text
    assert steps[-1].tangent == jvp(ours(program), xs, tangents)[1]


def test_constants_and_leaves_outside_the_direction_have_tangent_zero_and_say_why():
    weight = Value(0.5, label="w")
    steps = list(jvp_steps(lambda v: (v[0] * weight + 2.0) * (Value(3.0) * Value(4.0)), [1.0], [1.0]))
    said = {step.text for step in steps}
    assert "dw/dt = 0, not one of the inputs" in said and "d(2.0)/dt = 0, not one of the inputs" in said
    assert "d(3.0*4.0)/dt = 0, made from no input" in said
    assert steps[-1].tangent == 0.5 * 12.0


def test_jvp_steps_sorts_the_graph_once(monkeypatch):
    calls = []
    original = autograd.engine.topological_order
    counting = lambda root: calls.append(root) or original(root)  # noqa: E731
    for module in (autograd.engine, autograd.views.drawing, autograd.functional):
        monkeypatch.setattr(module, "topological_order", counting)
    list(jvp_steps(neuron, NEURON_POINT, [1.0] * 5))
    assert len(calls) == 1


# --- refusals, nan and inf ------------------------------------------------------------------------


@pytest.mark.parametrize("call", [jvp, lambda *args: jvp_steps(*args)], ids=["jvp", "jvp_steps"])
def test_bad_arguments_are_refused_by_name_before_any_step(call):
    f = lambda v: v[0] * v[1]  # noqa: E731
    with pytest.raises(ValueError, match=r"one tangent per input.*got 2 inputs and 1 tangents"):
        call(f, [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match=r"inputs must be numbers, got str 'a' at position 1"):
        call(f, [1.0, "a"], [1.0, 0.0])
    with pytest.raises(TypeError, match=r"tangents must be numbers, got NoneType None at position 0"):
        call(f, [1.0, 2.0], [None, 0.0])
    with pytest.raises(TypeError, match=r"inputs must be numbers, got Value"):
        call(f, [Value(1.0), 2.0], [1.0, 0.0])
    with pytest.raises(TypeError, match=r"inputs must be a list of numbers, got float 2.0"):
        call(lambda v: v, 2.0, 1.0)
    with pytest.raises(TypeError, match=r"tangents must be a list of numbers, got str '10'"):
        call(f, [1.0, 0.0], "10")
    with pytest.raises(TypeError, match=r"f must return a Value, got float 2.0"):
        call(lambda v: v[0].data * 2, [1.0], [1.0])


def test_a_nan_or_inf_tangent_goes_through_as_in_pytorch_and_never_becomes_a_number():
    nan, inf = float("nan"), float("inf")
    assert math.isnan(jvp(lambda v: v[0] * 3 + v[1], [1.0, 2.0], [nan, 1.0])[1])
    assert jvp(lambda v: v[0] * 3 + v[1], [1.0, 2.0], [inf, 1.0])[1] == inf
    assert math.isnan(jvp(lambda v: v[0] + v[1], [1.0, 2.0], [inf, -inf])[1])  # inf - inf
    # A local derivative of 0 times nan or inf is nan (a product, as in backward); PyTorch's relu masks it to 0.
    assert math.isnan(jvp(lambda v: v[0].relu(), [-1.0], [nan])[1])
    assert math.isnan(jvp(lambda v: v[0].relu(), [-1.0], [inf])[1])
    steps = list(jvp_steps(lambda v: v[0] * 2, [1.0], [nan]))
    assert steps[0].text == "dx0/dt = nan, x0's part of the direction" and steps[-1].text.endswith("= nan")
    for f, t in ((lambda x: x * 3, inf), (lambda x: x * 3, nan), (torch.sqrt, 0.0)):  # same as torch.func.jvp
        theirs = torch.func.jvp(f, (torch.tensor(0.0, dtype=torch.float64),), (torch.tensor(t, dtype=torch.float64),))
        mine = jvp(lambda v, f=f: v[0].sqrt() if f is torch.sqrt else v[0] * 3, [0.0], [t])[1]
        assert mine == theirs[1].item() or (math.isnan(mine) and math.isnan(theirs[1].item()))


def test_an_infinite_local_derivative_towards_a_constant_adds_nothing():
    """sqrt of a constant 0 has d/dc = inf, but the constant does not move: no nan, as in PyTorch."""
    assert jvp(lambda v: v[0] + Value(0.0).sqrt(), [1.0], [1.0]) == (1.0, 1.0)
    one = torch.tensor(1.0, dtype=torch.float64)
    with_torch = torch.func.jvp(lambda x: x + torch.sqrt(torch.tensor(0.0, dtype=torch.float64)), (one,), (one,))
    assert with_torch[1].item() == 1.0


# --- the demo ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests.test_demos import result

    return result("forward_vs_reverse", tmp_path_factory.mktemp("forward_vs_reverse"))


def test_the_demos_two_gradients_agree_and_its_counts_are_p_passes_of_n_nodes(demo):
    from demos.forward_vs_reverse import parameter_count

    assert demo["max_difference"] < 1e-12
    assert [row["P"] for row in demo["rows"]] == [6, 11, 21, 41, 113]  # --quick; 3-2-1 is the notes' network
    for row in demo["rows"]:
        sizes = [int(n) for n in row["network"].split("-")]
        assert row["P"] == parameter_count(sizes) == len(row["forward_gradient"]) == len(row["reverse_gradient"])
        assert row["forward_passes"] == row["P"] and row["forward_evaluations"] == row["P"] * row["N"]
        assert row["reverse_evaluations"] == 2 * row["N"]
        assert max(abs(a - b) for a, b in zip(row["forward_gradient"], row["reverse_gradient"])) < 1e-12
        assert row["forward_seconds"] > 0 and row["reverse_seconds"] > 0  # timed, not asserted on (noisy)


def test_the_demos_gradient_is_the_networks_as_pytorch_computes_it(demo):
    """The 3-2-1 network's dL/dw, against PyTorch's backward of the same network (nn's bridge)."""
    import nn
    from demos.forward_vs_reverse import INPUTS, compare

    row = compare([INPUTS, 2, 1], seed=0, repeats=1)
    assert row["forward_gradient"] == demo["rows"][1]["forward_gradient"]  # the same seed, the same numbers
    nn.manual_seed(0)
    model = nn.MLP(INPUTS, [2, 1], activation="sigmoid", output_activation="sigmoid")
    rng = random.Random(0)
    x = torch.tensor([rng.uniform(-2.0, 2.0) for _ in range(INPUTS)], dtype=torch.float64)
    network = model.to_torch()
    loss = 0.5 * (network(x).squeeze() - 1.0) ** 2
    loss.backward()
    linears = [module for module in network if isinstance(module, torch.nn.Linear)]
    # in model.parameters()'s order: a neuron's weights, then its bias
    theirs = [g for linear in linears for weights, bias in zip(linear.weight.grad.tolist(), linear.bias.grad.tolist())
              for g in [*weights, bias]]  # fmt: skip
    assert theirs == pytest.approx(row["forward_gradient"], rel=1e-10, abs=1e-15)
