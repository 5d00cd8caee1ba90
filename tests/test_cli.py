"""python -m autograd: the printout, --render, --steps, and code that is refused before it runs."""

import subprocess
import sys

import pytest

from autograd.cli import main

NEURON = ["tanh(x*w1 + y*w2 + b)", "x=2", "y=0", "w1=-3", "w2=1", "b=6.8813735870195432"]


def test_prints_forward_table_steps_and_gradients(capsys):
    assert main(NEURON) == 0
    out = capsys.readouterr().out
    assert "forward pass" in out and "backward, one step at a time" in out
    assert "(x * w1 + y * w2 + b).grad += d(tanh(x * w1 + y * w2 + b))/d(x * w1 + y * w2 + b)" in out
    assert "= (1 - 0.7071^2) * 1.0000 = 0.5000" in out
    gradients = out.split("gradients\n")[1].split()
    assert gradients == ["dL/dx", "=", "-1.5000", "dL/dy", "=", "0.5000", "dL/dw1", "=", "1.0000",
                         "dL/dw2", "=", "0.0000", "dL/db", "=", "0.5000"]  # fmt: skip


def test_render_writes_the_graph(tmp_path, capsys):
    path = tmp_path / "graph.svg"
    assert main([*NEURON, "--render", str(path)]) == 0
    assert path.read_text().lstrip().startswith("<?xml") and f"graph written to {path}" in capsys.readouterr().out


def test_steps_waits_for_enter_between_steps(monkeypatch, capsys):
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or "")
    assert main([*NEURON, "--steps"]) == 0
    assert len(prompts) == 10  # the seed and 9 edges


def test_a_reused_variable_is_one_node(capsys):
    assert main(["x*x + x", "x=3"]) == 0
    assert "dL/dx = 7.0000" in capsys.readouterr().out


@pytest.mark.parametrize(
    "expression, message",
    [
        ("__import__('os').system('echo pwned')", "cannot call"),
        ("__import__('os')", "cannot call '__import__'"),
        ("x.__class__", "attribute access not allowed"),
        ("x[0]", "subscripts not allowed"),
        ("(lambda: 1)()", "cannot call"),
        ("open('f')", "cannot call 'open'"),
        ("x if x else x", "if-expressions not allowed"),
        ("exp(x, x)", "takes one argument"),
        ("x + z", "unknown name 'z'"),
        ("tanh", "tanh is a function"),
        ("x +", "not a valid expression"),
        ("'a' * x", "Constant not allowed"),
    ],
)
def test_code_that_is_not_an_expression_of_the_engine_is_refused(expression, message, capsys):
    assert main([expression, "x=1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err


def test_an_injection_attempt_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    attack = f"__import__('pathlib').Path('{marker}').touch()"
    result = subprocess.run([sys.executable, "-m", "autograd", attack, "x=1"], capture_output=True, text=True)
    assert result.returncode == 2 and not marker.exists()


def test_bad_values_and_math_errors_are_reported(capsys):
    assert main(["x + 1", "x=abc"]) == 2
    assert "x must be a number, got 'abc'" in capsys.readouterr().err
    assert main(["log(x)", "x=0"]) == 2
    assert "log is undefined for 0.0 (node 'x')" in capsys.readouterr().err
    assert main(["x + 1", "x=1", "y=2"]) == 2
    assert "y given but not used" in capsys.readouterr().err
