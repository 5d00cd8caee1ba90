"""The Lab's Python console: a REPL in the worker, with the run's model, data and optimizer bound.

Lines are pushed one at a time, as at Python's own prompt: an incomplete statement
(a `for` line, an open bracket) waits for more lines ("more" is true), a blank line ends
a block. Output is what the code prints and the value of an expression; an error shows
its last line, `NameError: name 'x' is not defined`, and the console carries on. A value
that draws itself as Graphviz (`autograd.draw_graph(o)`) comes back as DOT source, for
the page to render.
"""

from __future__ import annotations

import builtins
import code
import io
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout

import autograd
import nn
from autograd import Value
from autograd.engine import shallow_frees

BANNER = (
    "Python {version} in your browser (Pyodide). Bound: autograd, nn, Value, and the run's model, "
    "data (train and test rows), optimizer and lab."
)


class Console(code.InteractiveConsole):
    """One console: its namespace lives as long as the page."""

    def __init__(self, lab) -> None:
        super().__init__({"autograd": autograd, "nn": nn, "Value": Value, "__name__": "__console__"}, "<console>")
        self.lab = lab
        self.graphs: list[str] = []

    def banner(self) -> str:
        """The console's first line, shown when it opens."""
        return BANNER.format(version=sys.version.split()[0])

    def runcode(self, code) -> None:
        """Run one statement. Every exception is shown as its last line, exit(), quit() and
        sys.exit() too: the console is not a program to end, and the next line runs."""
        try:
            exec(code, self.locals)
        except BaseException:
            self.showtraceback()

    def showtraceback(self) -> None:  # only the last line: what went wrong, not where in the console
        kind, error, _ = sys.exc_info()
        self.write("".join(traceback.format_exception_only(kind, error)))

    def showsyntaxerror(self, filename: str | None = None, **kwargs) -> None:
        kind, error, _ = sys.exc_info()
        self.write("".join(traceback.format_exception_only(kind, error)))

    def _display(self, value: object) -> None:
        """The console's displayhook: a graph is kept for the page, anything else printed as its repr."""
        if value is None:
            return
        builtins._ = value
        source = getattr(value, "source", None)
        if isinstance(source, str) and source.lstrip().startswith(("digraph", "graph", "strict")):
            self.graphs.append(source)
            print(f"<graph: {source.count('->')} edges, drawn below>")
            return
        print(repr(value))

    def run(self, source: str) -> dict:
        """Run one line (or several, one after the other); {"output", "more", "graphs"}."""
        if not isinstance(source, str):
            raise TypeError(f"the console runs text, got {type(source).__name__}")
        lab = self.lab
        self.locals.update(model=lab.model, optimizer=lab.optimizer, lab=lab,
                           data={"train": lab.train_set, "test": lab.test_set})  # fmt: skip
        self.graphs = []
        out = io.StringIO()
        hook, sys.displayhook = sys.displayhook, self._display
        more = False
        try:
            # shallow_frees: a chain of thousands of Values a student lets go of is freed in a loop;
            # freed one call inside another, it would overflow the browser's stack and kill Pyodide.
            with redirect_stdout(out), redirect_stderr(out), shallow_frees():
                lines = source.split("\n")
                for line in lines:
                    more = self.push(line)
                if more and len(lines) > 1:  # a block pasted whole: end it
                    more = self.push("")
        finally:
            sys.displayhook = hook
        return {"output": out.getvalue(), "more": more, "graphs": self.graphs}
