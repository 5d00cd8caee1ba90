"""nn.Perceptron: the classic rule of seeds 000 and 004, traced by hand, on AND, OR and XOR."""

import pytest

import nn


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
