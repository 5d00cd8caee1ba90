"""lab.session's Playground settings under CPython: input features, L1, and more than two classes.

Each is checked against an oracle of its own: the features against their formulas written here
with `math`, training against an independent loop of `nn` (and, for L1, of PyTorch float64), the
softmax over the plane against probabilities summing to 1."""

import json
import math

import pytest

import nn
from autograd import Value, no_grad
from lab.config import DEFAULTS, check_config, from_query, to_query
from lab.session import Lab
from tests.test_lab_session import step_batches

FORMULAS = {  # each feature of a point, written again from Playground's list
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: math.sin(a),
    "sin(x2)": lambda a, b: math.sin(b),
}


def plane_points(lab: Lab, resolution: int) -> list[tuple[float, float]]:
    """The frame's grid, row 0 at the top, as lab.session.frame documents it."""
    x0, x1, y0, y1 = lab.domain
    return [(x0 + (x1 - x0) * (c + 0.5) / resolution, y1 - (y1 - y0) * (r + 0.5) / resolution)
            for r in range(resolution) for c in range(resolution)]  # fmt: skip


def reference_run(config: dict, steps: int, features, loss_fn, target, outputs: int, l1: float = 0.0) -> dict:
    """The state_dict after `steps` SGD steps from nn alone, written from lab.session's docstring: the
    features as Value nodes of x1 and x2, the L1 term as l1 * sum(abs(w)) over the weights."""
    X, y = nn.data.make_spirals(config["samples"], classes=config["classes"], noise=config["noise"],
                                seed=config["seed"]) if config["dataset"] == "spirals" else (
        nn.data.make_blobs(config["samples"], centers=config["classes"], std=0.5 + 5 * config["noise"],
                           seed=config["seed"]) if config["dataset"] == "blobs" else
        nn.data.make_circles(config["samples"], config["noise"], seed=config["seed"]))  # fmt: skip
    seed = config["seed"]
    X_train, _, y_train, _ = nn.data.train_test_split(X, y, 1.0 - config["trainRatio"], seed=seed)
    nn.manual_seed(seed)
    model = nn.MLP(len(features), [*config["hidden"], outputs], config["activation"], init=config["init"])
    optimizer = nn.optim.SGD(model.parameters(), config["learningRate"], weight_decay=config["l2"])
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    for X_batch, y_batch in step_batches(X_train, y_train, config["batchSize"], seed, steps):
        inputs = []
        for a, b in X_batch:
            x1, x2 = Value(a), Value(b)
            inputs.append([features[name](x1, x2) for name in features])
        loss = loss_fn([model(x) for x in inputs], [target(t) for t in y_batch])
        if l1:
            penalty = abs(weights[0])
            for w in weights[1:]:
                penalty = penalty + abs(w)
            loss = loss + l1 * penalty
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.state_dict()


NODE_FEATURES = {  # the same, on Value nodes (the engine's sin)
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: a.sin(),
    "sin(x2)": lambda a, b: b.sin(),
}


# --- input features ---------------------------------------------------------------------------


def test_each_features_column_over_the_plane_is_its_formula():
    lab = Lab({"dataset": "circles", "features": list(FORMULAS), "samples": 60})
    frame = lab.frame(resolution=12)
    assert frame["inputNames"] == list(FORMULAS)
    points = plane_points(lab, 12)
    for name, grid in zip(frame["inputNames"], frame["inputs"]):
        assert grid == [round(FORMULAS[name](a, b), 4) for a, b in points], name


def test_the_features_are_nodes_of_the_graph_with_their_formulas_numbers():
    lab = Lab({"dataset": "circles", "features": list(FORMULAS), "samples": 60})
    row = lab.train_set[3]
    nodes = lab.inputs(row)
    assert [n.data for n in nodes] == [FORMULAS[name](row[0], row[1]) for name in FORMULAS]
    assert [n.label for n in nodes] == ["x1", "x2", "x1*x1", "x2*x2", "x1*x2", "sin(x1)", "sin(x2)"]
    square = nodes[2]
    assert square.parents == (nodes[0], nodes[0])  # x1*x1: the leaf x1 twice
    derivation = lab.explain("layers.0.neurons.0.w.2")
    assert "x₁·x₁" in derivation["dot"] and "sin(x₂)" in derivation["dot"]
    assert derivation["gradient"] == pytest.approx(derivation["pathSum"], abs=1e-15)


