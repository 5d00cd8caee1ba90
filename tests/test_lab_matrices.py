"""The Lab's Matrices tab (lab/derivation.py's `matrices`, `Lab.matrices`), under CPython: every entry
against nn.layer_view built here, independently, on a copy of the Lab's weights and the same example
or batch; the ids against the Chain rule tab's own drawing; the run untouched."""

import json
import math

import pytest

import nn
from autograd.views.notation import notes_label, number
from lab import derivation
from lab.session import Lab
from nn.matrices import TOLERANCE, layer_view

NAMES = ("W", "b", "h_prev", "z", "h", "dphi", "upstream", "delta", "dW", "db")
LOSSES = {"hinge": nn.hinge_loss, "logistic": nn.logistic_loss, "bce_with_logits": nn.bce_with_logits_loss,
          "mse": nn.mse_loss}  # fmt: skip


def grid(values):
    """layer_view's vectors as the reply's columns (n × 1); its matrices as they are."""
    return [row if isinstance(row, list) else [row] for row in values]


def copy_of_the_model(lab):
    """An nn.MLP of the Lab's shape with the Lab's weights, built here."""
    nn.manual_seed(0)  # any: the weights are loaded
    inputs = 1 if lab.config["dataset"] == "function" else 2
    model = nn.MLP(inputs, [*lab.config["hidden"], 1], lab.config["activation"])
    model.load_state_dict(lab.model.state_dict())
    return model


def target(lab, label):
    signed = lab.config["dataset"] != "function" and lab.config["loss"] in ("hinge", "logistic", "mse")
    return 2 * label - 1 if signed else label


def independent_view(lab, rows, batch):
    """nn.layer_view on a copy of the Lab's model: the loss of these rows, as the config says."""
    model = copy_of_the_model(lab)
    loss_fn = LOSSES[lab.config["loss"]]
    loss = loss_fn([model(row[:-1]) for row in rows], [target(lab, row[-1]) for row in rows])
    loss.backward()
    return layer_view(loss, model, [row[:-1] for row in rows] if batch else rows[0][:-1])


def assert_same_numbers(reply, view):
    assert len(reply["layers"]) == len(view.layers)
    for shown, layer in zip(reply["layers"], view.layers):
        assert shown["index"] == layer.index and shown["shape"] == list(layer.shape)
        for name in NAMES:
            matrix = shown["matrices"][name]
            expected = grid(getattr(layer, name))
            assert matrix["values"] == expected, (layer.index, name)  # the same arithmetic: to the bit
            assert matrix["text"] == [[number(x) for x in row] for row in matrix["values"]]
            assert matrix["shape"] == f"{len(expected)} × {len(expected[0])}"


@pytest.mark.parametrize("example", [0, 7, 19])
def test_one_examples_matrices_are_nn_layer_view_on_the_same_weights(example):
    lab = Lab({"samples": 60, "hidden": [4, 3], "seed": 2})
    lab.step(9)
    reply = lab.matrices(example)
    view = independent_view(lab, [lab.train_set[example]], batch=False)
    assert_same_numbers(reply, view)
    assert reply["example"] == example and reply["examples"] == [example] and not reply["batch"]
    assert reply["difference"] <= TOLERANCE and reply["loss"] == pytest.approx(view.loss.data, rel=1e-15)
    gradients = [abs(x) for layer in view.layers for name in derivation.GRADIENTS for row in grid(getattr(layer, name))
                 for x in row]  # fmt: skip
    assert reply["gradientScale"] == pytest.approx(max(gradients), rel=1e-13)


def test_the_batchs_matrices_are_nn_layer_view_of_the_next_steps_mean_loss():
    lab = Lab({"samples": 80, "batchSize": 6, "optimizer": "adam", "learningRate": 0.03, "seed": 4})
    lab.step(5)
    batch = lab.upcoming_batch()
    reply = lab.matrices(3, batch=True)
    view = independent_view(lab, [lab.train_set[i] for i in batch], batch=True)
    assert_same_numbers(reply, view)
    assert reply["batch"] and reply["examples"] == batch and reply["count"] == 6 == view.batch
    assert view.weights == pytest.approx([1 / 6] * 6)  # a mean: ∂L/∂W = (1/N) Δ Hᵀ
    first = reply["layers"][0]["matrices"]
    explained = lab.explain("layers.0.neurons.1.w.0", 3)  # the Chain rule tab's batch gradient, the same number
    assert first["dW"]["values"][1][0] == pytest.approx(explained["batchGradient"], rel=1e-12, abs=1e-15)
    assert first["z"]["labels"][0][2] == f"z⁽¹⁾₁, example {batch[2]}"


