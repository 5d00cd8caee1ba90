"""Small datasets made on the spot (no downloads), the same for the same seed.

Every function takes `seed=` and uses its own random generator, so a dataset
never depends on what else was drawn before. Classification labels are 0..k-1
(or -1/+1 with `signed=True`, for the perceptron, hinge and logistic losses).
Their sines, cosines and Gaussian noise are nn.portable_math's, so a seed gives the
same data to the bit on every machine (the Lab in the browser as on the desktop).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence

from nn.portable_math import cos, gauss, sin

Dataset = tuple[list[list[float]], list[int]]


def _labels(y: list[int], signed: bool) -> list[int]:
    return [2 * t - 1 for t in y] if signed else y


def _gate(outputs: list[int], signed: bool) -> Dataset:
    return [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], _labels(outputs, signed)


def xor(signed: bool = False) -> Dataset:
    """The four corners of the unit square, labelled x1 XOR x2 (not linearly separable)."""
    return _gate([0, 1, 1, 0], signed)


def and_gate(signed: bool = False) -> Dataset:
    """The four corners, labelled x1 AND x2."""
    return _gate([0, 0, 0, 1], signed)


def or_gate(signed: bool = False) -> Dataset:
    """The four corners, labelled x1 OR x2."""
    return _gate([0, 1, 1, 1], signed)


def _check_count(n: int, who: str, minimum: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{who} n_samples must be a whole number >= {minimum}, got {n!r}")


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0, signed: bool = False) -> Dataset:
    """Two interleaving half circles (as sklearn's make_moons): the upper is class 0, the lower class 1."""
    _check_count(n_samples, "make_moons", 2)
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    X, y = [], []
    for i in range(n_upper):
        t = math.pi * i / max(n_upper - 1, 1)
        X.append([cos(t), sin(t)])
        y.append(0)
    for i in range(n_lower):
        t = math.pi * i / max(n_lower - 1, 1)
        X.append([1 - cos(t), 0.5 - sin(t)])
        y.append(1)
    X = [[a + gauss(rng, 0, noise), b + gauss(rng, 0, noise)] for a, b in X]
    return _shuffled(X, _labels(y, signed), rng)


def make_xor(n_samples: int = 200, noise: float = 0.0, seed: int = 0, signed: bool = False) -> Dataset:
    """Points spread over the square [-1, 1]^2, labelled 1 where x1 and x2 have the same sign
    (TensorFlow Playground's "exclusive or"). Each point is at least 0.05 from both axes
    before Gaussian noise of std `noise` moves it; the label is that of the noiseless point."""
    _check_count(n_samples, "make_xor")
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n_samples):
        a, b = (rng.uniform(0.05, 1.0) * rng.choice((-1, 1)) for _ in range(2))
        X.append([a + gauss(rng, 0, noise), b + gauss(rng, 0, noise)])
        y.append(1 if a * b > 0 else 0)
    return X, _labels(y, signed)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0, signed: bool = False
) -> Dataset:
    """A circle (class 0) around a smaller one of radius `factor` (class 1)."""
    _check_count(n_samples, "make_circles", 2)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles factor must be in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    n_outer = n_samples // 2
    X, y = [], []
    for i in range(n_samples):
        outer = i < n_outer
        count = n_outer if outer else n_samples - n_outer
        t = 2 * math.pi * (i if outer else i - n_outer) / count
        r = 1.0 if outer else factor
        X.append([r * cos(t) + gauss(rng, 0, noise), r * sin(t) + gauss(rng, 0, noise)])
        y.append(0 if outer else 1)
    return _shuffled(X, _labels(y, signed), rng)


def make_blobs(n_samples: int = 150, centers: int = 3, std: float = 0.6, seed: int = 0) -> Dataset:
    """k Gaussian blobs in 2-D with centers spread on a circle of radius 3; labels 0..k-1."""
    _check_count(n_samples, "make_blobs")
    if isinstance(centers, bool) or not isinstance(centers, int) or centers < 1:
        raise ValueError(f"make_blobs centers must be a whole number >= 1, got {centers!r}")
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n_samples):
        k = i % centers
        angle = 2 * math.pi * k / centers
        X.append([3 * cos(angle) + gauss(rng, 0, std), 3 * sin(angle) + gauss(rng, 0, std)])
        y.append(k)
    return _shuffled(X, y, rng)


