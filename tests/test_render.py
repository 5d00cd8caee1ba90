"""Drawing: the DOT picture, hostile labels, both renderers (system dot and graphviz-pure),
the missing-renderer error, and the HTML step-through page's contents."""

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value, linear, topological_order
from autograd.views.page import export_html
from autograd.views.render import FILLS, HIGHLIGHT_PARENT, draw_graph, render, renderer
from tests.graphs import classic_neuron

graphviz = pytest.importorskip("graphviz")
IN_CI = os.environ.get("CI") == "true"
GRAPHVIZ_PURE = shutil.which("graphviz-pure") or str(Path(sys.executable).parent / "graphviz-pure")


def backends():
    """The renderers to test: both must be there in CI; elsewhere, the ones installed."""
    found = []
    if shutil.which("dot"):
        found.append("dot")
    elif IN_CI:
        pytest.fail("CI must have Graphviz's dot (apt-get install graphviz)")
    if Path(GRAPHVIZ_PURE).exists():
        found.append("graphviz-pure")
    elif IN_CI:
        pytest.fail("CI must have graphviz-pure (a dependency of this package)")
    return found


def test_draw_graph_is_micrograds_picture():
    o = classic_neuron()
    o.backward()
    weights = [n for n in topological_order(o) if n.label in ("w1", "w2", "b")]
    source = draw_graph(o, params=weights).source
    assert "rankdir=LR" in source
    assert '"value-9" [label="{ o | data 0.7071 | grad 1.0000 }"' in source
    assert '"value-9-op" [label=tanh' in source and "shape=ellipse" in source
    assert '"value-9-op" -> "value-9"' in source and '"value-8" -> "value-9-op"' in source
    fills = {FILLS["output"], FILLS["parameter"], FILLS["input"], FILLS["intermediate"]}
    assert all(fill in source for fill in fills)
    assert FILLS["parameter"] not in draw_graph(o).source  # without params, every leaf is an input
    assert "grad" not in draw_graph(o, show_grad=False).source


def test_edge_labels_are_the_local_derivatives():
    o = classic_neuron()
    source = draw_graph(o, edge_labels=True).source
    assert '"value-8" -> "value-9-op" [label=0.5000' in source  # do/dn = 0.5
    assert '"value-0" -> "value-2-op" [label=-3.0000' in source  # d(x1*w1)/dx1 = w1


def test_highlight_colors_the_step_edge_and_nodes():
    o = classic_neuron()
    step = list(o.backward_steps())[8]  # x1.grad += d(x1*w1)/dx1 * ...
    source = draw_graph(o, highlight=step).source
    assert re.search(
        r'"value-0" \[label="\{ x1 \| data 2.0000 \| grad -1.5000 \}" fillcolor="' + HIGHLIGHT_PARENT, source
    )
    assert f'"value-0" -> "value-2-op" [color="{HIGHLIGHT_PARENT}" id="value-0-to-value-2-op-0" penwidth=2.5]' in source
    assert source.count(HIGHLIGHT_PARENT) == 2  # one node, one edge


def test_a_models_graph_style_boxes_its_neurons_and_layers_and_fills_its_parameters():
    model = nn.MLP(2, [2, 1], activation="tanh")
    source = draw_graph(model([1.0, -1.0]), **model.graph_style()).source
    plain = source.replace('"', "")
    assert len(re.findall(r"subgraph cluster_\d+ \{", plain)) == 2  # two layers, named by number
    assert len(re.findall(r"subgraph cluster_\d+_\d+ \{", plain)) == 3  # three neurons
    assert "label=layers.0" in plain and "label=layers.1" in plain and "label=neurons.1" in plain
    assert plain.count(f"fillcolor={FILLS['parameter']}") == model.num_parameters()
    assert "cluster" not in draw_graph(model([1.0, -1.0])).source  # render knows nothing of nn


