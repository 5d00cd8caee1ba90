"""What crosses from the Lab's Python to the page: JSON text, one reply per call.

A reply is {"result": ...} or {"error": message}. JSON has no nan or inf, so every
non-finite number in a result goes to the page as null, here and nowhere else: the
methods of `lab.session.Lab` return plain floats, nan and inf included.
"""

from __future__ import annotations

import json
import math


def result(value: object) -> str:
    """{"result": value} as JSON, with nan and inf as null."""
    try:
        return json.dumps({"result": value}, allow_nan=False)
    except ValueError:  # a nan or an inf somewhere (rare: a diverged run), so look for them
        return json.dumps({"result": finite_or_null(value)}, allow_nan=False)


def error(message: str, traceback: list[str] | None = None) -> str:
    """{"error": message} as JSON, with the last lines of a traceback for a bug."""
    return json.dumps({"error": message} if traceback is None else {"error": message, "traceback": traceback})


def finite_or_null(value: object) -> object:
    """value with every float that is not finite replaced by None, through dicts, lists and tuples."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_null(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(item) for item in value]
    return value
