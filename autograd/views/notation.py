"""How the views write names and numbers: as the lecture notes do, or as module paths.

`notation="notes"` names an MLP's nodes as the notes write them (seed 002): the weight
from input j to neuron i of layer l is w⁽ˡ⁾ᵢⱼ, its bias b⁽ˡ⁾ᵢ, its pre-activation z⁽ˡ⁾ᵢ and
activation h⁽ˡ⁾ᵢ, the inputs x₁, x₂, ..., the network's output ŷ (ŷᵢ for several) and
the root L; an expression reads x₁·w₁, (ŷ - y)², tanh(z⁽¹⁾₁). `notation="notes-plain"` is
the same in plain text (W^(1)_11, x_1, y_hat), for where Unicode sub- and superscripts do
not show. `notation="paths"` (the default outside the Lab and the notebooks) keeps the
labels, such as nn's dotted module paths `layers.0.neurons.0.w.0`. Only what is shown
changes: labels, `state_dict` keys and the ids of a drawing stay as they are.
"""

from __future__ import annotations

import functools
import math
import re

NOTATIONS = ("paths", "notes", "notes-plain")
_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUP = str.maketrans("0123456789-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾")

# nn's labels: [prefix.]layers.<l>.neurons.<i>.(w.<j> | b | z | h), or a Layer's neurons.<i>...,
# or a Neuron's own w.<j>, b, z, h.
_MODULE_PATHS = (
    re.compile(r"(?:^|\.)layers\.(\d+)\.neurons\.(\d+)\.(w\.(\d+)|b|z|h)$"),
    re.compile(r"(?:^|\.)neurons\.()(\d+)\.(w\.(\d+)|b|z|h)$"),
    re.compile(r"^()()(w\.(\d+)|b|z|h)$"),
)
_INDEXED = re.compile(r"\b([A-Za-z])_?(\d+)\b")  # x1, w2, x_3: a letter and its index


def check_notation(notation: object) -> str:
    if notation not in NOTATIONS:
        raise ValueError(f"notation must be one of {', '.join(map(repr, NOTATIONS))}; got {notation!r}")
    return notation


def number(x: float) -> str:
    """A number in a sentence: 4 significant digits, and never -0: 0.7071, 1, -3.5, 1.235e+04."""
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def fixed(x: float, digits: int = 4) -> str:
    """A number in a graph's record: `digits` decimals, and 0.0000 for what rounds to zero, never -0.0000."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def exact(x: float) -> str:
    """A number as Python writes it in full (the value on hover)."""
    return repr(float(x)) if math.isfinite(x) else str(x)


def module_path(label: str) -> tuple[int | None, int | None, str, int | None] | None:
    """(layer, neuron, kind, input), 0-based, of one of nn's labels; None for any other label.
    kind is 'w', 'b', 'z' or 'h'; layer and neuron are None for a Layer's or a Neuron's own."""
    found = next((m for pattern in _MODULE_PATHS if (m := pattern.search(label))), None)
    if found is None:
        return None
    layer, neuron, kind, j = found.groups()
    as_int = lambda text: int(text) if text else None  # noqa: E731
    return as_int(layer), as_int(neuron), kind[0], as_int(j)


def indices(numbers: list[int], plain: bool) -> str:
    """Subscripts: ₁₁ (₁₀,₃ once an index has two digits), or _11 (_10,3) in plain text."""
    text = ("," if any(n > 9 for n in numbers) else "").join(str(n) for n in numbers)
    return "_" + text if plain else text.translate(_SUB)


def layer_mark(layer: int | None, plain: bool) -> str:
    if layer is None:
        return ""
    return f"^({layer})" if plain else f"({layer})".translate(_SUP)


def notes_label(label: str, plain: bool = False) -> str:
    """A label as the notes write it: layers.0.neurons.1.w.0 -> w⁽¹⁾₂₁, x1 -> x₁, o stays o."""
    parsed = module_path(label)
    if parsed is None:  # someone's own label: x1 -> x₁, x1*w1 -> x₁·w₁
        text = _INDEXED.sub(lambda m: m[1] + indices([int(m[2])], plain), label)
        return text if plain else text.replace("**", "^").replace("*", "·")
    layer, neuron, kind, j = parsed
    numbers = [n + 1 for n in (neuron, j) if n is not None]
    letter = "W" if plain and kind == "w" else kind
    mark = layer_mark(None if layer is None else layer + 1, plain)
    return letter + mark + (indices(numbers, plain) if numbers else "")


def notes_box(label: str) -> str:
    """A box of nn's graph_style as the notes count it: layers.0 -> layer 1, neurons.1 -> neuron 2."""
    found = re.fullmatch(r"(layers|neurons)\.(\d+)", label)
    return f"{found[1][:-1]} {int(found[2]) + 1}" if found else label


def output_name(k: int | None, plain: bool) -> str:
    """ŷ, or ŷₖ (1-based) when the network has several outputs; y_hat in plain text."""
    return ("y_hat" if plain else "ŷ") + ("" if k is None else indices([k + 1], plain))


def power(exponent: str, plain: bool) -> str:
    """**2 as ², **-1 as ⁻¹; other exponents (and plain text) as ^0.5."""
    if not plain and re.fullmatch(r"-?\d+", exponent):
        return exponent.translate(_SUP)
    return "^" + exponent


_SPOKEN_MARKS = {"⁽": " super ", "⁾": " ", "ŷ": "y hat", "·": " times ", "√": "square root of "}
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SPOKEN_OPERATORS = [("**", " to the power "), ("*", " times "), ("+", " plus "), (" - ", " minus "),
                     ("/", " over "), ("^", " to the power "), (")", " ")]  # fmt: skip


@functools.lru_cache(maxsize=4096)  # a graph's names come back again and again
def spoken(name: str) -> str:
    """A name or formula as a screen reader should say it: w⁽¹⁾₁₂ as "w super 1 sub 1 2", x1*w1 as
    "x1 times w1", ŷ as "y hat", (1 - 0.7071^2) as "1 minus 0.7071 to the power 2"."""
    out = []
    for k, c in enumerate(name):
        if c in _SPOKEN_MARKS:
            out.append(_SPOKEN_MARKS[c])
        elif c == "(":  # a call, tanh(n): "tanh of n"; a group, (1 - a): said without it
            out.append(" of " if k > 0 and name[k - 1].isalnum() else " ")
        elif c in "₀₁₂₃₄₅₆₇₈₉":
            first = k == 0 or name[k - 1] not in "₀₁₂₃₄₅₆₇₈₉,"
            out.append((" sub " if first else " ") + c.translate(_SUBSCRIPT_DIGITS))
        elif c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻":
            inside = k > 0 and name[k - 1] in "⁽⁰¹²³⁴⁵⁶⁷⁸⁹⁻"  # a layer's mark, w⁽¹²⁾; else a power, x²
            out.append(("" if inside else " to the power ") + c.translate(_SUPERSCRIPT_DIGITS))
        else:
            out.append(c)
    text = "".join(out)
    for symbol, words in _SPOKEN_OPERATORS:
        text = text.replace(symbol, words)
    text = text.replace("-", " minus ") if text.startswith("-") and not text[1:2].isdigit() else text
    return " ".join(text.split())
