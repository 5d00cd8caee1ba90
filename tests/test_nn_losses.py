"""Every loss, softmax and log_softmax: values and gradients against PyTorch's functional versions."""

import math

import pytest

import nn
from autograd import Value

torch = pytest.importorskip("torch")
F = torch.nn.functional


def tensor(xs, grad=False):
    return torch.tensor(xs, dtype=torch.float64, requires_grad=grad)


def close(a, b, tol=1e-10):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def check(our_loss, torch_loss, predictions, targets):
    """Compare value and d loss / d prediction, for a list and for its first element alone."""
    for preds, targs in [(predictions, targets), (predictions[0], targets[0])]:
        many = isinstance(preds, list)
        values = [Value(p) for p in preds] if many else Value(preds)
        loss = our_loss(values, targs)
        loss.backward()
        t = tensor(preds if many else [preds], grad=True)
        tloss = torch_loss(t, tensor(targs if many else [targs]))
        tloss.backward()
        assert close(loss.data, tloss.item()), (loss.data, tloss.item())
        ours = [v.grad for v in values] if many else [values.grad]
        assert all(close(g, tg) for g, tg in zip(ours, t.grad.tolist())), (ours, t.grad.tolist())


def test_mse_loss_matches_pytorch():
    check(nn.mse_loss, F.mse_loss, [0.3, -1.2, 2.5], [0.0, -1.0, 3.0])


def test_bce_loss_matches_pytorch():
    check(nn.bce_loss, F.binary_cross_entropy, [0.3, 0.9, 0.05, 0.6], [0.0, 1.0, 1.0, 0.25])


def test_bce_loss_clamps_the_log_at_minus_100_like_pytorch():
    for p, t in [(0.0, 1.0), (1.0, 0.0), (0.0, 0.0), (1e-50, 1.0)]:
        ours = nn.bce_loss(Value(p), t).data
        theirs = F.binary_cross_entropy(tensor([p]), tensor([t])).item()
        assert ours == theirs


def test_bce_with_logits_loss_matches_pytorch_for_huge_logits():
    check(nn.bce_with_logits_loss, F.binary_cross_entropy_with_logits, [0.3, -2.0, 5.0, 0.0], [0.0, 1.0, 1.0, 0.5])
    check(nn.bce_with_logits_loss, F.binary_cross_entropy_with_logits, [1000.0, -1000.0, 40.0], [0.0, 0.0, 1.0])


def test_huber_loss_matches_pytorch_for_several_deltas():
    predictions, targets = [0.3, -1.2, 2.5, 4.0], [0.0, -1.0, 0.5, 0.0]
    for delta in (0.5, 1.0, 2.5):
        check(
            lambda p, t, d=delta: nn.huber_loss(p, t, delta=d),
            lambda p, t, d=delta: F.huber_loss(p, t, delta=d),
            predictions,
            targets,
        )


def test_hinge_loss_is_micrograds_max_margin_loss():
    check(nn.hinge_loss, lambda s, y: torch.relu(1 - y * s).mean(), [0.3, -1.2, 2.5, 0.9], [1.0, 1.0, -1.0, 1.0])


def test_logistic_loss_is_pytorchs_soft_margin_loss_and_stays_finite():
    check(nn.logistic_loss, F.soft_margin_loss, [0.3, -1.2, 2.5, 30.0], [1.0, 1.0, -1.0, 1.0])
    # soft_margin_loss overflows to inf at a margin of -800; softplus is the stable form of the same loss
    stable = lambda f, y: F.softplus(-y * f).mean()  # noqa: E731
    check(nn.logistic_loss, stable, [800.0, -800.0, 0.5], [1.0, 1.0, -1.0])


@pytest.mark.parametrize("logits", [[0.2, -1.3, 2.1], [1000.0, 0.0, -1000.0], [-5.0, -5.0]])
def test_softmax_and_log_softmax_match_pytorch_and_never_overflow(logits):
    values = [Value(x) for x in logits]
    probs = nn.softmax(values)
    assert close(sum(p.data for p in probs), 1.0)
    t = tensor(logits, grad=True)
    assert all(close(p.data, q) for p, q in zip(probs, F.softmax(t, dim=0).tolist()))
    weights = [1.0, -2.0, 0.5][: len(logits)]  # a non-uniform upstream
    out = sum((w * lp for w, lp in zip(weights, nn.log_softmax(values))), Value(0.0))
    out.backward()
    (F.log_softmax(t, dim=0) * tensor(weights)).sum().backward()
    assert all(close(v.grad, g) for v, g in zip(values, t.grad.tolist()))


