"""The engine's mechanics: construction, repr, topological order, backward,
accumulation, no_grad, deep graphs, and the errors bad input gets."""

import math

import pytest

from autograd import Value, no_grad, topological_order
from demos.neuron import build_neuron

# --- construction and repr ---


@pytest.mark.parametrize("data, expected", [(2, 2.0), (True, 1.0), (False, 0.0), (-0.5, -0.5)])
def test_value_converts_ints_and_bools_to_float(data, expected):
    v = Value(data)
    assert v.data == expected and type(v.data) is float
    assert v.grad == 0.0 and v.op == "" and v.parents == () and v.label == ""


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1 + 2j, Value(1.0)])
def test_value_rejects_non_numbers_naming_what_was_given(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_value_rejects_a_label_that_is_not_a_string():
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


def test_operators_with_unsupported_operands_raise_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError):
        "a" * Value(1.0)
    with pytest.raises(TypeError):
        Value(1.0) ** "2"


def test_repr_reads_like_the_lecture_example():
    o = build_neuron()
    o.backward()
    assert repr(o) == "Value(data=0.7071, grad=1.0, op='tanh', label='o')"
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(12345.678, label="big")) == "Value(data=1.235e+04, grad=0.0, label='big')"


def test_parents_are_an_ordered_tuple_with_their_local_derivatives():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    assert c.parents == (a, b)
    assert c.locals == (-3.0, 2.0)  # d(a*b)/da = b, d(a*b)/db = a
    assert c.op == "*" and c.op.rules == ("d(a*b)/da = b", "d(a*b)/db = a")
    t = c.tanh()
    assert t.op.rules == ("d tanh(a)/da = 1 - tanh(a)^2",)
    assert t.locals == (1 - math.tanh(-6.0) ** 2,)


# --- topological order ---


def test_topological_order_puts_parents_first_root_last_each_node_once():
    o = build_neuron()
    order = topological_order(o)
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order) == 10
    assert order[-1] is o
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_topological_order_is_the_same_on_every_build():
    assert [n.label for n in topological_order(build_neuron())] == [n.label for n in topological_order(build_neuron())]


def test_topological_order_handles_a_parent_reached_by_two_paths():
    a = Value(1.0, label="a")
    b = a * 2
    r = a + b  # a is a parent of r and of b; it must come before both
    order = topological_order(r)
    assert order.index(a) < order.index(b) < order.index(r)


# --- backward ---


