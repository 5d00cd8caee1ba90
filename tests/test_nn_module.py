"""Module: parameter names, modes, repr, state_dict, save and load (atomic, checked before anything changes)."""

import json
import math
import os

import pytest

import nn
from autograd import Value


@pytest.fixture(autouse=True)
def seeded():
    nn.manual_seed(0)


def test_parameters_carry_their_dotted_names_as_labels():
    model = nn.MLP(2, [3, 1])
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert all(p.label == name for name, p in model.named_parameters())
    assert nn.Neuron(2).w[1].label == "w.1"


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