def test_cross_entropy_matches_pytorch_for_one_example_and_a_batch():
    batch = [[0.2, -1.3, 2.1], [1.0, 0.5, -0.5], [300.0, -200.0, 0.0]]
    classes = [2, 0, 1]
    values = [[Value(x) for x in row] for row in batch]
    loss = nn.cross_entropy(values, classes)
    loss.backward()
    t = tensor(batch, grad=True)
    tloss = F.cross_entropy(t, torch.tensor(classes))
    tloss.backward()
    assert close(loss.data, tloss.item())
    for row, trow in zip(values, t.grad.tolist()):
        assert all(close(v.grad, g) for v, g in zip(row, trow))
    single = nn.cross_entropy([Value(x) for x in batch[0]], 2)
    assert close(single.data, F.cross_entropy(tensor(batch[0]), torch.tensor(2)).item())


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.bce_loss(Value(0.5), 2.0), ValueError, r"targets must be in \[0, 1\], got 2.0"),
        (lambda: nn.bce_loss(Value(1.5), 1.0), ValueError, "takes probabilities in .0, 1., got 1.5"),
        (lambda: nn.cross_entropy([Value(1.0), Value(2.0)], 2), ValueError, r"class must be in 0..1, got 2"),
        (lambda: nn.cross_entropy([Value(1.0)], 0.0), TypeError, r"class index \(int\), got float"),
        (lambda: nn.hinge_loss(Value(1.0), 0), ValueError, "must be -1 or \\+1, got 0.0"),
        (lambda: nn.logistic_loss(Value(1.0), 2), ValueError, "must be -1 or \\+1, got 2.0"),
        (lambda: nn.mse_loss([Value(1.0), Value(2.0)], [1.0]), ValueError, "2 predictions, 1 targets"),
        (lambda: nn.mse_loss([Value(1.0)], 1.0), TypeError, "list of 1 predictions but one target"),
        (lambda: nn.mse_loss(Value(1.0), "a"), TypeError, "target must be a number, got str"),
        (lambda: nn.huber_loss(Value(1.0), 0.0, delta=-1), ValueError, "delta must be a positive number"),
    ],
)
def test_losses_reject_targets_outside_their_domain(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- hardening: BCE at its clamp, logits at infinity, nan, the inputs cross_entropy takes ---


def against_torch(loss_fn, torch_fn, x: float, t: float) -> tuple[float, float, float, float]:
    """(our loss, PyTorch's, our d loss/dx, PyTorch's) for one prediction x and target t."""
    v = Value(x)
    loss = loss_fn(v, t)
    loss.backward()
    tx = tensor(x, grad=True)
    expected = torch_fn(tx, tensor(t))
    expected.backward()
    return loss.data, expected.item(), v.grad, tx.grad.item()


@pytest.mark.parametrize("p, t", [(0.0, 0.3), (1.0, 0.3), (0.0, 1.0), (1.0, 0.0), (1e-13, 0.3), (1 - 1e-13, 0.3),
                                  (1e-20, 0.0), (1e-45, 1.0), (0.999999, 1.0), (0.5, 0.3)])  # fmt: skip
def test_bce_value_and_gradient_equal_pytorchs_at_and_near_the_clamp(p, t):
    ours, theirs, our_grad, their_grad = against_torch(nn.bce_loss, F.binary_cross_entropy, p, t)
    assert close(ours, theirs, 1e-12) and close(our_grad, their_grad, 1e-12), (ours, theirs, our_grad, their_grad)


def test_bce_uses_log1p_near_zero():
    assert nn.bce_loss(Value(1e-17), 0.0).data == 1e-17  # -log(1 - 1e-17); log(1 - p) would give 0.0


@pytest.mark.parametrize("x, t", [(math.inf, 0.0), (math.inf, 1.0), (-math.inf, 0.0), (-math.inf, 1.0),
                                  (math.inf, 0.5), (800.0, 0.0), (-800.0, 1.0)])  # fmt: skip
def test_bce_with_logits_at_infinite_logits_is_pytorchs(x, t):
    values = against_torch(nn.bce_with_logits_loss, F.binary_cross_entropy_with_logits, x, t)
    for ours, theirs in [values[:2], values[2:]]:
        assert (math.isnan(ours) and math.isnan(theirs)) or ours == theirs or close(ours, theirs), (ours, theirs)


@pytest.mark.parametrize(
    "loss",
    [
        lambda p: nn.hinge_loss(p, 1),
        lambda p: nn.bce_loss(p, 0.3),
        lambda p: nn.bce_with_logits_loss(p, 1.0),
        lambda p: nn.mse_loss(p, 0.0),
        lambda p: nn.logistic_loss(p, -1),
        lambda p: nn.huber_loss(p, 0.0),
    ],
)
def test_a_nan_prediction_gives_a_nan_loss(loss):
    assert math.isnan(loss(Value(math.nan)).data)


def test_cross_entropy_takes_numpy_arrays_and_integers_and_refuses_a_value_clearly():
    np = pytest.importorskip("numpy")
    logits = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    targets = np.array([1, 2])
    batch = nn.cross_entropy(logits, targets)
    expected = F.cross_entropy(torch.tensor(logits), torch.tensor(targets))
    assert close(batch.data, expected.item())
    assert close(
        nn.cross_entropy(list(logits[0]), np.int64(1)).data, F.cross_entropy(tensor(logits[0]), torch.tensor(1)).item()
    )
    with pytest.raises(TypeError, match="takes a list of logits, one per class, got Value"):
        nn.cross_entropy(Value(1.0), 0)
    with pytest.raises(TypeError, match="takes a list of logits, one per class, got list"):
        nn.cross_entropy([], 0)