def test_backward_on_the_classic_neuron_gives_the_hand_derived_gradients():
    o = build_neuron()
    o.backward()
    grads = {n.label: n.grad for n in topological_order(o)}
    expected = {"o": 1.0, "n": 0.5, "b": 0.5, "x1*w1 + x2*w2": 0.5, "x1*w1": 0.5, "x2*w2": 0.5,
                "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}  # fmt: skip
    for label, g in expected.items():
        assert math.isclose(grads[label], g, abs_tol=1e-12), label


def test_backward_through_a_diamond_adds_both_paths():
    a = Value(3.0)
    b = a + a  # db/da = 2
    c = b * a  # dc/da = b + a * db/da = 6 + 6
    c.backward()
    assert a.grad == 12.0 and b.grad == 3.0
    d = Value(-1.5)
    (d * d * d).backward()  # 3 d^2
    assert d.grad == 3 * 1.5**2


def test_backward_twice_doubles_every_gradient_including_intermediates():
    once = build_neuron()
    once.backward()
    twice = build_neuron()
    twice.backward()
    twice.backward()
    for a, b in zip(topological_order(once), topological_order(twice)):
        assert b.grad == 2 * a.grad, b.label


def test_backward_adds_to_gradients_already_there():
    w = Value(2.0)
    (w * 3).backward()
    (w * w).backward()
    assert w.grad == 3.0 + 4.0


def test_backward_through_million_node_chain():
    # Oracle: forward-mode, d tanh^n(x)/dx = prod (1 - t_k^2), accumulated alongside.
    x = Value(0.5)
    y, t, derivative = x, 0.5, 1.0
    for _ in range(1_000_000):
        y = y.tanh()
        t = math.tanh(t)
        derivative *= 1 - t * t
    y.backward()
    assert y.data == t
    assert math.isclose(x.grad, derivative, rel_tol=1e-9)


# --- no_grad ---


def test_no_grad_records_no_parents_and_restores_recording():
    w = Value(2.0)
    with no_grad():
        y = (w * 3).tanh() + 1
        assert y.parents == () and y.op == ""
        with no_grad():
            pass
        z = w * w
    assert z.parents == ()
    assert (w * w).parents == (w, w)
    y.backward()
    assert w.grad == 0.0 and y.grad == 1.0


def test_no_grad_restores_recording_after_an_exception_and_works_as_a_decorator():
    with pytest.raises(ValueError):
        with no_grad():
            Value(-1.0).log()
    assert (Value(1.0) * 2).parents != ()

    @no_grad()
    def evaluate(v):
        return v * v

    assert evaluate(Value(3.0)).parents == ()
    assert (Value(1.0) * 2).parents != ()


def test_parameter_update_in_no_grad_changes_data_only():
    w = Value(1.0)
    (w * w).backward()
    with no_grad():
        w.data -= 0.1 * w.grad
    assert w.data == 0.8 and w.parents == ()


# --- bad input: clear errors naming op, operand and node ---


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda v: v.log(), r"log is undefined for 0\.0 \(node 'p'\)"),
        (lambda v: (v - 1).log(), r"log is undefined for -1\.0 \(unlabelled node\)"),
        (lambda v: (v - 2).sqrt(), r"sqrt is undefined for -2\.0"),
        (lambda v: (v - 2) ** 0.5, r"\*\* is undefined for -2\.0 \*\* 0\.5.*negative base"),
        (lambda v: (v - 2) ** Value(1.5), r"negative base to a non-integer power"),
        (lambda v: (v + 1e308 * 10).sin(), r"sin is undefined for inf"),
    ],
)
def test_math_domain_errors_name_op_operand_and_label(make, message):
    p = Value(0.0, label="p")
    with pytest.raises(ValueError, match=message):
        make(p)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda v: v**-1, r"\*\* is undefined for 0\.0 \*\* -1\.0: zero to a negative power.*\(node 'p'\)"),
        (lambda v: 1 / v, r"division by zero: 1 / 0\.0 \(node 'p'\)"),
        (lambda v: Value(2.0) / v, r"division by zero: 2\.0 / 0\.0 \(node 'p'\)"),
        (lambda v: v / 0, r"division by zero: 0\.0 / 0\.0 \(unlabelled node\)"),
    ],
)
def test_division_by_zero_says_so_and_names_the_divisor(make, message):
    with pytest.raises(ZeroDivisionError, match=message):
        make(Value(0.0, label="p"))


def test_overflow_names_op_operand_and_label():
    with pytest.raises(OverflowError, match=r"exp overflows a float for 1000\.0 \(node 'big'\)"):
        Value(1000.0, label="big").exp()
    with pytest.raises(OverflowError, match=r"\*\* overflows a float for 10\.0 \*\* 400\.0 \(node 'ten'\)"):
        Value(10.0, label="ten") ** 400


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="'none' or 'tanh', got 'fast'"):
        Value(1.0).gelu(approximate="fast")


def test_a_failed_op_leaves_its_operand_unchanged():
    p = Value(-1.0, label="p")
    with pytest.raises(ValueError):
        p.log()
    assert p.data == -1.0 and p.grad == 0.0 and p.parents == ()


def test_import_autograd_loads_only_the_standard_library():
    import subprocess
    import sys

    code = (
        "import sys, autograd; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'graphviz', 'tqdm', 'numpy', 'torch', 'nn'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
