"""The package as PyPI would take it: `python -m build` gives a wheel and an sdist that pass
`twine check`, with no deprecation warning on the way; the wheel holds autograd, nn and demos
(typed) and nothing else, and, installed in a fresh virtualenv, imports and runs the tour."""

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("build")
pytest.importorskip("twine")


def run(*command, cwd=ROOT, env=None, timeout=600) -> str:
    """Run a command; its stdout and stderr together (the test fails with them if it fails)."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{output}"
    return output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the wheel, the sdist, build's output): built without isolation, from this interpreter's
    setuptools, so that no network is needed."""
    out = tmp_path_factory.mktemp("dist")
    output = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT))
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist, output


def test_building_prints_no_deprecation_warning(built):
    _, _, output = built
    assert "deprecat" not in output.lower(), output


def test_twine_check_passes_on_the_wheel_and_the_sdist(built):
    wheel, sdist, _ = built
    output = run(sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist))
    assert output.count("PASSED") == 2, output


def test_the_wheel_holds_the_three_packages_typed_and_no_tests_or_site(built):
    wheel, _, _ = built
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"autograd", "nn", "demos"}
    assert "autograd/py.typed" in names and "nn/py.typed" in names
    assert "autograd/views/render.py" in names and "autograd/exercises/generate.py" in names
    assert not [name for name in names if name.startswith(("tests/", "lab/", "notebooks/"))]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Classifier: Typing :: Typed" in metadata


def test_the_wheel_in_a_fresh_virtualenv_imports_and_runs_the_tour(built, tmp_path):
    """The wheel alone (--no-deps) in a new virtualenv; its dependencies (matplotlib, numpy,
    graphviz, graphviz-pure, tqdm) are read from this one's site-packages, appended after the
    fresh one's, so that the import comes from the wheel and nothing is downloaded."""
    wheel, _, _ = built
    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    ours = Path(run(sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel))
    (site / "zz-dependencies.pth").write_text(f"{ours}\n")
    env = {**os.environ, "PYTHONPATH": "", "MPLBACKEND": "Agg"}
    where = run(str(python), "-c", "import autograd, nn, demos; print(autograd.__file__, nn.__file__)", cwd=tmp_path)
    assert all(path.startswith(str(fresh)) for path in where.split()), where
    tour = run(str(python), "-m", "demos", "tour", "--quick", "--out", str(tmp_path / "out"), cwd=tmp_path, env=env)
    assert "The tour took" in tour and (tmp_path / "out" / "neuron.html").exists()


def test_pip_install_of_the_project_prints_no_deprecation_warning(tmp_path):
    output = run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                 "--target", str(tmp_path / "target"), str(ROOT))  # fmt: skip
    assert "deprecat" not in output.lower(), output
