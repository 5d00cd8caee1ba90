"""The Lab's chain rule of one parameter (lab/derivation.py) and its console (lab/console.py),
under CPython: gradients against the model's own backward, updates against nn.optim's next step."""

import json
import math
import re

import pytest

import nn
from autograd.engine import topological_order
from autograd.views.drawing import node_names
from autograd.views.notation import notes_label
from lab.console import Console
from lab.session import Lab


def own_gradient(model, row, loss_fn, target) -> dict:
    """d loss / d every parameter for one example, by backward on a graph built here."""
    model.zero_grad()
    loss = loss_fn([model(row[:-1])], [target])
    loss.backward()
    return {name: p.grad for name, p in model.named_parameters()}


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop", "adagrad"])
def test_the_update_shown_is_the_next_step(optimizer):
    lab = Lab({"optimizer": optimizer, "learningRate": 0.05, "l2": 0.01, "samples": 60, "batchSize": 7})
    lab.step(12)  # the optimizers have state by now
    names = ["layers.0.neurons.1.w.0", "layers.1.neurons.0.b", "layers.2.neurons.0.w.1"]
    shown = {name: lab.explain(name, 2)["update"] for name in names}
    lab.step(1)
    for name in names:
        assert shown[name]["after"] == lab.model.state_dict()[name]  # exactly: the same arithmetic
        assert shown[name]["optimizer"] == ("SGD" if optimizer in ("sgd", "momentum") else type(lab.optimizer).__name__)


