"""What the JupyterLite site's Python runs as its kernel starts (notebooks/lite.py ships it as
the module `backprop_lite_kernel`, run through PYTHONSTARTUP): graphs drawn by Graphviz in
WebAssembly.

Pyodide runs no programs, so neither `dot` nor `graphviz-pure` (a native binary) can turn
draw_graph's DOT into SVG there. @viz-js/viz, the Graphviz the Lab draws with, can: the site
serves its viz.js, this module imports it in the kernel's worker as the kernel starts, and
`autograd.views.render.render_source`, the one function every view draws through, is given
its place. The DOT, the drawing and every number still come from the engine. It also tells the
views that this is a kernel, so that the stepper and the quiz are widgets (anywidget's
JupyterLab extension is in the site), and runs the kernel inside autograd's shallow_frees().
"""

from __future__ import annotations

import js
from pyodide.ffi import can_run_sync, run_sync, to_js

# The site's root: the kernel's worker is at <root>/extensions/@jupyterlite/pyodide-kernel-extension/static/
VIZ_URL = js.location.href.split("/extensions/")[0] + "/static/viz/viz.js"

_load = js.Function.new("url", "return import(url).then(module => module.instance())")
_pending = _load(VIZ_URL)  # ready long before a first cell runs: it takes a fraction of a second
_viz: list = []
_pending.then(_viz.append)


def render_source(source: str, format: str = "svg", backend: str = "auto") -> bytes:
    """DOT source drawn as SVG by @viz-js/viz (the `backend` of render.render_source is not asked here)."""
    if format != "svg":
        raise ValueError(f"in the browser, graphs are drawn as svg only (Graphviz in WebAssembly), not {format!r}")
    if not _viz:
        if not can_run_sync():
            raise RuntimeError("Graphviz (viz.js) is still loading: run the cell again in a moment")
        _viz.append(run_sync(_pending))
    options = to_js({"format": "svg"}, dict_converter=js.Object.fromEntries)
    return str(_viz[0].renderString(source, options)).encode()


_FREES: list = []  # the shallow_frees() block the kernel runs in, entered by install() and never left


def install() -> None:
    """Draw through viz.js; and widgets here: `autograd.views.widget.in_notebook` knows Jupyter's
    kernel by the IPKernelApp in its shell's config, which this kernel, Pyodide's, does not have."""
    import autograd.engine
    import autograd.views.render
    import autograd.views.widget

    autograd.views.render.render_source = render_source
    autograd.views.widget.in_notebook = lambda: True  # the stepper and the quiz show as anywidgets
    # For the kernel's whole life: a chain of thousands of Values, freed by CPython one call inside
    # another, would overflow the browser's stack and kill the kernel (it costs ~15% of training).
    _FREES.append(autograd.engine.shallow_frees())
    _FREES[0].__enter__()
