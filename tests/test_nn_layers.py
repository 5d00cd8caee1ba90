"""Neuron, Layer, MLP and Dropout: structure, node labels, activations, expand=True, bad input."""

import pytest

import nn
from autograd import Value, topological_order


@pytest.fixture(autouse=True)
def seeded():
    nn.manual_seed(0)


def test_parameter_grad_of_a_neuron_is_its_input_times_upstream():
    neuron = nn.Neuron(2, activation="identity")
    out = neuron([Value(3.0), 4.0])
    out.backward()
    assert neuron.w[0].grad == 3.0 and neuron.w[1].grad == 4.0 and neuron.b.grad == 1.0


def test_mlp_2_16_16_1_has_micrograds_337_parameters():
    model = nn.MLP(2, [16, 16, 1])
    assert model.num_parameters() == 337 == len(model.parameters())
    # seed 001: one hidden layer of n neurons on d inputs (and one output) has (2 + d) n parameters + 1 output bias
    assert nn.MLP(3, [5, 1]).num_parameters() == (2 + 3) * 5 + 1


def test_each_neuron_is_one_z_node_and_one_h_node_labelled_by_its_path():
    model = nn.MLP(2, [3, 1], activation="tanh")
    out = model([0.5, -1.0])
    nodes = topological_order(out)
    ops = [str(n.op) for n in nodes if n.op]
    assert ops.count("linear") == 4 and ops.count("tanh") == 3 and len(ops) == 7
    labels = {n.label for n in nodes}
    assert {"layers.0.neurons.1.z", "layers.0.neurons.1.h", "layers.1.neurons.0.z"} <= labels
    assert out.label == "layers.1.neurons.0.z"  # identity output: h is z itself


def test_calling_returns_one_value_or_a_list_and_takes_numbers_or_values():
    assert isinstance(nn.MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = nn.MLP(2, [3, 2])([Value(1.0), 2])
    assert isinstance(out, list) and len(out) == 2
    assert isinstance(nn.Layer(2, 3)([1.0, 2.0]), list)
    assert isinstance(nn.Neuron(2)([1.0, 2.0]), Value)


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "sin"])
def test_expanded_neurons_give_identical_values_and_gradients(activation):
    nn.manual_seed(7)
    fused = nn.MLP(3, [4, 4, 1], activation=activation)
    nn.manual_seed(7)
    expanded = nn.MLP(3, [4, 4, 1], activation=activation, expand=True)
    x = [0.3, -1.2, 0.8]
    a, b = fused(x), expanded(x)
    assert a.data == b.data
    (a * a).backward()
    (b * b).backward()
    assert [p.grad for p in fused.parameters()] == [p.grad for p in expanded.parameters()]
    assert len(topological_order(b)) > len(topological_order(a))


def test_a_callable_activation_is_used_as_given():
    neuron = nn.Neuron(2, activation=lambda z: z * z)
    neuron.w[0].data, neuron.w[1].data = 1.0, 2.0
    assert neuron([3.0, 1.0]).data == 25.0


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.MLP(2, [3, 1])([1.0]), ValueError, r"MLP\(2, ...\) expects 2 inputs, got 1"),
        (lambda: nn.Neuron(3)([1.0, 2.0]), ValueError, r"Neuron\(3\) expects 3 inputs, got 2"),
        (lambda: nn.Layer(2, 2)([1.0, 2.0, 3.0]), ValueError, "expects 2 inputs, got 3"),
        (lambda: nn.MLP(2, [3, 1])(1.0), TypeError, "takes a list of 2 numbers or Values, got float"),
        (lambda: nn.MLP(2, [3, 1])(["a", 1.0]), TypeError, "input 0 must be a number or a Value, got str"),
        (lambda: nn.MLP(2, [3, 1], activation="relux"), ValueError, "unknown activation 'relux'; expected one of"),
        (lambda: nn.Neuron(2, init="glorot"), ValueError, "unknown init 'glorot'; expected one of uniform"),
        (lambda: nn.MLP(2, 3), ValueError, r"list of layer sizes such as \[16, 16, 1\], got 3"),
        (lambda: nn.Neuron(0), ValueError, "whole number of inputs >= 1, got 0"),
        (lambda: nn.Dropout(1.5), ValueError, r"in \[0, 1\), got 1.5"),
    ],
)
def test_bad_input_gets_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_dropout_drops_and_rescales_only_in_training():
    drop = nn.Dropout(0.5)
    x = [Value(1.0) for _ in range(1000)]
    out = drop(x)
    kept = [v.data for v in out if v.data != 0.0]
    assert set(kept) == {2.0} and 400 < len(kept) < 600
    drop.eval()
    assert [v.data for v in drop(x)] == [1.0] * 1000


def test_a_numpy_row_is_accepted_as_input():
    np = pytest.importorskip("numpy")
    model = nn.MLP(2, [3, 1])
    assert model(np.array([0.5, -1.0])).data == model([0.5, -1.0]).data


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: nn.MLP(2, [1], activation="relu6"), "unknown activation 'relu6'"),
        (lambda: nn.MLP(2, [3, 1], output_activation="softmax"), "unknown activation 'softmax'"),
        (lambda: nn.MLP(2, {0: 5, 1: 6}), "a list of layer sizes"),
        (lambda: nn.MLP(2, b"ab"), "a list of layer sizes"),
        (lambda: nn.MLP(2, "ab"), "a list of layer sizes"),
        (lambda: nn.MLP(2, [3, 0]), "layer sizes must be whole numbers >= 1, got 0"),
        (lambda: nn.MLP(2, [3.0, 1]), "layer sizes must be whole numbers >= 1, got 3.0"),
        (lambda: nn.MLP({0: 5}, [1]), "whole number of inputs >= 1"),
        (lambda: nn.MLP(b"ab", [1]), "whole number of inputs >= 1"),
    ],
)
def test_mlp_checks_sizes_and_activation_names_up_front(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_mlp_takes_numpy_integer_sizes():
    np = pytest.importorskip("numpy")
    model = nn.MLP(np.int64(2), np.array([3, 1]))
    assert model.num_parameters() == 2 * 3 + 3 + 3 + 1


def test_micrograds_nonlin_chooses_relu_or_no_activation():
    assert nn.Neuron(2, nonlin=True).activation == "relu" and nn.Neuron(2, nonlin=False).activation == "identity"
    assert nn.Layer(2, 3, nonlin=False).neurons[0].activation == "identity"
    mlp = nn.MLP(2, [3, 1], nonlin=False)
    assert [layer.neurons[0].activation for layer in mlp.layers] == ["identity", "identity"]
    assert nn.Neuron(2).activation == "relu"  # micrograd's default
    with pytest.raises(ValueError, match="activation= or micrograd's nonlin=, not both"):
        nn.Neuron(2, activation="tanh", nonlin=True)
    with pytest.raises(TypeError, match="nonlin must be True"):
        nn.Neuron(2, nonlin="yes")
