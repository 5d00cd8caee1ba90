"""Rules as MathML: the ops' own formula texts, typeset; what is not arithmetic stays text, escaped."""

import math
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, linear
from autograd.ops import UNARY_OPS
from autograd.views.mathml import rule_mathml


def tags(markup: str) -> list[str]:
    return [element.tag for element in ET.fromstring(markup).iter()]


def test_the_tanh_rule_is_a_fraction_equal_to_one_minus_a_square():
    markup = rule_mathml("d tanh(a)/da = 1 - tanh(a)^2")
    assert markup.startswith("<math") and tags(markup).count("mfrac") == 1 and "msup" in tags(markup)
    assert "<mn>1</mn><mo>&#x2212;</mo>" in markup and "<mi>tanh</mi>" in markup


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("d(a*b)/da = b", "<mo>(</mo><mi>a</mi><mo>&#x22C5;</mo><mi>b</mi><mo>)</mo>"),  # d(a*b) keeps them
        ("d(a + b)/db = 1", "<mn>1</mn>"),
        ("dz/dw_i = x_i", "<msub><mi>x</mi><mi>i</mi></msub>"),
        ("d(a/b)/db = -a/b^2", "<mfrac><mrow><mrow><mo>&#x2212;</mo><mi>a</mi></mrow></mrow>"),
        ("d(a - b)/db = a - (b + c)", "<mo>(</mo><mi>b</mi><mo>+</mo><mi>c</mi><mo>)</mo>"),
        ("d relu(a)/da = 1 if a > 0 else 0", "<mtext>1 if a &gt; 0 else 0</mtext>"),
        ("d<script>alert(1)</script>/da = 1", "<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext>"),
    ],
)
def test_rules_become_well_formed_mathml(rule, expected):
    markup = rule_mathml(rule)
    ET.fromstring(markup.replace("&#x", "&amp;#x"))  # well-formed XML (entities aside)
    assert expected in markup


def read_back(element: ET.Element) -> str:
    """What a reader of the typeset rule sees, as Python arithmetic: a fraction is (top)/(bottom),
    a power (base)**(exponent), a subscript x_i; text that is not arithmetic as itself."""
    tag = element.tag
    parts = [read_back(child) for child in element]
    if tag == "mfrac":
        return f"({parts[0]})/({parts[1]})"
    if tag == "msup":
        return f"({parts[0]})**({parts[1]})"
    if tag == "msub":
        return f"{parts[0]}_{parts[1]}"
    if tag in ("mi", "mn", "mtext"):
        return element.text
    if tag == "mo":
        return {"\u2212": "-", "\u22c5": "*"}.get(element.text.lower(), element.text)
    return "".join(parts)  # math, mrow


def the_rules_the_engine_prints() -> set[str]:
    """Every row's rules: the ops of one input (a new row is typeset-checked without a line here),
    the operators, a power, two settings, and linear's."""
    a, b = Value(0.5), Value(1.5)
    nodes = [getattr(a, op.method)() for op in UNARY_OPS]
    nodes += [a * b, a + b, a / b, a**b, a**2, a**-0.5, a.gelu(approximate="tanh"), a.leaky_relu(0.2)]
    nodes.append(linear([a], [b], a))
    return {rule for node in nodes for rule in node.op.rules}


NUMBERS = {
    "a": 0.7,
    "b": 1.3,
    "x_i": -0.4,
    "w_i": 2.5,
    "pi": math.pi,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "erf": math.erf,
    "abs": abs,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "Phi": lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))),  # the standard normal's CDF and density
    "phi": lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
}


def test_every_rule_typesets_to_the_same_mathematics():
    """Read back from the MathML (fractions, powers, the operators' precedence and parentheses), every
    rule's derivative is the same number as its text gives, and its left side is d(expression)/d(input)."""
    checked = 0
    for rule in the_rules_the_engine_prints():
        shown = read_back(ET.fromstring(rule_mathml(rule)))
        left, _, right = rule.partition(" = ")
        shown_left, _, shown_right = shown.partition("=")
        by = left.rsplit("/d", 1)[1]
        assert shown_left.endswith(f"/(d{by})") and shown_left.startswith("(d"), (rule, shown)
        try:
            expected = eval(right.replace("^", "**"), {}, dict(NUMBERS))
        except SyntaxError:  # prose (gelu_tanh's, abs's): typeset as the text itself
            assert shown_right == right, (rule, shown)
            continue
        assert eval(shown_right, {}, dict(NUMBERS)) == pytest.approx(expected, rel=1e-12), (rule, shown)
        checked += 1
    assert checked >= 20


def test_every_rule_the_engine_prints_is_well_formed():
    for rule in the_rules_the_engine_prints():
        ET.fromstring(rule_mathml(rule).replace("&#x", "&amp;#x"))
