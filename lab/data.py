"""The Lab's data: the datasets, the train/test split, the drawn square of the plane, CSV.

Rows are [x1, x2, label] (label 0 or 1), or [x, target] for the "function" dataset.
A CSV or added points may hold up to MAX_ROWS rows, each coordinate within ±MAX_COORDINATE
(the drawn square, and the JSON the page gets, stay finite).
"""

from __future__ import annotations

import csv
import io
import math

import nn
import nn.portable_math

MAX_ROWS = 2000  # twice the generated datasets' largest; every row is a forward pass in each frame
MAX_COORDINATE = 1e6


def _function(x: float) -> float:
    """The "function" dataset's target: one period of a sine over [-1, 1] (the same bits everywhere)."""
    return nn.portable_math.sin(math.pi * x)


def make_dataset(config: dict) -> tuple[list[list[float]], list[float]]:
    """The examples of a configuration's dataset (before the train/test split)."""
    name, n, noise, seed = config["dataset"], config["samples"], config["noise"], config["seed"]
    if name == "xor":
        return nn.data.make_xor(n, noise, seed)
    if name == "circles":
        return nn.data.make_circles(n, noise, seed=seed)
    if name == "moons":
        return nn.data.make_moons(n, noise, seed)
    if name == "spirals":
        return nn.data.make_spirals(n, classes=2, noise=noise, seed=seed)
    if name == "blobs":
        return nn.data.make_blobs(n, centers=2, std=0.5 + 5 * noise, seed=seed)
    return nn.data.sample_function(_function, n, -1.0, 1.0, noise, seed)


def split(X: list, y: list, train_ratio: float, seed: int) -> tuple[list[list[float]], list[list[float]]]:
    """(train rows, test rows): nn.data.train_test_split with test_size = 1 - train_ratio."""
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, 1.0 - train_ratio, seed=seed)
    return [[*x, float(t)] for x, t in zip(X_train, y_train)], [[*x, float(t)] for x, t in zip(X_test, y_test)]


def domain(rows: list[list[float]], regression: bool) -> list[float]:
    """[x low, x high, y low, y high] of what is drawn: for classes a square around the points,
    for "function" x by y with a margin."""
    xs, ys = [r[0] for r in rows], [r[1] for r in rows]
    if regression:
        low, high = min(ys), max(ys)
        pad = 0.15 * (high - low or 1.0)
        return [min(xs), max(xs), low - pad, high + pad]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = 0.55 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    return [cx - half, cx + half, cy - half, cy + half]


def nearest(sets: list[list[list[float]]], x1: float, x2: float, box: list[float], within: float):
    """(rows, index) of the point nearest to (x1, x2) among the sets of rows, if it is within
    `within` times the drawn width and height of `box`; else None."""
    x_low, x_high, y_low, y_high = box
    sx, sy = (x_high - x_low) or 1.0, (y_high - y_low) or 1.0
    best, where = None, None
    for rows in sets:
        for i, row in enumerate(rows):
            d = math.hypot((row[0] - x1) / sx, (row[1] - x2) / sy)
            if d <= within and (best is None or d < best):
                best, where = d, (rows, i)
    return where


def read_csv(text: str, regression: bool) -> tuple[list[list[float]], list[float]]:
    """(X, y) from CSV rows `x1,x2,label` (labels 0/1 or -1/+1; for "function" `x,y`). A first
    line that is not numbers is a header. A bad row refuses the whole file, naming its line."""
    if not isinstance(text, str):
        raise TypeError(f"load_csv takes the file's text, got {type(text).__name__}")
    width = 2 if regression else 3
    expected = "x,y" if regression else "x1,x2,label"
    rows = []
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or all(not f.strip() for f in fields):
            continue
        try:
            values = [float(f) for f in fields]
        except ValueError:
            if number == 1 and not rows:
                continue  # a header
            raise ValueError(f"CSV line {number}: {','.join(fields)!r} is not {expected} numbers") from None
        if len(values) != width:
            raise ValueError(f"CSV line {number}: {len(values)} values, expected {width} ({expected})")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"CSV line {number}: {','.join(fields)!r} has a value that is not finite")
        if any(abs(v) > MAX_COORDINATE for v in values):
            raise ValueError(
                f"CSV line {number}: {','.join(fields)!r} has a value beyond ±{MAX_COORDINATE:g}, the plane's limit"
            )
        if not regression:
            if values[2] not in (0.0, 1.0, -1.0):
                raise ValueError(f"CSV line {number}: the label {fields[2].strip()!r} is not 0, 1 or -1")
            values[2] = 1.0 if values[2] == 1.0 else 0.0
        rows.append(values)
    if len(rows) < 2:
        raise ValueError(f"the CSV has {len(rows)} rows of {expected}; at least 2 are needed")
    if len(rows) > MAX_ROWS:
        raise ValueError(
            f"the CSV has {len(rows)} rows; the Lab takes at most {MAX_ROWS} (its datasets have up to 1000): "
            "take a sample of them"
        )
    return [r[:-1] for r in rows], [r[-1] for r in rows]


def checked_rows(rows: object, name: str, regression: bool) -> list[list[float]]:
    """Rows the page sends back (restore): lists of finite numbers of the dataset's width, within
    the plane's limits, at most MAX_ROWS of them; each row's label 0 or 1 for classes."""
    width = 2 if regression else 3
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise ValueError(f"{name} must be a list of at most {MAX_ROWS} rows, got {type(rows).__name__}")
    checked = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(f"{name} row {i} must be {width} numbers, got {row!r}")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= MAX_COORDINATE
                   for v in row):  # fmt: skip
            raise ValueError(f"{name} row {i} must hold finite numbers within ±{MAX_COORDINATE:g}, got {row!r}")
        if not regression and row[2] not in (0, 1):
            raise ValueError(f"{name} row {i}'s label must be 0 or 1, got {row[2]!r}")
        checked.append([float(v) for v in row])
    return checked


def csv_text(rows: list[list[float]], regression: bool) -> str:
    """The rows as CSV with a header: what read_csv reads back, every float exactly."""
    header = "x,y" if regression else "x1,x2,label"
    return "\n".join([header] + [",".join(f"{v:.17g}" for v in row) for row in rows]) + "\n"
