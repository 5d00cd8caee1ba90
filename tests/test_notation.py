"""The lecture notes' notation (seed 002): an MLP's nodes named w⁽ˡ⁾ᵢⱼ, b⁽ˡ⁾ᵢ, z⁽ˡ⁾ᵢ, h⁽ˡ⁾ᵢ, x₁, ŷ
and L in every view, while labels, ids and state_dict keys keep nn's dotted module paths."""

import re

import pytest

import nn
from autograd import Drawing, backward_steps, draw_graph, explain, trace_table
from autograd.views.notation import fixed, notes_label, number

# The 2-2-1 MLP of the notes, node by node: nn's label, then the notes' name (and in plain text).
NOTES_TABLE = [
    ("x1", "x₁", "x_1"),
    ("x2", "x₂", "x_2"),
    ("layers.0.neurons.0.w.0", "w⁽¹⁾₁₁", "W^(1)_11"),
    ("layers.0.neurons.0.w.1", "w⁽¹⁾₁₂", "W^(1)_12"),
    ("layers.0.neurons.1.w.0", "w⁽¹⁾₂₁", "W^(1)_21"),
    ("layers.0.neurons.1.w.1", "w⁽¹⁾₂₂", "W^(1)_22"),
    ("layers.0.neurons.0.b", "b⁽¹⁾₁", "b^(1)_1"),
    ("layers.0.neurons.1.b", "b⁽¹⁾₂", "b^(1)_2"),
    ("layers.0.neurons.0.z", "z⁽¹⁾₁", "z^(1)_1"),
    ("layers.0.neurons.1.z", "z⁽¹⁾₂", "z^(1)_2"),
    ("layers.0.neurons.0.h", "h⁽¹⁾₁", "h^(1)_1"),
    ("layers.0.neurons.1.h", "h⁽¹⁾₂", "h^(1)_2"),
    ("layers.1.neurons.0.w.0", "w⁽²⁾₁₁", "W^(2)_11"),
    ("layers.1.neurons.0.w.1", "w⁽²⁾₁₂", "W^(2)_12"),
    ("layers.1.neurons.0.b", "b⁽²⁾₁", "b^(2)_1"),
    ("layers.1.neurons.0.z", "ŷ", "y_hat"),  # the output layer is linear: its z is the network's output
]


def mlp_and_loss(loss=nn.logistic_loss, target=1.0, activation="tanh"):
    nn.manual_seed(0)
    model = nn.MLP(2, [2, 1], activation=activation)
    return model, loss(model([0.5, -1.5]), target)


@pytest.mark.parametrize("plain", [False, True])
def test_a_2_2_1_mlp_is_named_as_the_notes_write_it(plain):
    model, loss = mlp_and_loss()
    drawing = Drawing(loss, notation="notes-plain" if plain else "notes", **model.graph_style())
    by_label = {node.label: drawing.names[node] for node in drawing.order if node.label}
    for label, notes, text in NOTES_TABLE:
        assert by_label[label] == (text if plain else notes), label
    assert drawing.names[loss] == "L" and drawing.title().startswith("L = softplus(")
    assert {p.label for p in model.parameters()} == set(model.state_dict())  # the labels are not changed
    assert [drawing.ids[n] for n in drawing.order] == [Drawing(loss).ids[n] for n in drawing.order]  # nor the ids


def test_several_outputs_and_larger_indices_are_numbered():
    nn.manual_seed(0)
    model = nn.MLP(12, [11, 2], activation="relu")
    outputs = model([0.1] * 12)
    names = Drawing(outputs[0] + outputs[1], notation="notes").names
    shown = {node.label: names[node] for node in names if node.label}
    assert shown["layers.0.neurons.10.w.11"] == "w⁽¹⁾₁₁,₁₂"  # neuron 11, input 12: a comma once an index has 2 digits
    assert shown["layers.1.neurons.0.z"] == "ŷ₁" and shown["layers.1.neurons.1.z"] == "ŷ₂"
    assert shown["x12"] == "x₁₂" and notes_label("layers.0.neurons.10.w.11", plain=True) == "W^(1)_11,12"


def test_an_activated_output_layer_is_y_hat_and_its_z_keeps_its_name():
    nn.manual_seed(0)
    model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid")
    names = Drawing(nn.bce_loss(model([0.5, -1.5]), 1.0), notation="notes").names
    shown = {node.label: names[node] for node in names if node.label}
    assert shown["layers.1.neurons.0.h"] == "ŷ" and shown["layers.1.neurons.0.z"] == "z⁽²⁾₁"


SENTENCE_JARGON = re.compile(r"dloss|\(\(|\*1\.0|·1\.0|\bv\d+\b")


@pytest.mark.parametrize("loss", [nn.logistic_loss, nn.hinge_loss, nn.mse_loss])
@pytest.mark.parametrize("target", [1.0, -1.0])
def test_sentences_call_the_root_L_and_speak_no_engine_jargon(loss, target):
    model, root = mlp_and_loss(loss, target)
    for notation in ("notes", "paths"):
        steps = [str(s) for s in backward_steps(root, notation=notation)]
        assert steps[0].startswith("L.grad = dL/dL = 1, the seed") if notation == "notes" else "dL/dL = 1" in steps[0]
        for sentence in steps:
            assert not SENTENCE_JARGON.search(sentence), sentence
    drawing = Drawing(root, notation="notes", **model.graph_style())
    text = str(explain(drawing, model.layers[0].neurons[0].w[0])) + trace_table(drawing)
    assert "w⁽¹⁾₁₁" in text and not SENTENCE_JARGON.search(text)
    if loss is not nn.mse_loss:
        assert "y·ŷ" in {drawing.names[n] for n in drawing.order}  # the target y times the output, not ŷ*1.0


def test_a_batch_loss_is_titled_by_what_it_is():
    nn.manual_seed(0)
    model = nn.MLP(2, [2, 1])
    X, y = nn.data.make_moons(10, seed=0)
    loss = nn.mse_loss([model(x) for x in X], y)
    for notation in ("paths", "notes"):
        drawing = Drawing(loss, notation=notation)
        assert drawing.title() == "L = mean of 10 losses"
        assert not re.search(r"\bv\d+\b", " ".join(drawing.names.values()))  # long sums say what they are
    assert "sum of 9 terms" in Drawing(loss).names.values()


def test_numbers_in_sentences_have_4_significant_digits_and_never_minus_zero():
    assert [number(x) for x in (0.70710678, 1.0, -1.5, 12345.678, -0.0, -1e-9)] == [
        "0.7071", "1", "-1.5", "1.235e+04", "0", "-1e-09"
    ]  # fmt: skip
    assert fixed(-0.0) == fixed(-0.00001) == "0.0000" and fixed(-0.5) == "-0.5000"
    model, root = mlp_and_loss()
    for step in backward_steps(root):
        assert "-0 " not in str(step) + " " and str(float(step.contribution)) in step.exact


def test_the_notes_names_are_on_the_picture_and_the_paths_on_hover():
    model, loss = mlp_and_loss()
    picture = draw_graph(loss, notation="notes", **model.graph_style()).pipe("svg", encoding="utf-8")
    assert ">layer 1<" in picture and ">neuron 2<" in picture and ">layers.0<" not in picture  # boxes counted from 1
    assert (
        "w⁽¹⁾₁₁" in picture
        and "<title>layers.0.neurons.0.w.0</title>" in picture
        or ('xlink:title="layers.0.neurons.0.w.0"' in picture)
    )
    with pytest.raises(ValueError, match="notation must be one of 'paths', 'notes', 'notes-plain'; got 'latex'"):
        Drawing(loss, notation="latex")
