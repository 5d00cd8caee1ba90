"""Notebook widgets (anywidget), and the text a view falls back to outside a notebook.

The stepper and the quiz are each one small ES module and a few synced traits. Their
classes are made on first use, once anywidget is imported (`import autograd` stays
free of it); without anywidget, or outside a kernel, the view prints its text form.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


def in_notebook() -> bool:
    """True inside a Jupyter kernel (Jupyter, VS Code, Colab): where widgets show."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and "IPKernelApp" in getattr(shell, "config", {})


def widget_class(make: Callable) -> Callable[[], type]:
    """Decorate `make(AnyWidget, traitlets) -> class`: the class is made on the first call, once
    anywidget imports (an ImportError is raised, and not cached, when it does not)."""

    @functools.cache
    def made() -> type:
        import anywidget
        import traitlets

        return make(anywidget.AnyWidget, traitlets)

    return made


def widget_or_none(widget: bool | None, cls: Callable[[], type], what: str, instead: str):
    """The widget class when a widget is wanted (widget=None: in a notebook) and anywidget is there;
    else None, after saying why when one was wanted: "(the quiz needs anywidget: ...; here is ...)"."""
    if widget is None:
        widget = in_notebook()
    if not widget:
        return None
    try:
        return cls()
    except ImportError:
        print(f"({what} needs anywidget: pip install anywidget; here is {instead})")
        return None
