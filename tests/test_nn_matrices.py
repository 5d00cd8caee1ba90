"""nn.layer_view: the notes' matrices, read from the scalar graph, against PyTorch (float64).

PyTorch computes the same network as matrices (one column per example), keeps the grads of
Z⁽ˡ⁾ and H⁽ˡ⁾, and gives W's and b's grads: the oracle for every entry. Backward's own steps
(autograd.backward_steps) are the oracle for what an entry stands for.
"""

import pytest

import nn
from autograd import Value
from nn.matrices import TOLERANCE, entry_nodes, layer_view

torch = pytest.importorskip("torch")

ACTS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "identity": lambda z: z}
X8 = [[0.5, -1.0, 0.3], [1.0, 2.0, -0.4], [0.1, 0.3, 0.9], [-0.7, 0.2, 0.0], [0.4, -0.4, 1.2], [1.5, 0.5, -1.1],
      [-0.2, -0.9, 0.6], [0.8, 1.1, 0.05]]  # fmt: skip


def torch_matrices(model, xs, loss_of):
    """Z, H (a column per example), their grads and W's, b's grads, from PyTorch on the model's numbers."""
    H = torch.tensor(xs, dtype=torch.float64).T
    zs, hs, Ws, bs = [], [], [], []
    for layer in model.layers:
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        Z = W @ H + b[:, None]
        Z.retain_grad()
        H = ACTS[layer.neurons[0].activation](Z)
        if H is not Z:
            H.retain_grad()
        zs.append(Z), hs.append(H), Ws.append(W), bs.append(b)
    loss = loss_of(H)
    loss.backward()
    return zs, hs, Ws, bs


def close(ours, theirs, scale=1.0):
    theirs = theirs.detach().numpy().tolist() if hasattr(theirs, "detach") else theirs
    flat = lambda v: [x for row in v for x in (row if isinstance(row, list) else [row])]  # noqa: E731
    a, b = flat(ours), flat(theirs)
    assert len(a) == len(b)
    assert max(abs(x - y * scale) for x, y in zip(a, b)) < 1e-12


CASES = [  # (nin, sizes, output, activation, loss): 2-2-1, 3-4-2 with cross-entropy, 2-[4,4]-1
    (2, [2, 1], "mse"),
    (3, [4, 2], "cross_entropy"),
    (2, [4, 4, 1], "mse"),
]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("case", CASES, ids=["2-2-1", "3-4-2", "2-4-4-1"])
@pytest.mark.parametrize("count", [1, 8])
def test_every_entry_equals_pytorchs_matrices(case, activation, count):
    nin, sizes, kind = case
    nn.manual_seed(3)
    model = nn.MLP(nin, sizes, activation=activation)
    xs = [row[:nin] for row in X8[:count]]
    if kind == "mse":
        ys = [0.5 - k * 0.2 for k in range(count)]
        loss = nn.mse_loss([model(x) for x in xs], ys)

        def torch_loss(H):
            return ((H[0] - torch.tensor(ys, dtype=torch.float64)) ** 2).mean()
    else:
        ys = [k % 2 for k in range(count)]
        loss = nn.cross_entropy([model(x) for x in xs], ys)

        def torch_loss(H):
            return torch.nn.functional.cross_entropy(H.T, torch.tensor(ys))

    model.zero_grad()
    loss.backward()
    view = layer_view(loss, model, xs if count > 1 else xs[0])
    zs, hs, Ws, bs = torch_matrices(model, xs, torch_loss)
    assert view.batch == count and view.difference <= TOLERANCE
    for layer, Z, H, W, b in zip(view.layers, zs, hs, Ws, bs):
        assert layer.shape == tuple(W.shape) == (sizes[layer.index - 1], ([nin] + sizes)[layer.index - 1])
        one = (lambda m: m[:, 0]) if count == 1 else (lambda m: m)  # noqa: E731 (a vector for one example)
        close(layer.W, W), close(layer.b, b)
        close(layer.z, one(Z)), close(layer.h, one(H))
        close(layer.delta, one(Z.grad), scale=count)  # δ of example k's own loss: N times dL/dz
        close(layer.dW, W.grad), close(layer.db, b.grad)
        if H is not Z:
            close(layer.upstream, one(H.grad), scale=count)
    assert view.layers[0].h_prev == (xs[0] if count == 1 else [list(col) for col in zip(*xs)])


