"""python -m autograd: the printout, --render, --steps, and code that is refused before it runs."""

import subprocess
import sys

import pytest

from autograd import Value
from autograd.views.cli import main

NEURON = ["tanh(x*w1 + y*w2 + b)", "x=2", "y=0", "w1=-3", "w2=1", "b=6.8813735870195432"]


def test_prints_forward_table_steps_and_gradients(capsys):
    assert main(NEURON) == 0
    out = capsys.readouterr().out
    assert "forward pass" in out and "backward, one step at a time" in out
    assert "(x * w1 + y * w2 + b).grad += dL/d(x * w1 + y * w2 + b) * dL/dL" in out
    assert "= (1 - 0.7071^2) * 1 = 0.5" in out
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


# Code the CLI refuses with x=1, and words of its message (tests/test_lab_expression.py: the Lab's too).
REFUSED = [
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
    ("'a' * x", "'a' not allowed"),
]


@pytest.mark.parametrize("expression, message", REFUSED)
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


# --- hardening: every failure is one error line and exit 2, fast ---


# Expressions that fail with x=1 y=0, and words of their one error line (the Lab's tests reuse them too).
FAILING_FAST = [
    ("x*9**9**9", "9**9**9 overflows a float"),
    ("x*10**10**10", "10**10**10 overflows a float"),
    ("x*2**2**2**2**2**2", "overflows a float"),
    ("x*" + "9" * 400, "too large for a float"),
    ("x*1e999", "the number 1e999 is not finite"),
    ("x+1/0", "division by zero in 1/0"),
    ("x+0**-1", "division by zero in 0**-1"),
    ("sqrt((-8)**0.5) + x", "(-8)**0.5 is undefined: a negative base to a non-integer power"),
    ("x/y", "division by zero: 1.0 / 0.0 (node 'y')"),
    ("x^2 + y", "use ** for powers"),
    ("leaky_relu(x, slope=y)", "options must be numbers, not variables"),
    ("gelu(x, approximate=2) + y", "gelu()'s approximate must be a string, got 2.0"),
    ("gelu(x, fast=1) + y", "gelu() has no argument 'fast': use gelu(x, approximate=...)"),
]


