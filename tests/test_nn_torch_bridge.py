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
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2)), "slope 0.2"),
        (lambda: torch.nn.Linear(2, 3), "takes a torch.nn.Sequential, got Linear"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_be(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        nn.MLP.from_torch(make())


def test_to_torch_refuses_an_activation_torch_has_no_module_for():
    with pytest.raises(ValueError, match="layer 0's activation 'sign' has no torch.nn module"):
        nn.MLP(2, [3, 1], activation="sign").to_torch()


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match="pip install torch"):
        nn.MLP(2, [1]).to_torch()
