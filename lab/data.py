"""The Lab's data: the datasets, the train/test split, the drawn square of the plane, CSV.

Rows are [x1, x2, label] (label 0 or 1; 0 to k-1 for k classes; a target in [-1, 1] for the plane's
regression sets, "plane" and "gaussians"), or [x, target] for the "function" dataset (the curve).
The network's inputs are the point's input features (FEATURES: x1, x2, x1^2, ...).
A CSV or added points may hold up to MAX_ROWS rows, each coordinate within ±MAX_COORDINATE
(the drawn square, and the JSON the page gets, stay finite).
"""

from __future__ import annotations

import base64
import csv
import io
import math
import struct

import nn
import nn.portable_math
from autograd import Value
from autograd.ops import sin

MAX_ROWS = 2000  # twice the generated datasets' largest; every row is a forward pass in each frame
MAX_COORDINATE = 1e6


def _function(x: float) -> float:
    """The "function" dataset's target: one period of a sine over [-1, 1] (the same bits everywhere)."""
    return nn.portable_math.sin(math.pi * x)


# Playground's input features of a point (x1, x2): each a formula of the two, of numbers or of Values
# (then a node of the graph, labelled with its formula, so that the chain rule shows x1*x1).
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: sin(x1),
    "sin(x2)": lambda x1, x2: sin(x2),
}
FEATURE_LABELS = {"x1^2": "x1*x1", "x2^2": "x2*x2", "x1x2": "x1*x2"}  # the node's label; else the name
FEATURE_NAMES = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1x2": "x₁x₂",
    "sin(x1)": "sin(x₁)",
    "sin(x2)": "sin(x₂)",
}  # as the page writes them


def feature_values(names: list[str], point: list[float]) -> list[float]:
    """The features `names` of a point (x1, x2), as numbers: the network's inputs without a graph."""
    return [FEATURES[name](point[0], point[1]) for name in names]


def feature_nodes(names: list[str], point: list[float]) -> list[Value]:
    """The features `names` of a point as nodes of a graph: the leaves x1 and x2, then each formula
    on them (the same numbers as feature_values, to the bit)."""
    x1, x2 = Value(float(point[0]), label="x1"), Value(float(point[1]), label="x2")
    nodes = []
    for name in names:
        node = FEATURES[name](x1, x2)
        if node is not x1 and node is not x2:
            node.label = FEATURE_LABELS.get(name, name)
        nodes.append(node)
    return nodes


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
        return nn.data.make_spirals(n, classes=config["classes"], noise=noise, seed=seed)
    if name == "blobs":
        return nn.data.make_blobs(n, centers=config["classes"], std=0.5 + 5 * noise, seed=seed)
    if name == "plane":
        return nn.data.make_plane(n, noise, seed)
    if name == "gaussians":
        return nn.data.make_gaussians(n, noise, seed)
    return nn.data.sample_function(_function, n, -1.0, 1.0, noise, seed)


def split(X: list, y: list, train_ratio: float, seed: int) -> tuple[list[list[float]], list[list[float]]]:
    """(train rows, test rows): nn.data.train_test_split with test_size = 1 - train_ratio."""
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, 1.0 - train_ratio, seed=seed)
    return [[*x, float(t)] for x, t in zip(X_train, y_train)], [[*x, float(t)] for x, t in zip(X_test, y_test)]


def domain(rows: list[list[float]], curve: bool) -> list[float]:
    """[x low, x high, y low, y high] of what is drawn: for the plane a square around the points,
    for "function" (the curve) x by y with a margin."""
    xs, ys = [r[0] for r in rows], [r[1] for r in rows]
    if curve:
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


def read_csv(text: str, curve: bool, classes: int | None = 2) -> tuple[list[list[float]], list[float]]:
    """(X, y) from CSV rows `x1,x2,label` (labels 0/1 or -1/+1; 0 to k-1 for k classes; any number for
    classes=None, a regression on the plane; for "function", the curve, `x,y`). A first line that is
    not numbers is a header. A bad row refuses the whole file, naming its line."""
    if not isinstance(text, str):
        raise TypeError(f"load_csv takes the file's text, got {type(text).__name__}")
    width = 2 if curve else 3
    expected = "x,y" if curve else "x1,x2,target" if classes is None else "x1,x2,label"
    regression = curve or classes is None  # a number to fit, not a class
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
        if not regression and classes > 2:
            if values[2] not in range(classes):
                raise ValueError(f"CSV line {number}: the label {fields[2].strip()!r} is not {class_words(classes)}")
        elif not regression:
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


