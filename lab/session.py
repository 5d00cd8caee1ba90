"""The Lab's Python side: one training run (data, model, optimizer, a step, what to draw).

The page runs this module in a Web Worker under Pyodide, and JavaScript only forwards
clicks to `Lab.call` and draws what comes back: every number on the page (data,
weights, losses, gradients, updates) is made here, by `nn` and `autograd`. The same
module runs under CPython in the tests.

A run is fixed by its configuration (the keys of lab.config.DEFAULTS, the page's URL)
and, when a student changes it by hand, by the weights set (`edits`) and the points added
or removed (`point_edits`) at their steps, which a moment's link carries (`link`, `restore`).
With seed s:
    data         nn.data's generator for the dataset, seed=s (lab.data), then
                 nn.data.train_test_split(X, y, test_size=1 - trainRatio, seed=s)
    model        nn.manual_seed(s); nn.MLP(inputs, hidden + [outputs], activation, init=init),
                 an input per feature of `features` (lab.data.FEATURES: x1, x2, x1^2, x2^2, x1x2,
                 sin(x1), sin(x2), nodes of the graph made from the leaves x1 and x2; 1 input, x,
                 for the "function" dataset), a linear output: one, or a logit per class for
                 cross_entropy (softmax inside the loss)
    optimizer    nn.optim's, with weight_decay = l2 (l2 * w added to each gradient)
    one step     the next minibatch of nn.data.batches(train, batchSize, seed=s + epoch):
                 nn.train.train_step (the loss's mean over the batch, plus
                 nn.l1_penalty(weights, l1) when l1 > 0 (the weights, not the biases, as
                 Playground's), zero_grad, backward, step), as nn.fit takes it.
So k epochs of steps (features x1, x2, no L1) are nn.fit(model, X, y, loss, optimizer, k, batchSize, seed=s).

Targets: the labels 0/1 become -1/+1 for hinge, logistic and mse on classes; the
"function" dataset's targets are the function's values; cross_entropy's are the class
indices 0 to k-1. A point is classed as nn.fit scores it (nn.train.CORRECT_FOR_LOSS): 1 when
the model's output is > 0 (>= 0 for the ±1 losses, as nn.correct_sign); the largest logit's
class for cross_entropy.

The page calls the methods marked @page_call through `Lab.call`, which answers JSON
(lab.replies: nan and inf go as null).
"""

from __future__ import annotations

import copy
import json
import math
import time
import traceback
from collections.abc import Callable
from numbers import Integral, Real
from urllib.parse import parse_qsl, quote, urlencode

import nn
from autograd import Value, no_grad
from autograd.views.notation import indices, layer_mark, notes_label, number, output_name, spoken
from lab import data, replies
from lab.config import (
    CHOICES,
    DEFAULTS,
    IN_PLACE,
    L2_RATES,
    LEARNING_RATES,
    LOSSES,
    MANY_CLASSES,
    MAX_LAYERS,
    MAX_NEURONS,
    RANGES,
    REGRESSION,
    SIGNED_LOSSES,
    check_config,
    check_panel,
    from_query,
    heatmap_resolution,
    input_count,
    make_optimizer,
    moment_from_query,
    moment_query,
    output_count,
    to_query,
)
from nn.train import CORRECT_FOR_LOSS, train_step


def divergence_sentence(steps: int, error: str, learning_rate: float) -> str:
    """Why training stopped, for a student: what became of the loss, and a learning rate to try
    (about a thirtieth: three notches down the page's menu)."""
    if error.startswith("after the step"):  # nn.train.train_step's words for a step that broke a weight
        became = "step made a weight " + ("nan (not a number)" if " is nan " in error else "infinite")
    elif "nan" in error.split("(")[0]:
        became = "loss became nan (not a number)"
    else:
        became = "loss became infinite"
    smaller = [lr for lr in LEARNING_RATES if lr <= learning_rate / 30]
    suggestion = f"{smaller[-1]:g}" if smaller else f"{learning_rate / 30:.2g}"
    return (f"Training stopped at step {steps}: the {became}. The learning rate {learning_rate:g} is too large; "
            f"try {suggestion}, then press Reset.")  # fmt: skip


MAX_WEIGHT = 1e6  # a weight set by hand stays within this (the heatmaps and the JSON stay finite)
MAX_EDITS = 100  # weights set by hand that a run (and its link) carries

# How the page draws each class (draw.js's CLASS_COLOURS and marks): a colour and a shape, never colour alone.
CLASS_POINTS = ("orange circle", "blue square", "dark red triangle", "sky blue diamond", "navy cross")
CLASS_LOOKS = ("orange, circles", "blue, squares", "dark red, triangles", "sky blue, diamonds", "navy, crosses")


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _said(x: float | None) -> str:
    """A loss in a sentence: 4 significant digits, or "not a number"."""
    return number(x) if _finite(x) else "not a number"


def page_call(method: Callable) -> Callable:
    """Mark a method of Lab as one the page may call through Lab.call."""
    method.page_call = True
    return method


def _class_link_checked(course: object, level: object, count: object) -> dict:
    """A class link's fields, checked: a class code, a level of autograd.exercises, 1 to 50 exercises."""
    from autograd.exercises.generate import LEVELS

    if not isinstance(course, str) or not course.strip():
        raise ValueError(f"a class link needs the class code (the course key the teacher gave); got {course!r}")
    if isinstance(level, bool) or not isinstance(level, Integral) or level not in LEVELS:
        raise ValueError(f"the class link's level is one of {', '.join(map(str, LEVELS))}; got {level!r}")
    if isinstance(count, bool) or not isinstance(count, Integral) or not 1 <= count <= 50:
        raise ValueError(f"the class link's count of exercises is a whole number from 1 to 50; got {count!r}")
    return {"course": course.strip(), "level": int(level), "count": int(count)}