def test_gradients_paths_and_the_batch_agree_with_the_engine():
    lab = Lab({"samples": 80, "hidden": [3, 2]})
    lab.step(15)
    for name in ["layers.0.neurons.0.w.1", "layers.0.neurons.2.b", "layers.1.neurons.1.w.2", "layers.2.neurons.0.b"]:
        for example in (0, 7):
            d = lab.explain(name, example, notation="paths")
            row = lab.train_set[example]
            expected = own_gradient(lab.model, row, nn.logistic_loss, 2 * row[2] - 1)[name]
            assert d["gradient"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
            assert d["pathSum"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
            assert math.fsum(p["product"] for p in d["paths"]) == pytest.approx(d["pathSum"], rel=1e-12, abs=1e-15)
            assert len(d["paths"]) == d["pathCount"] >= 1
            assert all(p["nodes"][0] == "loss" and p["nodes"][-1] == name for p in d["paths"])
            batch = [e["gradient"] for e in d["batch"]]
            assert [e["example"] for e in d["batch"]] == lab.upcoming_batch()
            assert d["batchGradient"] == pytest.approx(math.fsum(batch) / len(batch), rel=1e-12, abs=1e-15)
            assert d["steps"][0].startswith("loss.grad = dL/dL = 1, the seed")
            assert d["steps"][-1].startswith(f"{name}.grad += ")
            notes = lab.explain(name, example)  # the Lab's default: the lecture notes' names, the same numbers
            shown = notes_label(name)
            assert notes["parameterName"] == shown and notes["parameter"] == name and notes["gradient"] == d["gradient"]
            assert all(p["nodes"][0] == "L" and p["nodes"][-1] == shown for p in notes["paths"])
            assert notes["steps"][0] == "L.grad = dL/dL = 1, the seed" and notes["steps"][-1].startswith(shown)
            assert notes["backward"][notes["parameterStep"]]["parent"] == notes["parameterId"] == d["parameterId"]


def test_explaining_changes_nothing():
    lab = Lab({"optimizer": "adam", "samples": 40})
    lab.step(4)
    for p in lab.parameters:
        p.grad = 0.125  # whatever the grads are, they stay
    weights, state = lab.model.state_dict(), [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t]
    batch = list(lab.upcoming_batch())
    lab.explain("layers.1.neurons.0.w.0", 3, view="expanded", paths_only=True)
    assert lab.model.state_dict() == weights and all(p.grad == 0.125 for p in lab.parameters)
    assert [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t] == state
    assert lab.upcoming_batch() == batch and lab.steps == 4 and lab.epoch == 2
    assert all(not n.expand for layer in lab.model.layers for n in layer.neurons)


def test_the_records_end_with_backwards_grads_and_mark_the_paths():
    lab = Lab({"samples": 40})
    lab.step(3)
    name = "layers.0.neurons.2.w.1"
    d = lab.explain(name, 5, notation="paths")
    row = lab.train_set[5]
    loss = lab.loss_fn([lab.model(row[:-1])], [2 * row[2] - 1])
    lab.model.zero_grad()
    loss.backward()
    order = topological_order(loss)
    by_id = {f"value-{i}": n for i, n in enumerate(order)}  # draw_graph's ids: the place in the order
    assert {node_names(order)[n] for n in order[:-1]} <= set(d["nodeIds"])  # all but the loss, unlabelled here
    last = {}
    for record in d["backward"]:
        last[record["parent"]] = record["value"]
    assert last and all(last[i] == pytest.approx(by_id[i].grad, rel=1e-12, abs=1e-15) for i in last)
    on_path = [r for r in d["backward"] if r["onPath"]]
    assert len(on_path) == len(d["steps"]) < len(d["backward"])
    assert d["parameterId"] in d["pathNodes"] and len(d["pathEdges"]) == len(d["steps"]) - 1
    focused = lab.explain(name, 5, paths_only=True, notation="paths")
    assert [r["sentence"] for r in focused["backward"]] == d["steps"]
    assert focused["gradient"] == d["gradient"] and len(focused["dot"]) < len(d["dot"])
    expanded = lab.explain(name, 5, view="expanded", notation="paths")
    assert expanded["gradient"] == pytest.approx(d["gradient"], rel=1e-12) and len(expanded["backward"]) > len(
        d["backward"]
    )
    assert [f["sentence"] for f in d["forward"]][-1].startswith("loss = ")


def test_bad_requests_name_what_was_expected():
    lab = Lab({"samples": 20})
    with pytest.raises(ValueError, match=r"unknown parameter 'w'; the 25 parameters are named like layers.0"):
        lab.explain("w")
    with pytest.raises(ValueError, match="example must be the index of a training point, 0 to 9; got 10"):
        lab.explain("layers.0.neurons.0.b", 10)
    with pytest.raises(ValueError, match="view must be one of neuron, expanded; got 'big'"):
        lab.explain("layers.0.neurons.0.b", 0, view="big")
    reply = json.loads(lab.call("explain", json.dumps({"parameter": "layers.0.neurons.0.b", "example": 1})))
    assert reply["result"]["gradient"] is not None  # all of it is JSON


def test_the_console_runs_project_code_and_survives_errors():
    lab = Lab({"samples": 20})
    console = Console(lab)
    assert console.run("1 + 1") == {"output": "2\n", "more": False, "graphs": []}
    assert console.run("w = model.layers[0].neurons[0].w[0]")["output"] == ""
    assert console.run("w")["output"] == repr(lab.model.layers[0].neurons[0].w[0]) + "\n"
    assert console.run("print(undefined_name)")["output"] == "NameError: name 'undefined_name' is not defined\n"
    assert console.run("(w * 2).data")["output"] == f"{2 * lab.model.layers[0].neurons[0].w[0].data!r}\n"
    assert console.run("for i in range(2):")["more"]
    console.run("    print(i)")
    assert console.run("")["output"] == "0\n1\n"
    out = console.run("o = model(data['train'][0][:2]); o.backward(); print(autograd.explain(o, w))")["output"]
    assert out.startswith("dL/d(layers.0.neurons.0.w.0) with L = layers.2.neurons.0.z: the sum over 2 paths")
    graph = console.run("autograd.draw_graph(o)")
    assert graph["output"].startswith("<graph: ") and graph["graphs"][0].startswith("digraph backprop {")
    assert "SyntaxError" in console.run("def f(:")["output"]
    lab.configure({"hidden": [3]})  # a new model: the console sees it
    assert console.run("len(model.layers)")["output"] == "2\n"


def test_the_lab_serves_exercises_and_marks_them():
    from autograd import exercises

    lab = Lab({"samples": 20})
    with pytest.raises(ValueError, match="there is no exercise to check"):
        lab.check_exercise({})
    shown = lab.exercise(level=3, seed=2)
    ex = exercises.exercise(2, 3)
    assert shown["names"] == ex.order() and shown["forward"] == ex.forward_lines() and "grad" not in shown["dot"]
    report = lab.check_exercise({"L": 1.0, "err": 123.0})
    assert report["results"]["L"] == "right" and report["results"]["err"] == "wrong"
    assert report["diagnosis"] == exercises.check(ex, {"L": 1.0, "err": 123.0}).diagnosis


def test_a_graph_too_big_to_read_is_drawn_as_its_paths():
    lab = Lab({"hidden": [32, 32, 32], "samples": 20})
    d = lab.explain("layers.0.neurons.0.w.0")
    assert d["pathsOnly"] and d["note"].startswith("The whole graph has ") and d["pathCount"] == 32 * 32
    assert len(d["paths"]) == 64 and d["pathSum"] == pytest.approx(d["gradient"], rel=1e-9, abs=1e-15)
    small = lab.explain("layers.3.neurons.0.b")
    assert small["pathsOnly"] and small["pathCount"] == 1


def test_only_the_paths_ids_are_those_of_the_graph_drawn():
    lab = Lab({"samples": 20})
    d = lab.explain("layers.0.neurons.1.w.0", 2, paths_only=True)
    drawn = set(re.findall(r'id="?(value-\d+)"?', d["dot"]))
    assert d["parameterId"] in drawn and set(d["pathNodes"]) == drawn  # every node drawn is on a path
    assert all(r["onPath"] for r in d["backward"]) and {f["node"] for f in d["forward"]} == drawn
    assert all(edge in d["dot"] for edge in d["pathEdges"])
    assert d["gradient"] == lab.explain("layers.0.neurons.1.w.0", 2)["gradient"]


def test_the_derivation_after_a_divergence_says_what_a_step_says():
    lab = Lab({"samples": 20})
    lab.model.layers[0].neurons[0].w[0].data = 1e308  # as if training had diverged
    lab.train_set[0][:2] = [3.0, 0.0]
    reply = json.loads(lab.call("explain", json.dumps({"parameter": "layers.0.neurons.0.w.0", "example": 0})))
    assert list(reply) == ["error"] and "traceback" not in reply
    assert reply["error"].startswith("The chain rule of layers.0.neurons.0.w.0 cannot be shown: linear overflows")
    assert "Lower the learning rate (0.1) and press Reset" in reply["error"]


def test_a_first_layer_weight_of_a_deep_network_shows_its_count_sum_and_largest_paths():
    lab = Lab({"hidden": [11] * 6, "samples": 20})
    d = lab.explain("layers.0.neurons.0.w.0")
    assert d["pathCount"] == 11**5 and d["pathsAreLargest"] and len(d["paths"]) == 64
    own = own_gradient(lab.model, lab.train_set[0], nn.logistic_loss, 2 * lab.train_set[0][2] - 1)
    assert d["pathSum"] == pytest.approx(own["layers.0.neurons.0.w.0"], rel=1e-9, abs=1e-15)
    products = [abs(p["product"]) for p in d["paths"]]
    assert products == sorted(products, reverse=True)
