"""Rules as MathML: the ops' own formula texts, typeset; what is not arithmetic stays text, escaped."""

import xml.etree.ElementTree as ET

import pytest

from autograd import Value
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


def test_every_rule_the_engine_prints_is_well_formed():
    a, b = Value(0.5), Value(1.5)
    nodes = [a * b, a + b, a / b, a**b, a**2, a.tanh(), a.exp(), a.log(), a.sqrt(), a.relu(), abs(a), a.gelu(),
             a.sigmoid(), a.softplus(), a.leaky_relu(), a.sin(), a.cos(), a.erf()]  # fmt: skip
    for node in nodes:
        for rule in node.op.rules:
            ET.fromstring(rule_mathml(rule).replace("&#x", "&amp;#x"))