@pytest.mark.parametrize("expression, message", FAILING_FAST)
def test_bad_expressions_fail_fast_with_one_error_line(expression, message):
    result = subprocess.run(
        [sys.executable, "-m", "autograd", expression, "x=1", "y=0"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("terms", [400, 5000])
def test_sums_of_thousands_of_terms_work(terms, capsys):
    assert main(["+".join(["x"] * terms), "x=1"]) == 0
    assert f"dL/dx = {terms}.0000" in capsys.readouterr().out


@pytest.fixture
def no_threads(monkeypatch):
    """A Python where no thread can start, as Pyodide's in the browser: the parse runs on this thread."""
    import threading

    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)


# 1000 tokens at most: x+...+x of 500 terms, 2*--...--x (2 * and x: no brackets, which make no node).
@pytest.mark.parametrize("expression, gradient", [("+".join(["x"] * 500), 500), ("2*" + "-" * 996 + "x", 2)])
def test_without_threads_an_expression_of_1000_tokens_works(expression, gradient, no_threads, capsys):
    assert main([expression, "x=1"]) == 0
    assert f"dL/dx = {gradient}.0000" in capsys.readouterr().out


@pytest.mark.parametrize(
    "expression", ["+".join(["x"] * 501), "2*" + "-" * 998 + "x", "2*" + "-" * 5000 + "x +", "x*" * 70_000 + "x"]
)
def test_without_threads_a_deeper_expression_is_one_error_line_unread(expression, no_threads, capsys, monkeypatch):
    import ast

    monkeypatch.setattr(ast, "parse", lambda *args, **kwargs: pytest.fail("parsed"))  # what would overflow Pyodide
    assert main([expression, "x=1"]) == 2
    assert capsys.readouterr().err == (
        "error: the expression is too deeply nested to read here (more than 1000 numbers, names and operators "
        "where Python has no threads)\n"
    )


def test_the_parsed_tree_is_left_flat_to_be_freed_one_node_at_a_time(monkeypatch, capsys):
    import ast

    nodes = []  # every node of each tree parsed, as parsed

    def parse(*args, **kwargs):
        tree = real(*args, **kwargs)
        nodes.append(list(ast.walk(tree)))
        return tree

    real = ast.parse
    monkeypatch.setattr(ast, "parse", parse)
    assert main(["+".join(["x"] * 300), "x=1"]) == 0  # read whole
    assert main(["x + log(x) + z", "x=1"]) == 2  # refused half way
    assert [sum(isinstance(node, ast.BinOp) for node in tree) for tree in nodes] == [299, 2]
    assert all(vars(node) == {} for tree in nodes for node in tree)


def test_without_threads_a_syntax_error_is_the_same_line(no_threads, capsys):
    assert main(["x +", "x=1"]) == 2
    assert capsys.readouterr().err == "error: not a valid expression: invalid syntax in 'x +'\n"


def test_steps_at_the_end_of_input_and_ctrl_c_are_one_error_line(monkeypatch, capsys):
    def end_of_input(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", end_of_input)
    assert main(["tanh(x)", "x=1", "--steps"]) == 2
    assert capsys.readouterr().err == (
        "error: the input ended before the last step (--steps reads Enter from the terminal)\n"
    )

    def interrupt(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupt)
    assert main(["tanh(x)", "x=1", "--steps"]) == 2
    assert capsys.readouterr().err.strip() == "error: interrupted"


def test_steps_mode_does_not_print_the_backward_table_first(monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    assert main(["tanh(x)", "x=1", "--steps"]) == 0
    out = capsys.readouterr().out
    assert "forward pass" in out and "backward pass, from the root down" not in out
    assert main(["tanh(x)", "x=1"]) == 0
    assert "backward pass, from the root down" in capsys.readouterr().out


def test_a_name_given_twice_is_refused(capsys):
    assert main(["x + 1", "x=1", "x=2"]) == 2
    assert "x is given twice: x=1 and x=2" in capsys.readouterr().err
    assert main(["x + 1", "ｘ=1", "x=2"]) == 2
    assert "('ｘ' and 'x' are the same name to Python)" in capsys.readouterr().err


def test_full_width_names_are_the_names_python_reads(capsys):
    assert main(["ｘ*3", "ｘ=2"]) == 0
    assert "dL/dｘ = 3.0000" in capsys.readouterr().out
    assert main(["ｙ*3", "x=2"]) == 2
    err = capsys.readouterr().err
    assert "unknown name 'ｙ'" in err  # as written, not as Python folded it


def test_pi_e_and_keyword_options(capsys):
    assert main(["x*pi + e", "x=1"]) == 0
    assert "dL/dx = 3.1416" in capsys.readouterr().out
    assert main(["leaky_relu(x, slope=0.1)", "x=-2"]) == 0
    assert "dL/dx = 0.1000" in capsys.readouterr().out
    assert main(["gelu(x, approximate='tanh')", "x=1"]) == 0
    assert f"dL/dx = {Value(1.0).gelu('tanh').locals[0]:.4f}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "target, message",
    [
        ("graph.jpg", "--render can write svg, png, pdf; got 'jpg'"),
        ("no/such/folder/graph.svg", "the folder no/such/folder does not exist"),
        (".", "no suffix"),
    ],
)
def test_render_is_checked_before_anything_is_printed(target, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*NEURON, "--render", target]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_render_errors_name_the_target_not_a_temporary_file(capsys, tmp_path, monkeypatch):
    import os

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", os.fspath(path))

    monkeypatch.setattr(os, "open", refuse)
    assert main([*NEURON, "--render", str(tmp_path / "graph.svg")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: [Errno 13] Permission denied: '{tmp_path / 'graph.svg'}'\n"
