"""Neuron, Layer, MLP, Dropout and Module: structure, names, modes, saving, bad input."""

import json
import math
import os

import pytest

import nn
from autograd import Value, topological_order


@pytest.fixture(autouse=True)
def seeded():
    nn.manual_seed(0)


def test_mlp_2_16_16_1_has_micrographs_337_parameters():
    model = nn.MLP(2, [16, 16, 1])
    assert model.num_parameters() == 337 == len(model.parameters())
    # seed 001: one hidden layer of n neurons on d inputs (and one output) has (2 + d) n parameters + 1 output bias
    assert nn.MLP(3, [5, 1]).num_parameters() == (2 + 3) * 5 + 1


def test_parameters_carry_their_dotted_names_as_labels():
    model = nn.MLP(2, [3, 1])
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert all(p.label == name for name, p in model.named_parameters())
    assert nn.Neuron(2).w[1].label == "w.1"


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


def test_the_same_seed_gives_the_same_model():
    nn.manual_seed(42)
    first = nn.MLP(2, [4, 1]).state_dict()
    nn.manual_seed(42)
    assert nn.MLP(2, [4, 1]).state_dict() == first
    assert nn.MLP(2, [4, 1]).state_dict() != first  # the generator moved on


def test_biases_start_at_zero():
    for init in ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"):
        assert all(n.b.data == 0.0 for layer in nn.MLP(3, [4, 2], init=init).layers for n in layer.neurons)


# --- bad input ---


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


# --- modes and dropout ---


def test_dropout_drops_and_rescales_only_in_training():
    drop = nn.Dropout(0.5)
    x = [Value(1.0) for _ in range(1000)]
    out = drop(x)
    kept = [v.data for v in out if v.data != 0.0]
    assert set(kept) == {2.0} and 400 < len(kept) < 600
    drop.eval()
    assert [v.data for v in drop(x)] == [1.0] * 1000


def test_train_and_eval_reach_every_submodule():
    class Net(nn.Module):
        def __init__(self):
            self.body = nn.MLP(2, [3])
            self.drop = nn.Dropout(0.5)

        def forward(self, x):
            return self.drop(self.body(x))

    net = Net()
    net.eval()
    assert not net.drop.training and not net.body.layers[0].training
    net.train()
    assert net.drop.training
    assert [name for name, _ in net.named_parameters()][0] == "body.layers.0.neurons.0.w.0"
    assert "(drop): Dropout(p=0.5)" in repr(net)


def test_repr_shows_the_architecture():
    text = repr(nn.MLP(2, [16, 16, 1]))
    assert text.splitlines() == [
        "MLP(2 -> [16, 16, 1], 337 parameters",
        "  (layers.0): Layer(2 -> 16, relu)",
        "  (layers.1): Layer(16 -> 16, relu)",
        "  (layers.2): Layer(16 -> 1, identity)",
        ")",
    ]


# --- state, saving, loading ---


def test_state_dict_round_trip_and_mismatch_changes_nothing():
    source, target = nn.MLP(2, [3, 1]), nn.MLP(2, [3, 1])
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()

    before = target.state_dict()
    wrong = nn.MLP(2, [4, 1]).state_dict()
    with pytest.raises(ValueError, match=r"missing none, unexpected 'layers.0.neurons.3.w.0'"):
        target.load_state_dict(wrong)
    bad_value = dict(source.state_dict(), **{"layers.1.neurons.0.b": "x"})
    with pytest.raises(TypeError, match=r"state\['layers.1.neurons.0.b'\] must be a number, got str"):
        target.load_state_dict(bad_value)
    assert target.state_dict() == before


def test_save_and_load_round_trip_floats_exactly(tmp_path):
    model = nn.MLP(2, [3, 1], init="he_normal")
    model.layers[0].neurons[0].w[0].data = 0.1 + 0.2  # 0.30000000000000004
    path = tmp_path / "model.json"
    model.save(path)
    fresh = nn.MLP(2, [3, 1])
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()
    assert json.loads(path.read_text())["format"] == "backprop-lab model"


