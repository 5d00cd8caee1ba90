"""nn.fit: micrograd's moons run, the history, early stopping, and what fit refuses or stops on."""

import math

import pytest

import nn
from autograd import Value
from demos.moons import train as train_moons


@pytest.mark.parametrize("seed", [1, 2])
def test_micrograds_moons_run_reaches_full_training_accuracy(seed):
    # MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, 100 steps of SGD with lr 1.0 - 0.9 k/100
    model, X, y, losses, _ = train_moons(seed, log=lambda line: None)
    assert model.num_parameters() == 337 and losses[-1] < losses[0]
    assert sum((model(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(y) == 1.0


def test_fit_returns_history_and_stops_early_when_a_callback_says_so():
    nn.manual_seed(0)
    X, y = nn.data.make_moons(40, seed=2)
    model = nn.MLP(2, [8, 1])
    history = nn.fit(model, X, y, nn.bce_with_logits_loss, nn.optim.Adam(model.parameters(), lr=0.05), epochs=30,
                     batch_size=10, progress=False)  # fmt: skip
    assert len(history["loss"]) == len(history["accuracy"]) == 30
    assert history["loss"][-1] < history["loss"][0] and history["accuracy"][-1] > 0.8

    def stop_at_loss(epoch, history, model):
        return history["loss"][-1] < 1.0

    short = nn.fit(model, X, y, nn.bce_with_logits_loss, nn.optim.SGD(model.parameters(), lr=0.01), epochs=50,
                   callbacks=[stop_at_loss], progress=False)  # fmt: skip
    assert len(short["loss"]) == 1


def test_fit_shows_a_progress_bar_and_skips_accuracy_for_regression(capsys):
    X, y = nn.data.sample_function(math.sin, 10)
    model = nn.MLP(1, [4, 1], activation="tanh")
    history = nn.fit(model, X, y, nn.mse_loss, nn.optim.SGD(model.parameters(), lr=0.1), epochs=3)
    assert history["accuracy"] == [] and len(history["loss"]) == 3
    assert "training" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size must be a whole number >= 1, or None"),
        ({"epochs": -1}, "epochs must be a whole number >= 1, got -1"),
        ({"epochs": 0}, "epochs must be a whole number >= 1, got 0"),
        ({"epochs": 2.5}, "epochs must be a whole number >= 1, got 2.5"),
    ],
)
def test_fit_refuses_counts_that_are_not_counts(kwargs, message):
    model = nn.MLP(2, [2, 1])
    X, y = nn.data.xor(signed=True)
    arguments = {"epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, y, nn.hinge_loss, nn.optim.SGD(model.parameters(), lr=0.1), progress=False, **arguments)


def test_fit_refuses_no_examples_and_nan_inputs_before_any_step():
    model = nn.MLP(2, [2, 1])
    before = model.state_dict()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="fit got no examples: X is empty"):
        nn.fit(model, [], [], nn.mse_loss, optimizer, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"X\[1\]\[0\] is nan; inputs must be finite"):
        nn.fit(model, [[0.0, 1.0], [math.nan, 0.0]], [1.0, 0.0], nn.mse_loss, optimizer, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"y\[0\] is inf"):
        nn.fit(model, [[0.0, 1.0]], [math.inf], nn.mse_loss, optimizer, epochs=1, progress=False)
    assert model.state_dict() == before


def test_fit_stops_at_the_first_overflow_or_nan_loss_naming_the_epoch():
    class Explodes(nn.Module):
        def __init__(self):
            self.w = Value(1.0)

        def forward(self, x):
            return self.w * x[0]

    model = Explodes()
    X, y = [[1.0]], [0.0]
    optimizer = nn.optim.SGD(model.parameters(), lr=1e154)  # w: 1 -> -2e154, whose square overflows
    with pytest.raises(FloatingPointError, match=r"fit stopped in epoch 2 of 5, batch 1: \*\* overflows a float"):
        nn.fit(model, X, y, nn.mse_loss, optimizer, epochs=5, progress=False)
    assert model.w.data == 1.0 - 1e154 * 2.0

    class NanLoss(nn.Module):
        def __init__(self):
            self.w = Value(1.0)

        def forward(self, x):
            return self.w * x[0] + Value(math.inf) * 0.0  # inf * 0: nan

    model = NanLoss()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match=r"epoch 1 of 5, batch 1: the loss is nan, before this step"):
        nn.fit(model, X, y, nn.mse_loss, optimizer, epochs=5, progress=False)
    assert model.w.data == 1.0  # nothing was stepped


def test_fit_stops_when_a_parameter_becomes_nan_naming_it():
    model = nn.MLP(1, [1])
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    w = model.layers[0].neurons[0].w[0]
    original_step = optimizer.step

    def step():
        original_step()
        w.data = math.nan

    optimizer.step = step
    with pytest.raises(FloatingPointError, match=r"epoch 1 of 3, batch 1: after the step, parameter "
                                                 r"'layers.0.neurons.0.w.0' is nan"):  # fmt: skip
        nn.fit(model, [[1.0]], [0.5], nn.mse_loss, optimizer, epochs=3, progress=False)