def test_a_feature_cross_solves_circles_without_a_hidden_layer():
    lab = Lab({"dataset": "circles", "features": ["x1^2", "x2^2"], "hidden": [], "learningRate": 0.1})
    lab.step(500)
    assert lab.summary()["testAccuracy"] >= 0.95
    plain = Lab({"dataset": "circles", "hidden": [], "learningRate": 0.1})
    plain.step(500)
    assert plain.summary()["testAccuracy"] < 0.7  # x1 and x2 alone: a line cannot


@pytest.mark.parametrize("features", [["x1", "x2", "x1x2", "sin(x1)"], ["x1^2", "x2^2", "sin(x2)"]])
def test_twenty_steps_with_features_equal_an_independent_nn_loop(features):
    config = {**DEFAULTS, "dataset": "circles", "seed": 2, "samples": 120, "features": features,
              "hidden": [3], "batchSize": 7, "l2": 0.001}  # fmt: skip
    lab = Lab(config)
    lab.step(20)
    expected = reference_run(config, 20, {f: NODE_FEATURES[f] for f in features}, nn.logistic_loss,
                             lambda t: 2 * t - 1, 1)  # fmt: skip
    assert lab.model.state_dict().keys() == expected.keys()
    assert all(abs(lab.model.state_dict()[k] - v) <= 1e-12 for k, v in expected.items())


def test_features_are_checked_ordered_and_in_the_url():
    config, _ = check_config({"features": ["sin(x2)", "x1"]})
    assert config["features"] == ["x1", "sin(x2)"]  # FEATURES' order: one URL per choice
    query = to_query(config)
    assert "features=x1,sin(x2)" in query
    assert from_query(query)[0] == config
    assert from_query("features=x1%5E2,x2%5E2")[0]["features"] == ["x1^2", "x2^2"]
    assert from_query(to_query(check_config({"features": ["x1^2", "x1x2"]})[0]))[0]["features"] == ["x1^2", "x1x2"]
    for bad, words in ((["x3"], r"features must be among x1, x2, x1\^2"), ([], "at least one"),
                       ("x1", "must be a list")):  # fmt: skip
        with pytest.raises(ValueError, match=words):
            check_config({"features": bad})
    config, notices = from_query("features=x1,cos(x1)")
    assert config["features"] == ["x1", "x2"] and "cos(x1)" in notices[0]


# --- L1 ------------------------------------------------------------------------------------------


def test_l1s_gradient_on_a_weight_is_the_losss_plus_lambda_sign_w():
    lab = Lab({"dataset": "moons", "l1": 0.03, "seed": 1})
    lab.step(3)
    row = lab.train_set[0]
    plain = lab.loss([row], penalty=False)
    lab.model.zero_grad()
    plain.backward()
    without = {name: p.grad for name, p in lab.model.named_parameters()}
    derivation = lab.explain("layers.1.neurons.0.w.1", example=0)
    weight = dict(lab.model.named_parameters())["layers.1.neurons.0.w.1"].data
    assert derivation["gradient"] == pytest.approx(without["layers.1.neurons.0.w.1"] + 0.03 * math.copysign(1, weight),
                                                   abs=1e-15)  # fmt: skip
    bias = lab.explain("layers.1.neurons.0.b", example=0)
    assert bias["gradient"] == pytest.approx(without["layers.1.neurons.0.b"], abs=1e-15)  # biases: no L1
    assert "L₁ penalty" in derivation["dot"]


def test_twenty_steps_with_l1_match_pytorch_float64():
    torch = pytest.importorskip("torch")
    config = {**DEFAULTS, "dataset": "circles", "seed": 4, "samples": 100, "hidden": [4], "l1": 0.01,
              "batchSize": 5, "learningRate": 0.1, "loss": "bce_with_logits"}  # fmt: skip
    lab = Lab(config)
    X, y = nn.data.make_circles(100, 0.1, seed=4)
    X_train, _, y_train, _ = nn.data.train_test_split(X, y, 0.5, seed=4)
    net = lab.model.to_torch()  # the same initial weights
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for X_batch, y_batch in step_batches(X_train, y_train, 5, 4, 20):
        logits = net(torch.tensor(X_batch, dtype=torch.float64))[:, 0]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor(y_batch, dtype=torch.float64))
        loss = loss + 0.01 * sum(m.weight.abs().sum() for m in net if isinstance(m, torch.nn.Linear))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    lab.step(20)
    ours = nn.MLP.from_torch(net).state_dict()
    assert max(abs(lab.model.state_dict()[k] - v) for k, v in ours.items()) <= 1e-12
    plain = Lab({**config, "l1": 0.0})
    plain.step(20)
    assert max(abs(plain.model.state_dict()[k] - v) for k, v in ours.items()) > 1e-4  # the term did something


