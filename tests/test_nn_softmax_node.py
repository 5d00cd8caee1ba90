"""nn.losses.softmax_cross_entropy and its log-softmax node: one node of every logit whose local
derivatives are [j = k] - p_j, checked against PyTorch float64 and against nn.cross_entropy's graph."""

import math

import pytest

import nn
from autograd import Value
from nn.losses import log_softmax_node, softmax_cross_entropy


@pytest.mark.parametrize("logits", [[0.3, -1.2, 2.0], [5.0, 5.0], [100.0, -100.0, 0.0, 3.5], [-0.7, 0.1, 0.1, 2.2, -3]])
def test_the_log_softmax_node_is_log_softmax_to_the_bit_and_its_edges_are_delta_minus_p(logits):
    for k in range(len(logits)):
        z = [Value(x) for x in logits]
        node = log_softmax_node(z, k)
        assert node.data == nn.log_softmax([Value(x) for x in logits])[k].data
        assert node.parents == tuple(z) and node.label == f"log p{k + 1}"
        p = [math.exp(x - max(logits)) / sum(math.exp(y - max(logits)) for y in logits) for x in logits]
        assert list(node.locals) == pytest.approx([(j == k) - p[j] for j in range(len(logits))], abs=1e-15)


def test_softmax_cross_entropy_matches_pytorch_float64_with_a_reused_logit_and_a_batch():
    torch = pytest.importorskip("torch")
    rows, targets = [[0.3, -1.2, 2.0], [1.5, 0.5, -0.25], [-2.0, 4.0, 1.0]], [2, 0, 1]
    a = Value(0.8)
    ours = [[x * a for x in row] for row in rows]  # a reused node, and a different upstream per logit
    loss = softmax_cross_entropy(ours, targets)
    loss.backward()
    ta = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(torch.tensor(rows, dtype=torch.float64) * ta, torch.tensor(targets))
    theirs.backward()
    assert loss.data == pytest.approx(theirs.item(), abs=1e-15)
    assert a.grad == pytest.approx(ta.grad.item(), abs=1e-14)
    assert loss.data == pytest.approx(nn.cross_entropy([[x * 0.8 for x in r] for r in rows], targets).data, abs=1e-15)


def test_the_node_explains_softmaxs_derivative_and_refuses_what_cross_entropy_refuses():
    node = log_softmax_node([Value(1.0), Value(2.0), Value(0.5)], 1)
    assert node.op.rule(1, 3) == "d log p_k/dz_j = [j = k] - p_j (k = 2, j = 2): 1 - p_k"
    assert node.op.rule(0, 3).endswith(": -p_j")
    p2 = math.exp(node.data)
    assert node.op.formula(1, node) == f"1 - {p2:.4g}"
    with pytest.raises(ValueError, match="target class must be in 0..2, got 3"):
        softmax_cross_entropy([1.0, 2.0, 0.5], 3)
    with pytest.raises(TypeError, match="class index"):
        softmax_cross_entropy([1.0, 2.0], 1.0)


def test_second_derivatives_through_the_node_match_central_differences():
    from autograd import grad

    def f(x):
        return softmax_cross_entropy([x * x, Value(0.3), x], 0)

    x = Value(0.7)
    (first,) = grad(f(x), [x], create_graph=True)
    (second,) = grad(first, [x])

    def g(v):
        return softmax_cross_entropy([v * v, 0.3, v], 0).data

    h = 1e-4
    numeric = (g(0.7 + h) - 2 * g(0.7) + g(0.7 - h)) / h**2
    assert second == pytest.approx(numeric, abs=1e-5)