def make_spirals(n_samples: int = 150, classes: int = 3, noise: float = 0.1, seed: int = 0) -> Dataset:
    """k interleaved spiral arms (the CS231n toy set), radius 0 to 1; labels 0..k-1."""
    _check_count(n_samples, "make_spirals", classes)
    rng = random.Random(seed)
    per_class = n_samples // classes
    X, y = [], []
    for k in range(classes):
        for i in range(per_class):
            r = i / max(per_class - 1, 1)
            t = k * 2 * math.pi / classes + 4 * r + gauss(rng, 0, noise)
            X.append([r * sin(t), r * cos(t)])
            y.append(k)
    return _shuffled(X, y, rng)


# TensorFlow Playground's regression sets: points uniform over [-6, 6]^2, each target a function of the
# point moved by noise (uniform, up to noise * 6 in each coordinate), in [-1, 1].
_PLAYGROUND_RADIUS = 6.0
# (centre x, centre y, sign) of each bump
_GAUSSIANS = tuple(
    (cx, cy, sign * side)
    for cy, side in ((2.5, 1.0), (-2.5, -1.0))
    for cx, sign in ((-4.0, 1.0), (0.0, -1.0), (4.0, 1.0))
)


def _playground_regression(n_samples: int, noise: float, seed: int, target: Callable, who: str):
    _check_count(n_samples, who)
    rng = random.Random(seed)
    r = _PLAYGROUND_RADIUS
    X, y = [], []
    for _ in range(n_samples):
        a, b = rng.uniform(-r, r), rng.uniform(-r, r)
        moved_a, moved_b = a + rng.uniform(-r, r) * noise, b + rng.uniform(-r, r) * noise
        X.append([a, b])
        y.append(target(moved_a, moved_b))
    return X, y


def _plane_target(a: float, b: float) -> float:
    return min(1.0, max(-1.0, (a + b) / 10.0))


def _gaussians_target(a: float, b: float) -> float:
    label = 0.0
    for cx, cy, sign in _GAUSSIANS:  # the nearest bump's, the one largest in size
        value = sign * max(0.0, 1.0 - math.sqrt((a - cx) ** 2 + (b - cy) ** 2) / 2.0)
        if abs(value) > abs(label):
            label = value
    return label


def make_plane(n_samples: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Playground's "plane": points over [-6, 6]^2 with targets (x1 + x2) / 10, clamped to [-1, 1]."""
    return _playground_regression(n_samples, noise, seed, _plane_target, "make_plane")


def make_gaussians(n_samples: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Playground's "multi gaussian": six bumps of height +1 or -1 and radius 2 at (+-4 or 0, +-2.5) over
    [-6, 6]^2; a point's target is the bump largest at it, 1 - distance/2 (0 outside every bump)."""
    return _playground_regression(n_samples, noise, seed, _gaussians_target, "make_gaussians")


def sample_function(
    f: Callable[[float], float],
    n_samples: int = 50,
    low: float = 0.0,
    high: float = 1.0,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[list[list[float]], list[float]]:
    """n evenly spaced x in [low, high] with targets f(x) (+ Gaussian noise): 1-D regression."""
    _check_count(n_samples, "sample_function", 2)
    rng = random.Random(seed)
    xs = [low + (high - low) * i / (n_samples - 1) for i in range(n_samples)]
    return [[x] for x in xs], [f(x) + (gauss(rng, 0, noise) if noise else 0.0) for x in xs]


def _shuffled(X: list, y: list, rng: random.Random) -> Dataset:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def train_test_split(
    X: Sequence, y: Sequence, test_size: float = 0.25, shuffle: bool = True, seed: int = 0
) -> tuple[list, list, list, list]:
    """(X_train, X_test, y_train, y_test), the last `test_size` fraction (after a seeded shuffle) for testing."""
    if len(X) != len(y):
        raise ValueError(f"train_test_split needs one target per example: {len(X)} examples, {len(y)} targets")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    n_test = max(1, round(len(X) * test_size))
    train, test = order[:-n_test], order[-n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence, y: Sequence, batch_size: int, shuffle: bool = True, seed: int = 0
) -> Iterator[tuple[list, list]]:
    """Minibatches (X_batch, y_batch) covering the data once; the last one may be smaller.

    With shuffle=True the order comes from `seed`: pass a different seed each
    epoch (e.g. seed=epoch) for a new order that is still reproducible.
    """
    if len(X) != len(y):
        raise ValueError(f"batches needs one target per example: {len(X)} examples, {len(y)} targets")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]
