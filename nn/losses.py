"""Loss functions, built from Value ops so that backward() differentiates them.

Each takes one prediction and its target, or lists of both, and returns one
Value: the loss, or its mean over the list. The formulas are the notes' (seed
000) and PyTorch's, whose functional versions give the same values and gradients:

    mse_loss              (y_hat - t)^2                                  F.mse_loss
    bce_loss              -(t log p + (1 - t) log(1 - p)), log >= -100   F.binary_cross_entropy
    bce_with_logits_loss  (1 - t) x + softplus(-x)  (stable for any x)  F.binary_cross_entropy_with_logits
    cross_entropy         -log_softmax(logits)[target]                   F.cross_entropy
    softmax_cross_entropy the same, its log-softmax one node of every logit (the Lab's chain rule)
    huber_loss            r^2/2 if |r| <= delta, else delta (|r| - delta/2)   F.huber_loss
    hinge_loss            relu(1 - y s), y in {-1, +1}  (micrograd's max-margin loss)
    logistic_loss         log(1 + exp(-y f)) = softplus(-y f), y in {-1, +1}  F.soft_margin_loss

and a penalty to add to any of them (PyTorch has no L1 option in its optimizers: one adds the term):
    l1_penalty            lambda (|w_1| + ... + |w_n|), gradient lambda sign(w_i)   lam * w.abs().sum()
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral, Real

from autograd import Op, Value, make_node
from autograd.engine import as_value
from autograd.ops import exp, number_in_formula
from nn.layers import is_list

Prediction = Value | float | Sequence[Value | float]  # one prediction, or a batch's (the loss is their mean)

_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logs here, so that p = 0 or 1 gives a finite loss


def _as_target(t: object, who: str) -> float:
    if isinstance(t, Value):
        return t.data
    if isinstance(t, Real):
        return float(t)
    raise TypeError(f"{who} target must be a number, got {type(t).__name__} {t!r}")


def _pairs(prediction, target, who: str) -> list[tuple[Value, float]]:
    """[(prediction, target)] for one example, or the pairs of two lists of equal length."""
    if isinstance(prediction, (list, tuple)):
        if not isinstance(target, (list, tuple)):
            raise TypeError(f"{who} got a list of {len(prediction)} predictions but one target {target!r}")
        if len(prediction) != len(target):
            raise ValueError(
                f"{who} needs one target per prediction: {len(prediction)} predictions, {len(target)} targets"
            )
        if not prediction:
            raise ValueError(f"{who} got no predictions")
        return [(as_value(p, f"{who} predictions"), _as_target(t, who)) for p, t in zip(prediction, target)]
    return [(as_value(prediction, f"{who} predictions"), _as_target(target, who))]


def total(values: Sequence[Value]) -> Value:
    """v1 + v2 + ... as a graph (no leading 0 node, unlike sum())."""
    result = values[0]
    for v in values[1:]:
        result = result + v
    return result


def mean(values: Sequence[Value]) -> Value:
    """(v1 + ... + vn) * (1/n) as a graph, labelled "mean of n losses"; one value is returned as it is."""
    if len(values) == 1:
        return values[0]
    result = total(values) * (1.0 / len(values))
    result._label = f"mean of {len(values)} losses"  # what a page's title says it is (the slot: a str)
    return result


def _elementwise(loss: Callable[[Value, float], Value], who: str, check: Callable | None = None):
    """A loss over one pair, turned into a loss over one pair or the mean over lists."""

    def batched(prediction: Prediction, target: float | Sequence[float]) -> Value:
        pairs = _pairs(prediction, target, who)
        if check is not None:
            for p, t in pairs:
                check(p, t)
        return mean([loss(p, t) for p, t in pairs])

    return batched


def _signed_target(who: str) -> Callable:
    def check(p: Value, y: float) -> None:
        if y not in (-1.0, 1.0):
            raise ValueError(f"{who} targets must be -1 or +1, got {y!r}")

    return check


def _probability_target(who: str) -> Callable:
    def check(p: Value, t: float) -> None:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{who} targets must be in [0, 1], got {t!r}")

    return check


# BCE on probabilities is one node, as in PyTorch: its value clamps each log at -100 (so
# p = 0 or 1 gives a finite loss), but its derivative is not that of the clamped formula
# (which is 0 where a log is clamped): PyTorch's backward is (p - t) / max(p (1 - p), eps),
# with eps its float32 constant 1e-12. Derivatives to both parents, p and the target t.
_BCE_EPS = 9.999999960041972e-13  # 1e-12 rounded to float32, PyTorch's EPSILON for BCE


def _clamped_log(x: float) -> float:
    """max(log x, -100) for x in [0, 1]; nan stays nan."""
    if x == 0.0:
        return _LOG_FLOOR
    log = math.log(x)
    return _LOG_FLOOR if log < _LOG_FLOOR else log


def _clamped_log1m(p: float) -> float:
    """max(log(1 - p), -100), with log1p so that it stays exact for p near 0."""
    if p == 1.0:
        return _LOG_FLOOR
    log = math.log1p(-p)
    return _LOG_FLOOR if log < _LOG_FLOOR else log


def _logs(p):
    """(clamped log p, clamped log(1 - p)) for a float, or as Values for a Value p (derivative graphs)."""
    if not isinstance(p, Value):
        return _clamped_log(p), _clamped_log1m(p)
    log_p = p.log() if _clamped_log(p.data) > _LOG_FLOOR else _LOG_FLOOR  # a clamped log is a constant
    log_1mp = (1.0 - p).log() if _clamped_log1m(p.data) > _LOG_FLOOR else _LOG_FLOOR
    return log_p, log_1mp


def _bce_derivative(out, p, t):
    spread = p * (1.0 - p)
    log_p, log_1mp = _logs(p)
    return ((p - t) / (spread if spread > _BCE_EPS else _BCE_EPS), log_1mp - log_p)


BCE = Op(
    "bce",
    "bce(a, b)",
    ("({a} - {b})/max({a}*(1 - {a}), 1e-12)", "log(1 - {a}) - log({a})"),
    _bce_derivative,
)


def _bce(p: Value, t: float) -> Value:
    if not 0.0 <= p.data <= 1.0 and not math.isnan(p.data):
        raise ValueError(f"bce_loss takes probabilities in [0, 1], got {p.data!r}; for logits use bce_with_logits_loss")
    log_p, log_1mp = _logs(p.data)
    return make_node(BCE, -(t * log_p + (1.0 - t) * log_1mp), p, Value(t, label="t"))


def _huber(delta: float) -> Callable[[Value, float], Value]:
    def loss(p: Value, t: float) -> Value:
        r = p - t
        return 0.5 * r * r if abs(r.data) <= delta else delta * (abs(r) - 0.5 * delta)

    return loss


mse_loss = _elementwise(lambda p, t: (p - t) ** 2, "mse_loss")
mse_loss.__doc__ = "Mean squared error (y_hat - t)^2; its gradient is 2/N (y_hat - t)."

bce_loss = _elementwise(_bce, "bce_loss", _probability_target("bce_loss"))
bce_loss.__doc__ = "Binary cross-entropy on probabilities p in [0, 1], targets t in [0, 1]; logs clamped at -100."

bce_with_logits_loss = _elementwise(
    lambda x, t: (1.0 - t) * x + (-x).softplus(), "bce_with_logits_loss", _probability_target("bce_with_logits_loss")
)
bce_with_logits_loss.__doc__ = (
    "Binary cross-entropy on a logit x (sigmoid inside): (1 - t) x + softplus(-x) = softplus(x) - t x, stable; "
    "PyTorch's form, so x = +-inf gives what PyTorch gives."
)

# The label y (a leaf of the graph, as the target is in the notes) shows y·ŷ, not ŷ*1.0.
hinge_loss = _elementwise(
    lambda s, y: (1.0 - Value(y, label="y") * s).relu(), "hinge_loss", _signed_target("hinge_loss")
)
hinge_loss.__doc__ = "SVM max-margin loss relu(1 - y s) for labels y in {-1, +1} (micrograd's moons demo)."

logistic_loss = _elementwise(
    lambda f, y: (-(Value(y, label="y") * f)).softplus(), "logistic_loss", _signed_target("logistic_loss")
)
logistic_loss.__doc__ = "log(1 + exp(-y f)) for labels y in {-1, +1}, computed as softplus(-y f): stable."


def huber_loss(prediction: Prediction, target: float | Sequence[float], delta: float = 1.0) -> Value:
    """r^2/2 for |r| <= delta, delta (|r| - delta/2) beyond, with r = y_hat - t (seed 000, eq. 14)."""
    if isinstance(delta, bool) or not isinstance(delta, Real) or not delta > 0:
        raise ValueError(f"huber_loss delta must be a positive number, got {delta!r}")
    return _elementwise(_huber(float(delta)), "huber_loss")(prediction, target)


# --- softmax and cross-entropy ------------------------------------------------------------------


def _logits(logits: Sequence[Value | float], who: str) -> list[Value]:
    if not is_list(logits) or len(logits) == 0:
        raise TypeError(f"{who} takes a list of logits, one per class, got {type(logits).__name__} {logits!r}")
    return [as_value(x, f"{who} logits") for x in logits]


def log_softmax(logits: Sequence[Value | float]) -> list[Value]:
    """log softmax_i = x_i - m - log sum_j exp(x_j - m), m = max x: no overflow for any logits.

    m is a constant: subtracting it changes no value and no gradient.
    """
    xs = _logits(logits, "log_softmax")
    m = max(x.data for x in xs)
    shifted = [x - m for x in xs]
    log_total = total([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def softmax(logits: Sequence[Value | float]) -> list[Value]:
    """softmax_i = exp(x_i - m) / sum_j exp(x_j - m), m = max x: probabilities that sum to 1."""
    xs = _logits(logits, "softmax")
    m = max(x.data for x in xs)
    exps = [(x - m).exp() for x in xs]
    denominator = total(exps)
    return [e / denominator for e in exps]


def cross_entropy(
    logits: Sequence[Value | float] | Sequence[Sequence[Value | float]], target_class: int | Sequence[int]
) -> Value:
    """-log softmax(logits)[target]: one example (a list of logits, an int), or the mean over lists of both."""
    return _per_example(_cross_entropy_one, logits, target_class)


def _per_example(one, logits, target_class) -> Value:
    """`one` on one example (a list of logits, an int), or its mean over lists of both."""
    if is_list(logits) and len(logits) > 0 and is_list(logits[0]):
        if not is_list(target_class) or len(target_class) != len(logits):
            raise ValueError(
                f"cross_entropy needs one target class per example: {len(logits)} examples, got {target_class!r}"
            )
        return mean([one(x, t) for x, t in zip(logits, target_class)])
    return one(logits, target_class)


def _cross_entropy_one(logits, target_class) -> Value:
    xs = _logits(logits, "cross_entropy")
    _check_class(target_class, len(xs))
    return -log_softmax(xs)[int(target_class)]


def _check_class(target_class: object, count: int) -> None:
    if isinstance(target_class, bool) or not isinstance(target_class, Integral):
        raise TypeError(
            f"cross_entropy target must be a class index (int), got {type(target_class).__name__} {target_class!r}"
        )
    if not 0 <= target_class < count:
        raise ValueError(f"cross_entropy target class must be in 0..{count - 1}, got {target_class}")


# --- the log-softmax as one node: softmax's derivative on its edges ---------------------------------


class LogSoftmaxOp(Op):
    """log p_k = log softmax(z)_k as one node whose parents are every logit z_1..z_n: its local
    derivatives d log p_k/dz_j = [j = k] - p_j, with p = softmax(z). The one node whose local
    derivatives couple every class: each logit moves each class's probability."""

    __slots__ = ("k",)

    def rule(self, index: int, arity: int) -> str:
        return f"d log p_k/dz_j = [j = k] - p_j (k = {self.k + 1}, j = {index + 1}): " + (
            "1 - p_k" if index == self.k else "-p_j"
        )

    def formula(self, index: int, node, exact: bool = False) -> str:  # node: a Value
        local = node.locals[index]
        if index == self.k:
            return f"1 - {number_in_formula(1.0 - local, exact)}"  # 1 - p_k
        return f"-{number_in_formula(-local, exact)}"  # -p_j


