"""The Lab's Expression tab under CPython (lab.expression, through Lab.call as the page calls it):
it refuses what `python -m autograd` refuses, with the CLI's own line; its gradients are the CLI's
and PyTorch's (float64); its forward table, step-through records and explain agree with them;
a link's fragment gives back the expression, values and variable exactly."""

import json
import math

import pytest

from autograd.views.cli import evaluate, main, parse_assignments
from lab.expression import MAX_LINK, from_fragment, link
from lab.session import Lab
from tests.test_cli import FAILING_FAST, REFUSED

NEURON = ("tanh(x*w1 + y*w2 + b)", "x=2 y=0 w1=-3 w2=1 b=6.8813735870195432")


@pytest.fixture(scope="module")
def lab():
    return Lab()


def call(lab, method, **arguments):
    """Lab.call as the worker makes it: JSON in, JSON out; the reply's result, or its error as ValueError."""
    reply = json.loads(lab.call(method, json.dumps(arguments)))
    if "error" in reply:
        raise ValueError(reply["error"])
    return reply["result"]


def cli_error(expression, values, capsys) -> str:
    """The one line `python -m autograd expression values...` writes to stderr."""
    assert main([expression, *values.split()]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    return err.removeprefix("error: ").rstrip("\n")


@pytest.mark.parametrize(
    "expression, values, message",
    [(e, "x=1", m) for e, m in REFUSED] + [(e, "x=1 y=0", m) for e, m in FAILING_FAST],
)
def test_the_tab_refuses_what_the_cli_refuses_with_the_clis_line(lab, expression, values, message, capsys):
    with pytest.raises(ValueError) as refused:
        call(lab, "expression", text=expression, values=values)
    assert str(refused.value) == cli_error(expression, values, capsys)
    assert message in str(refused.value) and "Traceback" not in str(refused.value)


@pytest.mark.parametrize(
    "expression, values",
    [
        ("x + 1", "x=abc"),  # the values, as the CLI reads its arguments
        ("x + 1", "x=1 y=2"),
        ("x + 1", "x=1 x=2"),
        ("x + 1", "x=inf"),
        ("x + 1", "x"),
        ("log(x)", "x=0"),  # the engine's own words
        ("exp(x)", "x=1000"),
        ("x*x*1e308", "x=10"),  # inf is refused, never shown as a number
    ],
)
def test_bad_values_and_math_errors_are_the_clis_line(lab, expression, values, capsys):
    with pytest.raises(ValueError) as refused:
        call(lab, "expression", text=expression, values=values)
    assert str(refused.value) == cli_error(expression, values, capsys)


def test_what_is_not_text_is_refused_in_one_line(lab):
    with pytest.raises(ValueError, match="the expression must be text such as 'tanh\\(x\\*w \\+ b\\)'; got int"):
        call(lab, "expression", text=3, values="x=1")
    with pytest.raises(ValueError, match="the values must be text such as 'x=2 w=-3'; got dict"):
        call(lab, "expression", text="x", values={"x": 1})
    with pytest.raises(ValueError, match="explain takes one of the variables x, w; got 'z'"):
        call(lab, "expression", text="x*w", values="x=1 w=2", variable="z")


def test_the_neuron_of_the_cli_gives_its_printed_gradients(lab, capsys):
    shown = call(lab, "expression", text=NEURON[0], values=NEURON[1])
    assert main([NEURON[0], *NEURON[1].split()]) == 0
    printed = capsys.readouterr().out.split("gradients\n")[1].split()
    assert printed == [word for name, text in shown["gradTexts"].items() for word in (f"dL/d{name}", "=", text)]
    assert shown["value"] == pytest.approx(math.sqrt(0.5), abs=1e-15)
    assert shown["grads"]["x"] == pytest.approx(-1.5, abs=1e-14)
    assert shown["grads"]["b"] == pytest.approx(0.5, abs=1e-14)


# Expressions over the engine's functions, with a reused node (x*x + x, u used twice) and a
# non-uniform upstream gradient, each with values away from kinks.
CATALOG = [
    NEURON,
    ("x*x + x", "x=3"),
    ("(x + x) * tanh(x + x) + exp(-y) / (1 + y**2)", "x=0.3 y=-0.7"),
    ("sigmoid(a*b) * log(a) - sqrt(b) + relu(a - b) + softplus(b)", "a=1.7 b=0.4"),
    ("leaky_relu(x, slope=0.1) * gelu(y, approximate='tanh') + gelu(x) * abs(y)", "x=-2 y=0.8"),
    ("sin(t)**2 + cos(t)**3 * erf(t) + pi * t / e", "t=0.9"),
    ("x**y + y**x - x/y", "x=1.3 y=2.2"),
]


def torch_gradients(expression: str, values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The expression's value and gradients in PyTorch float64: the catalog's text (written here,
    not a student's) evaluated with torch's functions in place of the engine's."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    leaves = {name: torch.tensor(v, dtype=torch.float64, requires_grad=True) for name, v in values.items()}
    functions = {
        "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
        "relu": torch.relu, "softplus": F.softplus, "erf": torch.erf, "sin": torch.sin, "cos": torch.cos,
        "abs": torch.abs, "leaky_relu": lambda x, slope=0.01: F.leaky_relu(x, slope),
        "gelu": lambda x, approximate="none": F.gelu(x, approximate=approximate), "pi": math.pi, "e": math.e,
    }  # fmt: skip
    out = eval(expression, {"__builtins__": {}}, {**functions, **leaves})  # noqa: S307 (the catalog's own text)
    out.backward()
    return out.item(), {name: leaf.grad.item() for name, leaf in leaves.items()}


@pytest.mark.parametrize("expression, values", CATALOG)
def test_gradients_are_the_engines_and_pytorchs(lab, expression, values):
    shown = call(lab, "expression", text=expression, values=values)
    root, leaves = evaluate(expression, parse_assignments(values.split()))  # the CLI's own graph
    root.backward()
    assert shown["value"] == root.data and shown["grads"] == {name: leaf.grad for name, leaf in leaves.items()}
    value, grads = torch_gradients(expression, parse_assignments(values.split()))
    assert shown["value"] == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert shown["grads"].keys() == grads.keys()
    for name, grad in grads.items():
        assert shown["grads"][name] == pytest.approx(grad, rel=1e-12, abs=1e-12), name


@pytest.mark.parametrize("expression, values", CATALOG)
def test_explain_of_every_variable_sums_its_paths_to_its_gradient(lab, expression, values):
    for variable in parse_assignments(values.split()):
        shown = call(lab, "expression", text=expression, values=values, variable=variable)
        explained = shown["explain"]
        assert shown["variable"] == variable
        assert sum(path["product"] for path in explained["paths"]) == pytest.approx(shown["grads"][variable], abs=1e-12)
        assert explained["pathSum"] == pytest.approx(shown["grads"][variable], abs=1e-12)
        for path in explained["paths"]:
            assert path["product"] == pytest.approx(math.prod(path["locals"]), abs=1e-15)
            assert path["nodes"][-1] == variable
        assert explained["text"].startswith(f"dL/d{variable}")
        on_path = [r for r in shown["backward"] if r["onPath"]]
        assert explained["steps"] == [r["sentence"] for r in on_path]
        assert shown["variableId"] in shown["pathNodes"]


def test_the_forward_table_and_the_records_agree_with_the_engine(lab):
    shown = call(lab, "expression", text="x*x + x", values="x=3")
    rows = {row["name"]: row for row in shown["table"]}
    assert rows.keys() == {"x", "x * x", "x * x + x"}  # x is one node, used three times
    assert (rows["x"]["value"], rows["x * x"]["value"], rows["x * x + x"]["value"]) == (3.0, 9.0, 12.0)
    assert (rows["x"]["grad"], rows["x * x"]["grad"], rows["x * x + x"]["grad"]) == (7.0, 1.0, 1.0)  # 2x + 1
    assert rows["x * x"]["op"] == "*" and rows["x * x"]["inputs"] == "x, x" and rows["x"]["gradText"] == "7.0000"
    # Forward: one record per node, in the table's order; backward: the seed and one per edge (x*x's two, +'s two).
    assert [r["node"] for r in shown["forward"]] == [row["node"] for row in shown["table"]]
    # By hand: the seed 1; + gives x*x and x 1 each; x*x gives x 3 twice (the other factor): 1 + 3 + 3 = 7.
    assert [r["value"] for r in shown["backward"]] == [1.0, 1.0, 1.0, 4.0, 7.0]
    assert shown["backward"][-1]["sentence"].startswith("x.grad += ")
    x = rows["x"]["node"]
    assert [r["value"] for r in shown["backward"] if r["parent"] == x][-1] == 7.0
    assert all(row["node"] in shown["dots"]["LR"] and row["node"] in shown["dots"]["TB"] for row in rows.values())
    assert "grad 0.0000" in shown["dots"]["LR"] and "grad 7.0000" not in shown["dots"]["LR"]  # drawn before backward


@pytest.mark.parametrize(
    "text, values, variable",
    [
        (*NEURON, "w1"),
        ("x + 1 # a comment & more = ?", "x=1", None),
        ("ｘ*3 + x/2", "ｘ=2 x=1e-300", "ｘ"),
        ("gelu(x, approximate='tanh') % 2", "x=-0.5", "x"),  # refused when drawn; the link keeps it all the same
        ("  tanh(x*w+b)\t", "x=2   w=-3 b=6.88", None),
    ],
)
def test_a_link_gives_back_the_expression_values_and_variable_exactly(lab, text, values, variable):
    fragment = link(text, values, variable)["fragment"]
    assert fragment is not None and "#" not in fragment and " " not in fragment
    given = {"text": text, "values": values, "variable": variable}
    assert call(lab, "expression_link", fragment="#" + fragment) == given and from_fragment(fragment) == given


def test_a_drawn_expression_carries_its_link(lab):
    shown = call(lab, "expression", text=NEURON[0], values=NEURON[1], variable="w1")
    assert from_fragment(shown["fragment"]) == {"text": NEURON[0], "values": NEURON[1], "variable": "w1"}
    assert shown["linkNote"] is None


def test_a_link_too_long_is_not_written_and_says_why():
    text = "+".join(["x"] * 1500)
    made = link(text, "x=1", None)
    assert made["fragment"] is None
    encoded = len("expr=") + 1500 + 1499 * len("%2B") + len("&values=x%3D1&var=")  # 6020
    assert made["linkNote"].startswith(f"The expression is too long for a link ({encoded} characters encoded")
    assert f"at most {MAX_LINK})" in made["linkNote"]


def test_a_fragment_without_an_expression_is_none_and_what_is_not_text_is_refused(lab):
    assert call(lab, "expression_link", fragment="") is None
    assert call(lab, "expression_link", fragment="#step=20") is None
    with pytest.raises(ValueError, match="a link's fragment is text; got list"):
        call(lab, "expression_link", fragment=[])


def test_the_tab_leaves_the_run_untouched(lab):
    before = lab.state()
    call(lab, "expression", text=NEURON[0], values=NEURON[1])
    assert lab.state() == before


def test_a_graph_too_big_to_draw_is_one_line():
    from lab.derivation import MAX_NODES

    call(Lab(), "expression", text="+".join(["x"] * MAX_NODES), values="x=1")  # x and 799 sums: drawn
    too_many = f"the expression makes {MAX_NODES + 1} nodes; the Lab draws at most {MAX_NODES}"
    with pytest.raises(ValueError, match=too_many):
        call(Lab(), "expression", text="+".join(["x"] * (MAX_NODES + 1)), values="x=1")