def test_group_is_any_function_of_a_node_and_boxes_nest():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = a * b + a
    source = draw_graph(out, group=lambda node: ("outer", "inner") if node.label == "a" else ("outer",)).source
    plain = source.replace('"', "")
    assert "subgraph cluster_0 {" in plain and "subgraph cluster_0_0 {" in plain
    assert "label=outer" in plain and "label=inner" in plain
    with pytest.raises(TypeError, match="group must be a function of a node"):
        draw_graph(out, group=True)


def test_too_big_a_graph_is_refused_with_advice():
    model = nn.MLP(2, [16, 16, 1], expand=True)
    with pytest.raises(ValueError, match="more than max_nodes=500.*one example instead of a batch.*smaller model"):
        draw_graph(model([1.0, 2.0]) + model([3.0, 4.0]))


HOSTILE = ['a{b}|c<d>"e', "back\\slash", "two\nlines", '"] ; x [color=red', "<script>alert(1)</script>", "é∂ü"]


@pytest.mark.parametrize("backend", ["dot", "graphviz-pure"])
def test_hostile_labels_render_as_text_with_both_renderers(backend, tmp_path):
    if backend not in backends():
        pytest.skip(f"{backend} is not installed here")
    leaves = [Value(float(i), label=label) for i, label in enumerate(HOSTILE)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out + leaf
    out.label = "root {|}"
    source = draw_graph(out).source
    result = subprocess.run(renderer(backend) + ["-Tsvg"], input=source.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    svg = result.stdout.decode()
    assert '"red"' not in svg and "<script>" not in svg  # no injected attribute, no live markup
    texts = ["a{b}|c&lt;d&gt;&quot;e", "back\\slash", "&quot;] ; x [color=red", "&lt;script&gt;alert(1)&lt;/script&gt;"]
    for text in [*texts, "root {|}"]:
        assert text in svg, text
    assert "é∂ü" in html.unescape(svg)  # dot writes some characters as entities
    assert svg.count('class="node"') == len(HOSTILE) + 2 * (len(HOSTILE) - 1)  # leaves, + nodes and their ops


@pytest.mark.parametrize(
    "backend, suffix, magic",
    [
        ("dot", ".svg", b"<?xml"),
        ("dot", ".png", b"\x89PNG"),
        ("dot", ".pdf", b"%PDF"),
        ("graphviz-pure", ".svg", b"<?xml"),
        ("graphviz-pure", ".png", b"\x89PNG"),
    ],
)
def test_render_writes_each_format_with_each_renderer(backend, suffix, magic, tmp_path):
    if backend not in backends():
        pytest.skip(f"{backend} is not installed here")
    path = render(classic_neuron(), tmp_path / f"graph{suffix}", backend=backend)
    assert path.read_bytes().startswith(magic)
    assert os.listdir(tmp_path) == [path.name]


def test_pdf_from_graphviz_pure_asks_for_graphviz(tmp_path):
    if "graphviz-pure" not in backends():
        pytest.skip("graphviz-pure is not installed here")
    with pytest.raises(ValueError, match="graphviz-pure draws svg and png, not pdf.*install Graphviz"):
        render(classic_neuron(), tmp_path / "graph.pdf", backend="graphviz-pure")
    assert os.listdir(tmp_path) == []


def test_render_without_any_renderer_writes_the_source_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    with pytest.raises(FileNotFoundError, match=r"pip install graphviz-pure.*apt-get install graphviz.*graph.gv"):
        render(classic_neuron(), tmp_path / "graph.svg")
    assert (tmp_path / "graph.gv").read_text().startswith("digraph backprop {")
    assert not (tmp_path / "graph.svg").exists()


def test_render_rejects_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="can render svg, png, pdf; got 'jpg'"):
        render(classic_neuron(), tmp_path / "graph.jpg")


def page_views(page: str) -> list[dict]:
    """The views a page carries (the whole graph, then each example's), as Python wrote them."""
    return json.loads(re.search(r'<script type="application/json" id="views">(.*?)</script>', page, re.S)[1])


def svg_ids(page: str) -> set[str]:
    """The ids in the pictures of a page's whole graph, every layout (dot writes - as &#45;)."""
    pictures = "".join(layout["svg"] for layout in page_views(page)[0]["layouts"].values())
    return set(re.findall(r'id="([^"]*)"', html.unescape(pictures)))


def page_steps(page: str) -> list[dict]:
    """The steps of the whole graph a page carries."""
    return page_views(page)[0]["steps"]


def test_export_html_is_one_self_contained_page_and_leaves_grads_alone(tmp_path):
    o = classic_neuron()
    o.label = "<b>o</b>"
    page = export_html(o, tmp_path / "steps.html").read_text()
    layouts = page_views(page)[0]["layouts"]  # the graph drawn once each way; steps only switch highlights
    assert sorted(layouts) == ["LR", "TB"] and page.count("\\u003csvg") == 2 and "<?xml" not in page
    assert all(
        layout["svg"].startswith("<svg") and layout["width"] > 0 < layout["height"] for layout in layouts.values()
    )
    steps = page_steps(page)
    assert len(steps) == 10  # the seed, 9 edges
    assert steps[1]["sentence"] == "n.grad += dL/dn * dL/dL = (1 - 0.7071^2) * 1 = 0.5"
    assert steps[1] == {**steps[1], "parent": "value-8", "node": "value-9", "edge": "value-8-to-value-9-op-0",
                        "grad": "grad 0.5000", "rule": "d tanh(a)/da = 1 - tanh(a)^2"}  # fmt: skip
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # nothing loaded from elsewhere
    assert "@import" not in page and "url(" not in page
    assert "<b>o</b>" not in page and "&lt;b&gt;o&lt;/b&gt;" in page  # escaped in the HTML, and in the JSON
    assert all(n.grad == 0.0 for n in [o, *o.parents])


def test_every_edge_id_the_page_highlights_is_in_its_graph(tmp_path):
    model = nn.MLP(2, [3, 1], activation="tanh")
    out = model([0.5, -1.0])
    page = export_html(out, tmp_path / "mlp.html", **model.graph_style()).read_text()
    ids = svg_ids(page)
    for step in page_steps(page)[1:]:
        assert {step["node"], step["parent"], step["edge"]} <= ids, step


def test_the_page_of_an_mlp_over_ten_examples_stays_small(tmp_path):
    """An MLP(2, [4, 4, 1]) over 10 examples: 820 steps, the graph once per layout (about 0.5 s here)."""
    nn.manual_seed(0)
    model = nn.MLP(2, [4, 4, 1])
    X, y = nn.data.make_moons(10, seed=0, signed=True)
    loss = nn.hinge_loss([model(x) for x in X], y)
    path = export_html(loss, tmp_path / "mlp10.html", **model.graph_style())
    assert len(page_steps(path.read_text())) == 1 + sum(len(n.parents) for n in topological_order(loss))
    assert path.stat().st_size < 3_000_000


# --- hardening: nothing a label says becomes DOT, markup or a link ---

HOSTILE_LAYER = "<x> URL=<javascript:alert(1)> target=<_self>"


def hostile_cluster_graph() -> tuple[Value, dict]:
    """A graph, and draw_graph's arguments, whose box labels try to add a link to the SVG."""
    z = Value(1.0, label="w") * Value(2.0, label="x")
    z.label = f"{HOSTILE_LAYER}.neurons.0.z"
    h = z.tanh()
    h.label = f"{HOSTILE_LAYER}.neurons.0.h"
    return h, {"group": lambda node: (HOSTILE_LAYER, HOSTILE_LAYER + " 0") if node.op else None}


@pytest.mark.parametrize("backend", ["dot", "graphviz-pure"])
def test_a_hostile_cluster_label_renders_as_text_with_both_renderers(backend):
    if backend not in backends():
        pytest.skip(f"{backend} is not installed here")
    root, style = hostile_cluster_graph()
    source = draw_graph(root, **style).source
    assert "label=<" not in source and f'label="{HOSTILE_LAYER}"' in source  # quoted, not an HTML label
    result = subprocess.run(renderer(backend) + ["-Tsvg"], input=source.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    svg = result.stdout.decode()
    assert "href" not in svg and "<a " not in svg and "javascript:alert(1)>" not in svg
    assert html.escape(HOSTILE_LAYER, quote=False) in svg


@pytest.mark.parametrize("backend", ["dot", "graphviz-pure"])
def test_control_characters_in_labels_are_dropped_not_a_syntax_error(backend):
    if backend not in backends():
        pytest.skip(f"{backend} is not installed here")
    out = Value(1.0, label="a\x00b") + Value(2.0, label="c\x07d\re")
    out.label = "sum\x1b[31m"
    source = draw_graph(out).source
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", source)
    result = subprocess.run(renderer(backend) + ["-Tsvg"], input=source.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    svg = result.stdout.decode()
    assert ">ab<" in svg and ">cde<" in svg and ">sum[31m<" in svg


def test_export_html_refuses_a_graph_with_too_many_steps_before_rendering_anything(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(
        sys.modules["autograd.views.render"], "render_source", lambda *a, **k: rendered.append(1) or b"<svg></svg>"
    )
    x = Value(1.0, label="x")
    out = x
    for _ in range(250):
        out = out * x  # two edges a node: 501 steps
    with pytest.raises(ValueError, match="has 501 steps, more than max_steps=400"):
        export_html(out, tmp_path / "steps.html", max_steps=400)
    assert rendered == [] and os.listdir(tmp_path) == []


def test_export_html_takes_ten_thousand_steps(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules["autograd.views.render"], "render_source", lambda *a, **k: b"<svg></svg>")
    x = Value(0.5, label="x")
    z = linear([x] * 5000, [x] * 5000, Value(0.0, label="b"))  # one node, 10,001 edges
    assert len(page_steps(export_html(z, tmp_path / "big.html").read_text())) == 10_002


@pytest.mark.parametrize("bad", [2.0, None, "o", [Value(1.0)]])
def test_drawing_something_that_is_not_a_value_is_a_type_error(bad, tmp_path):
    from autograd import explain, trace_table

    for draw in (draw_graph, trace_table, lambda r: render(r, tmp_path / "g.svg"), lambda r: explain(r, Value(1.0))):
        with pytest.raises(TypeError, match=f"expected a Value to start from .*got {type(bad).__name__}"):
            draw(bad)


def test_written_files_get_the_umask_s_permissions_and_go_through_symlinks(tmp_path):
    old = os.umask(0o022)
    try:
        picture = render(classic_neuron(), tmp_path / "graph.svg")
        page = export_html(classic_neuron(), tmp_path / "steps.html")
        model = nn.MLP(2, [2, 1])
        model.save(tmp_path / "model.json")
        for path in (picture, page, tmp_path / "model.json"):
            assert os.stat(path).st_mode & 0o777 == 0o644, path

        (tmp_path / "real").mkdir()
        (tmp_path / "link.svg").symlink_to(tmp_path / "real" / "graph.svg")
        render(classic_neuron(), tmp_path / "link.svg")
        assert (tmp_path / "link.svg").is_symlink()
        assert (tmp_path / "real" / "graph.svg").read_text().lstrip().startswith("<?xml")

        os.chmod(tmp_path / "model.json", 0o600)  # a file that exists keeps its permissions
        model.save(tmp_path / "model.json")
        assert os.stat(tmp_path / "model.json").st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_draw_graph_shows_itself_in_a_notebook_without_system_graphviz(monkeypatch):
    """Jupyter calls _repr_mimebundle_; without `dot` on PATH the graph still comes as SVG (graphviz-pure)."""
    if "graphviz-pure" not in backends():
        pytest.skip("graphviz-pure is not installed here")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "dot" else real_which(name))
    graph = draw_graph(classic_neuron())
    assert isinstance(graph, graphviz.Digraph) and graph.source.startswith("digraph backprop {")
    bundle = graph._repr_mimebundle_()
    assert (
        list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"] and ">tanh<" in bundle["image/svg+xml"]
    )
    assert graph._repr_mimebundle_(include=["image/png"]) == {}
    assert graph.pipe("svg").lstrip().startswith(b"<?xml") and "<svg" in graph.pipe("svg", encoding="utf-8")


def test_a_graph_that_cannot_be_drawn_says_why_instead_of_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    bundle = draw_graph(classic_neuron())._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "pip install graphviz-pure" in bundle["text/plain"]


# --- nn graphs: the layer view, and one example of many ---


def test_the_layer_view_draws_each_layer_as_one_box_of_vectors(tmp_path):
    nn.manual_seed(0)
    model = nn.MLP(2, [4, 3, 1], activation="tanh")
    out = model([0.5, -1.0])
    out.backward()
    source = draw_graph(out, **model.graph_style("layer")).source
    assert source.count("shape=record") == 2 + 3  # x0, x1, and one box per layer
    h = [n.fire([Value(0.5), Value(-1.0)], [0.5, -1.0]).data for n in model.layers[0].neurons]
    assert "out [" + ", ".join(f"{v:.3f}" for v in h) + "]" in source
    page = export_html(out, tmp_path / "layers.html", **model.graph_style("layer")).read_text()
    ids = svg_ids(page)
    steps = page_steps(page)
    assert len(steps) == 1 + sum(len(n.parents) for n in topological_order(out))  # every step, shown on boxes
    assert all({s["node"], s["parent"]} - {""} <= ids and (not s["edge"] or s["edge"] in ids) for s in steps)
    with pytest.raises(ValueError, match="view must be 'neuron' or 'layer'"):
        model.graph_style("cell")


def test_focus_draws_one_examples_part_of_a_batch_graph(tmp_path):
    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1])
    X, y = nn.data.make_moons(4, seed=0, signed=True)
    predictions = [model(x) for x in X]
    loss = nn.hinge_loss(predictions, y)
    whole = draw_graph(loss).source
    one = draw_graph(loss, focus=predictions[1]).source
    assert whole.count(">x1<") == 0 and whole.count("{ x1 |") == 4 and one.count("{ x1 |") == 1
    with pytest.raises(ValueError, match="not a node of this graph"):
        draw_graph(loss, focus=Value(1.0))
    page = export_html(loss, tmp_path / "batch.html", examples=predictions, **model.graph_style()).read_text()
    views = page_views(page)[1:]
    assert [v["name"] for v in views] == ["example 1", "example 2", "example 3", "example 4"]
    assert all(len(v["steps"]) < len(page_steps(page)) for v in views) and 'id="example"' in page
    assert all(n.grad == 0.0 for n in topological_order(loss))  # every view leaves the grads alone


def test_a_label_with_a_lone_surrogate_or_of_16_kb_is_drawn_and_exported(tmp_path):
    """Shown with a visible mark (� for half a surrogate pair, … where a long label is cut):
    no UnicodeEncodeError writing the page, no 'dot failed' at Graphviz's 16 KB label limit."""
    x, w = Value(2.0, label="x\ud800"), Value(-3.0, label="w" * 20_000)
    out = (x * w).tanh()
    page = export_html(out, tmp_path / "steps.html").read_text()
    assert "x\ufffd" in page and "w" * 20_000 not in page and "w" * 199 + "…" in page
    for backend in backends():
        picture = render(out, tmp_path / f"{backend}.svg", backend=backend).read_text()
        assert "x\ufffd" in picture and "w" * 199 + "…" in picture


def test_a_dot_that_is_there_but_fails_gives_way_to_graphviz_pure(tmp_path, monkeypatch):
    if "graphviz-pure" not in backends():
        pytest.skip("graphviz-pure is not installed here")
    broken = tmp_path / "bin" / "dot"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'Format: \"svg\" not recognized. Use one of:' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken.parent}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("dot") == str(broken)
    path = render(classic_neuron(), tmp_path / "graph.svg")
    assert path.read_text().lstrip().startswith(("<?xml", "<svg")) and ">o<" in path.read_text()
    assert "<svg" in draw_graph(classic_neuron())._repr_mimebundle_()["image/svg+xml"]
    with pytest.raises(RuntimeError, match=r'dot failed \(1\): Format: "svg" not recognized'):
        render(classic_neuron(), tmp_path / "only-dot.svg", backend="dot")