def test_a_crash_while_saving_leaves_the_old_file_whole(tmp_path, monkeypatch):
    model = nn.MLP(2, [3, 1])
    path = tmp_path / "model.json"
    model.save(path)
    saved = path.read_text()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    model.layers[0].neurons[0].b.data = 99.0
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_text() == saved
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_loading_a_file_that_does_not_fit_changes_nothing(tmp_path):
    small, large = nn.MLP(2, [3, 1]), nn.MLP(2, [5, 1])
    small.save(tmp_path / "small.json")
    before = large.state_dict()
    with pytest.raises(ValueError, match="does not fit this MLP"):
        large.load(tmp_path / "small.json")
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a saved model"):
        large.load(tmp_path / "junk.json")
    assert large.state_dict() == before


# --- initializers against PyTorch's formulas ---


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


def test_a_numpy_row_is_accepted_as_input():
    np = pytest.importorskip("numpy")
    model = nn.MLP(2, [3, 1])
    assert model(np.array([0.5, -1.0])).data == model([0.5, -1.0]).data


# --- hardening: sizes and names checked up front; loads that change nothing unless all fits ---


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


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (10**400, ValueError, "too large for a float"),
        (1e400, ValueError, "must be a finite number, got inf"),
        (math.nan, ValueError, "must be a finite number, got nan"),
        (True, TypeError, "must be a number, got bool"),
        (None, TypeError, "must be a number, got NoneType"),
    ],
)
def test_load_state_dict_checks_every_value_before_assigning_any(bad, error, message):
    model = nn.MLP(2, [3, 1])
    before = model.state_dict()
    state = dict(before)
    ninth = list(state)[8]
    state[ninth] = bad
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_refuses_names_that_are_not_strings():
    model = nn.MLP(1, [1])
    with pytest.raises(TypeError, match="state names must be str, got int"):
        model.load_state_dict({**model.state_dict(), 3: 1.0})


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"format": "backprop-lab model"}', 'no "parameters" object in it'),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"{not json", "is not a saved model"),
        (b'{"format": "backprop-lab model", "parameters": {"w": ' + b"9" * 5000 + b"}}", "is not a saved model"),
        (b'{"format": "backprop-lab model", "parameters": {"layers.0.neurons.0.w.0": 1e400}}', "does not fit"),
    ],
)
def test_load_turns_every_bad_file_into_a_value_error_naming_it(content, message, tmp_path):
    model = nn.MLP(1, [1])
    before = model.state_dict()
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as raised:
        model.load(path)
    assert str(path) in str(raised.value)
    assert model.state_dict() == before


def test_save_refuses_a_model_with_non_finite_parameters(tmp_path):
    model = nn.MLP(1, [1])
    model.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match=r"parameter 'layers.0.neurons.0.b' is nan"):
        model.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


def test_save_errors_name_the_target_not_a_temporary_file(tmp_path):
    folder = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as raised:
        nn.MLP(1, [1]).save(folder / "model.json")
    assert raised.value.filename == str(folder / "model.json")


# --- micrograd's names: nonlin=; modules name their parameters themselves ---


def test_micrographs_nonlin_chooses_relu_or_no_activation():
    assert nn.Neuron(2, nonlin=True).activation == "relu" and nn.Neuron(2, nonlin=False).activation == "identity"
    assert nn.Layer(2, 3, nonlin=False).neurons[0].activation == "identity"
    mlp = nn.MLP(2, [3, 1], nonlin=False)
    assert [layer.neurons[0].activation for layer in mlp.layers] == ["identity", "identity"]
    assert nn.Neuron(2).activation == "relu"  # micrograd's default
    with pytest.raises(ValueError, match="activation= or micrograd's nonlin=, not both"):
        nn.Neuron(2, activation="tanh", nonlin=True)
    with pytest.raises(TypeError, match="nonlin must be True"):
        nn.Neuron(2, nonlin="yes")


def test_a_module_of_your_own_names_its_parameters_without_being_asked():
    class TwoLayers(nn.Module):
        def __init__(self):
            self.first = nn.Layer(2, 2)
            self.scale = Value(1.0)

        def forward(self, x):
            return self.scale * sum(self.first(x))

    model = TwoLayers()
    assert model.scale.label == "scale" and model.first.neurons[0].w[0].label == "first.neurons.0.w.0"
    assert model.first.neurons[1].name == "first.neurons.1" and model.num_parameters() == 7
