"""The Lab's Python side: one training run (data, model, optimizer, a step, what to draw).

The page runs this module in a Web Worker under Pyodide, and JavaScript only forwards
clicks to `Lab.call` and draws what comes back: every number on the page (data,
weights, losses, gradients, updates) is made here, by `nn` and `autograd`. The same
module runs under CPython in the tests.

A run is fixed by its configuration (the keys of DEFAULTS, the page's URL) and nothing
else. With seed s:
    data         nn.data's generator for the dataset, seed=s, then
                 nn.data.train_test_split(X, y, test_size=1 - trainRatio, seed=s)
    model        nn.manual_seed(s); nn.MLP(inputs, hidden + [1], activation, init=init),
                 2 inputs (1 for the "function" dataset), a linear output
    optimizer    nn.optim's, with weight_decay = l2 (l2 * w added to each gradient)
    one step     the next minibatch of nn.data.batches(train, batchSize, seed=s + epoch):
                 loss = the mean of the loss over the batch, zero_grad, backward, step.
So k epochs of steps are nn.fit(model, X, y, loss, optimizer, k, batchSize, seed=s).

Targets: the labels 0/1 become -1/+1 for hinge, logistic and mse on classes; the
"function" dataset's targets are the function's values. A point is classed 1 when the
model's output is > 0 (>= 0 for the ±1 losses, as nn.correct_sign).
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
import traceback
from numbers import Integral, Real

import nn
from autograd import Value, no_grad

DATASETS = ("xor", "circles", "moons", "spirals", "blobs", "function")
LOSSES = {
    "hinge": nn.hinge_loss,
    "logistic": nn.logistic_loss,
    "bce_with_logits": nn.bce_with_logits_loss,
    "mse": nn.mse_loss,
}
SIGNED_LOSSES = ("hinge", "logistic", "mse")  # their class targets are -1/+1
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop", "adagrad")
ACTIVATIONS = tuple(nn.ACTIVATIONS)
INITS = nn.init.INITS

DEFAULTS = {
    "dataset": "moons",
    "noise": 0.1,
    "trainRatio": 0.5,
    "samples": 500,
    "seed": 0,
    "hidden": [4, 2],
    "activation": "tanh",
    "init": "uniform",
    "loss": "logistic",
    "optimizer": "sgd",
    "learningRate": 0.1,
    "l2": 0.0,
    "batchSize": 10,
}

# (low, high) of each number; a value outside is clamped, with a notice.
RANGES = {
    "noise": (0.0, 0.5),
    "trainRatio": (0.1, 0.9),
    "samples": (10, 1000),
    "seed": (0, 2**31 - 1),
    "learningRate": (1e-6, 10.0),
    "l2": (0.0, 1.0),
    "batchSize": (1, 1000),
}
WHOLE = ("samples", "seed", "batchSize")
CHOICES = {
    "dataset": DATASETS,
    "activation": ACTIVATIONS,
    "init": INITS,
    "loss": tuple(LOSSES),
    "optimizer": OPTIMIZERS,
}
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # the page's menu
L2_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
MAX_LAYERS = 6
MAX_NEURONS = 32  # the page's +/- buttons stop at 8; configure and the URL take micrograd's 16
IN_PLACE = ("learningRate", "l2")  # changed without starting the run over


def _function(x: float) -> float:
    """The "function" dataset's target: one period of a sine over [-1, 1]."""
    return math.sin(math.pi * x)


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


# --- the configuration: checked whole before any of it is used ---------------------------------


