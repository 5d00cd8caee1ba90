"""nn.data: generated datasets are seeded and labelled; batches and the train/test split."""

import math

import pytest

import nn


@pytest.mark.parametrize(
    "make, classes",
    [
        (lambda seed: nn.data.make_moons(50, seed=seed), {0, 1}),
        (lambda seed: nn.data.make_xor(50, noise=0.1, seed=seed), {0, 1}),
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


def test_gates_are_truth_tables_and_signed_labels_are_plus_minus_one():
    assert nn.data.xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    assert nn.data.xor(signed=True)[1] == [-1, 1, 1, -1]
    assert nn.data.and_gate()[1] == [0, 0, 0, 1] and nn.data.or_gate()[1] == [0, 1, 1, 1]
    assert set(nn.data.make_moons(20, signed=True)[1]) == {-1, 1}


def test_make_xor_labels_each_quadrant_by_the_sign_of_x1_times_x2():
    X, y = nn.data.make_xor(400, seed=3)  # no noise: every point is labelled by where it is
    assert all(label == (a * b > 0) for (a, b), label in zip(X, y))
    assert all(0.05 <= abs(a) <= 1 and 0.05 <= abs(b) <= 1 for a, b in X)
    assert 150 < sum(y) < 250  # both classes, about half each
    assert set(nn.data.make_xor(20, signed=True)[1]) == {-1, 1}


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


def test_the_portable_sin_cos_log_and_gauss_are_within_an_ulp_of_the_c_librarys():
    """nn.portable_math computes with IEEE arithmetic alone (the same bits on every machine); the
    machine's libm is the oracle for its accuracy: one ulp at most, and most often the same bits."""
    import random

    from nn import portable_math

    rng = random.Random(0)
    same = 0
    for _ in range(20_000):
        x, p = rng.uniform(-30.0, 30.0), rng.random() or 0.5
        pairs = [(portable_math.sin(x), math.sin(x)), (portable_math.cos(x), math.cos(x))]
        pairs += [(portable_math.log(p), math.log(p)), (portable_math.log(1e300 * p), math.log(1e300 * p))]
        for ours, theirs in pairs:
            assert abs(ours - theirs) <= math.ulp(theirs), (x, p, ours, theirs)
            same += ours == theirs
    assert same > 0.8 * 4 * 20_000
    draws, theirs = random.Random(7), random.Random(7)  # the same uniform draws as random.gauss, pair by pair
    for _ in range(1000):
        a, b = portable_math.gauss(draws, 0.0, 0.5), theirs.gauss(0.0, 0.5)
        assert abs(a - b) <= 8 * math.ulp(b)
    with pytest.raises(ValueError, match="portable log takes a finite x > 0"):
        portable_math.log(0.0)