def test_l1_changes_in_place_and_is_in_the_url():
    lab = Lab()
    lab.step(4)
    reply = lab.configure({"l1": 0.001})
    assert reply["changed"] == ["l1"] and lab.steps == 4
    assert "l1=0.001" in reply["query"] and from_query(reply["query"])[0]["l1"] == 0.001


# --- more than two classes ---------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["spirals", "blobs"])
def test_three_classes_train_with_softmax_and_cross_entropy(dataset):
    lab = Lab({"dataset": dataset, "classes": 3, "samples": 150, "hidden": [8, 8], "optimizer": "adam",
               "learningRate": 0.03})  # fmt: skip
    assert lab.config["loss"] == "cross_entropy" and len(lab.model.layers[-1].neurons) == 3
    assert {row[2] for row in lab.train_set} == {0.0, 1.0, 2.0}
    before = lab.summary()["trainLoss"]
    lab.step(300)
    summary = lab.summary()
    assert summary["trainLoss"] < 0.6 * before and summary["trainAccuracy"] > 0.8
    for part, rows in (("train", lab.train_set), ("test", lab.test_set)):
        per_class = summary["classAccuracy"][part]
        counts = [sum(row[2] == k for row in rows) for k in range(3)]
        assert sum(a * c for a, c in zip(per_class, counts)) / len(rows) == pytest.approx(
            summary[f"{part}Accuracy"], abs=1e-12
        )
    frame = lab.frame(resolution=10)
    assert len(frame["probabilities"]) == 3
    for k, cell in enumerate(zip(*frame["probabilities"])):
        assert sum(cell) == pytest.approx(1.0, abs=3 * 5e-7)
        assert frame["predicted"][k] == max(range(3), key=cell.__getitem__)
    assert len(set(frame["predicted"])) == 3  # every class has some of the plane


def test_twenty_steps_of_three_classes_equal_an_independent_nn_loop():
    config = {**DEFAULTS, "dataset": "blobs", "classes": 3, "seed": 6, "samples": 90, "hidden": [4],
              "batchSize": 6, "loss": "cross_entropy", "l1": 0.002}  # fmt: skip
    lab = Lab(config)
    lab.step(20)
    expected = reference_run(config, 20, {"x1": NODE_FEATURES["x1"], "x2": NODE_FEATURES["x2"]}, nn.cross_entropy,
                             int, 3, l1=0.002)  # fmt: skip
    assert all(abs(lab.model.state_dict()[k] - v) <= 1e-12 for k, v in expected.items())


def test_the_chain_rule_of_three_classes_shows_softmax_coupling_every_class():
    lab = Lab({"dataset": "spirals", "classes": 3, "samples": 60})
    derivation = lab.explain("layers.2.neurons.1.b", example=0)
    assert derivation["gradient"] == pytest.approx(derivation["pathSum"], abs=1e-15)
    target = int(lab.train_set[0][2])
    logits = [n.data for n in lab.model(lab.inputs(lab.train_set[0]))]
    p = [math.exp(z) / sum(math.exp(v) for v in logits) for z in logits]
    assert derivation["gradient"] == pytest.approx(p[1] - (target == 1), abs=1e-12)  # softmax's dℓ/dz = p - onehot


def test_classes_are_for_blobs_and_spirals_and_their_labels_are_checked():
    with pytest.raises(ValueError, match="moons has 2 classes"):
        check_config({"dataset": "moons", "classes": 3})
    with pytest.raises(ValueError, match="3 classes need a softmax output"):
        check_config({"dataset": "blobs", "classes": 3, "loss": "hinge"})
    config, notices = check_config({"dataset": "moons"}, check_config({"dataset": "spirals", "classes": 4})[0])
    assert config["classes"] == 2 and "moons has 2 classes" in notices[0]
    lab = Lab({"dataset": "blobs", "classes": 4})
    lab.add_point(0.0, 0.0, 3)
    with pytest.raises(ValueError, match="label must be 0, 1, 2 or 3; got 4"):
        lab.add_point(0.0, 0.0, 4)
    with pytest.raises(ValueError, match="line 2: the label '5' is not 0, 1, 2 or 3"):
        lab.load_csv("x1,x2,label\n0,0,5\n1,1,1\n")
    assert from_query(to_query(lab.config))[0] == lab.config
    lab.configure({"classes": 3})  # new data, of 3 classes, and a new network
    assert {row[2] for row in lab.train_set + lab.test_set} == {0.0, 1.0, 2.0}
    assert len(lab.model.layers[-1].neurons) == 3 and lab.steps == 0


