"""lab.session: the Lab's Python side, under CPython. The browser runs this same module
in Pyodide (tests/test_lab_browser.py); here its numbers are checked against `nn`
used directly, by an independent loop written from lab.session's docstring."""

import json
import math
import re

import pytest

import nn
from autograd import Value
from autograd.views.notation import number
from lab.config import DEFAULTS, check_config, from_query, to_query
from lab.session import METHODS, Lab

LOSSES = {"hinge": nn.hinge_loss, "logistic": nn.logistic_loss, "bce_with_logits": nn.bce_with_logits_loss}


def step_batches(X, y, size: int, seed: int, steps: int):
    """The minibatches of `steps` training steps, as the Lab takes them: nn.data.batches of the
    training set, shuffled with seed + epoch each epoch, for as many epochs as it takes."""
    done, epoch = 0, 0
    while True:
        for batch in nn.data.batches(X, y, size, seed=seed + epoch):
            if done == steps:
                return
            yield batch
            done += 1
        epoch += 1


def reference_run(dataset: tuple, config: dict, steps: int) -> dict[str, float]:
    """The state_dict after `steps` minibatch steps, from nn alone: the documented recipe."""
    X, y = dataset
    seed = config["seed"]
    X_train, _, y_train, _ = nn.data.train_test_split(X, y, 1.0 - config["trainRatio"], seed=seed)
    nn.manual_seed(seed)
    model = nn.MLP(2, [*config["hidden"], 1], config["activation"], init=config["init"])
    optimizer = nn.optim.SGD(model.parameters(), config["learningRate"], weight_decay=config["l2"])
    loss_fn = LOSSES[config["loss"]]
    signed = config["loss"] != "bce_with_logits"
    for X_batch, y_batch in step_batches(X_train, y_train, config["batchSize"], seed, steps):
        targets = [2 * t - 1 if signed else t for t in y_batch]
        loss = loss_fn([model(x) for x in X_batch], targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.state_dict()


def test_twenty_steps_equal_nn_used_directly():
    config = {**DEFAULTS, "seed": 3, "hidden": [3, 2], "loss": "hinge", "batchSize": 7, "l2": 0.01}
    lab = Lab(config)
    lab.step(20)
    expected = reference_run(nn.data.make_moons(500, 0.1, seed=3), config, 20)
    assert lab.model.state_dict().keys() == expected.keys()
    assert all(abs(lab.model.state_dict()[k] - v) <= 1e-12 for k, v in expected.items())
    assert lab.steps == 20 and lab.epoch == 0  # 250 points in batches of 7: 36 batches an epoch


def test_whole_epochs_are_nn_fit():
    config = {"dataset": "circles", "seed": 5, "samples": 80, "batchSize": 8, "loss": "bce_with_logits",
              "optimizer": "adam", "learningRate": 0.01, "hidden": [5]}  # fmt: skip
    lab = Lab(config)
    lab.step(3 * 5)  # 40 training points, batches of 8: 5 steps an epoch
    assert lab.epoch == 3
    X, y = nn.data.make_circles(80, 0.1, seed=5)
    X_train, _, y_train, _ = nn.data.train_test_split(X, y, 0.5, seed=5)
    nn.manual_seed(5)
    model = nn.MLP(2, [5, 1], "tanh")
    optimizer = nn.optim.Adam(model.parameters(), 0.01)
    nn.fit(model, X_train, y_train, nn.bce_with_logits_loss, optimizer, 3, 8, progress=False, seed=5)
    assert lab.model.state_dict() == pytest.approx(model.state_dict(), abs=1e-12, rel=0)


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons", "spirals", "blobs", "function"])
def test_every_dataset_trains(dataset):
    lab = Lab({"dataset": dataset, "samples": 100, "optimizer": "adam", "learningRate": 0.03, "hidden": [6, 4]})
    before = lab.summary()["trainLoss"]
    lab.step(150)
    after = lab.summary()
    assert after["trainLoss"] < 0.8 * before and after["stopped"] is None
    if dataset == "function":
        assert after["trainAccuracy"] is None and lab.config["loss"] == "mse"
        assert all(len(row) == 2 for row in lab.train_set)
    else:
        assert after["trainAccuracy"] > 0.7
        assert {row[2] for row in lab.train_set} == {0.0, 1.0}


def test_losses_and_accuracy_are_the_nn_loss_means_without_l2():
    lab = Lab({"loss": "logistic", "l2": 0.1, "samples": 60})
    lab.step(5)
    rows = lab.test_set
    outputs = [lab.model(row[:2]) for row in rows]
    expected = nn.logistic_loss(outputs, [2 * row[2] - 1 for row in rows]).data
    right = sum((o.data >= 0) == (row[2] == 1) for o, row in zip(outputs, rows))
    summary = lab.summary()
    assert summary["testLoss"] == pytest.approx(expected, rel=1e-12)
    assert summary["testAccuracy"] == right / len(rows)


def test_the_frame_holds_every_neurons_output_over_the_plane():
    lab = Lab({"hidden": [3], "samples": 40})
    lab.step(3)
    frame = lab.frame(resolution=6)
    x0, x1, y0, y1 = frame["domain"]
    assert [len(layer) for layer in frame["neurons"]] == [3, 1]
    for r, c in [(0, 0), (2, 5), (5, 1)]:  # row 0 is the top of the plane
        point = [x0 + (x1 - x0) * (c + 0.5) / 6, y1 - (y1 - y0) * (r + 0.5) / 6]
        hidden = lab.model.layers[0]([Value(v) for v in point])
        assert frame["neurons"][0][1][r * 6 + c] == round(hidden[1].data, 4)
        assert frame["neurons"][1][0][r * 6 + c] == round(lab.model(point).data, 4)
    assert frame["weights"][1][0]["w"] == [w.data for w in lab.model.layers[1].neurons[0].w]
    assert frame["names"][0] == ["layers.0.neurons.0", "layers.0.neurons.1", "layers.0.neurons.2"]
    json.dumps(frame, allow_nan=False)  # all of it is JSON for the page


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity", "gelu", "sigmoid"])
def test_the_heatmaps_float_path_is_the_graphs_forward_to_the_last_bit(activation):
    lab = Lab({"hidden": [5, 3], "activation": activation, "samples": 40, "seed": 2})
    lab.step(7)
    for point in ([0.3, -1.7], [2.5, 0.25], [-0.0, 1e-3]):
        outputs = lab.neuron_outputs(point)
        x = [Value(v) for v in point]
        for layer, expected in zip(lab.model.layers, outputs):
            x = layer.fire(x)
            assert [h.data for h in x] == expected  # exactly: the same sums in the same order
    expanded = Lab({"hidden": [4], "activation": activation, "samples": 40})
    for neuron in (n for layer in expanded.model.layers for n in layer.neurons):
        neuron.expand = True  # micrograd's chain of * and +: the same number too
    assert expanded.neuron_outputs([0.7, -0.2])[-1][0] == expanded.model([0.7, -0.2]).data


def test_an_overflowing_neuron_is_drawn_as_no_colour_and_its_loss_as_none():
    lab = Lab({"hidden": [2], "samples": 40})
    lab.model.layers[0].neurons[0].w[0].data = 1e308  # as the graph would refuse: 1e308 * 3 is inf
    lab.add_point(3.0, 0.0, 1)
    grids = lab.frame(resolution=4)["neurons"]
    assert any(math.isnan(h) for h in grids[0][0]) and not any(math.isnan(h) for h in grids[0][1])
    assert math.isnan(lab.neuron_outputs([3.0, 0.0])[0][0]) and math.isnan(lab.summary()["trainLoss"])
    page = json.loads(lab.call("frame", '{"resolution": 4}'))["result"]  # the page gets null for each nan
    assert page["neurons"][0][0] == [None if math.isnan(h) else h for h in grids[0][0]]
    assert page["trainLoss"] is None and None not in page["neurons"][0][1]


def test_configure_checks_everything_before_changing_anything():
    lab = Lab()
    weights = lab.model.state_dict()
    for bad, message in [
        ({"learningRate": 0.5, "dataset": "mnist"}, "dataset must be one of"),
        ({"hidden": [4, "2"]}, "hidden layer sizes must be whole numbers"),
        ({"hidden": "4,2"}, "hidden must be a list"),
        ({"learningRate": math.nan}, "learningRate must be a finite number"),
        ({"batchSize": 2.5}, "batchSize must be a whole number"),
        ({"lerningRate": 0.1}, "unknown setting 'lerningRate'"),
        ({"dataset": "function", "loss": "hinge"}, "its loss is mse, not hinge"),
    ]:
        with pytest.raises(ValueError, match=message):
            lab.configure(bad)
        assert lab.config == DEFAULTS and lab.model.state_dict() == weights


def test_out_of_range_settings_are_clamped_with_a_notice():
    config, notices = check_config({"learningRate": 50, "hidden": [4, 64, 0], "noise": -1})
    assert config["learningRate"] == 10.0 and config["hidden"] == [4, 32, 1] and config["noise"] == 0.0
    assert "learningRate 50 is outside 1e-06 to 10: using 10" in notices
    assert len(notices) == 4
    config, notices = check_config({"hidden": [2] * 9})
    assert config["hidden"] == [2] * 6 and notices == ["9 hidden layers: using the first 6"]


def test_learning_rate_and_l2_change_in_place_the_rest_starts_over():
    lab = Lab()
    lab.step(10)
    assert lab.configure({"learningRate": 0.03})["changed"] == ["learningRate"]
    assert lab.steps == 10 and lab.optimizer.lr == 0.03
    lab.configure({"activation": "relu"})
    assert lab.steps == 0 and lab.model.layers[0].neurons[0].activation == "relu"


def test_the_url_round_trips_the_configuration_and_bad_links_fall_back():
    config = {**DEFAULTS, "dataset": "spirals", "hidden": [16, 16], "learningRate": 0.003, "seed": 42}
    assert from_query("?" + to_query(config)) == (config, [])
    assert from_query(to_query({**DEFAULTS, "hidden": []}))[0]["hidden"] == []
    config, notices = from_query("dataset=mnist&learningRate=fast&hidden=4,x&color=red&seed=7")
    assert config == {**DEFAULTS, "seed": 7}
    assert len(notices) == 4 and any("'color' is not a setting" in n for n in notices)
    assert any("dataset='mnist' cannot be used" in n for n in notices)


def test_a_diverging_learning_rate_stops_training_and_keeps_the_last_finite_weights():
    lab = Lab({"activation": "identity", "loss": "mse", "learningRate": 10.0, "batchSize": 50})
    reply = lab.step(100)
    assert 0 < reply["steps"] < 100 and reply["stopped"].startswith("Training stopped at step")
    assert "learning rate 10 is too large" in reply["stopped"]
    assert all(math.isfinite(v) for v in lab.model.state_dict().values())
    steps = lab.steps
    assert lab.step(5)["steps"] == 0 and lab.steps == steps  # stays stopped until reset
    lab.reset()
    assert lab.stopped is None and lab.step(1)["steps"] == 1


def test_points_are_added_and_removed():
    lab = Lab({"samples": 20})
    lab.add_point(0.5, 0.25, 1)
    assert lab.train_set[-1] == [0.5, 0.25, 1.0] and len(lab.train_set) == 11 and lab.custom_data
    x, y = lab.test_set[0][:2]
    assert lab.remove_point(x + 1e-4, y)["removed"] and len(lab.test_set) == 9
    far = lab.domain[1] + 10
    assert not lab.remove_point(far, far)["removed"]
    with pytest.raises(ValueError, match="label must be 0 or 1; got 2"):
        lab.add_point(0, 0, 2)
    with pytest.raises(ValueError, match="x1 must be a finite number; got nan"):
        lab.add_point(math.nan, 0, 1)
    lab.step(3)  # the new point is in the next epoch's batches
    assert lab.steps == 3


def test_csv_loads_whole_or_not_at_all():
    lab = Lab({"samples": 20})
    before = (lab.train_set, lab.test_set)
    for text, message in [
        ("x1,x2,label\n0,0,1\n1,1,0\n1,2\n", "CSV line 4: 2 values, expected 3"),
        ("0,0,1\n1,oops,0\n", "CSV line 2: '1,oops,0' is not x1,x2,label numbers"),
        ("0,0,1\n1,1,0.5\n", "CSV line 2: the label '0.5' is not 0, 1 or -1"),
        ("0,0,1\n1,inf,0\n", "CSV line 2: '1,inf,0' has a value that is not finite"),
        ("x1,x2,label\n0,0,1\n", "the CSV has 1 rows"),
    ]:
        with pytest.raises(ValueError, match=message):
            lab.load_csv(text)
        assert (lab.train_set, lab.test_set) == before
    reply = lab.load_csv("x1,x2,label\n0,0,1\n1,1,-1\n2,2,1\n3,3,0\n")
    assert reply == {"train": 2, "test": 2} and lab.custom_data
    assert sorted(lab.train_set + lab.test_set) == [[0, 0, 1], [1, 1, 0], [2, 2, 1], [3, 3, 0]]
    again = Lab({"samples": 20})
    again.load_csv(lab.to_csv())
    assert sorted(again.train_set + again.test_set) == sorted(lab.train_set + lab.test_set)


def test_call_answers_json_and_turns_errors_into_messages():
    lab = Lab({"samples": 20})
    assert json.loads(lab.call("step", '{"n": 2}'))["result"]["steps"] == 2
    reply = json.loads(lab.call("fly"))
    assert list(reply) == ["error"] and "unknown method 'fly'" in reply["error"]
    for not_the_pages in ("loss", "target", "_one_step", "call", "neuron_outputs"):  # methods, but not calls
        assert f"unknown method {not_the_pages!r}" in json.loads(lab.call(not_the_pages))["error"]
    assert "step takes a whole number" in json.loads(lab.call("step", '{"n": -1}'))["error"]
    assert "unexpected keyword" in json.loads(lab.call("step", '{"m": 1}'))["error"]
    state = json.loads(lab.call("state"))["result"]
    assert state["model"] == lab.model.state_dict() and state["step"] == 2
    assert state["data"]["train"] == lab.train_set and state["config"] == lab.config
    assert (
        "train_for takes seconds from 0 to 10; got 1000"
        in json.loads(lab.call("train_for", '{"seconds": 1000}'))["error"]
    )
    assert json.loads(lab.call("train_for", '{"seconds": 0.01}'))["result"]["steps"] >= 1


def test_every_page_call_is_answered_and_only_those():
    lab = Lab({"samples": 20})
    for method in ("reset", "state", "frame", "to_query", "to_csv", "choices", "parameter_list", "console_banner"):
        assert "result" in json.loads(lab.call(method)), method
    assert set(METHODS) >= {"configure", "step", "train_for", "explain", "python", "exercise", "check_exercise"}
    assert all(callable(getattr(lab, method)) for method in METHODS)
    assert json.loads(lab.call("from_query", '{"query": "seed=4"}'))["result"]["config"]["seed"] == 4


def test_nan_and_inf_reach_the_page_as_null_and_finite_numbers_as_they_are():
    from lab import replies

    value = {"a": [1.5, math.nan, {"b": (math.inf, -math.inf)}], "c": "nan", "d": None, "e": 2}
    assert json.loads(replies.result(value)) == {"result": {"a": [1.5, None, {"b": [None, None]}], "c": "nan",
                                                            "d": None, "e": 2}}  # fmt: skip
    exact = [0.1, 1e-300, -2.5e300, 7]
    assert json.loads(replies.result(exact))["result"] == exact


def test_a_bug_in_a_call_reports_its_type_and_keeps_the_session(monkeypatch):
    lab = Lab({"samples": 20})
    monkeypatch.setattr(lab, "summary", lambda: 1 / 0)
    reply = json.loads(lab.call("reset"))
    assert reply["error"] == "Python error: ZeroDivisionError: division by zero"
    assert "ZeroDivisionError" in reply["traceback"][-1]
    monkeypatch.undo()
    assert json.loads(lab.call("step", '{"n": 1}'))["result"]["steps"] == 1


def test_a_csv_of_huge_or_too_many_rows_is_refused_naming_why_and_the_run_keeps_answering():
    lab = Lab({"samples": 20})
    before = lab.to_csv()
    with pytest.raises(ValueError, match=r"CSV line 3: '1e308,0.5,1' has a value beyond ±1e\+06, the plane's limit"):
        lab.load_csv("x1,x2,label\n0.1,0.2,0\n1e308,0.5,1\n")
    rows = "\n".join(f"{i / 5000},{-i / 5000},{i % 2}" for i in range(2001))
    with pytest.raises(ValueError, match="the CSV has 2001 rows; the Lab takes at most 2000"):
        lab.load_csv(rows)
    assert lab.to_csv() == before and "result" in json.loads(lab.call("frame", '{"resolution": 8}'))
    with pytest.raises(ValueError, match=r"add_point x1 is 1e\+300, beyond"):
        lab.add_point(1e300, 0.0, 1)
    lab.load_csv("\n".join(f"{i / 2000},{-i / 2000},{i % 2}" for i in range(2000)))
    with pytest.raises(ValueError, match="the Lab holds at most 2000 points"):
        lab.add_point(0.1, 0.1, 1)
    assert all(math.isfinite(v) for v in lab.domain)


def test_bad_arguments_of_a_call_name_what_was_expected():
    lab = Lab({"samples": 20})
    for method, arguments, message in [
        ("from_query", '{"query": null}', "from_query takes the URL's query string, got NoneType None"),
        ("remove_point", '{"x1": "a", "x2": 0}', "remove_point x1 must be a finite number; got 'a'"),
        ("step", "[" * 100_000 + "]" * 100_000, "the arguments of step are nested too deeply"),
        ("step", "{oops", "the arguments of step are not JSON"),
        ("step", "[1]", r"the arguments of step must be a JSON object such as \{\}, got list"),
    ]:
        reply = json.loads(lab.call(method, arguments))
        assert list(reply) == ["error"] and re.search(message, reply["error"]), (method, reply)
    lab.exercise(level=1, seed=0)
    reply = json.loads(lab.call("check_exercise", json.dumps({"answers": {"L": 10**400}})))
    assert reply == {"error": "the answer for L must be a finite number, got an int of 401 digits"}


def test_the_console_reports_exit_and_quit_and_runs_the_next_line():
    lab = Lab({"samples": 20})
    for line in ("exit()", "quit()", "import sys; sys.exit(3)", "raise SystemExit('bye')"):
        reply = json.loads(lab.call("python", json.dumps({"code": line})))["result"]
        assert reply["output"].startswith("SystemExit") and not reply["more"], (line, reply)
        assert json.loads(lab.call("python", '{"code": "1 + 1"}'))["result"]["output"] == "2\n"


def test_a_divergence_message_names_the_epoch_of_the_batch_that_diverged():
    lab = Lab({"activation": "identity", "loss": "mse", "learningRate": 10.0, "samples": 40, "batchSize": 20})
    reply = lab.step(100)  # 20 training points in one batch: every batch is the last of its epoch
    done = reply["steps"]
    assert reply["step"] == done and reply["stopped"].startswith(f"Training stopped at step {done}: the ")
    assert "The learning rate 10 is too large; try 0.3, then press Reset." in reply["stopped"]
    assert reply["stoppedDetail"].startswith(f"Step {done + 1} (epoch {done + 1}) was not taken: ")
    assert "inf" in reply["stoppedDetail"] or "nan" in reply["stoppedDetail"]  # what the engine said, on demand


@pytest.mark.parametrize(
    "error, became",
    [
        ("after the step, parameter layers.0.neurons.0.b is nan (the loss was 3); ...", "the step made a weight nan"),
        ("after the step, parameter layers.0.neurons.0.b is inf (the loss was 3); ...", "the step made a weight infi"),
        ("the loss is inf, before this step was taken", "the loss became infinite"),
        ("the loss is nan, before this step was taken", "the loss became nan"),
        ("1.69e+308 + 2.8e+307 is inf (node 'z')", "the loss became infinite"),
    ],
)
def test_a_divergence_is_told_in_a_students_words(error, became):
    from lab.session import divergence_sentence

    sentence = divergence_sentence(118, error, 10.0)
    assert sentence.startswith(f"Training stopped at step 118: {became}") and "try 0.3" in sentence
    assert "e+30" not in sentence and "node" not in sentence  # no engine text
    assert "try 1e-05" in divergence_sentence(3, error, 0.0003) and "try 3.3e-06" in divergence_sentence(3, error, 1e-4)


def test_a_link_notice_says_which_value_is_kept():
    config, notices = from_query("seed=5&seed=abc")
    assert config["seed"] == 5 and notices == ["the link's seed='abc' cannot be used (not a number): using 5"]


def test_a_network_too_large_for_quick_heatmaps_draws_them_coarser_and_says_so():
    lab = Lab({"samples": 20})
    reply = lab.configure({"hidden": [32] * 6})
    assert any("heatmaps are drawn at 13 cells a side" in notice for notice in reply["notices"])
    frame = lab.frame(40)
    assert frame["resolution"] == 13 and len(frame["neurons"][0][0]) == 13 * 13
    assert Lab({"samples": 20}).frame(40)["resolution"] == 40  # the default network: the full grid


def test_the_labs_data_are_nn_datas_for_the_seed():
    """nn.data draws with nn.portable_math: the same bits in the browser, as tests/test_lab_browser.py checks."""
    lab = Lab({"dataset": "circles", "seed": 4, "samples": 40})
    X, _ = nn.data.make_circles(40, 0.1, seed=4)
    assert sorted(row[:2] for row in lab.train_set + lab.test_set) == sorted(X)


def test_a_call_interrupted_half_way_leaves_the_run_as_it_was_before_it(monkeypatch):
    """The page's Stop raises KeyboardInterrupt wherever Python is: here, in the middle of the
    optimizer's step, after half the parameters have moved."""
    lab = Lab({"optimizer": "adam", "samples": 40})
    lab.step(7)
    weights, state = lab.model.state_dict(), [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t]
    steps, epoch, history = lab.steps, lab.epoch, [list(point) for point in lab.history]
    original = type(lab.optimizer).update

    def half_way(self, i, p, g):
        if i == len(self.params) // 2:
            raise KeyboardInterrupt
        return original(self, i, p, g)

    monkeypatch.setattr(type(lab.optimizer), "update", half_way)
    reply = json.loads(lab.call("step", '{"n": 3}'))
    assert reply == {"error": "Stopped: step was interrupted, and the run is as it was before it"}
    assert lab.model.state_dict() == weights and lab.steps == steps and lab.epoch == epoch
    assert [list(lab.optimizer.m), list(lab.optimizer.v), lab.optimizer.t] == state
    assert [list(point) for point in lab.history] == history
    monkeypatch.undo()
    assert lab.step(1)["steps"] == 1 and lab.steps == steps + 1  # and the run goes on from there


def test_restore_rebuilds_a_run_from_its_settings_data_and_step_count():
    """What the page does when it had to restart the worker: the same weights, as runs are deterministic."""
    config = {**DEFAULTS, "samples": 60, "seed": 9, "optimizer": "momentum"}
    lab = Lab(config)
    lab.step(25)
    rebuilt = Lab()
    reply = rebuilt.restore(config=config, steps=25)
    assert reply["steps"] == 25 and rebuilt.model.state_dict() == lab.model.state_dict()
    custom = Lab({"samples": 20})
    custom.load_csv("x1,x2,label\n" + "\n".join(f"{i / 7},{(-1) ** i / 3},{i % 2}" for i in range(30)))
    custom.step(4)
    again = Lab()
    again.restore(config=custom.config, steps=4, train=custom.train_set, test=custom.test_set)
    assert again.train_set == custom.train_set and again.model.state_dict() == custom.model.state_dict()
    with pytest.raises(ValueError, match=r"train row 0's label must be 0 or 1, got 7"):
        Lab().restore(config=DEFAULTS, steps=0, train=[[0.0, 0.0, 7]], test=[])


def test_the_frame_says_its_pictures_in_words_as_nn_computes_them():
    """The descriptions (issue 22): misclassified points counted by nn's own forward on the run's
    points, the loss from step 0 to now; the diagram's names in the notes' notation, in words."""
    lab = Lab({**DEFAULTS, "dataset": "moons", "seed": 3, "hidden": [3]})
    first = lab.summary()["trainLoss"]
    lab.frame(8)  # the loss curve's first point, as the page draws it at the start
    lab.step(40)
    frame = lab.frame(8)
    wrong = sum((lab.model(row[:2]).data >= 0) != (row[2] == 1) for row in lab.test_set)  # logistic: the sign
    said = frame["descriptions"]
    assert said["boundary"].startswith(f"Test accuracy {round(100 * (1 - wrong / 250))}%: {wrong} of 250 test points")
    assert said["loss"].startswith(
        f"Train loss fell from {number(first)} to {number(lab.summary()['trainLoss'])} over 40"
    )
    assert said["run"].startswith("Step 40, epoch 1. ")
    assert (
        frame["spoken"]["edges"][1][0][2] == "weight w super 2 sub 1 3, from h super 1 sub 3 to neuron 1 of the output"
    )
    assert frame["spoken"]["neurons"][0][1] == "neuron 2 of layer 1, h super 1 sub 2"
    assert len(said["neurons"][0]) == 3 and said["neurons"][0][0].startswith("positive on ")
    regression = Lab({**DEFAULTS, "dataset": "function", "loss": "mse"}).frame(8)["descriptions"]
    assert regression["boundary"].startswith("The fitted curve: train loss ")
    assert regression["loss"].startswith("Not trained yet: ")