def _softmax_parts(z: Sequence) -> list:
    """exp(z_j - m) for each logit, m = max z (no overflow), of floats or Values alike."""
    m = max(x if isinstance(x, Real) else x.data for x in z)
    return [exp(x - m) for x in z]


def _log_softmax_op(k: int) -> LogSoftmaxOp:
    if k not in _LOG_SOFTMAX_OPS:

        def derivative(out, *z):
            exps = _softmax_parts(z)
            total = exps[0]
            for e in exps[1:]:
                total = total + e
            return tuple((1.0 if j == k else 0.0) - e / total for j, e in enumerate(exps))

        op = LogSoftmaxOp("log_softmax", f"log softmax(z)_{k + 1}", None, derivative)
        op.k = k
        _LOG_SOFTMAX_OPS[k] = op
    return _LOG_SOFTMAX_OPS[k]


_LOG_SOFTMAX_OPS: dict[int, LogSoftmaxOp] = {}


def log_softmax_node(logits: Sequence[Value | float], k: int) -> Value:
    """log softmax(logits)[k] as one node of every logit (LogSoftmaxOp), labelled log p_k: the same
    number, to the bit, as log_softmax(logits)[k] (the same sums, in the same order)."""
    xs = _logits(logits, "log_softmax_node")
    m = max(x.data for x in xs)
    total = 0.0
    for j, x in enumerate(xs):
        e = math.exp(x.data - m)
        total = e if j == 0 else total + e
    node = make_node(_log_softmax_op(k), (xs[k].data - m) - math.log(total), *xs)
    node._label = f"log p{k + 1}"
    return node


