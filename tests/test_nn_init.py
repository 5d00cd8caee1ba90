"""nn.init: the seeded generator and the initializers, against PyTorch's formulas."""

import math

import pytest

import nn


@pytest.fixture(autouse=True)
def seeded():
    nn.manual_seed(0)


def test_the_same_seed_gives_the_same_model():
    nn.manual_seed(42)
    first = nn.MLP(2, [4, 1]).state_dict()
    nn.manual_seed(42)
    assert nn.MLP(2, [4, 1]).state_dict() == first
    assert nn.MLP(2, [4, 1]).state_dict() != first  # the generator moved on


def test_biases_start_at_zero():
    for init in ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"):
        assert all(n.b.data == 0.0 for layer in nn.MLP(3, [4, 2], init=init).layers for n in layer.neurons)


@pytest.mark.parametrize(
    "init, activation, torch_init",
    [
        ("xavier_uniform", "tanh", lambda t, torch: torch.nn.init.xavier_uniform_(t, gain=5 / 3)),
        ("xavier_normal", "sigmoid", lambda t, torch: torch.nn.init.xavier_normal_(t, gain=1.0)),
        ("he_uniform", "relu", lambda t, torch: torch.nn.init.kaiming_uniform_(t, nonlinearity="relu")),
        ("he_normal", "relu", lambda t, torch: torch.nn.init.kaiming_normal_(t, nonlinearity="relu")),
        ("uniform", "relu", lambda t, torch: torch.nn.init.uniform_(t, -1.0, 1.0)),
    ],
)
def test_initializers_have_pytorchs_spread(init, activation, torch_init):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    nin, nout = 200, 100
    layer = nn.Layer(nin, nout, activation=activation, init=init)
    ours = [w.data for n in layer.neurons for w in n.w]
    theirs = torch_init(torch.empty(nout, nin, dtype=torch.float64), torch).flatten().tolist()

    def std(xs):
        m = sum(xs) / len(xs)
        return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))

    assert math.isclose(std(ours), std(theirs), rel_tol=0.03)
    if init.endswith("uniform"):
        assert math.isclose(max(map(abs, ours)), max(map(abs, theirs)), rel_tol=0.01)
