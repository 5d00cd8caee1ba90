"""nn.MLP.to_torch / from_torch: the same weights, outputs and gradients as PyTorch's Sequential."""

import math
import sys

import pytest

import nn

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "gelu", "softplus"])
def test_to_torch_gives_the_same_outputs_and_gradients(activation):
    nn.manual_seed(3)
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation="tanh")
    net = model.to_torch()
    assert all(p.dtype == torch.float64 for p in net.parameters())
    x = [0.4, -1.1, 0.25]
    outputs = model(x)
    loss = outputs[0] * outputs[0] + outputs[1]
    loss.backward()
    tout = net(torch.tensor(x, dtype=torch.float64))
    (tout[0] * tout[0] + tout[1]).backward()
    assert all(math.isclose(o.data, t, rel_tol=1e-12, abs_tol=1e-14) for o, t in zip(outputs, tout.tolist()))
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears):
        for j, neuron in enumerate(layer.neurons):
            assert math.isclose(neuron.b.grad, linear.bias.grad[j].item(), rel_tol=1e-10, abs_tol=1e-14)
            for k, w in enumerate(neuron.w):
                assert math.isclose(w.grad, linear.weight.grad[j, k].item(), rel_tol=1e-10, abs_tol=1e-14)


def test_from_torch_reads_the_weights_back_exactly():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)
    ).double()
    model = nn.MLP.from_torch(net)
    assert [len(layer.neurons) for layer in model.layers] == [6, 3, 1]
    assert model.layers[0].neurons[0].activation == "relu" and model.layers[2].neurons[0].activation == "identity"
    x = [0.3, -0.8]
    assert model(x).data == pytest.approx(net(torch.tensor(x, dtype=torch.float64)).item(), rel=1e-12)
    again = model.to_torch()
    for ours, theirs in zip(again.parameters(), net.parameters()):
        assert torch.equal(ours, theirs)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)), r"layer 1 \(BatchNorm1d\)"),
        (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 3)), "before any Linear"),
        (
            lambda: torch.nn.Sequential(
                torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)
            ),
            "different activations",
        ),  # fmt: skip
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)), "do not chain: 3 outputs into 4"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2)), "negative_slope=0.2"),
        (lambda: torch.nn.Linear(2, 3), "takes a torch.nn.Sequential, got Linear"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_be(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        nn.MLP.from_torch(make())


class ReLU(torch.nn.Module):
    """A user's class named ReLU that computes something else."""

    def forward(self, x):
        return 3 * x


class Scaled(torch.nn.Linear):
    def forward(self, x):
        return 2 * super().forward(x)


class Reversed(torch.nn.Sequential):
    def forward(self, x):
        for module in reversed(self):
            x = module(x)
        return x


def with_weight(value, shape=(3, 2)):
    layer = torch.nn.Linear(2, 3)
    layer.weight = torch.nn.Parameter(torch.full(shape, value))
    return torch.nn.Sequential(layer)


def hooked():
    layer = torch.nn.Linear(2, 3)
    layer.register_forward_hook(lambda module, inputs, output: output * 0)
    return torch.nn.Sequential(layer)


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Softplus(beta=2.0)),
            r"layer 1 \(Softplus\) with beta=2",
        ),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Softplus(threshold=5.0)), "threshold=5"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.GELU(approximate="tanh")), "approximate='tanh'"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), ReLU()), "a class named ReLU that is not torch.nn's"),
        (lambda: torch.nn.Sequential(Scaled(2, 1)), r"layer 0 \(Scaled\): Scaled is a subclass of torch.nn.Linear"),
        (lambda: Reversed(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)), "the Sequential: Reversed is a subclass"),
        (hooked, r"layer 0 \(Linear\): it has a forward hook"),
        (lambda: with_weight(math.nan), "its weight has values that are not finite"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.complex128)), "its weight is complex"),
        (lambda: with_weight(0.5, shape=(3, 5)), r"its weight has shape \(3, 5\), not \(3, 2\)"),
    ],
)
def test_from_torch_refuses_what_computes_something_else(make, message):
    """Each of these would otherwise give an MLP that computes something else than the network."""
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_torch(make())


def test_from_torch_takes_softplus_and_gelu_with_the_defaults_and_computes_the_same():
    torch.manual_seed(0)
    for activation in (torch.nn.Softplus(), torch.nn.GELU(), torch.nn.LeakyReLU(0.01)):
        net = torch.nn.Sequential(torch.nn.Linear(2, 3), activation, torch.nn.Linear(3, 1)).to(torch.float64)
        model = nn.MLP.from_torch(net)
        x = [0.3, -1.7]
        assert model(x).data == pytest.approx(net(torch.tensor(x, dtype=torch.float64)).item(), rel=1e-12)


def test_to_torch_refuses_an_activation_torch_has_no_module_for():
    with pytest.raises(ValueError, match="layer 0's activation 'sign' has no torch.nn module"):
        nn.MLP(2, [3, 1], activation="sign").to_torch()


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match="pip install torch"):
        nn.MLP(2, [1]).to_torch()
