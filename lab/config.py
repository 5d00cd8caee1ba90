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

DATASETS = ("xor", "circles", "moons", "spirals", "blobs", "function", "plane", "gaussians")
REGRESSION = ("function", "plane", "gaussians")  # a number to fit, not a class: the loss is mse
LOSSES = {
    "hinge": nn.hinge_loss,
    "logistic": nn.logistic_loss,
    "bce_with_logits": nn.bce_with_logits_loss,
    "mse": nn.mse_loss,
    "cross_entropy": nn.losses.softmax_cross_entropy,  # nn.cross_entropy, its log-softmax one node
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
    if new["dataset"] in REGRESSION and new["loss"] != "mse":
        if "loss" in config:
            raise ValueError(f"the {new['dataset']} dataset is regression: its loss is mse, not {new['loss']}")
        notices.append(f"the {new['dataset']} dataset is regression: the loss is mse (was {new['loss']})")
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
        if key in MOMENT:  # where the run is, not how it is set: moment_from_query reads them
            continue
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


# A link's keys beyond the settings: the moment of the run it shows (Lab.link). `step` the steps
# taken, `edits` the weights set by hand, `points` the points added and removed, and the chain rule
# panel's `panel` (its tab), `parameter` and `example`.
MOMENT = ("step", "edits", "points", "panel", "parameter", "example")
PANEL_TABS = ("chain", "steps", "matrices")
MAX_STEPS = 100_000  # a link's step, as restore takes it


def moment_query(steps: int, edits: list, points: str, panel: dict | None) -> str:
    """The moment's part of a link (after the settings'): step, the edits as step:name:value (every
    digit of the value), the points already encoded (lab.data.encode_point_edits), the panel."""
    from urllib.parse import quote

    parts = [f"step={steps}"]
    if edits:
        parts.append("edits=" + ",".join(f"{at}:{name}:{value!r}" for at, name, value in edits))
    if points:
        parts.append(f"points={points}")
    if panel:
        parts += [f"panel={panel['tab']}", f"parameter={quote(panel['parameter'])}", f"example={panel['example']}"]
    return "&".join(parts)


def check_panel(panel: object) -> dict | None:
    """The chain rule panel a link opens: {tab, parameter, example}, or None (closed)."""
    if panel is None:
        return None
    if not isinstance(panel, dict) or set(panel) != {"tab", "parameter", "example"}:
        raise ValueError(f"a link's panel is {{tab, parameter, example}} or null; got {panel!r}")
    if panel["tab"] not in PANEL_TABS:
        raise ValueError(f"a link's panel tab must be one of {', '.join(PANEL_TABS)}; got {panel['tab']!r}")
    if not isinstance(panel["parameter"], str) or not panel["parameter"]:
        raise ValueError(f"a link's panel parameter is a dotted name; got {panel['parameter']!r}")
    example = panel["example"]
    if isinstance(example, bool) or not isinstance(example, Integral) or example < 0:
        raise ValueError(f"a link's panel example is a training point's index; got {example!r}")
    return {"tab": panel["tab"], "parameter": panel["parameter"], "example": int(example)}


def moment_from_query(query: str) -> dict:
    """The moment a link's query describes: {"steps", "edits", "points", "panel", "notices"}; what
    cannot be read is left out, with a notice naming it (0 steps, no edits, no points, no panel)."""
    from urllib.parse import parse_qs

    from lab.data import decode_point_edits

    if not isinstance(query, str):
        raise TypeError(f"moment_from_query takes the URL's query string, got {type(query).__name__} {query!r}")
    fields = {key: values[-1] for key, values in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    moment = {"steps": 0, "edits": [], "points": [], "panel": None, "notices": []}
    readers = {
        "step": lambda text: ("steps", _link_steps(text)),
        "edits": lambda text: ("edits", _link_edits(text)),
        "points": lambda text: ("points", decode_point_edits(text)),
    }
    for key, read in readers.items():
        if key in fields:
            try:
                name, value = read(fields[key])
                moment[name] = value
            except ValueError as error:
                moment["notices"].append(f"the link's {key} cannot be used ({error}): ignored")
    if "panel" in fields:
        try:
            example = int(fields.get("example", "0"))
            moment["panel"] = check_panel({"tab": fields["panel"], "parameter": fields.get("parameter", ""),
                                           "example": example})  # fmt: skip
        except ValueError as error:
            moment["notices"].append(f"the link's panel cannot be opened ({error})")
    late = [e for e in moment["edits"] + moment["points"] if e[0] > moment["steps"]]
    if late:
        moment["notices"].append(f"the link's edits after its step {moment['steps']} are ignored")
        moment["edits"] = [e for e in moment["edits"] if e[0] <= moment["steps"]]
        moment["points"] = [e for e in moment["points"] if e[0] <= moment["steps"]]
    return moment


def _link_steps(text: str) -> int:
    if not text.isdigit() or int(text) > MAX_STEPS:
        raise ValueError(f"expected a whole number of steps from 0 to {MAX_STEPS}")
    return int(text)


def _link_edits(text: str) -> list[list]:
    edits = []
    for part in text.split(",") if text else []:
        fields = part.split(":")
        try:
            at, name, value = int(fields[0]), fields[1], float(fields[2])
        except (ValueError, IndexError):
            raise ValueError(f"expected step:parameter:value, got {part!r}") from None
        if len(fields) != 3 or at < 0 or not math.isfinite(value):
            raise ValueError(f"expected step:parameter:value with a finite value, got {part!r}")
        edits.append([at, name, value])
    if [e[0] for e in edits] != sorted(e[0] for e in edits):
        raise ValueError("the edits' steps are not in order")
    return edits


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