def test_the_run_is_untouched_weights_grads_optimizer_and_progress():
    lab = Lab({"optimizer": "adam", "samples": 40, "seed": 1})
    lab.step(4)
    for p in lab.parameters:
        p.grad = 0.125  # whatever the grads are, they stay
    weights = lab.model.state_dict()
    state = [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t]
    batch, progress = list(lab.upcoming_batch()), (lab.steps, lab.epoch, list(lab.history))
    for example, batch_mode, view in [(0, False, "neuron"), (3, True, "neuron"), (5, False, "expanded")]:
        lab.matrices(example, batch_mode, view)
    assert lab.model.state_dict() == weights and all(p.grad == 0.125 for p in lab.parameters)
    assert [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t] == state
    assert lab.upcoming_batch() == batch and (lab.steps, lab.epoch, lab.history) == progress
    assert all(not n.expand for layer in lab.model.layers for n in layer.neurons)
    untouched = Lab({"optimizer": "adam", "samples": 40, "seed": 1})
    untouched.step(4)
    lab.step(3), untouched.step(3)
    assert lab.model.state_dict() == untouched.model.state_dict()  # the next steps are those it would have taken


def test_entries_name_the_diagrams_weights_and_neurons_and_the_chain_rule_graphs_nodes():
    lab = Lab({"samples": 30, "seed": 3})
    lab.step(2)
    for view in ("neuron", "expanded"):
        reply = lab.matrices(4, view=view)
        derived = lab.explain("layers.1.neurons.0.w.2", 4, view=view, notation="paths")
        node = derived["nodeIds"]  # the Chain rule tab's drawing: its names (module paths) and ids
        first, second = reply["layers"][0]["matrices"], reply["layers"][1]["matrices"]
        assert second["W"]["params"][0][2] == "layers.1.neurons.0.w.2" == second["dW"]["params"][0][2]
        assert second["W"]["ids"][0][2] == second["dW"]["ids"][0][2] == derived["parameterId"]
        assert second["W"]["labels"][0][2] == notes_label("layers.1.neurons.0.w.2") == "w⁽²⁾₁₃"
        assert second["dW"]["labels"][0][2] == "∂L/∂w⁽²⁾₁₃"
        assert first["b"]["params"][1] == ["layers.0.neurons.1.b"]
        assert first["b"]["ids"][1] == first["db"]["ids"][1] == [node["layers.0.neurons.1.b"]]
        assert first["delta"]["neurons"][1] == "layers.0.neurons.1"  # a δ is its neuron's: δ⁽¹⁾₂ = dℓ/dz⁽¹⁾₂
        assert first["delta"]["ids"][1] == first["z"]["ids"][1] == [node["layers.0.neurons.1.z"]]
        assert first["h"]["ids"][3] == [node["layers.0.neurons.3.h"]]
        assert first["dphi"]["ids"][3] == first["z"]["ids"][3]  # φ'(z⁽¹⁾₄) points to its z
        assert first["h_prev"]["neurons"] == [None, None] and first["h_prev"]["ids"] == [[node["x1"]], [node["x2"]]]
        assert second["h_prev"]["neurons"] == [f"layers.0.neurons.{j}" for j in range(4)]
    weight = lab.explain("layers.1.neurons.0.w.2", 4)["parameterId"]
    batch = lab.matrices(4, batch=True)["layers"][1]["matrices"]  # the batch's graph is not the tab's: only weights
    assert batch["W"]["ids"][0][2] == weight and {i for row in batch["z"]["ids"] for i in row} == {""}


def test_each_layer_states_its_equations_and_shapes_from_the_output_down():
    lab = Lab({"samples": 20, "hidden": [4, 2]})
    one = lab.matrices(0)["layers"]
    assert [layer["heading"] for layer in one] == [
        "Layer 1 (φ = tanh): W⁽¹⁾ is n₁ × n₀ = 4 × 2",
        "Layer 2 (φ = tanh): W⁽²⁾ is n₂ × n₁ = 2 × 4",
        "Layer 3, the output (φ = identity): W⁽³⁾ is n₃ × n₂ = 1 × 2",
    ]
    rows = {row["name"]: row for row in one[0]["rows"]}
    assert rows["forward"]["equation"] == "z⁽¹⁾ = W⁽¹⁾h⁽⁰⁾ + b⁽¹⁾"
    assert rows["forward"]["shapes"] == "(4 × 2)(2 × 1) + (4 × 1) = (4 × 1)"
    assert rows["delta"]["equation"] == "δ⁽¹⁾ = φ'(z⁽¹⁾) ⊙ (W⁽²⁾ᵀδ⁽²⁾)"
    assert rows["delta"]["shapes"] == "(4 × 1) ⊙ ((4 × 2)(2 × 1)) = (4 × 1)"
    assert rows["dW"]["equation"] == "∂L/∂W⁽¹⁾ = δ⁽¹⁾h⁽⁰⁾ᵀ" and rows["dW"]["shapes"] == "(4 × 1)(1 × 2) = (4 × 2)"
    assert rows["dW"]["terms"] == [{"matrix": "delta"}, {"matrix": "h_prev", "transposed": True}, "=", {"matrix": "dW"}]
    assert rows["db"]["equation"] == "∂L/∂b⁽¹⁾ = δ⁽¹⁾"
    last = {row["name"]: row for row in one[2]["rows"]}
    assert last["delta"]["equation"] == "δ⁽³⁾ = φ'(z⁽³⁾) ⊙ ∇ŷℓ: the output is linear, φ' = 1"
    assert one[2]["matrices"]["upstream"]["title"] == "∇ŷℓ" and one[1]["matrices"]["upstream"]["title"] == "W⁽³⁾ᵀδ⁽³⁾"
    assert one[0]["matrices"]["h_prev"]["title"] == "h⁽⁰⁾ = x"
    batch = {row["name"]: row for row in lab.matrices(0, batch=True)["layers"][0]["rows"]}
    assert batch["forward"]["equation"] == "Z⁽¹⁾ = W⁽¹⁾H⁽⁰⁾ + b⁽¹⁾1ᵀ"
    assert batch["dW"]["equation"] == "∂L/∂W⁽¹⁾ = (1/N) Δ⁽¹⁾H⁽⁰⁾ᵀ"
    assert batch["dW"]["shapes"] == "(4 × N)(N × 2) = (4 × 2), N = 10" and batch["dW"]["terms"][0] == "(1/N)"
    assert batch["delta"]["equation"] == "Δ⁽¹⁾ = φ'(Z⁽¹⁾) ⊙ (W⁽²⁾ᵀΔ⁽²⁾)"