def class_words(classes: int) -> str:
    """The labels of k classes, in words: "0 or 1", "0, 1 or 2", ..."""
    return ", ".join(map(str, range(classes - 1))) + f" or {classes - 1}"


def checked_rows(rows: object, name: str, curve: bool, classes: int | None = 2) -> list[list[float]]:
    """Rows the page sends back (restore): lists of finite numbers of the dataset's width, within
    the plane's limits, at most MAX_ROWS of them; each row's label a class, 0 to classes - 1 (any
    number for classes=None, a regression)."""
    width = 2 if curve else 3
    regression = curve or classes is None
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise ValueError(f"{name} must be a list of at most {MAX_ROWS} rows, got {type(rows).__name__}")
    checked = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(f"{name} row {i} must be {width} numbers, got {row!r}")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= MAX_COORDINATE
                   for v in row):  # fmt: skip
            raise ValueError(f"{name} row {i} must hold finite numbers within ±{MAX_COORDINATE:g}, got {row!r}")
        if not regression and row[2] not in range(classes):
            raise ValueError(f"{name} row {i}'s label must be {class_words(classes)}, got {row[2]!r}")
        checked.append([float(v) for v in row])
    return checked


def csv_text(rows: list[list[float]], curve: bool, regression: bool = False) -> str:
    """The rows as CSV with a header: what read_csv reads back, every float exactly."""
    header = "x,y" if curve else "x1,x2,target" if regression else "x1,x2,label"
    return "\n".join([header] + [",".join(f"{v:.17g}" for v in row) for row in rows]) + "\n"


MAX_POINT_EDITS = 100  # points added or removed that a link carries (each about 39 characters of it)
_POINT_EDIT = struct.Struct("<BIddd")  # kind (0 add, 1 remove), step, x1, x2, label (or within)
_KINDS = ("add", "remove")


def checked_point_edits(edits: object, steps: int) -> list[list]:
    """Points added and removed, as restore takes them: [step, "add", x1, x2, label] or [step, "remove",
    x1, x2, within], the steps in order and none past `steps` (the numbers are checked when applied)."""
    if not isinstance(edits, list) or len(edits) > MAX_ROWS:
        raise ValueError(f"points must be a list of at most {MAX_ROWS} added or removed points; got {edits!r}")
    last = 0
    for edit in edits:
        if not isinstance(edit, list) or len(edit) != 5 or edit[1] not in _KINDS:
            raise ValueError(f"a point's edit is [step, 'add' or 'remove', x1, x2, label or within]; got {edit!r}")
        at = edit[0]
        if isinstance(at, bool) or not isinstance(at, int) or not last <= at <= steps:
            raise ValueError(f"a point's step must be a whole number from {last} to {steps} (in order); got {edit!r}")
        last = at
    return edits


def encode_point_edits(edits: list[list]) -> str:
    """The points added and removed as a link's text: each a packed record (its numbers' every bit) in
    URL-safe base64. Refused, saying why, past MAX_POINT_EDITS."""
    if len(edits) > MAX_POINT_EDITS:
        raise ValueError(
            f"this run has {len(edits)} points added or removed; a link carries at most {MAX_POINT_EDITS}: "
            "share the data as a CSV (Download) instead"
        )
    packed = b"".join(_POINT_EDIT.pack(_KINDS.index(kind), at, *numbers) for at, kind, *numbers in edits)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_point_edits(text: str) -> list[list]:
    """The points of a link's text (encode_point_edits's), exactly; a ValueError says what is wrong."""
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise ValueError("not the Lab's encoding of points") from None
    if len(packed) % _POINT_EDIT.size or len(packed) // _POINT_EDIT.size > MAX_POINT_EDITS:
        raise ValueError(f"not the Lab's encoding of at most {MAX_POINT_EDITS} points")
    edits = []
    for kind, at, *numbers in _POINT_EDIT.iter_unpack(packed):
        if kind >= len(_KINDS) or not all(math.isfinite(v) for v in numbers):
            raise ValueError("not the Lab's encoding of points (a kind or a number that cannot be)")
        edits.append([at, _KINDS[kind], *numbers])
    return edits
