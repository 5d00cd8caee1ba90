"""The Lab's configuration: the settings of a run, their ranges, their checks, and the URL.

A run is fixed by its configuration, the keys of DEFAULTS (lab.session's docstring says
how). The page's controls offer CHOICES and RANGES; `check_config` takes a change whole
or not at all; `to_query` and `from_query` are the page's URL.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import nn
from lab.data import FEATURES

DATASETS = ("xor", "circles", "moons", "spirals", "blobs", "function")
LOSSES = {
    "hinge": nn.hinge_loss,
    "logistic": nn.logistic_loss,
    "bce_with_logits": nn.bce_with_logits_loss,
    "mse": nn.mse_loss,
    "cross_entropy": nn.cross_entropy,
}
SIGNED_LOSSES = ("hinge", "logistic", "mse")  # their class targets are -1/+1
MANY_CLASSES = ("blobs", "spirals")  # the datasets that may have 3 to 5 classes
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
    "l1": 0.0,
    "batchSize": 10,
    "features": ["x1", "x2"],
    "classes": 2,
}

# (low, high) of each number; a value outside is clamped, with a notice.
RANGES = {
    "noise": (0.0, 0.5),
    "trainRatio": (0.1, 0.9),
    "samples": (10, 1000),
    "seed": (0, 2**31 - 1),
    "learningRate": (1e-6, 10.0),
    "l2": (0.0, 1.0),
    "l1": (0.0, 1.0),
    "batchSize": (1, 1000),
    "classes": (2, 5),
}
WHOLE = ("samples", "seed", "batchSize", "classes")
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
IN_PLACE = ("learningRate", "l2", "l1")  # changed without starting the run over
# A frame computes every neuron over the plane: resolution^2 points times the weights. Past this
# many multiply-adds (about a second in the browser) the heatmaps are drawn coarser instead.
FRAME_BUDGET = 1_000_000


def input_count(config: dict) -> int:
    """The network's inputs: x for the "function" dataset, else one per input feature."""
    return 1 if config["dataset"] == "function" else len(config["features"])


def output_count(config: dict) -> int:
    """The network's outputs: a logit per class for cross_entropy (softmax), else one."""
    return config["classes"] if config["loss"] == "cross_entropy" else 1


def weight_count(config: dict) -> int:
    """The weights of the configuration's network (inputs, hidden layers, outputs)."""
    sizes = [input_count(config), *config["hidden"], output_count(config)]
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def heatmap_resolution(config: dict, asked: int) -> int:
    """The heatmaps' cells per side: the resolution asked for, or fewer for a network so large that a
    frame would take seconds (at least 8)."""
    affordable = int(math.sqrt(FRAME_BUDGET / max(1, weight_count(config))))
    return max(8, min(asked, affordable))


def check_config(config: object, base: dict | None = None) -> tuple[dict, list[str]]:
    """`base` (DEFAULTS if None) updated with `config`, and notices for what was clamped.

    Raises ValueError or TypeError, naming the key, for what cannot be used (an unknown
    key or name, a number that is not one); nothing is changed then.
    """
    if not isinstance(config, dict):
        raise TypeError(f"a configuration is an object of settings, got {type(config).__name__} {config!r}")
    new = dict(base or DEFAULTS)
    new["hidden"], new["features"] = list(new["hidden"]), list(new["features"])
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
        elif key == "features":
            new[key] = _features(value)
        else:
            new[key] = _number(key, value, notices)
    if new["dataset"] == "function" and new["loss"] != "mse":
        if "loss" in config:
            raise ValueError(f"the function dataset is regression: its loss is mse, not {new['loss']}")
        notices.append(f"the function dataset is regression: the loss is mse (was {new['loss']})")
        new["loss"] = "mse"
    if new["classes"] > 2 and new["dataset"] not in MANY_CLASSES:
        if "classes" in config:
            raise ValueError(
                f"{new['dataset']} has 2 classes; {new['classes']} classes are for {' and '.join(MANY_CLASSES)}"
            )
        notices.append(f"{new['dataset']} has 2 classes (was {new['classes']})")
        new["classes"] = 2
    if new["classes"] > 2 and new["loss"] != "cross_entropy":
        if "loss" in config:
            raise ValueError(
                f"{new['classes']} classes need a softmax output: the loss is cross_entropy, not {new['loss']}"
            )
        notices.append(f"{new['classes']} classes: a softmax output and the cross_entropy loss (was {new['loss']})")
        new["loss"] = "cross_entropy"
    if "hidden" in config and heatmap_resolution(new, 40) < 40:
        count = weight_count(new)
        notices.append(
            f"a network of {count} weights: the heatmaps are drawn at {heatmap_resolution(new, 40)} cells a side "
            "(not 40) and each step takes longer; fewer neurons make it quick again"
        )
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


def _features(value: object) -> list[str]:
    """Input features: a list of FEATURES' names, at least one, each once; kept in FEATURES' order."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f'features must be a list such as ["x1", "x2"]; got {value!r}')
    unknown = [name for name in value if not isinstance(name, str) or name not in FEATURES]
    if unknown:
        raise ValueError(f"features must be among {', '.join(FEATURES)}; got {unknown[0]!r}")
    if not value:
        raise ValueError('features must name at least one input feature, such as ["x1"]')
    return [name for name in FEATURES if name in value]


def to_query(config: dict) -> str:
    """The configuration as a URL query string (without the "?")."""
    from urllib.parse import quote

    parts = []
    for key in DEFAULTS:
        value = config[key]
        if isinstance(value, list):
            text = ",".join(quote(str(v), safe="()") for v in value)
        else:
            text = f"{value:.10g}" if isinstance(value, float) else value
        parts.append(f"{key}={text}")
    return "&".join(parts)


def from_query(query: str) -> tuple[dict, list[str]]:
    """The configuration a URL's query string describes, and notices for what was ignored.

    A setting that cannot be read falls back to its default, with a notice naming it;
    keys that are not settings are ignored, with a notice.
    """
    from urllib.parse import parse_qsl

    if not isinstance(query, str):
        raise TypeError(f"from_query takes the URL's query string, got {type(query).__name__} {query!r}")
    config, notices = dict(DEFAULTS), []
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key not in DEFAULTS:
            notices.append(f"the link's {key!r} is not a setting: ignored")
            continue
        try:
            value = _parse(key, text)
            config, more = check_config({key: value}, config)
        except ValueError as error:
            notices.append(f"the link's {key}={text!r} cannot be used ({error}): using {config[key]!r}")
            continue
        notices += more
    return config, notices


def _parse(key: str, text: str) -> object:
    if key in CHOICES:
        return text
    if key == "features":
        return [name.strip() for name in text.split(",")] if text.strip() else []
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