def softmax_cross_entropy(
    logits: Sequence[Value | float] | Sequence[Sequence[Value | float]], target_class: int | Sequence[int]
) -> Value:
    """-log softmax(logits)[target], as cross_entropy, with the log-softmax one node of every logit
    (log_softmax_node): the same value, its gradient p - onehot(target) read off one node's edges."""
    return _per_example(_softmax_cross_entropy_one, logits, target_class)


def _softmax_cross_entropy_one(logits, target_class) -> Value:
    xs = _logits(logits, "cross_entropy")
    _check_class(target_class, len(xs))
    return -log_softmax_node(xs, int(target_class))


# --- a penalty on the weights -------------------------------------------------------------------


def l1_penalty(weights: Sequence[Value], rate: float) -> Value:
    """rate * (|w_1| + ... + |w_n|), labelled "L1 penalty": the L1 term added to a loss. Its gradient on
    each weight is rate * sign(w_i) (0 at w_i = 0, as PyTorch's abs)."""
    if isinstance(rate, bool) or not isinstance(rate, Real) or not math.isfinite(rate) or rate < 0:
        raise ValueError(f"l1_penalty rate must be a finite number >= 0, got {rate!r}")
    weights = list(weights)
    if not weights or not all(isinstance(w, Value) for w in weights):
        raise TypeError(f"l1_penalty takes a list of weights (Values), got {weights!r}")
    penalty = total([abs(w) for w in weights]) * float(rate)
    penalty._label = "L1 penalty"
    return penalty