class Lab:
    """One run: a configuration, its data, model and optimizer, and its progress."""

    def __init__(self, config: dict | None = None) -> None:
        self.config, self.notices = check_config(config or {})
        self.custom_data = False  # points added, removed or loaded from a CSV
        self._console = None  # the page's Python console, made on first use
        self._exercise = None  # the Exercise tab's current exercise
        self._student = None  # (id, exercise number) when the Exercise tab shows a class's exercise
        self._new_data()
        self.reset()

    # --- setting up ---------------------------------------------------------------------------

    @page_call
    def configure(self, config: dict) -> dict:
        """Change settings (missing keys keep their values). A change to the data
        regenerates it; any change but learningRate and l2 starts the run over."""
        new, notices = check_config(config, self.config)
        changed = {key for key in DEFAULTS if new[key] != self.config[key]}
        self.config = new
        if changed & {"dataset", "noise", "trainRatio", "samples", "seed", "classes"}:
            self._new_data()
        if changed - set(IN_PLACE):
            self.reset()
        elif changed:  # l1 is read by each step's loss
            self.optimizer.lr = new["learningRate"]
            self.optimizer.weight_decay = new["l2"]
        return {"notices": notices, "changed": sorted(changed), "config": self.config, "query": self.to_query()}

    def _new_data(self) -> None:
        X, y = data.make_dataset(self.config)
        self.train_set, self.test_set = data.split(X, y, self.config["trainRatio"], self.config["seed"])
        self.custom_data = False
        self.point_edits = []  # [step, "add", x1, x2, label] and [step, "remove", x1, x2, within], in order;
        # None when the data came whole (a CSV, restore's rows): then no link can carry it
        self.domain = data.domain(self.train_set + self.test_set, self.curve)

    @property
    def regression(self) -> bool:
        """A number to fit (function, plane, gaussians), not a class."""
        return self.config["dataset"] in REGRESSION

    @property
    def curve(self) -> bool:
        """The "function" dataset: one input, x, and the fit drawn as a curve."""
        return self.config["dataset"] == "function"

    @page_call
    def reset(self) -> dict:
        """Start the run over on the current data: new weights from the seed, a new optimizer."""
        config = self.config
        nn.manual_seed(config["seed"])
        self.model = nn.MLP(
            input_count(config), [*config["hidden"], output_count(config)], config["activation"], init=config["init"]
        )
        self.parameters = self.model.parameters()
        self.optimizer = make_optimizer(config, self.parameters)
        self.loss_fn = LOSSES[config["loss"]]
        self.epoch = 0
        self.steps = 0
        self.stopped = None  # why training stopped (a diverging step), or None: a sentence for a student
        self.stopped_detail = None  # and what the engine said
        self._epoch_batches = None
        self.history = []  # [step, train loss, test loss], recorded by frame() and step()
        self.edits = []  # [step, parameter, value] of each weight set by hand (set_parameter), in order
        if getattr(self, "point_edits", None):  # this run starts from the data as it is: its edits at step 0
            self.point_edits = [[0, *edit[1:]] for edit in self.point_edits]
        return self.summary()

    @page_call
    def set_parameter(self, name: str, value: float) -> dict:
        """Set one weight or bias (a dotted name of named_parameters()) to `value`, as a click on an edge
        or a bias does in Playground: the run goes on from it (the optimizer's state, such as momentum,
        is kept). The edit is recorded in `edits` as [step, name, value], which state() and the link
        carry, so that restore() makes the same run again."""
        named = dict(self.model.named_parameters())
        if not isinstance(name, str) or name not in named:
            few = ", ".join(list(named)[:3])
            raise ValueError(f"unknown parameter {name!r}; the {len(named)} parameters are named like {few}")
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"{name} must be set to a finite number; got {value!r}")
        if abs(value) > MAX_WEIGHT:
            raise ValueError(f"{name} must be set to a number within ±{MAX_WEIGHT:g}; got {value:g}")
        if len(self.edits) >= MAX_EDITS:
            raise ValueError(f"a run keeps at most {MAX_EDITS} weights set by hand; press Reset to start over")
        named[name].data = float(value)
        self.edits = [*self.edits, [self.steps, name, float(value)]]  # a new list: an undo keeps the old one
        return {"parameter": name, "value": float(value), "edits": self.edits, **self.summary()}

    # --- training -----------------------------------------------------------------------------

    def target(self, label: float) -> float | int:
        """The loss's target for a row's label: -1/+1 for the ±1 losses on classes, the class's index
        for cross_entropy."""
        if not self.regression and self.config["loss"] in SIGNED_LOSSES:
            return 2.0 * label - 1.0
        if self.config["loss"] == "cross_entropy":
            return int(label)
        return label

    @property
    def multiclass(self) -> bool:
        """A logit per class (cross_entropy): the outputs are softmax's inputs."""
        return self.config["loss"] == "cross_entropy"

    def inputs(self, row: list[float]) -> list:
        """The network's inputs for a data row: x for "function", else the point's input features as
        nodes of the graph (lab.data.feature_nodes: x1*x1 and the rest, from the leaves x1 and x2)."""
        if self.curve:
            return row[:-1]
        return data.feature_nodes(self.config["features"], row)

    def input_values(self, point: list[float]) -> list[float]:
        """The network's inputs for a point, [x1, x2] (or [x]), as numbers without a graph: the same
        numbers as inputs() to the bit."""
        if self.curve:
            return point
        return data.feature_values(self.config["features"], point)

    def weights(self) -> list[Value]:
        """The weights (not the biases) of the network: what the L1 penalty is on, as Playground's."""
        return [w for layer in self.model.layers for neuron in layer.neurons for w in neuron.w]

    def penalized(self, predictions: list, targets: list) -> Value:
        """The loss a step minimizes on a batch: the run's loss, plus nn.l1_penalty when l1 > 0."""
        loss = self.loss_fn(predictions, targets)
        if self.config["l1"] > 0:
            loss = loss + nn.l1_penalty(self.weights(), self.config["l1"])
        return loss

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

    @page_call
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

    @page_call
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

    def loss(self, rows: list[list[float]], penalty: bool = True) -> Value:
        """The loss a training step minimizes on these rows: the mean of the run's loss of the
        model's output and each row's target, plus the L1 penalty when l1 > 0 (unless penalty=False;
        no L2 term: that is the optimizer's weight_decay)."""
        predictions, targets = [self.model(self.inputs(row)) for row in rows], [self.target(row[-1]) for row in rows]
        return self.penalized(predictions, targets) if penalty else self.loss_fn(predictions, targets)

    def _one_step(self) -> bool:
        """One training step (nn.train.train_step); False, with `stopped` saying why, when there is
        none to take. A step that diverges is not taken: the weights stay as they were."""
        if self.stopped:
            return False
        if not self.train_set:
            self.stopped = "there are no training points: add some by clicking on the plane"
            return False
        epoch_before, batches_before = self.epoch, list(self._epoch_batches or [])
        batch = self._next_batch()
        try:
            train_step(self.model, [self.inputs(row) for row in batch], [self.target(row[-1]) for row in batch],
                       self.penalized, self.optimizer)  # fmt: skip
        except FloatingPointError as error:
            self.stopped = divergence_sentence(self.steps, str(error), self.config["learningRate"])
            self.stopped_detail = f"Step {self.steps + 1} (epoch {epoch_before + 1}) was not taken: {error}"
            self.epoch, self._epoch_batches = epoch_before, batches_before  # the batch was not used
            return False
        self.steps += 1
        return True

    def parameter_names(self) -> list[str]:
        return [name for name, _ in self.model.named_parameters()]

    # --- reading the run ----------------------------------------------------------------------

    def neuron_outputs(self, x: list[float]) -> list[list[float]]:
        """Every neuron's output h for the network's inputs x (input_values), layer by layer, without
        building a graph: the heatmaps need thousands of these a frame. Each z is the sum autograd.linear computes,
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

    def _losses(self, rows: list[list[float]]) -> tuple[float | None, float | None, list | None]:
        """(mean loss, accuracy, each class's accuracy) over rows, without the L1 and L2 terms: nan
        when an output is not finite; accuracy None for regression (or when it cannot be told); a
        class's accuracy is the share of its points classed right (None for a class with none)."""
        if not rows:
            return None, None, None
        outputs = [self.neuron_outputs(self.input_values(row[:-1]))[-1] for row in rows]  # model(x).data, to the bit
        if not all(math.isfinite(o) for out in outputs for o in out):
            return math.nan, None, None
        with no_grad():
            if self.multiclass:
                predictions = [[Value(o) for o in out] for out in outputs]
            else:
                predictions = [Value(out[0]) for out in outputs]
            try:
                loss = self.loss_fn(predictions, [self.target(row[-1]) for row in rows]).data
            except OverflowError:
                return math.nan, None, None
        if self.regression:
            return loss, None, None
        # As nn.fit scores it; mse on the ±1 class targets is a score's sign, as hinge's (fit counts
        # no accuracy for mse, a regression loss there).
        correct = CORRECT_FOR_LOSS.get(self.loss_fn, nn.correct_sign)
        right = [correct(p, self.target(row[-1])) for p, row in zip(predictions, rows)]
        per_class = []
        for k in range(self.config["classes"]):
            marks = [r for r, row in zip(right, rows) if row[-1] == k]
            per_class.append(sum(marks) / len(marks) if marks else None)
        return loss, sum(right) / len(rows), per_class

    def summary(self) -> dict:
        train_loss, train_accuracy, train_classes = self._losses(self.train_set)
        test_loss, test_accuracy, test_classes = self._losses(self.test_set)
        return {
            "epoch": self.epoch,
            "step": self.steps,
            "trainLoss": train_loss,
            "testLoss": test_loss,
            "trainAccuracy": train_accuracy,
            "testAccuracy": test_accuracy,
            "classAccuracy": {"train": train_classes, "test": test_classes},  # class k's share classed right
            "stopped": self.stopped,
            "stoppedDetail": self.stopped_detail,
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

    @page_call
    def state(self) -> dict:
        """Everything about the run, as JSON-ready data (window.lab.state())."""
        return {
            "config": {**self.config, "hidden": list(self.config["hidden"])},
            **self.summary(),
            "data": {"train": [list(r) for r in self.train_set], "test": [list(r) for r in self.test_set]},
            "customData": self.custom_data,
            "model": self.model.state_dict(),
            "domain": self.domain,
            "edits": self.edits,  # the weights set by hand: [step, parameter, value]
            "query": self.to_query(),
        }

    @page_call
    def frame(self, resolution: int = 40) -> dict:
        """What the page draws: the summary, the loss history, the data, the weights, and every
        neuron's output over the plane (classification) or along x (regression).

        Grids are row-major, row 0 at the top of the plane (largest x2); values are the
        outputs rounded to 4 decimals (nan where not finite: null on the page). A network too
        large to compute over the whole grid quickly gets a coarser one ("resolution" says).
        """
        if isinstance(resolution, bool) or not isinstance(resolution, Integral) or not 4 <= resolution <= 200:
            raise ValueError(f"frame resolution must be a whole number from 4 to 200; got {resolution!r}")
        resolution = min(resolution, heatmap_resolution(self.config, resolution))  # a large network: coarser
        summary = self._record()
        x_low, x_high, y_low, y_high = self.domain
        if self.curve:
            points = [[x_low + (x_high - x_low) * i / (resolution - 1)] for i in range(resolution)]
        else:
            points = self._plane(resolution)
        layers = [[[] for _ in layer.neurons] for layer in self.model.layers]
        inputs = [[] for _ in range(len(self.model.layers[0].neurons[0].w))]
        for point in points:
            values = self.input_values(point)
            for grid, v in zip(inputs, values):
                grid.append(round(v, 4))
            for grids, outputs in zip(layers, self.neuron_outputs(values)):
                for grid, h in zip(grids, outputs):
                    grid.append(round(h, 4))
        return {
            **summary,
            "history": self.history,
            "resolution": resolution,
            "domain": self.domain,
            "regression": self.regression,  # a number to fit: the output's heatmap is a continuous scale
            "curve": self.curve,  # the "function" dataset: drawn along x
            "data": {"train": self.train_set, "test": self.test_set},
            "customData": self.custom_data,
            "edits": self.edits,
            "pointEdits": self.point_edits,  # the points added and removed, or None for a CSV's rows
            "inputs": inputs,  # each input feature's value over the plane (x along the x range)
            "inputNames": ["x"] if self.curve else list(self.config["features"]),
            "classes": None if self.regression else self.config["classes"],
            "classPoints": [] if self.regression else list(CLASS_POINTS[: self.config["classes"]]),  # a point, in words
            **(self.class_grids(points) if self.multiclass else {}),
            "neurons": layers,  # layers[k][j]: neuron j of layer k (the last is the output)
            "weights": [
                [{"w": [w.data for w in n.w], "b": n.b.data} for n in layer.neurons] for layer in self.model.layers
            ],  # fmt: skip
            "names": [[n.name for n in layer.neurons] for layer in self.model.layers],
            "parameters": {name: p.data for name, p in self.model.named_parameters()},
            "parameterNames": {name: notes_label(name) for name, _ in self.model.named_parameters()},
            "spoken": self.diagram_words(),
            "descriptions": self.describe(summary, layers),
            "config": self.config,
            "query": self.to_query(),
        }

    @page_call
    def feature_maps(self, resolution: int = 20) -> dict:
        """Every input feature's values over the plane (lab.data.FEATURES, used or not), on the frame's
        grid of `resolution` cells a side: the features column's heatmaps. {} for "function"."""
        if isinstance(resolution, bool) or not isinstance(resolution, Integral) or not 4 <= resolution <= 200:
            raise ValueError(f"feature_maps resolution must be a whole number from 4 to 200; got {resolution!r}")
        if self.curve:
            return {}
        points = self._plane(resolution)
        return {name: [round(feature(*point), 4) for point in points] for name, feature in data.FEATURES.items()}

    def _plane(self, resolution: int) -> list[list[float]]:
        """The centres of the plane's resolution x resolution cells, row-major, row 0 at the top."""
        x_low, x_high, y_low, y_high = self.domain
        return [
            [x_low + (x_high - x_low) * (c + 0.5) / resolution, y_high - (y_high - y_low) * (r + 0.5) / resolution]
            for r in range(resolution)
            for c in range(resolution)
        ]

    def class_grids(self, points: list[list[float]]) -> dict:
        """For a softmax output, over the plane's points: {"probabilities": [class k's grid] (softmax of
        the logits, nn.softmax's numbers rounded to 6 decimals), "predicted": [the largest's class]}."""
        probabilities = [[] for _ in range(self.config["classes"])]
        predicted = []
        with no_grad():
            for point in points:
                logits = self.neuron_outputs(self.input_values(point))[-1]
                if not all(math.isfinite(z) for z in logits):
                    predicted.append(None)
                    for grid in probabilities:
                        grid.append(math.nan)
                    continue
                p = [q.data for q in nn.softmax(logits)]
                predicted.append(max(range(len(p)), key=p.__getitem__))
                for grid, q in zip(probabilities, p):
                    grid.append(round(q, 6))
        return {"probabilities": probabilities, "predicted": predicted}

    # --- the pictures in words (for a screen reader) ------------------------------------------

    def diagram_words(self) -> dict:
        """The network diagram's names as a screen reader says them, in the notes' notation
        (the page adds each number): {"inputs": ["x sub 1", ...], "neurons": [[name]], "edges":
        [[[name of the weight from unit j into neuron i]]]} ("weight w super 2 sub 1 3, from h super
        1 sub 3 to neuron 1 of layer 2"); the output layer's neurons are ŷ."""
        layers = self.model.layers
        names = ["x1"] if self.curve else [data.FEATURE_LABELS.get(f, f) for f in self.config["features"]]
        inputs = [spoken(notes_label(name)) for name in names]

        def unit(k: int, i: int) -> str:  # the output of neuron i of layer k (0-based), as the notes write it
            if k == len(layers) - 1:
                return output_name(i if len(layers[k].neurons) > 1 else None, False)
            return "h" + layer_mark(k + 1, False) + indices([i + 1], False)

        neurons, edges = [], []
        for k, layer in enumerate(layers):
            where = "the output" if k == len(layers) - 1 else f"layer {k + 1}"
            neurons.append([f"neuron {i + 1} of {where}, {spoken(unit(k, i))}" for i in range(len(layer.neurons))])
            sources = inputs if k == 0 else [spoken(unit(k - 1, j)) for j in range(len(layers[k - 1].neurons))]
            edges.append([
                [f"weight {spoken(notes_label(f'{n.name}.w.{j}'))}, from {source} to neuron {i + 1} of {where}"
                 for j, source in enumerate(sources)]
                for i, n in enumerate(layer.neurons)
            ])  # fmt: skip
        return {"inputs": inputs, "neurons": neurons, "edges": edges}

    def describe(self, summary: dict, grids: list[list[list[float]]]) -> dict:
        """What the boundary plot, the loss curve and each neuron's heatmap show, in sentences
        (the plots' text alternative and the Describe key's words): `summary` is summary(), `grids`
        the frame's neuron outputs over the plane (or along x). {"boundary", "loss", "neurons":
        [[sentence]], "run": all of it in one}."""
        over = "the x range" if self.curve else "the plane"
        neurons = []
        for layer in grids:
            neurons.append([])
            for grid in layer:
                values = [v for v in grid if math.isfinite(v)]
                if not values:
                    neurons[-1].append("not a number anywhere: training diverged")
                    continue
                share = sum(v > 0 for v in values) / len(grid)
                neurons[-1].append(f"positive on {round(100 * share)}% of {over}, "
                                   f"from {number(min(values))} to {number(max(values))}")  # fmt: skip
        if self.regression:
            fitted = "curve" if self.curve else "surface"
            boundary = (f"The fitted {fitted}: train loss {_said(summary['trainLoss'])}, test loss "
                        f"{_said(summary['testLoss'])} (mean squared error).")  # fmt: skip
        else:
            parts = []
            for name, rows, accuracy in (("test", self.test_set, summary["testAccuracy"]),
                                         ("training", self.train_set, summary["trainAccuracy"])):  # fmt: skip
                if accuracy is None:
                    parts.append(f"no {name} accuracy" if rows else f"no {name} points")
                    continue
                wrong = len(rows) - round(accuracy * len(rows))
                parts.append(f"{name} accuracy {round(100 * accuracy)}%: {wrong} of {len(rows)} {name} points "
                             "misclassified")  # fmt: skip
            if self.multiclass:
                counts = [0] * len(grids[-1])
                for logits in zip(*grids[-1]):
                    if all(math.isfinite(z) for z in logits):
                        counts[max(range(len(logits)), key=logits.__getitem__)] += 1
                shares = ", ".join(f"class {k} ({CLASS_LOOKS[k]}) on {round(100 * c / len(grids[-1][0]))}% of the plane"
                                   for k, c in enumerate(counts))  # fmt: skip
                boundary = f"{parts[0][0].upper()}{parts[0][1:]}; {parts[1]}. The network predicts {shares}."
            else:
                output = [v for v in grids[-1][0] if math.isfinite(v)]
                blue = round(100 * sum(v > 0 for v in output) / len(grids[-1][0]))
                boundary = (f"{parts[0][0].upper()}{parts[0][1:]}; {parts[1]}. The network predicts class 1 (blue, "
                            f"squares) on {blue}% of the plane and class 0 (orange, circles) on the rest.")  # fmt: skip
        first = self.history[0] if self.history else [self.steps, summary["trainLoss"], summary["testLoss"]]
        if self.steps == first[0]:
            loss = (f"Not trained yet: train loss {_said(summary['trainLoss'])}, test loss "
                    f"{_said(summary['testLoss'])}.")  # fmt: skip
        else:
            before, now = first[1], summary["trainLoss"]
            moved = "fell" if _finite(before) and _finite(now) and now < before else "rose"
            span = f"over {self.steps} steps" if first[0] == 0 else f"from step {first[0]} to step {self.steps}"
            loss = (f"Train loss {moved} from {_said(before)} to {_said(now)} {span}; test loss "
                    f"{_said(summary['testLoss'])}.")  # fmt: skip
        run = f"Step {self.steps}, epoch {self.epoch}. {boundary} {loss}"
        return {"boundary": boundary, "loss": loss, "neurons": neurons, "run": run}

    # --- editing the data ---------------------------------------------------------------------

    @page_call
    def add_point(self, x1: float, x2: float, label: float) -> dict:
        """Add a training point (for "function": x1 is x and x2 the target, label ignored; for "plane" and
        "gaussians" label is the target)."""
        for name, v in (("x1", x1), ("x2", x2), ("label", label)):
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise ValueError(f"add_point {name} must be a finite number; got {v!r}")
            if abs(v) > data.MAX_COORDINATE:
                raise ValueError(f"add_point {name} is {v:g}, beyond ±{data.MAX_COORDINATE:g}, the plane's limit")
        if len(self.train_set) + len(self.test_set) >= data.MAX_ROWS:
            raise ValueError(f"the Lab holds at most {data.MAX_ROWS} points; remove some first")
        if self.curve:
            row = [float(x1), float(x2)]
        elif self.regression:
            row = [float(x1), float(x2), float(label)]  # the target
        else:
            if label not in range(self.config["classes"]):
                raise ValueError(f"add_point label must be {data.class_words(self.config['classes'])}; got {label!r}")
            row = [float(x1), float(x2), float(label)]
        self.train_set.append(row)
        self._data_changed(["add", float(x1), float(x2), float(label)])
        return {"train": len(self.train_set), "test": len(self.test_set)}

    @page_call
    def remove_point(self, x1: float, x2: float, within: float = 0.03) -> dict:
        """Remove the point (train or test) nearest to (x1, x2), if it is within `within`
        times the drawn width and height. Returns whether one was removed."""
        for name, v in (("x1", x1), ("x2", x2), ("within", within)):
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise ValueError(f"remove_point {name} must be a finite number; got {v!r}")
        where = data.nearest([self.train_set, self.test_set], x1, x2, self.domain, within)
        if where is not None:
            rows, i = where
            del rows[i]
            self._data_changed(["remove", float(x1), float(x2), float(within)])
        return {"removed": where is not None, "train": len(self.train_set), "test": len(self.test_set)}

    def _data_changed(self, edit: list) -> None:
        self.custom_data = True
        if self.point_edits is not None:  # a new list: an undo keeps the old one
            self.point_edits = [*self.point_edits, [self.steps, *edit]]
        self._epoch_batches = None  # the next step starts this epoch's order over, with the new data
        self.stopped = None if self.stopped and "no training points" in self.stopped else self.stopped

    @page_call
    def load_csv(self, text: str) -> dict:
        """Replace the data with CSV rows `x1,x2,label` (labels 0/1 or -1/+1; for the
        "function" dataset `x,y`), split by trainRatio. A first line that is not numbers
        is a header. A bad row refuses the whole file, naming its line."""
        X, y = data.read_csv(text, self.curve, None if self.regression else self.config["classes"])
        self.train_set, self.test_set = data.split(X, y, self.config["trainRatio"], self.config["seed"])
        self.domain = data.domain(self.train_set + self.test_set, self.curve)
        self.reset()
        self.custom_data = True
        self.point_edits = None  # a link cannot carry a CSV's rows
        return {"train": len(self.train_set), "test": len(self.test_set)}

    @page_call
    def to_csv(self) -> str:
        """The data (train, then test) as CSV with a header: what load_csv reads back."""
        return data.csv_text(self.train_set + self.test_set, self.curve, self.regression)

    # --- the URL and the controls ---------------------------------------------------------------

    @page_call
    def to_query(self) -> str:
        """The configuration as the page's URL query string (without the "?")."""
        return to_query(self.config)

    @page_call
    def link(self, panel: dict | None = None) -> dict:
        """The link of this moment of the run: the settings, the steps taken, the weights set by hand,
        the points added and removed, and the chain rule panel (`panel`: {tab, parameter, example}, or
        None), as a query string; the page opened from it trains to that step and shows that panel
        (from_link, restore). Refused, saying why, when a link cannot carry the data (a CSV's rows, or
        more points added and removed than MAX_POINT_EDITS)."""
        panel = check_panel(panel)
        if self.point_edits is None:
            raise ValueError("this run's data came from a CSV, which a link cannot carry: share the CSV (Download)")
        points = data.encode_point_edits(self.point_edits) if self.point_edits else ""
        query = f"{self.to_query()}&{moment_query(self.steps, self.edits, points, panel)}"
        return {"query": query, "length": len(query)}

    @staticmethod
    @page_call
    def from_link(query: str) -> dict:
        """What a link opens: its settings (from_query) and its moment (lab.config.moment_from_query):
        {"config", "steps", "edits", "points", "panel", "notices"}, for restore."""
        config, notices = from_query(query)
        moment = moment_from_query(query)
        return {**moment, "config": config, "notices": notices + moment["notices"]}

    @staticmethod
    @page_call
    def from_query(query: str) -> dict:
        """The configuration a URL's query describes, and notices for what was ignored."""
        config, notices = from_query(query)
        return {"config": config, "notices": notices}

    @staticmethod
    @page_call
    def choices() -> dict:
        """What the page's controls offer: the names, ranges and defaults of the settings."""
        return {
            "choices": CHOICES,
            "ranges": RANGES,
            "defaults": DEFAULTS,
            "learningRates": LEARNING_RATES,
            "l2Rates": L2_RATES,
            "l1Rates": L2_RATES,  # the same menu as L2's (Playground's)
            "features": list(data.FEATURES),
            "featureNames": data.FEATURE_NAMES,
            "manyClasses": MANY_CLASSES,
            "regression": REGRESSION,
            "maxLayers": MAX_LAYERS,
            "maxNeurons": MAX_NEURONS,
        }

    # --- the chain rule of one parameter, the console, the exercises --------------------------

    @page_call
    def explain(
        self, parameter: str, example: int = 0, view: str = "neuron", paths_only: bool = False, notation: str = "notes"
    ) -> dict:
        """The derivation of d loss / d parameter on one training example, and the next step's
        batch and update: see lab.derivation.derive. notation: how nodes are named on screen
        ("notes": w⁽¹⁾₁₁, ŷ, L; "paths": layers.0.neurons.0.w.0); `parameter` is always the dotted name."""
        from lab.derivation import derive

        return derive(self, parameter, example, view, paths_only, notation)

    @page_call
    def matrices(self, example: int = 0, batch: bool = False, view: str = "neuron") -> dict:
        """Every layer's matrices of the notes' delta recursion (nn.layer_view) on the weights as they
        are now, for one training example (the Chain rule tab's) or, batch=True, the next step's batch;
        each entry with its name, the network diagram's weight or neuron, and its node in the Chain rule
        tab's graph (`view`): see lab.derivation.matrices. Nothing is changed."""
        from lab.derivation import matrices

        return matrices(self, example, batch, view)

    @page_call
    def expression(self, text: str, values: str = "", variable: str | None = None) -> dict:
        """The Expression tab: `python -m autograd text values` in the page (its parser, its one-line
        refusals), with the graph, the forward table, the step-through records and explain for
        `variable`: see lab.expression.expression_view. The run is untouched."""
        from lab.expression import expression_view

        return expression_view(text, values, variable)

    @page_call
    def expression_link(self, fragment: str) -> dict | None:
        """The expression, values and variable of a link's fragment (#expr=...&values=...), or None."""
        from lab.expression import from_fragment

        return from_fragment(fragment)

    @page_call
    def python(self, code: str) -> dict:
        """Run a line (or lines) in the page's Python console: {"output", "more", "graphs"}."""
        return self._the_console().run(code)

    @page_call
    def console_banner(self) -> str:
        """The console's first line: which Python, and what is bound."""
        return self._the_console().banner()

    def _the_console(self):
        if self._console is None:
            from lab.console import Console

            self._console = Console(self)
        return self._console

    @page_call
    def exercise(self, level: int = 1, seed: int = 0, course: str = "", student: str = "", number: int = 1) -> dict:
        """A backprop-by-hand exercise (autograd.exercises) for the Exercise tab: its graph as DOT,
        left to right and top to bottom (no grads), the node names in backprop's order, and the forward pass.
        With a class code (`course`) and a `student` id: that student's exercise `number` of the class
        (autograd.exercises.classroom.student_exercise), the one the teacher's `grade` marks."""
        from autograd import draw_graph
        from autograd.exercises import exercise
        from autograd.exercises.classroom import student_exercise

        if not isinstance(course, str) or not isinstance(student, str):
            raise TypeError(f"the class code and the student's id are text; got {course!r} and {student!r}")
        if course.strip() or student.strip():
            made = student_exercise(course, student, number, level)
            self._student = (student.strip(), number)
        else:
            made, self._student = exercise(seed, level), None
        self._exercise = made
        drawing = self._exercise.drawing
        dots = {rankdir: draw_graph(drawing, rankdir, show_grad=False, stacked=True).source for rankdir in ("LR", "TB")}
        return {
            "level": level,
            "seed": made.seed,
            "seedText": str(made.seed),  # a class's seeds are 64-bit: more digits than a JavaScript number keeps
            "student": None if self._student is None else {"id": self._student[0], "exercise": number},
            "dot": dots["LR"],
            "dots": dots,  # both ways, for the panel to pick the one that fits
            "names": self._exercise.order(),
            "forward": self._exercise.forward_lines(),
        }

    @page_call
    def check_exercise(self, answers: dict) -> dict:
        """Mark the student's gradients with autograd.exercises.check: results, a diagnosis, and
        the message to show (the diagnosis, or how many are right)."""
        from autograd.exercises import check

        if self._exercise is None:
            raise ValueError("there is no exercise to check: make one first")
        report = check(self._exercise, answers)
        return {"results": report.results, "diagnosis": report.diagnosis, "score": list(report.score),
                "message": report.message}  # fmt: skip

    @staticmethod
    @page_call
    def class_link(course: str, level: int = 1, count: int = 1) -> str:
        """The fragment of a class's link (#class=...&level=...&count=...): the page opened from it
        shows the Exercise tab with the class code and the level filled in and exercises 1 to `count`
        to choose from, so that a student types only their id (class_from_link reads it)."""
        checked = _class_link_checked(course, level, count)
        return "#" + urlencode({"class": checked.pop("course"), **checked}, quote_via=quote)

    @staticmethod
    @page_call
    def class_from_link(fragment: str) -> dict | None:
        """The class code, level and count of a class's link ({"course", "level", "count"}), or None
        when the fragment has no class code (a training run's link, an expression's). A link whose
        level or count is wrong is refused, naming what it should be."""
        if not isinstance(fragment, str):
            raise TypeError(f"a link's fragment is text; got {type(fragment).__name__}")
        found = dict(parse_qsl(fragment.lstrip("#"), keep_blank_values=True))
        if "class" not in found:
            return None

        def whole(key: str) -> int:
            text = found.get(key, "1")
            if not text.isdigit():
                raise ValueError(f"the class link's {key} is a whole number; got {text!r}")
            return int(text)

        return _class_link_checked(found["class"], whole("level"), whole("count"))

    @page_call
    def exercise_rows(self, answers: dict) -> str:
        """The student's answers as the rows the teacher's `grade` reads (student, exercise, node,
        answer), for the Exercise tab's "Copy my answers"; only for a class's exercise."""
        from autograd.exercises import check
        from autograd.exercises.classroom import answer_rows

        if self._exercise is None or self._student is None:
            raise ValueError("copy my answers is for a class's exercise: fill in the class code and your id first")
        check(self._exercise, answers)  # the same checks of the answers as Check makes
        student, number = self._student
        return answer_rows(student, number, {name: answers[name] for name in self._exercise.order() if name in answers})

    @page_call
    def parameter_list(self) -> list[dict]:
        """Every parameter: its dotted name, its name in the notes (w⁽¹⁾₁₁) and its value (the
        derivation panel's list)."""
        return [{"name": name, "displayName": notes_label(name), "value": p.data}
                for name, p in self.model.named_parameters()]  # fmt: skip

    @page_call
    def restore(
        self,
        config: dict,
        steps: int,
        train: list | None = None,
        test: list | None = None,
        edits: list | None = None,
        points: list | None = None,
    ) -> dict:
        """The run rebuilt from its configuration, its data (the rows `train` and `test` when given; else
        the generated data with the points added and removed, `points`, as point_edits records them),
        its weights set by hand (`edits`, [step, parameter, value] each) and its step count, each edit
        applied when the run reaches its step: what the page does after it had to restart the worker,
        and what a shared link does. Runs are deterministic, so the weights are those of the run it
        rebuilds, unless its data changed while it trained."""
        if isinstance(steps, bool) or not isinstance(steps, Integral) or not 0 <= steps <= 100_000:
            raise ValueError(f"restore takes a whole number of steps from 0 to 100000; got {steps!r}")
        edits = _checked_edits(edits or [], steps)
        points = data.checked_point_edits(points or [], steps)
        new, notices = check_config(config)
        rows = None
        if train is not None or test is not None:
            rows = [data.checked_rows(part, name, new["dataset"] == "function",
                                      None if new["dataset"] in REGRESSION else new["classes"])
                    for part, name in ((train or [], "train"), (test or [], "test"))]  # fmt: skip
        self.config = new
        self._new_data()
        if rows is not None:
            self.train_set, self.test_set = rows
            self.domain = data.domain(self.train_set + self.test_set, self.curve)
            self.custom_data = True
            self.point_edits = None
        self.reset()
        # Both kinds of edit in the order of their steps (at one step they commute: data, weights).
        timeline = sorted(
            [(e[0], 0, k, e) for k, e in enumerate(points)] + [(e[0], 1, k, e) for k, e in enumerate(edits)]
        )
        for at, kind, _, edit in timeline:
            if self.steps < at:
                self.step(at - self.steps)
            if self.steps != at:  # training stopped before it
                break
            if kind == 1:
                self.set_parameter(edit[1], edit[2])
            elif edit[1] == "add":
                self.add_point(*edit[2:])
            else:
                self.remove_point(*edit[2:])
        if steps > self.steps:
            self.step(steps - self.steps)
        return {"steps": self.steps, "notices": notices, **self.summary()}

    def _as_it_was(self) -> Callable[[], None]:
        """A function that puts the run back as it is now (its settings, data, weights, grads, the
        optimizer's state, progress): what a call interrupted half way must not leave half done."""
        attributes = dict(vars(self))
        rows = (list(self.train_set), list(self.test_set))
        numbers = [(p.data, p.grad) for p in self.parameters]
        optimizer = copy.deepcopy(self.optimizer, memo={id(p): p for p in self.parameters})  # the state, not the params
        history, batches = list(self.history), list(self._epoch_batches or [])

        def undo() -> None:
            vars(self).clear()
            vars(self).update(attributes)
            self.train_set, self.test_set = rows
            for p, (value, grad) in zip(self.parameters, numbers):
                p.data, p.grad = value, grad
            self.optimizer, self.history, self._epoch_batches = optimizer, history, batches or None

        return undo

    # --- the page's one entry point -----------------------------------------------------------

    def call(self, method: str, arguments: str = "{}") -> str:
        """Run one method with JSON arguments; JSON back: {"result": ...} or {"error": message}.

        Errors come back as their message (and, for a bug, the traceback's last lines), so
        that the page can show them: the worker never dies on a bad request.
        """
        undo = None
        try:
            if method not in METHODS:
                raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
            kwargs = _arguments(method, arguments)
            undo = self._as_it_was() if method in CHANGING else None
            return replies.result(getattr(self, method)(**kwargs))
        except (ValueError, TypeError) as error:
            if undo is not None:  # a refusal half way (an edit's unknown parameter in restore): nothing changes
                undo()
            return replies.error(str(error))
        except KeyboardInterrupt:  # the page's Stop: the run is put back as it was before the call
            if undo is not None:
                undo()
            return replies.error(f"Stopped: {method} was interrupted, and the run is as it was before it")
        except Exception as error:  # a bug: say what and where, and keep the worker alive
            lines = traceback.format_exception(error)
            return replies.error(f"Python error: {type(error).__name__}: {error}", lines[-3:])
        except BaseException as error:  # SystemExit, GeneratorExit: the worker answers all the same
            return replies.error(f"{method} stopped: {type(error).__name__}: {error}")


def _checked_edits(edits: object, steps: int) -> list[list]:
    """A run's weights set by hand, as restore takes them: [step, parameter, value] each, the steps
    in order and none past the run's `steps` (the parameter and value are checked when applied)."""
    if not isinstance(edits, list) or len(edits) > MAX_EDITS:
        raise ValueError(f"edits must be a list of at most {MAX_EDITS} [step, parameter, value]; got {edits!r}")
    last = 0
    for edit in edits:
        if not isinstance(edit, list) or len(edit) != 3:
            raise ValueError(f"an edit is [step, parameter, value]; got {edit!r}")
        at, name, value = edit
        if isinstance(at, bool) or not isinstance(at, Integral) or not last <= at <= steps:
            raise ValueError(f"an edit's step must be a whole number from {last} to {steps} (in order); got {edit!r}")
        if not isinstance(name, str) or isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"an edit is [step, parameter's name, number]; got {edit!r}")
        last = at
    return edits


def _arguments(method: str, text: object) -> dict:
    """A call's arguments: JSON text of an object, {"n": 3}."""
    if not isinstance(text, str):
        raise TypeError(f"the arguments of {method} must be JSON text, got {type(text).__name__}")
    try:
        arguments = json.loads(text)
    except RecursionError:
        raise ValueError(f"the arguments of {method} are nested too deeply") from None
    except ValueError as error:
        raise ValueError(f"the arguments of {method} are not JSON: {error}") from None
    if not isinstance(arguments, dict):
        raise TypeError(f"the arguments of {method} must be a JSON object such as {{}}, got {type(arguments).__name__}")
    return arguments


# The calls that change the run: an interrupted one (the page's Stop) is undone whole.
CHANGING = (
    "configure", "reset", "step", "train_for", "add_point", "remove_point", "load_csv", "restore", "set_parameter",
)  # fmt: skip

# The methods the page may call: those marked @page_call.
METHODS = tuple(
    name for name, member in vars(Lab).items() if getattr(getattr(member, "__func__", member), "page_call", False)
)
Lab.METHODS = METHODS