def check_config(config: object, base: dict | None = None) -> tuple[dict, list[str]]:
    """`base` (DEFAULTS if None) updated with `config`, and notices for what was clamped.

    Raises ValueError or TypeError, naming the key, for what cannot be used (an unknown
    key or name, a number that is not one); nothing is changed then.
    """
    if not isinstance(config, dict):
        raise TypeError(f"a configuration is an object of settings, got {type(config).__name__} {config!r}")
    new = dict(base or DEFAULTS)
    new["hidden"] = list(new["hidden"])
    notices = []
    for key, value in config.items():
        if key not in DEFAULTS:
            raise ValueError(f"unknown setting {key!r}; the settings are {', '.join(DEFAULTS)}")
        if key in CHOICES:
            if value not in CHOICES[key]:
                raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}; got {value!r}")
            new[key] = value
        elif key == "hidden":
            new[key] = _hidden(value, notices)
        else:
            new[key] = _number(key, value, notices)
    if new["dataset"] == "function" and new["loss"] != "mse":
        if "loss" in config:
            raise ValueError(f"the function dataset is regression: its loss is mse, not {new['loss']}")
        notices.append(f"the function dataset is regression: the loss is mse (was {new['loss']})")
        new["loss"] = "mse"
    return new, notices


def _number(key: str, value: object, notices: list[str]) -> float | int:
    low, high = RANGES[key]
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{key} must be a finite number from {low:g} to {high:g}; got {value!r}")
    if key in WHOLE:
        if value != int(value):
            raise ValueError(f"{key} must be a whole number; got {value!r}")
        value = int(value)
    else:
        value = float(value)
    if not low <= value <= high:
        clamped = min(max(value, low), high)
        notices.append(f"{key} {value:g} is outside {low:g} to {high:g}: using {clamped:g}")
        value = clamped
    return value


def _hidden(value: object, notices: list[str]) -> list[int]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"hidden must be a list of layer sizes such as [4, 2]; got {value!r}")
    sizes = []
    for size in value:
        if isinstance(size, bool) or not isinstance(size, Integral):
            raise ValueError(f"hidden layer sizes must be whole numbers from 1 to {MAX_NEURONS}; got {value!r}")
        if not 1 <= size <= MAX_NEURONS:
            clamped = min(max(int(size), 1), MAX_NEURONS)
            notices.append(f"a hidden layer of {size} neurons: using {clamped} (1 to {MAX_NEURONS})")
            size = clamped
        sizes.append(int(size))
    if len(sizes) > MAX_LAYERS:
        notices.append(f"{len(sizes)} hidden layers: using the first {MAX_LAYERS}")
        sizes = sizes[:MAX_LAYERS]
    return sizes


def to_query(config: dict) -> str:
    """The configuration as a URL query string (without the "?")."""
    parts = []
    for key in DEFAULTS:
        value = config[key]
        text = ",".join(map(str, value)) if key == "hidden" else f"{value:.10g}" if isinstance(value, float) else value
        parts.append(f"{key}={text}")
    return "&".join(parts)


def from_query(query: str) -> tuple[dict, list[str]]:
    """The configuration a URL's query string describes, and notices for what was ignored.

    A setting that cannot be read falls back to its default, with a notice naming it;
    keys that are not settings are ignored, with a notice.
    """
    from urllib.parse import parse_qsl

    config, notices = dict(DEFAULTS), []
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key not in DEFAULTS:
            notices.append(f"the link's {key!r} is not a setting: ignored")
            continue
        try:
            value = _parse(key, text)
            config, more = check_config({key: value}, config)
        except ValueError as error:
            notices.append(f"the link's {key}={text!r} cannot be used ({error}): using {DEFAULTS[key]!r}")
            continue
        notices += more
    return config, notices


def _parse(key: str, text: str) -> object:
    if key in CHOICES:
        return text
    if key == "hidden":
        try:
            return [int(size) for size in text.split(",")] if text.strip() else []
        except ValueError:
            raise ValueError("expected sizes such as 4,2") from None
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    return int(value) if key in WHOLE and value.is_integer() else value


# --- the run ----------------------------------------------------------------------------------


