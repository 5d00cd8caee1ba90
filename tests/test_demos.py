"""Every demo runs with --quick, writes the files it promises, and its numeric claims hold."""

import importlib
import math
import subprocess
import sys

import pytest

from demos.__main__ import DEMOS

_results: dict[str, dict] = {}


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    return tmp_path_factory.mktemp("demos")


def result(name: str, outdir) -> dict:
    """Run a demo once per test session (quick), and keep what it returns."""
    if name not in _results:
        _results[name] = importlib.import_module(f"demos.{name}").run(outdir, quick=True, seed=0)
    return _results[name]


@pytest.mark.parametrize("name", DEMOS)
def test_demo_writes_valid_figures(name, outdir):
    files = result(name, outdir)["files"]
    assert files
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000, path
        elif path.suffix == ".svg":
            assert b"<svg" in data[:1000] and data.rstrip().endswith(b"</svg>"), path
        else:
            assert path.suffix == ".html" and data.startswith(b"<!DOCTYPE html>"), path


def test_neuron_prints_the_worked_example(outdir):
    steps = result("neuron", outdir)["steps"]
    assert "n.grad += do/dn * dL/do = (1 - 0.7071^2) * 1.0000 = 0.5000" in steps


def test_perceptron_converges_on_and_or_and_never_on_xor(outdir):
    mistakes = result("perceptron", outdir)["mistakes"]
    for name in ("AND", "OR", "two blobs"):
        assert mistakes[name][-1] == 0
    assert min(mistakes["XOR"]) > 0 and len(mistakes["XOR"]) == 20


def test_xor_is_solved(outdir):
    assert result("xor", outdir)["accuracy"] == 1.0


def test_activation_and_loss_gradients_match_the_notes_formulas(outdir):
    assert max(result("activations", outdir)["max_difference"].values()) < 1e-12
    assert max(result("losses", outdir)["max_difference"].values()) < 1e-12


def test_learning_rates_are_slow_good_and_divergent(outdir):
    final = result("gradient_descent", outdir)["final_loss"]
    start = 2.0**2 + 1.5**2
    assert final["good (0.3)"] < 1e-6 < final["too small (0.02)"] < start < final["too large (1.05)"]


def test_universal_approximation(outdir):
    outcome = result("universal_approximation", outdir)
    assert outcome["bump_is_indicator"]
    for errors in outcome["staircase_error"].values():  # the construction: the error falls like 1/n
        assert errors[4] > errors[8] > errors[16] > errors[64]
        assert errors[64] < 0.1 * errors[1]
    for errors in outcome["max_error"].values():  # training: more units, a much better fit than one
        widths = sorted(errors)
        assert errors[widths[-1]] < 0.5 * errors[widths[0]]


def test_delta_recursion_equals_the_engine(outdir):
    assert result("backprop_by_hand", outdir)["max_difference"] < 1e-12


def test_sigmoid_gradients_shrink_with_depth_more_than_relu_with_he_init(outdir):
    grads = result("vanishing_gradients", outdir)["layer_gradients"]
    sigmoid = grads[("sigmoid", "he_uniform")]
    relu = grads[("relu", "he_uniform")]
    assert sigmoid[0] / sigmoid[-1] < 1e-3  # the first layer gets a thousandth of the last one's gradient, or less
    assert relu[0] / relu[-1] > 0.1
    assert all(g[0] / g[-1] < 1e-3 for (activation, _), g in grads.items() if activation == "sigmoid")


def test_moons_reach_full_training_accuracy(outdir):
    assert result("moons", outdir)["accuracy"] == 1.0


def test_adaptive_optimizers_beat_plain_sgd_on_rosenbrock(outdir):
    final = result("optimizers", outdir)["rosenbrock"]
    assert final["Adam"] < final["SGD"] and final["SGD + momentum"] < final["SGD"]


def test_newton_converges_in_one_step_on_a_quadratic(outdir):
    outcome = result("newton", outdir)
    assert outcome["one_step_error"] < 1e-12
    iterations = outcome["iterations"]
    assert iterations["quadratic, Newton"] == 1
    assert iterations["smooth, Newton"] < iterations["smooth, gradient descent (0.5)"]


def test_regularization_overfits_without_and_weight_decay_helps(outdir):
    results = result("regularization", outdir)["results"]
    plain = results["no regularization"]
    assert plain["test"] > 1.2 * plain["best_test"]  # the test loss turned up: overfitting
    assert plain["train"] < plain["test"]
    assert results["weight decay 0.01"]["test"] < plain["test"]


def test_multiclass_separates_three_classes(outdir):
    accuracy = result("multiclass", outdir)["accuracy"]
    assert accuracy["blobs"] == 1.0 and accuracy["spirals"] > 0.9


def test_custom_op_first_try_is_caught_and_the_fix_passes(outdir):
    claims = result("custom_op", outdir)
    assert "gradcheck failed for 4 of 4 inputs" in claims["first_try"] and "<-- mismatch" in claims["first_try"]
    assert claims["fixed"] is None
    assert "sigmoid(0.5000) + 0.5000*sigmoid(0.5000)" in claims["steps"][1]
    s = 1 / (1 + math.exp(-0.5))  # swish'' = s(1 - s)(2 + x(1 - 2s)), by hand
    assert math.isclose(claims["second_derivative"], s * (1 - s) * (2 + 0.5 * (1 - 2 * s)), rel_tol=1e-12)


def test_to_pytorch_trains_the_same_network_step_for_step(outdir):
    pytest.importorskip("torch")
    claims = result("to_pytorch", outdir)
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(claims["ours_losses"], claims["torch_losses"]))
    assert claims["max_grad_difference"] < 1e-12 and claims["ours_losses"][-1] < claims["ours_losses"][0]
    assert set(claims["seconds"]) == {"values", "tensors"}  # timed for the class, not asserted on (noisy)


def test_same_seed_same_numbers(tmp_path):
    runs = [
        subprocess.run([sys.executable, "-m", "demos.newton", "--quick", "--out", str(tmp_path / str(i))],
                       capture_output=True, text=True, check=True).stdout.replace(str(tmp_path / str(i)), "OUT")
        for i in range(2)
    ]  # fmt: skip
    assert runs[0] == runs[1]


def test_listing_and_unknown_demo(capsys):
    from demos.__main__ import main

    assert main([]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in DEMOS)
    assert main(["nonsense"]) == 2
    assert "no demo 'nonsense'" in capsys.readouterr().err