@pytest.mark.parametrize(
    "config",
    [
        {"loss": "hinge"},
        {"loss": "bce_with_logits", "activation": "relu"},
        {"loss": "mse", "activation": "sigmoid"},
        {"dataset": "function", "loss": "mse", "hidden": [3]},
        {"hidden": []},
    ],
    ids=["hinge", "bce-relu", "mse-sigmoid", "function", "no-hidden-layer"],
)
def test_every_loss_and_shape_of_network_gives_the_engines_matrices(config):
    lab = Lab({"samples": 40, **config})
    lab.step(3)
    for batch in (False, True):
        reply = lab.matrices(2, batch=batch)
        rows = [lab.train_set[i] for i in reply["examples"]]
        assert_same_numbers(reply, independent_view(lab, rows, batch))
        assert reply["difference"] <= TOLERANCE and len(reply["layers"]) == len(config.get("hidden", [4, 2])) + 1


def test_without_numpy_the_worker_shows_the_same_numbers_unchecked(monkeypatch):
    lab = Lab({"samples": 30})
    lab.step(2)
    checked = [lab.matrices(5), lab.matrices(5, batch=True)]
    monkeypatch.setattr(derivation, "_has_numpy", lambda: False)  # as in Pyodide, which has no numpy here
    unchecked = [lab.matrices(5), lab.matrices(5, batch=True)]
    for a, b in zip(checked, unchecked):
        assert math.isnan(b["difference"]) and "not checked against numpy" in b["check"]
        assert a["layers"] == b["layers"]  # every number, name and id
    reply = json.loads(lab.call("matrices", '{"example": 5}'))["result"]
    assert reply["difference"] is None and reply["layers"] == json.loads(json.dumps(checked[0]["layers"]))


def test_bad_arguments_name_what_was_expected():
    lab = Lab({"samples": 20})
    for arguments, message in [
        ({"example": 10}, "example must be the index of a training point, 0 to 9; got 10"),
        ({"example": True}, "example must be the index of a training point, 0 to 9; got True"),
        ({"example": "3"}, "example must be the index of a training point, 0 to 9; got '3'"),
        ({"example": 0, "batch": "yes"}, "batch must be true (the next step's batch) or false (one example)"),
        ({"example": 0, "view": "big"}, "view must be one of neuron, expanded; got 'big'"),
        ({"exampel": 0}, "unexpected keyword argument 'exampel'"),
    ]:
        reply = json.loads(lab.call("matrices", json.dumps(arguments)))
        assert list(reply) == ["error"] and message in reply["error"], (arguments, reply)
    while lab.train_set:
        lab.remove_point(*lab.train_set[0][:2], within=1e-9)
    reply = json.loads(lab.call("matrices", "{}"))
    assert reply == {"error": "there are no training points: add some by clicking on the plane"}


def test_after_a_divergence_the_matrices_say_what_a_step_says():
    lab = Lab({"samples": 20})
    lab.model.layers[0].neurons[0].w[0].data = 1e308  # as if training had diverged
    lab.train_set[0][:2] = [3.0, 0.0]
    reply = json.loads(lab.call("matrices", '{"example": 0}'))
    assert list(reply) == ["error"] and reply["error"].startswith("The matrices cannot be shown: linear overflows")
    assert "Lower the learning rate (0.1) and press Reset" in reply["error"]