class Lab:
    """One run: a configuration, its data, model and optimizer, and its progress."""

    def __init__(self, config: dict | None = None) -> None:
        self.config, self.notices = check_config(config or {})
        self.custom_data = False  # points added, removed or loaded from a CSV
        self._console = None  # the page's Python console, made on first use
        self._exercise = None  # the Exercise tab's current exercise
        self._new_data()
        self.reset()

    # --- setting up ---------------------------------------------------------------------------

    def configure(self, config: dict) -> dict:
        """Change settings (missing keys keep their values). A change to the data
        regenerates it; any change but learningRate and l2 starts the run over."""
        new, notices = check_config(config, self.config)
        changed = {key for key in DEFAULTS if new[key] != self.config[key]}
        self.config = new
        if changed & {"dataset", "noise", "trainRatio", "samples", "seed"}:
            self._new_data()
        if changed - set(IN_PLACE):
            self.reset()
        elif changed:
            self.optimizer.lr = new["learningRate"]
            self.optimizer.weight_decay = new["l2"]
        return {"notices": notices, "changed": sorted(changed), "config": self.config, "query": to_query(self.config)}

    def _new_data(self) -> None:
        X, y = make_dataset(self.config)
        test_size = 1.0 - self.config["trainRatio"]
        X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size, seed=self.config["seed"])
        self.train_set = [[*x, float(t)] for x, t in zip(X_train, y_train)]
        self.test_set = [[*x, float(t)] for x, t in zip(X_test, y_test)]
        self.custom_data = False
        self._set_domain()

    def _set_domain(self) -> None:
        """The square of the plane that is drawn (for "function": x by y), from the data, kept
        while points are added so that the picture does not jump."""
        rows = self.train_set + self.test_set
        if self.regression:
            xs, ys = [r[0] for r in rows], [r[1] for r in rows]
            low, high = min(ys), max(ys)
            pad = 0.15 * (high - low or 1.0)
            self.domain = [min(xs), max(xs), low - pad, high + pad]
            return
        xs, ys = [r[0] for r in rows], [r[1] for r in rows]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        half = 0.55 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
        self.domain = [cx - half, cx + half, cy - half, cy + half]

    @property
    def regression(self) -> bool:
        return self.config["dataset"] == "function"

    def reset(self) -> None:
        """Start the run over on the current data: new weights from the seed, a new optimizer."""
        config = self.config
        nn.manual_seed(config["seed"])
        self.model = nn.MLP(
            1 if self.regression else 2, [*config["hidden"], 1], config["activation"], init=config["init"]
        )
        self.parameters = self.model.parameters()
        self.optimizer = make_optimizer(config, self.parameters)
        self.loss_fn = LOSSES[config["loss"]]
        self.epoch = 0
        self.steps = 0
        self.stopped = None  # why training stopped (a diverging step), or None
        self._epoch_batches = None
        self.history = []  # [step, train loss, test loss], recorded by frame() and step()

    # --- training -----------------------------------------------------------------------------

    def target(self, label: float) -> float:
        """The loss's target for a row's label: -1/+1 for the ±1 losses on classes."""
        if not self.regression and self.config["loss"] in SIGNED_LOSSES:
            return 2.0 * label - 1.0
        return label

    def upcoming_batch(self) -> list[int]:
        """The indices (into train_set) of the minibatch the next step trains on."""
        if not self._epoch_batches:
            indices = list(range(len(self.train_set)))
            size = min(self.config["batchSize"], len(indices))
            order = nn.data.batches(indices, indices, size, seed=self.config["seed"] + self.epoch)
            self._epoch_batches = [batch for batch, _ in order]
            self._epoch_batches.reverse()  # popped from the end
        return self._epoch_batches[-1]

    def _next_batch(self) -> list[list[float]]:
        self.upcoming_batch()
        batch = self._epoch_batches.pop()
        if not self._epoch_batches:
            self.epoch += 1
        return [self.train_set[i] for i in batch]

    def step(self, n: int = 1) -> dict:
        """Train n minibatches (fewer if a step diverges: then `stopped` says why)."""
        if isinstance(n, bool) or not isinstance(n, Integral) or not 0 <= n <= 100_000:
            raise ValueError(f"step takes a whole number of batches from 0 to 100000; got {n!r}")
        done, every = 0, max(1, math.ceil(n / 20))  # the loss curve gets up to 20 points from one call
        while done < n and self._one_step():
            done += 1
            if done % every == 0 and done < n:
                self._record()
        return {"steps": done, **self._record()}

    def train_for(self, seconds: float) -> dict:
        """Train for about `seconds` (at least one step): what the Play button runs between frames."""
        if isinstance(seconds, bool) or not isinstance(seconds, Real) or not 0 < seconds <= 10:
            raise ValueError(f"train_for takes seconds from 0 to 10; got {seconds!r}")
        start = time.perf_counter()
        done = 0
        while self._one_step():
            done += 1
            if time.perf_counter() - start >= seconds:
                break
        elapsed = time.perf_counter() - start
        return {"steps": done, "seconds": elapsed}

    def loss(self, rows: list[list[float]]) -> Value:
        """The loss a training step minimizes on these rows: the mean of the run's loss of the
        model's output and each row's target (no L2 term: that is the optimizer's weight_decay)."""
        return self.loss_fn([self.model(row[:-1]) for row in rows], [self.target(row[-1]) for row in rows])

    def _one_step(self) -> bool:
        """One training step; False (and `stopped` set) when there is no training to do."""
        if self.stopped:
            return False
        if not self.train_set:
            self.stopped = "there are no training points: add some by clicking on the plane"
            return False
        epoch_before, batches_before = self.epoch, list(self._epoch_batches or [])
        batch = self._next_batch()
        where = f"step {self.steps + 1} (epoch {self.epoch + 1})"
        advice = f"the learning rate {self.config['learningRate']:g} is too large? Lower it and press Reset"
        try:
            loss = self.loss(batch)
        except OverflowError as error:
            return self._stop(f"Training stopped at {where}: {error}. {advice}", epoch_before, batches_before)
        if not math.isfinite(loss.data):
            return self._stop(
                f"Training stopped at {where}: the loss is {loss.data}. {advice}", epoch_before, batches_before
            )
        before = [p.data for p in self.parameters]
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        bad = next((i for i, p in enumerate(self.parameters) if not math.isfinite(p.data)), None)
        if bad is not None:
            name = self.parameter_names()[bad]
            for p, data in zip(self.parameters, before):
                p.data = data
            return self._stop(
                f"Training stopped at {where}: the step made {name} {self.parameters[bad].data}; "
                f"the weights are kept as they were before it. {advice}",
                epoch_before,
                batches_before,
            )
        self.steps += 1
        return True

    def _stop(self, message: str, epoch: int, batches: list) -> bool:
        self.stopped = message
        self.epoch, self._epoch_batches = epoch, batches  # the batch was not used
        return False

    def parameter_names(self) -> list[str]:
        return [name for name, _ in self.model.named_parameters()]

    # --- reading the run ----------------------------------------------------------------------

    def predict(self, x: list[float]) -> float:
        """The model's output for one input, without building a graph."""
        with no_grad():
            return self.model(x).data

    def neuron_outputs(self, x: list[float]) -> list[list[float]]:
        """Every neuron's output h for input x, layer by layer, without building a graph: the
        heatmaps need thousands of these a frame. Each z is the sum autograd.linear computes,
        in its order (b, then + w_i*x_i), so the same number to the last bit; h is the neuron's
        own activation function, applied to one scratch Value under no_grad. A z that is not
        finite (where the graph would raise) makes that h nan, drawn as no colour."""
        scratch = Value(0.0)
        outputs = []
        with no_grad():
            for layer in self.model.layers:
                h = []
                for neuron in layer.neurons:
                    z = neuron.b.data
                    for w, xi in zip(neuron.w, x):
                        z += w.data * xi
                    if z - z != 0.0:  # inf or nan (where the graph would raise): nan on, never a number
                        h.append(math.nan)
                        continue
                    scratch.data = z
                    h.append(neuron.phi(scratch).data)
                outputs.append(h)
                x = h
        return outputs

    def _losses(self, rows: list[list[float]]) -> tuple[float | None, float | None]:
        """(mean loss, accuracy) over rows, without the L2 term; accuracy None for regression."""
        if not rows:
            return None, None
        outputs = [self.neuron_outputs(row[:-1])[-1][0] for row in rows]  # model(x).data, to the bit
        if not all(math.isfinite(o) for o in outputs):
            return None, None
        with no_grad():
            predictions = [Value(o) for o in outputs]
            try:
                loss = self.loss_fn(predictions, [self.target(row[-1]) for row in rows]).data
            except OverflowError:
                return None, None
        if self.regression:
            return finite_or_none(loss), None
        correct = nn.correct_logit if self.config["loss"] == "bce_with_logits" else nn.correct_sign
        right = sum(correct(p, self.target(row[-1])) for p, row in zip(predictions, rows))
        return finite_or_none(loss), right / len(rows)

    def summary(self) -> dict:
        train_loss, train_accuracy = self._losses(self.train_set)
        test_loss, test_accuracy = self._losses(self.test_set)
        return {
            "epoch": self.epoch,
            "step": self.steps,
            "trainLoss": train_loss,
            "testLoss": test_loss,
            "trainAccuracy": train_accuracy,
            "testAccuracy": test_accuracy,
            "stopped": self.stopped,
        }

    def _record(self) -> dict:
        summary = self.summary()
        point = [self.steps, summary["trainLoss"], summary["testLoss"]]
        if self.history and self.history[-1][0] == self.steps:
            self.history[-1] = point
        else:
            self.history.append(point)
        if len(self.history) > 1000:  # keep the curve's shape: drop every other point
            self.history = self.history[::2] + ([self.history[-1]] if len(self.history) % 2 == 0 else [])
        return summary

    def state(self) -> dict:
        """Everything about the run, as JSON-ready data (window.lab.state())."""
        return {
            "config": {**self.config, "hidden": list(self.config["hidden"])},
            **self.summary(),
            "data": {"train": [list(r) for r in self.train_set], "test": [list(r) for r in self.test_set]},
            "customData": self.custom_data,
            "model": self.model.state_dict(),
            "domain": self.domain,
            "query": to_query(self.config),
        }

    def frame(self, resolution: int = 40) -> dict:
        """What the page draws: the summary, the loss history, the data, the weights, and every
        neuron's output over the plane (classification) or along x (regression).

        Grids are row-major, row 0 at the top of the plane (largest x2); values are the
        outputs rounded to 4 decimals, None where not finite.
        """
        if isinstance(resolution, bool) or not isinstance(resolution, Integral) or not 4 <= resolution <= 200:
            raise ValueError(f"frame resolution must be a whole number from 4 to 200; got {resolution!r}")
        summary = self._record()
        x_low, x_high, y_low, y_high = self.domain
        if self.regression:
            points = [[x_low + (x_high - x_low) * i / (resolution - 1)] for i in range(resolution)]
        else:
            points = [
                [x_low + (x_high - x_low) * (c + 0.5) / resolution, y_high - (y_high - y_low) * (r + 0.5) / resolution]
                for r in range(resolution)
                for c in range(resolution)
            ]
        layers = [[[] for _ in layer.neurons] for layer in self.model.layers]
        for point in points:
            for grids, outputs in zip(layers, self.neuron_outputs(point)):
                for grid, h in zip(grids, outputs):
                    grid.append(_rounded(h))
        return {
            **summary,
            "history": self.history,
            "resolution": resolution,
            "domain": self.domain,
            "regression": self.regression,
            "data": {"train": self.train_set, "test": self.test_set},
            "customData": self.custom_data,
            "neurons": layers,  # layers[k][j]: neuron j of layer k (the last is the output)
            "weights": [
                [{"w": [w.data for w in n.w], "b": n.b.data} for n in layer.neurons] for layer in self.model.layers
            ],  # fmt: skip
            "names": [[n.name for n in layer.neurons] for layer in self.model.layers],
            "config": self.config,
            "query": to_query(self.config),
        }

    # --- editing the data ---------------------------------------------------------------------

    def add_point(self, x1: float, x2: float, label: float) -> dict:
        """Add a training point (for "function": x1 is x and x2 the target; label is ignored)."""
        for name, v in (("x1", x1), ("x2", x2), ("label", label)):
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise ValueError(f"add_point {name} must be a finite number; got {v!r}")
        if self.regression:
            row = [float(x1), float(x2)]
        else:
            if label not in (0, 1):
                raise ValueError(f"add_point label must be 0 or 1; got {label!r}")
            row = [float(x1), float(x2), float(label)]
        self.train_set.append(row)
        self._data_changed()
        return {"train": len(self.train_set), "test": len(self.test_set)}

    def remove_point(self, x1: float, x2: float, within: float = 0.03) -> dict:
        """Remove the point (train or test) nearest to (x1, x2), if it is within `within`
        times the drawn width and height. Returns whether one was removed."""
        x_low, x_high, y_low, y_high = self.domain
        sx, sy = (x_high - x_low) or 1.0, (y_high - y_low) or 1.0
        radius = within
        best, where = None, None
        for rows in (self.train_set, self.test_set):
            for i, row in enumerate(rows):
                d = math.hypot((row[0] - x1) / sx, (row[1] - x2) / sy)
                if d <= radius and (best is None or d < best):
                    best, where = d, (rows, i)
        if where is not None:
            rows, i = where
            del rows[i]
            self._data_changed()
        return {"removed": where is not None, "train": len(self.train_set), "test": len(self.test_set)}

    def _data_changed(self) -> None:
        self.custom_data = True
        self._epoch_batches = None  # the next step starts this epoch's order over, with the new data
        self.stopped = None if self.stopped and "no training points" in self.stopped else self.stopped

    def load_csv(self, text: str) -> dict:
        """Replace the data with CSV rows `x1,x2,label` (labels 0/1 or -1/+1; for the
        "function" dataset `x,y`), split by trainRatio. A first line that is not numbers
        is a header. A bad row refuses the whole file, naming its line."""
        if not isinstance(text, str):
            raise TypeError(f"load_csv takes the file's text, got {type(text).__name__}")
        width = 2 if self.regression else 3
        expected = "x,y" if self.regression else "x1,x2,label"
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
            if not self.regression:
                if values[2] not in (0.0, 1.0, -1.0):
                    raise ValueError(f"CSV line {number}: the label {fields[2].strip()!r} is not 0, 1 or -1")
                values[2] = 1.0 if values[2] == 1.0 else 0.0
            rows.append(values)
        if len(rows) < 2:
            raise ValueError(f"the CSV has {len(rows)} rows of {expected}; at least 2 are needed")
        X, y = [r[:-1] for r in rows], [r[-1] for r in rows]
        test_size = 1.0 - self.config["trainRatio"]
        X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size, seed=self.config["seed"])
        self.train_set = [[*x, t] for x, t in zip(X_train, y_train)]
        self.test_set = [[*x, t] for x, t in zip(X_test, y_test)]
        self._set_domain()
        self.reset()
        self.custom_data = True
        return {"train": len(self.train_set), "test": len(self.test_set)}

    def to_csv(self) -> str:
        """The data (train, then test) as CSV with a header: what load_csv reads back."""
        header = "x,y" if self.regression else "x1,x2,label"
        lines = [header] + [",".join(f"{v:.17g}" for v in row) for row in self.train_set + self.test_set]
        return "\n".join(lines) + "\n"

    # --- the page's one entry point -----------------------------------------------------------

    @staticmethod
    def choices() -> dict:
        """What the page's controls offer: the names, ranges and defaults of the settings."""
        return {
            "choices": CHOICES,
            "ranges": RANGES,
            "defaults": DEFAULTS,
            "learningRates": LEARNING_RATES,
            "l2Rates": L2_RATES,
            "maxLayers": MAX_LAYERS,
            "maxNeurons": MAX_NEURONS,
        }

    # --- the chain rule of one parameter, and the console (lab/derivation.py, lab/console.py) ---

    def explain(self, parameter: str, example: int = 0, view: str = "neuron", paths_only: bool = False) -> dict:
        """The derivation of d loss / d parameter on one training example, and the next step's
        batch and update: see lab.derivation.derive."""
        from lab.derivation import derive

        return derive(self, parameter, example, view, paths_only)

    def python(self, code: str) -> dict:
        """Run a line (or lines) in the page's Python console: {"output", "more", "graphs"}."""
        if self._console is None:
            from lab.console import Console

            self._console = Console(self)
        return self._console.run(code)

    def exercise(self, level: int = 1, seed: int = 0) -> dict:
        """A backprop-by-hand exercise (autograd.exercises) for the Exercise tab: its graph as DOT
        (no grads), the node names in backprop's order, and the forward pass."""
        from autograd import draw_graph
        from autograd.exercises import exercise

        self._exercise = exercise(seed, level)
        return {
            "level": level,
            "seed": seed,
            "dot": draw_graph(self._exercise.drawing, show_grad=False).source,
            "names": self._exercise.order(),
            "forward": self._exercise.forward_lines(),
        }

    def check_exercise(self, answers: dict) -> dict:
        """Mark the student's gradients with autograd.exercises.check: results and a diagnosis."""
        from autograd.exercises import check

        if self._exercise is None:
            raise ValueError("there is no exercise to check: make one first")
        report = check(self._exercise, answers)
        return {"results": report.results, "diagnosis": report.diagnosis, "score": list(report.score)}

    def parameter_list(self) -> list[dict]:
        """Every parameter: its dotted name and value (the derivation panel's list)."""
        return [{"name": name, "value": p.data} for name, p in self.model.named_parameters()]

    METHODS = (
        "choices", "configure", "reset", "step", "train_for", "frame", "state", "add_point", "remove_point",
        "load_csv", "to_csv", "to_query", "from_query", "explain", "python", "parameter_list", "exercise",
        "check_exercise",
    )  # fmt: skip

    def call(self, method: str, arguments: str = "{}") -> str:
        """Run one method with JSON arguments; JSON back: {"result": ...} or {"error": message}.

        Errors come back as their message (and, for a bug, the traceback's last lines), so
        that the page can show them: the worker never dies on a bad request.
        """
        try:
            if method not in self.METHODS:
                raise ValueError(f"unknown method {method!r}; expected one of {', '.join(self.METHODS)}")
            kwargs = json.loads(arguments)
            if method == "to_query":
                result = to_query(self.config)
            elif method == "from_query":
                config, notices = from_query(**kwargs)
                result = {"config": config, "notices": notices}
            else:
                result = getattr(self, method)(**kwargs)
                if method == "reset":
                    result = self.summary()
            return json.dumps({"result": result}, allow_nan=False)
        except (ValueError, TypeError) as error:
            return json.dumps({"error": str(error)})
        except Exception as error:  # a bug: say what and where, and keep the worker alive
            lines = traceback.format_exception(error)
            return json.dumps({"error": f"Python error: {type(error).__name__}: {error}", "traceback": lines[-3:]})


def make_optimizer(config: dict, parameters: list) -> nn.optim.Optimizer:
    """nn.optim's optimizer for the configuration, with weight_decay = l2."""
    lr, l2 = config["learningRate"], config["l2"]
    name = config["optimizer"]
    if name == "sgd":
        return nn.optim.SGD(parameters, lr, weight_decay=l2)
    if name == "momentum":
        return nn.optim.SGD(parameters, lr, momentum=0.9, weight_decay=l2)
    if name == "adam":
        return nn.optim.Adam(parameters, lr, weight_decay=l2)
    if name == "rmsprop":
        return nn.optim.RMSprop(parameters, lr, weight_decay=l2)
    return nn.optim.Adagrad(parameters, lr, weight_decay=l2)


def finite_or_none(x: float) -> float | None:
    """x, or None (JSON has no inf or nan) when it is not finite."""
    return x if math.isfinite(x) else None


def _rounded(x: float) -> float | None:
    return round(x, 4) if math.isfinite(x) else None
