"""lab.session's Playground settings under CPython: input features, L1, and more than two classes.

Each is checked against an oracle of its own: the features against their formulas written here
with `math`, training against an independent loop of `nn` (and, for L1, of PyTorch float64), the
softmax over the plane against probabilities summing to 1."""

import math

import pytest

import nn
from autograd import Value
from lab.config import DEFAULTS, check_config, from_query, to_query
from lab.session import Lab

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
    done, epoch = 0, 0
    while done < steps:
        for X_batch, y_batch in nn.data.batches(X_train, y_train, config["batchSize"], seed=seed + epoch):
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
            done += 1
            if done == steps:
                break
        epoch += 1
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
    done, epoch = 0, 0
    while done < 20:
        for X_batch, y_batch in nn.data.batches(X_train, y_train, 5, seed=4 + epoch):
            logits = net(torch.tensor(X_batch, dtype=torch.float64))[:, 0]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor(y_batch, dtype=torch.float64)
            )
            loss = loss + 0.01 * sum(m.weight.abs().sum() for m in net if isinstance(m, torch.nn.Linear))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            done += 1
            if done == 20:
                break
        epoch += 1
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