def test_the_text_states_the_equations_and_shapes():
    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1], activation="tanh")
    loss = nn.mse_loss(model([0.5, -1.0]), 1.0)
    loss.backward()
    shown = str(layer_view(loss, model, [0.5, -1.0]))
    assert "δ⁽¹⁾ = φ'(z⁽¹⁾) ⊙ (W⁽²⁾ᵀ δ⁽²⁾):  (3 × 1) ⊙ ((3 × 1)(1 × 1))" in shown
    assert "∂L/∂W⁽¹⁾ = δ⁽¹⁾ h⁽⁰⁾ᵀ:  (3 × 1)(1 × 2) = (3 × 2)" in shown
    assert "W⁽¹⁾ is n₁ × n₀ = 3 × 2" in shown and "differ by" in shown
    model.zero_grad()
    xs = [[0.5, -1.0], [1.0, 0.0]]
    loss = nn.mse_loss([model(x) for x in xs], [1.0, 0.0])
    loss.backward()
    batch = layer_view(loss, model, xs)
    assert "∂L/∂W⁽¹⁾ = (1/N) Δ⁽¹⁾ H⁽⁰⁾ᵀ:  (3 × N)(N × 2) = (3 × 2)" in str(batch)
    assert "<table" in batch._repr_html_() and "δ⁽¹⁾" in batch._repr_html_()


def test_an_entry_stands_for_backwards_steps_into_its_nodes():
    nn.manual_seed(1)
    model = nn.MLP(2, [3, 2, 1], activation="tanh")
    x = [0.7, -0.3]
    loss = nn.mse_loss(model(x), 0.25)
    loss.backward()
    view = layer_view(loss, model, x)
    layer = view.layers[0]
    grads = [p.grad for p in model.parameters()]
    view.steps(1, "dW", 0, 0)
    assert [p.grad for p in model.parameters()] == grads  # the steps leave the grads as they were
    for i in range(3):
        for j in range(2):
            (step,) = view.steps(1, "dW", i, j)  # one step into each weight: δ⁽¹⁾ᵢ h⁽⁰⁾ⱼ
            assert step.parent is model.layers[0].neurons[i].w[j]
            assert step.contribution == pytest.approx(layer.delta[i] * x[j], abs=1e-15)
            assert step.contribution == pytest.approx(layer.dW[i][j], abs=1e-15)
        steps = view.steps(1, "delta", i)  # into h⁽¹⁾ᵢ from each neuron above, then into z⁽¹⁾ᵢ
        above = model.layers[1].neurons
        into_h, into_z = steps[:-1], steps[-1]
        assert sorted(s.node.label for s in into_h) == [f"layers.1.neurons.{k}.z" for k in range(len(above))]
        assert sum(s.contribution for s in into_h) == pytest.approx(layer.upstream[i], abs=1e-15)
        for s in into_h:  # each term of W⁽²⁾ᵀδ⁽²⁾: W⁽²⁾ₖᵢ δ⁽²⁾ₖ
            k = int(s.node.label.split(".")[3])
            assert s.contribution == pytest.approx(view.layers[1].W[k][i] * view.layers[1].delta[k], abs=1e-15)
        assert into_z.parent.label == f"layers.0.neurons.{i}.z"
        assert into_z.contribution == pytest.approx(layer.delta[i], abs=1e-15)
        assert entry_nodes(layer, "delta", i)[1] is into_z.parent


def test_a_batch_entry_stands_for_one_step_per_example():
    nn.manual_seed(2)
    model = nn.MLP(2, [2, 1], activation="relu")
    xs = [[0.5, 1.0], [1.0, -2.0], [0.3, 0.3]]
    loss = nn.mse_loss([model(x) for x in xs], [0.0, 1.0, 0.5])
    loss.backward()
    view = layer_view(loss, model, xs)
    steps = view.steps(2, "dW", 0, 1)
    assert len(steps) == 3
    assert sum(s.contribution for s in steps) == pytest.approx(view.layers[1].dW[0][1], abs=1e-15)
    # example k's step: its weight in L (1/N) times δ⁽²⁾ of its own loss times h⁽¹⁾₂ of its own
    expected = sorted(view.weights[k] * view.layers[1].delta[0][k] * view.layers[1].h_prev[1][k] for k in range(3))
    assert sorted(s.contribution for s in steps) == pytest.approx(expected, abs=1e-15)