# --- regression on the plane -----------------------------------------------------------------------


def playground_gaussians(x: float, y: float) -> float:
    """Playground's regressGaussian label, written again: the bump largest in size at (x, y)."""
    label = 0.0
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)):
        value = sign * min(1.0, max(0.0, 1 - math.hypot(x - cx, y - cy) / 2))
        if abs(value) > abs(label):
            label = value
    return label


def test_the_planes_regression_sets_are_playgrounds():
    X, y = nn.data.make_plane(300, 0.0, seed=3)
    assert all(-6 <= a <= 6 and -6 <= b <= 6 for a, b in X)
    assert y == [max(-1.0, min(1.0, (a + b) / 10)) for a, b in X]
    X, y = nn.data.make_gaussians(300, 0.0, seed=3)
    assert y == pytest.approx([playground_gaussians(a, b) for a, b in X], abs=1e-15)
    assert min(y) < -0.5 and max(y) > 0.5 and all(-1 <= t <= 1 for t in y)
    noisy = nn.data.make_gaussians(300, 0.3, seed=3)
    assert noisy[0] == X and noisy[1] != y  # the noise moves where the target is read, not the point


@pytest.mark.parametrize("dataset", ["plane", "gaussians"])
def test_the_planes_regression_trains_with_mse_and_its_frame_is_a_continuous_scale(dataset):
    lab = Lab({"dataset": dataset, "hidden": [8, 8], "optimizer": "adam", "learningRate": 0.03, "samples": 200})
    assert lab.config["loss"] == "mse" and lab.regression and not lab.curve
    before = lab.summary()
    lab.step(300)
    after = lab.summary()
    assert after["trainLoss"] < 0.5 * before["trainLoss"] and after["trainAccuracy"] is None
    frame = lab.frame(resolution=10)
    assert frame["regression"] and not frame["curve"] and frame["classes"] is None
    output = frame["neurons"][-1][0]
    with no_grad():
        expected = [round(lab.model(lab.input_values(list(p))).data, 4) for p in plane_points(lab, 10)]
    assert output == expected
    assert len({round(v, 1) for v in output}) > 5  # a continuous scale, not two classes
    assert frame["descriptions"]["boundary"].startswith("The fitted surface: train loss ")


