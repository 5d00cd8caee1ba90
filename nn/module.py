"""`Module`: what every model shares, with PyTorch's names.

A module's parameters are the `Value`s it holds, found by walking its attributes
in the order they were set: a Value, a list of Values, a Module or a list of
Modules. Their dotted names (`layers.0.neurons.1.w.0`) become their labels, so a
drawn graph says which weight it is.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from numbers import Real

from autograd import Value
from autograd.files import write_atomically

FORMAT = "backprop-lab model"


class _NamedOnceMade(type):
    """Makes every Module name its parameters when it is made: after the __init__ of the
    module being made has run, as PyTorch registers them on assignment. A Neuron made
    inside an MLP is named first on its own, then again by the MLP: the outermost wins."""

    def __call__(cls, *args, **kwargs):
        module = super().__call__(*args, **kwargs)
        module.name_parameters()
        return module


class Module(metaclass=_NamedOnceMade):
    """Base class of Neuron, Layer, MLP, Dropout; subclass it for models of your own:
    set Values, lists of Values and Modules as attributes in __init__, define forward."""

    training: bool = True
    name: str = ""  # the module's dotted path inside the model that holds it

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs) -> Value | list[Value]:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # --- parameters -------------------------------------------------------------------------

    def children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each submodule, in the order they were set."""
        for attr, value in vars(self).items():
            if isinstance(value, Module):
                yield attr, value
            elif isinstance(value, list) and value and all(isinstance(v, Module) for v in value):
                for i, module in enumerate(value):
                    yield f"{attr}.{i}", module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, e.g. ('layers.0.neurons.1.w.0', Value(...)).

        Each Value once, under the first name that reaches it, as in PyTorch: a Value
        kept both as an attribute and in a list is one parameter, stepped once.
        """
        seen: set[Value] = set()  # Values hash by identity
        for name, p in self._all_named_parameters(prefix):
            if p not in seen:
                seen.add(p)
                yield name, p

    def _all_named_parameters(self, prefix: str) -> Iterator[tuple[str, Value]]:
        for attr, value in vars(self).items():
            if isinstance(value, Value):
                yield prefix + attr, value
            elif isinstance(value, list) and value and all(isinstance(v, Value) for v in value):
                for i, v in enumerate(value):
                    yield f"{prefix}{attr}.{i}", v
        for name, module in self.children():
            yield from module._all_named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Value]:
        """All parameters, each once, in a fixed order: the list an optimizer takes."""
        return list(dict.fromkeys(p for _, p in self._all_named_parameters("")))  # each once, in order

    def num_parameters(self) -> int:
        return sum(1 for _ in self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (backward adds to grads; do this each step)."""
        for p in self.parameters():
            p.grad = 0.0

    def name_parameters(self) -> None:
        """Label each parameter with its dotted name and tell submodules their path.

        Runs by itself when a module is made; call it again after adding parameters
        later. The outermost call wins, so a Neuron inside an MLP ends up named
        `layers.0.neurons.1` and its first weight `layers.0.neurons.1.w.0`.
        """
        for name, p in self.named_parameters():
            p.label = name
        self._name_children(self.name)

    def _name_children(self, path: str) -> None:
        for name, module in self.children():
            module.name = f"{path}.{name}" if path else name
            module._name_children(module.name)

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted path, module) for every submodule, at any depth, parents before children."""
        for name, module in self.children():
            path = prefix + name
            yield path, module
            yield from module.named_modules(path + ".")

    def graph_style(self, view: str = "neuron") -> dict:
        """How to draw this model's graphs: `draw_graph(out, **model.graph_style())` (also for
        `render`, `export_html` and `stepper`). The "neuron" view fills the parameters as
        parameters and draws a box for each submodule, a layer's around its neurons', each
        around its z and h. The "layer" view draws each top-level submodule (each layer of
        an MLP) as one box, with the vector of its outputs' values and grads."""
        if view not in ("neuron", "layer"):
            raise ValueError(f"graph_style view must be 'neuron' or 'layer', got {view!r}")
        paths = [path for path, _ in self.named_modules()]

        def enclosing(node: Value) -> list[str]:
            # The submodules whose path starts the node's label, outermost first.
            return [path for path in paths if node.label.startswith(path + ".")]

        def group(node: Value) -> list[str] | None:
            # Each box labelled by its own step of the path: ["layers.0", "neurons.1"].
            boxes = enclosing(node)
            if not boxes:
                return None
            return [path[len(outer) + 1 :] if outer else path for outer, path in zip(["", *boxes], boxes)]

        if view == "layer":
            return {"params": self.parameters(), "collapse": lambda node: (enclosing(node) or [None])[0]}
        return {"params": self.parameters(), "group": group}

    # --- modes ------------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops); returns self."""
        self.training = mode
        for _, module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (Dropout passes everything through); returns self."""
        return self.train(False)

    # --- saving and loading -------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """{dotted name: value} for every parameter."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set every parameter from `state`; everything is checked first, so on any mismatch
        (a name, a count, a value that is not a finite float) nothing changes."""
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict() takes a dict of name -> number, got {type(state).__name__}")
        params = dict(self.named_parameters())
        for name in state:
            if not isinstance(name, str):
                raise TypeError(f"state names must be str, got {type(name).__name__} {name!r}")
        missing = [name for name in params if name not in state]
        unexpected = [name for name in state if name not in params]
        if missing or unexpected:
            raise ValueError(
                f"state does not fit this {type(self).__name__} ({len(params)} parameters, {len(state)} given): "
                f"missing {_few(missing)}, unexpected {_few(unexpected)}"
            )
        values = {name: _finite_float(state[name], name) for name in params}
        for name, p in params.items():  # everything checked: now assign
            p.data = values[name]

    def save(self, path: str | os.PathLike) -> None:
        """Write the parameters to `path` as JSON, atomically: a crash never leaves half a file.

        Floats are written by `repr`, so they load back to the same bits. A nan or
        infinite parameter is refused: it could not be loaded back as a number.
        """
        state = self.state_dict()
        for name, value in state.items():
            if not math.isfinite(value):
                raise ValueError(f"cannot save {path}: parameter {name!r} is {value} (training diverged?)")
        document = {"format": FORMAT, "model": repr(self), "parameters": state}
        write_atomically(path, json.dumps(document, indent=1, allow_nan=False).encode(), durable=True)

    def load(self, path: str | os.PathLike) -> None:
        """Read parameters saved by `save`; a file that does not fit changes nothing."""
        with open(path, "rb") as f:
            raw = f.read()
        try:
            document = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError(f"{path} is not a saved model: not UTF-8 text (a binary file?)") from None
        except RecursionError:
            raise ValueError(f"{path} is not a saved model: its JSON is nested too deeply to read") from None
        except ValueError as error:  # not JSON, or an integer of more digits than Python converts
            raise ValueError(f"{path} is not a saved model: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f'{path} is not a saved model (no \'"format": "{FORMAT}"\' in it)')
        if not isinstance(document.get("parameters"), dict):
            raise ValueError(f'{path} is not a saved model: no "parameters" object in it')
        try:
            self.load_state_dict(document["parameters"])
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path} does not fit this model: {error}") from None

    # --- printing -------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """What to print between the parentheses of this module's repr."""
        return ""

    def __repr__(self) -> str:
        children = list(self.children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, module in children:
            lines.append(f"  ({name}): " + repr(module).replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


def _finite_float(value: object, name: str) -> float:
    """A state value as a float, checked: a number (not a bool), representable, finite."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"state[{name!r}] must be a number, got {type(value).__name__} {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"state[{name!r}] is too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"state[{name!r}] must be a finite number, got {value!r}")
    return number


def _few(names: list[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(repr(n) for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