def test_refusals_name_what_is_wrong():
    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1])
    loss = nn.mse_loss(model([1.0, 2.0]), 0.0)
    with pytest.raises(ValueError, match="call loss.backward"):
        layer_view(loss, model, [1.0, 2.0])
    loss.backward()
    with pytest.raises(ValueError, match="model takes 2 inputs, example 1 has 3"):
        layer_view(loss, model, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="1 forward passes of the model, but 2 examples"):
        layer_view(loss, model, [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="no example given has the inputs"):
        layer_view(loss, model, [9.0, 9.0])
    with pytest.raises(TypeError, match="nn.MLP"):
        layer_view(loss, nn.Neuron(2), [1.0, 2.0])
    broken = nn.MLP(2, [3, 1])
    broken.layers[1] = nn.Layer(4, 1)
    with pytest.raises(ValueError, match=r"do not chain: W⁽²⁾ is 1 × 4, so it needs h⁽¹⁾ of 4 × 1, .* 3 × 1"):
        layer_view(loss, broken, [1.0, 2.0])
    model.zero_grad()
    penalised = nn.mse_loss(model([1.0, 2.0]), 0.0) + 0.1 * sum((w * w for w in model.parameters()), Value(0.0))
    penalised.backward()
    with pytest.raises(ValueError, match="penalty"):
        layer_view(penalised, model, [1.0, 2.0])


def test_inputs_given_as_values_are_matched_by_identity():
    nn.manual_seed(0)
    model = nn.MLP(2, [2, 1], activation="tanh")
    a = [Value(1.0, label="a1"), Value(2.0, label="a2")]
    b = [Value(1.0, label="b1"), Value(2.0, label="b2")]  # the same numbers: only identity tells them apart
    loss = nn.mse_loss([model(a), model(b)], [1.0, -1.0])
    loss.backward()
    view = layer_view(loss, model, [b, a])
    assert all(x is y for x, y in zip(view.examples[0]["inputs"], b))
    assert all(x is y for x, y in zip(view.examples[1]["inputs"], a))
    assert view.layers[1].delta[0][0] != view.layers[1].delta[0][1]  # different targets: different δ


def mlp_and_view(count: int = 1):
    nn.manual_seed(4)
    model = nn.MLP(2, [3, 2, 1], activation="tanh")
    xs = [[0.5, -1.0], [1.0, 0.25], [-0.3, 0.8]][:count]
    loss = nn.mse_loss([model(x) for x in xs], [1.0, -0.5, 0.2][:count])
    loss.backward()
    return model, loss, layer_view(loss, model, xs if count > 1 else xs[0])


@pytest.mark.parametrize("count", [1, 3])
def test_layer_by_layer_steps_cover_every_backward_step_once_in_the_recursions_order(count):
    from autograd.views.drawing import Drawing
    from autograd.views.notation import fixed
    from autograd.views.page import backward_records

    model, loss, view = mlp_and_view(count)
    drawing = Drawing(loss, **model.graph_style())
    scalar = backward_records(drawing)
    grouped = view.records(drawing)
    assert sum(r["count"] for r in grouped) == len(scalar)  # every step of backward, each in one equation
    assert sorted(e for r in grouped for e in r["edges"]) == sorted(s["edge"] for s in scalar if s["edge"])
    heads = [r["sentence"].split(" = ")[0] for r in grouped]
    d = "Δ" if count > 1 else "δ"
    assert heads[0] == "dL/dL" and heads[-1].startswith("∂L/∂x")
    assert heads[1:-1] == [f"{d}⁽³⁾", "∂L/∂W⁽³⁾", "∂L/∂b⁽³⁾", f"{d}⁽²⁾", "∂L/∂W⁽²⁾", "∂L/∂b⁽²⁾", f"{d}⁽¹⁾",
                           "∂L/∂W⁽¹⁾", "∂L/∂b⁽¹⁾"]  # fmt: skip
    shown = {key: text for r in grouped for key, text in r["grads"]}  # after the last step: backward's grads
    by_id = {key: node for node, key in drawing.ids.items()}
    assert shown and all(text == f"grad {fixed(by_id[key].grad)}" for key, text in shown.items())
    w = model.layers[1].neurons[1].w[0]  # ∂L/∂W⁽²⁾'s step highlights its weights, and only them
    step = grouped[heads.index("∂L/∂W⁽²⁾")]
    assert drawing.ids[w] in step["parents"]
    assert set(step["parents"]) == {drawing.ids[p] for n in model.layers[1].neurons for p in n.w}


def test_the_page_steps_layer_by_layer(chromium, tmp_path):
    from autograd import export_html

    model, loss, view = mlp_and_view()
    path = export_html(loss, tmp_path / "layers.html", layers=view, **model.graph_style())
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    elsewhere = []
    page.route("**/*", lambda route: elsewhere.append(route.request.url) or route.abort()
               if not route.request.url.startswith("file:") else route.continue_())  # fmt: skip
    page.goto(path.as_uri())
    page.select_option("#example", "1")
    records = view.records()
    assert page.inner_text("#counter") == f"step 0 of {len(records)}"
    for _ in range(5):
        page.click("#next")
    assert page.inner_text("#sentence") == records[4]["sentence"]  # δ⁽²⁾
    assert page.locator("#view .hot-parent").count() == len(records[4]["parents"]) == 4  # h⁽²⁾ and z⁽²⁾, both
    assert page.locator("#view .hot-edge").count() == len(records[4]["edges"]) == 4
    page.keyboard.press("End")
    final = {key: text for r in records for key, text in r["grads"]}
    shown = page.evaluate("ids => ids.map(id => [...document.getElementById(id).querySelectorAll('text')]"
                          ".pop().textContent)", list(final))  # fmt: skip
    assert shown == list(final.values())  # every grad, as backward leaves it
    page.close()
    assert elsewhere == []


def test_without_the_check_the_numbers_are_the_same_and_the_view_says_so():
    model, loss, checked = mlp_and_view()
    unchecked = layer_view(loss, model, [0.5, -1.0], check=False)
    assert [vars(a) == vars(b) for a, b in zip(unchecked.layers, checked.layers)] == [True] * 3
    assert unchecked.difference != unchecked.difference and unchecked.to_json()["difference"] is None
    assert "not checked against numpy" in str(unchecked) and "differ by" in str(checked)
