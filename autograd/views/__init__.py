"""The views that explain the engine: each reads one `Drawing` of the graph.

    drawing.py   the Drawing: the order, names, ids and boxes of a graph, made once
    explain.py   backward step by step, every path to a node, the trace table
    render.py    the graph drawn with Graphviz (draw_graph, render)
    mathml.py    a rule in words as typeset mathematics
    page.py      the step-through page (export_html)
    stepper.py   the notebook stepper, and the text stepper
    widget.py    what the notebook widgets share
    cli.py       `python -m autograd EXPRESSION name=value ...`

Their functions are re-exported by `autograd` (autograd.draw_graph, ...); the modules
keep their own names here, so `import autograd.views.render` gives the module.
"""