def test_twenty_steps_of_a_regression_on_the_plane_equal_an_independent_nn_loop():
    config = {**DEFAULTS, "dataset": "gaussians", "seed": 5, "samples": 100, "hidden": [5], "batchSize": 8,
              "loss": "mse", "features": ["x1", "x2", "sin(x1)"]}  # fmt: skip
    lab = Lab(config)
    lab.step(20)
    X, y = nn.data.make_gaussians(100, config["noise"], seed=5)
    X_train, _, y_train, _ = nn.data.train_test_split(X, y, 0.5, seed=5)
    nn.manual_seed(5)
    model = nn.MLP(3, [5, 1], "tanh")
    optimizer = nn.optim.SGD(model.parameters(), 0.1)
    for X_batch, y_batch in step_batches(X_train, y_train, 8, 5, 20):
        inputs = [[Value(a), Value(b), Value(a).sin()] for a, b in X_batch]
        loss = nn.mse_loss([model(x) for x in inputs], y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert all(abs(lab.model.state_dict()[k] - v) <= 1e-12 for k, v in model.state_dict().items())


def test_a_regression_on_the_plane_takes_points_and_csv_of_targets():
    lab = Lab({"dataset": "plane", "samples": 20})
    lab.add_point(1.0, 2.0, -0.25)
    assert lab.train_set[-1] == [1.0, 2.0, -0.25]
    rows = sorted(lab.train_set + lab.test_set)
    text = lab.to_csv()
    assert text.startswith("x1,x2,target\n")
    lab.load_csv(text)
    assert sorted(lab.train_set + lab.test_set) == rows  # every target exactly
    with pytest.raises(ValueError, match="the plane dataset is regression: its loss is mse, not hinge"):
        lab.configure({"loss": "hinge"})


# --- editing a weight ----------------------------------------------------------------------------


def test_an_edited_weight_is_the_one_the_next_step_starts_from():
    lab = Lab({"seed": 3, "hidden": [3], "optimizer": "momentum"})
    lab.step(7)
    reply = lab.set_parameter("layers.0.neurons.1.w.0", -2.5)
    assert reply["edits"] == [[7, "layers.0.neurons.1.w.0", -2.5]] and lab.state()["edits"] == reply["edits"]
    update = lab.explain("layers.0.neurons.1.w.0")["update"]  # the optimizer's next step, on a copy
    assert update["before"] == -2.5
    lab.step(1)
    assert dict(lab.model.named_parameters())["layers.0.neurons.1.w.0"].data == update["after"]
    for words, name, value in (("unknown parameter 'w'", "w", 1.0), ("finite number; got nan", "layers.0.neurons.0.b",
                               math.nan), ("within ±1e\\+06", "layers.0.neurons.0.b", 1e7)):  # fmt: skip
        with pytest.raises(ValueError, match=words):
            lab.set_parameter(name, value)
    assert len(lab.edits) == 1
    lab.reset()
    assert lab.edits == []


def test_the_next_step_from_an_edited_weight_is_sgds_step_from_it():
    lab = Lab({"seed": 1, "hidden": [2]})
    lab.step(4)
    lab.set_parameter("layers.1.neurons.0.b", 0.75)
    twin = nn.MLP(2, [2, 1], "tanh")
    twin.load_state_dict(lab.model.state_dict())
    rows = [lab.train_set[i] for i in lab.upcoming_batch()]
    loss = nn.logistic_loss([twin(r[:2]) for r in rows], [2 * r[2] - 1 for r in rows])
    twin.zero_grad()
    loss.backward()
    expected = {name: p.data - 0.1 * p.grad for name, p in twin.named_parameters()}
    lab.step(1)
    assert lab.model.state_dict() == pytest.approx(expected, abs=1e-15, rel=0)


def test_restore_replays_the_edits_at_their_steps():
    lab = Lab({"seed": 2})
    lab.step(5)
    lab.set_parameter("layers.0.neurons.0.w.1", 1.5)
    lab.step(3)
    lab.set_parameter("layers.2.neurons.0.b", -0.5)
    lab.step(2)
    again = Lab()
    again.restore(lab.config, 10, edits=lab.edits)
    assert again.model.state_dict() == lab.model.state_dict() and again.edits == lab.edits
    reply = json.loads(again.call("restore", json.dumps({"config": lab.config, "steps": 10,
                                                         "edits": [[2, "nothing", 1.0]]})))  # fmt: skip
    assert "unknown parameter 'nothing'" in reply["error"]
    assert again.model.state_dict() == lab.model.state_dict() and again.steps == 10  # refused whole
    with pytest.raises(ValueError, match="from 5 to 10"):
        again.restore(lab.config, 10, edits=[[5, "layers.2.neurons.0.b", 1.0], [3, "layers.2.neurons.0.b", 1.0]])


# --- added points and the moment in the link ------------------------------------------------------


def test_a_link_with_points_round_trips_them_exactly():
    lab = Lab({"dataset": "blobs", "classes": 3, "samples": 60, "seed": 4})
    lab.step(3)
    lab.add_point(0.1 + 0.2, -1 / 3, 2)  # numbers whose every bit matters
    lab.step(2)
    x, y = lab.train_set[5][:2]
    assert lab.remove_point(x, y)["removed"]
    lab.add_point(math.pi, math.e, 0)
    lab.step(4)
    assert lab.point_edits == [[3, "add", 0.1 + 0.2, -1 / 3, 2.0], [5, "remove", x, y, 0.03],
                               [5, "add", math.pi, math.e, 0.0]]  # fmt: skip
    link = lab.link()["query"]
    opened = Lab.from_link(link)
    assert opened["points"] == lab.point_edits and opened["steps"] == 9 and opened["notices"] == []
    again = Lab()
    again.restore(opened["config"], opened["steps"], edits=opened["edits"], points=opened["points"])
    assert again.train_set == lab.train_set and again.test_set == lab.test_set
    assert again.model.state_dict() == lab.model.state_dict() and again.point_edits == lab.point_edits


def test_the_link_carries_the_step_the_edits_and_the_panel():
    lab = Lab({"seed": 7, "features": ["x1", "x2", "x1x2"], "l1": 0.001})
    lab.step(6)
    lab.set_parameter("layers.0.neurons.2.w.2", 0.1 + 0.2)
    lab.step(4)
    panel = {"tab": "steps", "parameter": "layers.1.neurons.0.w.1", "example": 3}
    query = lab.link(panel)["query"]
    assert "step=10" in query and "edits=6:layers.0.neurons.2.w.2:0.30000000000000004" in query
    opened = Lab.from_link(query)
    assert opened["config"] == lab.config and opened["panel"] == panel and opened["edits"] == lab.edits
    again = Lab()
    again.restore(opened["config"], opened["steps"], edits=opened["edits"])
    assert again.model.state_dict() == lab.model.state_dict()
    assert (
        again.explain(**{"parameter": panel["parameter"], "example": 3})["gradient"]
        == lab.explain(panel["parameter"], 3)["gradient"]
    )


def test_a_link_too_long_or_of_a_csv_says_so_and_a_bad_link_falls_back():
    lab = Lab({"samples": 20})
    for k in range(101):
        lab.add_point(k / 100, 0.5, k % 2)
    with pytest.raises(ValueError, match="101 points added or removed; a link carries at most 100: share the data"):
        lab.link()
    lab.load_csv("x1,x2,label\n0,0,0\n1,1,1\n2,2,0\n")
    with pytest.raises(ValueError, match="came from a CSV, which a link cannot carry"):
        lab.link()
    opened = Lab.from_link("dataset=moons&step=abc&points=@@@&edits=1:x&panel=nothing")
    assert opened["steps"] == 0 and opened["points"] == [] and opened["edits"] == [] and opened["panel"] is None
    assert len(opened["notices"]) == 4 and "the link's step cannot be used" in opened["notices"][0]
    assert Lab.from_query("step=3&points=abc")["notices"] == []  # the moment's keys are not settings' notices


def test_the_class_colours_stay_apart_for_every_colour_vision_and_differ_in_shape_too():
    """CIEDE2000 between every two classes' colours (draw.js's CLASS_COLOURS), as seen with normal vision
    and under Machado 2009's dichromacies: at least 17 for five classes, 33 for the first three (2.3
    is a just noticeable difference); the shapes are a second cue (markPoint)."""
    import itertools
    import re
    from pathlib import Path

    from tests.a11y import MACHADO_2009, _linear, delta_e_2000, lab_of_linear, simulate

    text = (Path(__file__).resolve().parent.parent / "lab" / "web" / "js" / "draw.js").read_text()
    named = {name: tuple(map(int, rgb)) for name, *rgb in re.findall(r"(ORANGE|BLUE) = \[(\d+), (\d+), (\d+)\]", text)}
    line = re.search(r"CLASS_COLOURS = \[(.*)\];", text)[1]
    colours = [named[part] if part in named else tuple(map(int, part.strip("[] ").split(", ")))
               for part in re.findall(r"ORANGE|BLUE|\[[\d, ]+\]", line)]  # fmt: skip
    assert len(colours) == 5

    def seen(rgb, deficiency):
        return lab_of_linear(simulate(rgb, deficiency) if deficiency else tuple(_linear(c) for c in rgb))

    def closest(count):
        return min(delta_e_2000(seen(colours[a], d), seen(colours[b], d))
                   for d in [None, *MACHADO_2009] for a, b in itertools.combinations(range(count), 2))  # fmt: skip

    assert closest(5) >= 17 and closest(3) >= 33


def test_the_matrices_of_features_l1_and_three_classes_are_numpys_and_name_the_features():
    pytest.importorskip("numpy")
    lab = Lab({"dataset": "spirals", "classes": 3, "samples": 60, "features": ["x1", "x2", "x1^2", "sin(x2)"],
               "l1": 0.01, "hidden": [3]})  # fmt: skip
    lab.step(5)
    for batch in (False, True):
        reply = lab.matrices(2, batch)
        assert reply["difference"] <= 1e-12  # numpy's recursion on the data loss (the L1 term is not the notes')
        first = reply["layers"][0]["matrices"]["h_prev"]
        assert [row[0].split(",")[0] for row in first["labels"]] == ["x₁", "x₂", "x₁·x₁", "sin(x₂)"]
        assert reply["layers"][-1]["shape"] == [3, 3]
    row = lab.train_set[2]
    assert lab.matrices(2)["layers"][0]["matrices"]["h_prev"]["values"] == [[v] for v in lab.input_values(row[:2])]
