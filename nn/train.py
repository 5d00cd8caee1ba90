"""`fit`: the training loop of seeds 001-004, in a few lines, with a progress bar.

For each epoch and each minibatch, `train_step`: forward, loss, zero_grad, backward,
step. The Lab's Play button runs the same `train_step`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

from autograd import Value
from nn import losses
from nn.data import batches
from nn.module import Module

if TYPE_CHECKING:
    from nn.optim import Optimizer


# How to tell a right answer, for the losses whose predictions say a class.
def correct_sign(prediction: Value, target: float) -> bool:
    """A score s for a label y in {-1, +1}: right when sign(s) = y (s = 0 counts as +1)."""
    return (1 if prediction.data >= 0 else -1) == target


def correct_probability(prediction: Value, target: float) -> bool:
    """A probability p for a label in {0, 1}: right when (p > 0.5) = label."""
    return (prediction.data > 0.5) == (target > 0.5)


def correct_logit(prediction: Value, target: float) -> bool:
    """A logit x for a label in {0, 1}: right when (x > 0) = label."""
    return (prediction.data > 0) == (target > 0.5)


def correct_class(logits: Sequence[Value], target: int) -> bool:
    """One logit per class: right when the largest is the target's."""
    best = max(range(len(logits)), key=lambda k: logits[k].data)
    return best == target


CORRECT_FOR_LOSS: dict[Callable, Callable] = {
    losses.hinge_loss: correct_sign,
    losses.logistic_loss: correct_sign,
    losses.bce_loss: correct_probability,
    losses.bce_with_logits_loss: correct_logit,
    losses.cross_entropy: correct_class,
    losses.softmax_cross_entropy: correct_class,
}


def train_step(model: Module, X_batch: Sequence, y_batch: Sequence, loss_fn: Callable, optimizer):
    """One step of gradient descent on a batch: forward, loss, zero_grad, backward, optimizer.step().

    Returns (loss, predictions). A step that cannot be taken raises FloatingPointError
    saying why, and leaves the weights as they were: the forward pass overflows, or the
    loss is not finite (both found before stepping), or the step makes a parameter inf
    or nan (the weights are put back; the optimizer's state, such as momentum, is not).
    """
    try:
        predictions = [model(x) for x in X_batch]
        loss = loss_fn(predictions, y_batch)
    except OverflowError as error:  # the engine refuses a number too large for a float
        raise FloatingPointError(str(error)) from None
    if not math.isfinite(loss.data):  # stop before a nan reaches the parameters
        raise FloatingPointError(f"the loss is {loss.data}, before this step was taken")
    before = [p.data for p in optimizer.params]
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    bad = next((p for p in optimizer.params if not math.isfinite(p.data)), None)
    if bad is not None:
        value = bad.data
        for p, data in zip(optimizer.params, before):
            p.data = data
        raise FloatingPointError(
            f"after the step, parameter {_name(model, bad)} is {value} (the loss was {loss.data:.6g}); "
            "the weights are kept as they were before it"
        )
    return loss, predictions


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence,
    loss_fn: Callable,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    callbacks: Sequence[Callable] | None = None,
    progress: bool = True,
    correct: Callable | str | None = "auto",
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train `model` and return its history: {"loss": [...], "accuracy": [...]}, one entry per epoch.

    batch_size=None uses all examples in each step (gradient descent); a number
    gives minibatch SGD with a new, seeded order each epoch. `correct(prediction,
    target) -> bool` scores accuracy; "auto" picks it from the loss (hinge, logistic,
    bce, bce_with_logits, cross_entropy) and None or a regression loss skips it.
    Each callback is called as callback(epoch, history, model) after an epoch; one
    that returns True stops training (early stopping).
    """
    _check_arguments(X, y, epochs, batch_size)
    if correct == "auto":
        correct = CORRECT_FOR_LOSS.get(loss_fn)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    epoch_range = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        epoch_range = tqdm(epoch_range, desc="training", unit="epoch")
    for epoch in epoch_range:
        model.train()
        total_loss, right = 0.0, 0
        shuffled = batches(X, y, batch_size or len(X), shuffle=batch_size is not None, seed=seed + epoch)
        for k, (X_batch, y_batch) in enumerate(shuffled):
            try:
                loss, predictions = train_step(model, X_batch, y_batch, loss_fn, optimizer)
            except FloatingPointError as error:
                where = f"epoch {epoch + 1} of {epochs}, batch {k + 1}"
                _stop(epoch_range, f"fit stopped in {where}: {error} (diverging? a smaller learning rate?)")
            total_loss += loss.data * len(X_batch)
            if correct is not None:
                right += sum(correct(p, t) for p, t in zip(predictions, y_batch))
        history["loss"].append(total_loss / len(X))
        if correct is not None:
            history["accuracy"].append(right / len(X))
        if progress:
            shown = {"loss": f"{history['loss'][-1]:.4f}"}
            if history["accuracy"]:
                shown["accuracy"] = f"{history['accuracy'][-1]:.0%}"
            epoch_range.set_postfix(shown)
        if any(callback(epoch, history, model) for callback in callbacks or ()):
            break
    return history


def _check_arguments(X: Sequence, y: Sequence, epochs: int, batch_size: int | None) -> None:
    """Refuse, before any step, what fit cannot train on: no examples, a count that is not
    a count, a nan or infinite input or target (it would only come back as a nan loss)."""
    if len(X) == 0:
        raise ValueError("fit got no examples: X is empty")
    if len(X) != len(y):
        raise ValueError(f"fit needs one target per example: {len(X)} examples, {len(y)} targets")
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 1:
        raise ValueError(f"fit epochs must be a whole number >= 1, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1
    ):
        raise ValueError(
            f"fit batch_size must be a whole number >= 1, or None for all examples at once; got {batch_size!r}"
        )
    for i, (row, target) in enumerate(zip(X, y)):
        for j, x in enumerate(row if isinstance(row, Iterable) else [row]):
            if isinstance(x, Real) and not math.isfinite(x):
                raise ValueError(f"fit: X[{i}][{j}] is {x}; inputs must be finite numbers")
        if isinstance(target, Real) and not math.isfinite(target):
            raise ValueError(f"fit: y[{i}] is {target}; targets must be finite numbers")


def _name(model: Module, parameter: Value) -> str:
    """A parameter's dotted name in the model, for a message ('?' for one the model does not have)."""
    return next((repr(name) for name, p in model.named_parameters() if p is parameter), "'?'")


def _stop(progress_bar, message: str) -> None:
    if hasattr(progress_bar, "close"):
        progress_bar.close()
    raise FloatingPointError(message)
