"""The lecture notebooks run from top to bottom, on a kernel that has no system Graphviz, and
give again what is committed: the same text, and the same kinds of output (figures included)."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook_for_each_lecture_note():
    assert [p.name[:3] for p in NOTEBOOKS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_runs_without_an_error_and_without_dot(path, tmp_path, monkeypatch):
    from notebooks.build import execute

    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` for the kernel: graphs come from graphviz-pure
    nb = execute(nbformat.read(path, as_version=4), timeout=240)  # raises CellExecutionError on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]
    if "draw_graph" in path.read_text():
        pictures = [o for o in outputs if o.output_type == "execute_result" and "image/svg+xml" in o.data]
        assert pictures and "<svg" in pictures[0].data["image/svg+xml"]
    committed = nbformat.read(path, as_version=4)
    assert [what_it_shows(cell) for cell in nb.cells] == [what_it_shows(cell) for cell in committed.cells], (
        "the committed outputs are not those of a re-run: run `python notebooks/build.py` and commit the result"
    )


def what_it_shows(cell) -> list:
    """A cell's outputs as they can be compared between runs: streams' text (one stream's outputs in a
    row joined: the kernel splits them as its flushes fall), results' kinds and
    text/plain; a figure by its kind only (its bytes follow matplotlib's version and fonts), a
    widget by its kind only (its model id is new each run)."""
    shown = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":  # a stream's text, however the kernel split it into outputs
            if shown and shown[-1][0] == output.name:
                shown[-1] = (output.name, shown[-1][1] + output.text)
            else:
                shown.append((output.name, output.text))
        elif output.output_type in ("execute_result", "display_data"):
            kinds = sorted(output.data)
            widget = "application/vnd.jupyter.widget-view+json" in output.data
            pictured = any(kind.startswith("image/") for kind in kinds)
            shown.append((kinds, None if widget or pictured else output.data.get("text/plain")))
        else:
            shown.append((output.output_type, output.get("ename")))
    return shown


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_shows_a_figure(path):
    nb = nbformat.read(path, as_version=4)
    kinds = {kind for cell in nb.cells for o in cell.get("outputs", []) for kind in o.get("data", {})}
    assert kinds & {"image/png", "image/svg+xml"}, "a figure, as the demos draw them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_committed_with_its_outputs(path):
    from notebooks.build import NOTEBOOKS as CELLS

    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs for cell in code), "run `python notebooks/build.py` and commit the result"
    assert [cell.source for cell in nb.cells] == [text for _, text in CELLS[path.stem]], "out of date with build.py"
