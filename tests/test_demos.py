"""The demos run and write the files they promise."""

from demos import neuron


def test_neuron_demo_prints_the_steps_and_writes_graph_and_page(tmp_path, capsys):
    neuron.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "n.grad += do/dn * dL/do = (1 - 0.7071^2) * 1.0000 = 0.5000" in out
    assert (tmp_path / "neuron.svg").read_text().lstrip().startswith("<?xml")
    page = (tmp_path / "neuron.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 11
