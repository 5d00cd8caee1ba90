"""Learning: the perceptron rule, XOR, micrograd's moons run, the delta recursion of the
notes, the datasets and the fit loop."""

import math

import pytest

import nn
from autograd import Value, topological_order
from demos.moons import train as train_moons

# --- the perceptron (seeds 000, 004) ---


def test_perceptron_rule_traced_by_hand_on_and():
    # Start at w = (0, 0), b = 0; sign(0) = +1. Epoch 1: (0,0) is a mistake (t = -1) -> b = -1;
    # (1,1) is a mistake (t = +1) -> w = (1,1), b = 0. Epoch 2: three mistakes -> w = (2,1), b = -1.
    # Epoch 3: three -> (2,1), -2. Epoch 4: two -> (2,2), -2. Epoch 5: one -> (2,1), -3. Epoch 6: none.
    X, T = nn.data.and_gate(signed=True)
    perceptron = nn.Perceptron(2)
    assert perceptron.fit(X, T, lr=1.0) == [2, 3, 3, 2, 1, 0]
    assert [w.data for w in perceptron.w] == [2.0, 1.0] and perceptron.b.data == -3.0
    assert [perceptron.predict(x) for x in X] == T


def test_perceptron_update_moves_weights_only_on_a_mistake():
    perceptron = nn.Perceptron(2)
    assert perceptron.update([1.0, 2.0], 1) is False  # sign(0) = +1 is right
    assert perceptron.update([1.0, 2.0], -1, lr=0.5) is True
    assert [w.data for w in perceptron.w] == [-0.5, -1.0] and perceptron.b.data == -0.5


def test_perceptron_converges_on_separable_data_and_never_on_xor():
    for X, T in [nn.data.or_gate(signed=True), nn.data.make_blobs(60, centers=2, seed=3)]:
        T = [2 * t - 1 for t in T] if set(T) == {0, 1} else T
        mistakes = nn.Perceptron(2).fit(X, T, epochs=100)
        assert mistakes[-1] == 0 and len(mistakes) < 100
    X, T = nn.data.xor(signed=True)
    assert min(nn.Perceptron(2).fit(X, T, epochs=100)) > 0


def test_perceptron_rejects_targets_other_than_plus_minus_one():
    with pytest.raises(ValueError, match="must be -1 or \\+1, got 0"):
        nn.Perceptron(2).fit([[0.0, 1.0]], [0])


# --- MLPs learn ---


def test_xor_solved_by_a_tanh_mlp_2_4_1():
    nn.manual_seed(0)
    X, T = nn.data.xor(signed=True)
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="tanh")
    history = nn.fit(model, X, T, nn.mse_loss, nn.optim.SGD(model.parameters(), lr=0.1), epochs=300, progress=False,
                     correct=nn.correct_sign)  # fmt: skip
    assert history["accuracy"][-1] == 1.0 and history["loss"][-1] < 0.05
    assert [1 if model(x).data > 0 else -1 for x in X] == T


@pytest.mark.parametrize("seed", [1, 2])
def test_micrographs_moons_run_reaches_full_training_accuracy(seed):
    # MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, 100 steps of SGD with lr 1.0 - 0.9 k/100
    model, X, y, losses, _ = train_moons(seed, log=lambda line: None)
    assert model.num_parameters() == 337 and losses[-1] < losses[0]
    assert sum((model(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(y) == 1.0


# --- seed 004: the engine's gradients are the delta recursion ---


def test_pre_activation_gradients_equal_the_delta_recursion():
    np = pytest.importorskip("numpy")
    nn.manual_seed(5)
    model = nn.MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid")  # the notes' 3-2-1 network
    x, y = [0.5, -1.0, 2.0], 1.0
    y_hat = model(x)
    loss = 0.5 * (y_hat - y) ** 2
    loss.backward()
    nodes = {n.label: n for n in topological_order(loss)}

    W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])  # 2 x 3
    b1 = np.array([n.b.data for n in model.layers[0].neurons])
    W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])  # 1 x 2
    b2 = np.array([n.b.data for n in model.layers[1].neurons])

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    z1 = W1 @ np.array(x) + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    delta2 = (a2 - y) * a2 * (1 - a2)  # delta(L) = (A - y) * sigma'(Z)
    delta1 = (W2.T @ delta2) * a1 * (1 - a1)  # delta(l) = W(l+1)^T delta(l+1) * sigma'(Z(l))

    assert abs(nodes["layers.1.neurons.0.z"].grad - delta2[0]) < 1e-12
    for i in range(2):
        assert abs(nodes[f"layers.0.neurons.{i}.z"].grad - delta1[i]) < 1e-12
        for j in range(3):  # dL/dW1 = delta1 x^T
            assert abs(model.layers[0].neurons[i].w[j].grad - delta1[i] * x[j]) < 1e-12


# --- datasets ---


@pytest.mark.parametrize(
    "make, classes",
    [
        (lambda seed: nn.data.make_moons(50, seed=seed), {0, 1}),
        (lambda seed: nn.data.make_circles(50, seed=seed), {0, 1}),
        (lambda seed: nn.data.make_blobs(60, centers=4, seed=seed), {0, 1, 2, 3}),
        (lambda seed: nn.data.make_spirals(60, classes=3, seed=seed), {0, 1, 2}),
    ],
)
def test_datasets_are_reproducible_and_labelled(make, classes):
    X, y = make(0)
    assert make(0) == (X, y) and make(1) != (X, y)
    assert set(y) == classes and len(X) == len(y)
    assert all(len(row) == 2 and all(math.isfinite(v) for v in row) for row in X)


def test_gates_and_signed_labels():
    assert nn.data.xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    assert nn.data.xor(signed=True)[1] == [-1, 1, 1, -1]
    assert nn.data.and_gate()[1] == [0, 0, 0, 1] and nn.data.or_gate()[1] == [0, 1, 1, 1]
    assert set(nn.data.make_moons(20, signed=True)[1]) == {-1, 1}


def test_sample_function_batches_and_split():
    X, y = nn.data.sample_function(math.sin, 11, 0.0, 1.0)
    assert X[0] == [0.0] and X[-1] == [1.0] and y[5] == math.sin(0.5)
    seen = [x for xb, _ in nn.data.batches(X, y, 4, seed=3) for x in xb]
    assert sorted(seen) == sorted(X) and [len(b) for b, _ in nn.data.batches(X, y, 4)] == [4, 4, 3]
    assert list(nn.data.batches(X, y, 4, seed=3)) == list(nn.data.batches(X, y, 4, seed=3))
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_test) == 3 and len(X_train) == 8 and sorted(X_train + X_test) == sorted(X)
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1, got 0"):
        list(nn.data.batches(X, y, 0))


# --- fit ---


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


def test_parameter_grad_of_a_neuron_is_its_input_times_upstream():
    neuron = nn.Neuron(2, activation="identity")
    out = neuron([Value(3.0), 4.0])
    out.backward()
    assert neuron.w[0].grad == 3.0 and neuron.w[1].grad == 4.0 and neuron.b.grad == 1.0


# --- hardening: fit refuses what it cannot train on, and stops at the first non-finite number ---


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
