"""Write the lecture notebooks' JupyterLite site to notebooks/dist/: `python notebooks/lite.py [--out DIR]`
(`make notebooks-lite`). Serve the folder from any static host and open it: JupyterLab in the
browser, the five notebooks in its file browser, Python from Pyodide, nothing installed.

What goes in, and from where (no file of the site comes from another host at run time):

- JupyterLab and its Pyodide kernel: jupyterlite-core and jupyterlite-pyodide-kernel 0.8.6 (PyPI,
  the `lite` extra), the kernel made for Pyodide 314; the JupyterLab extensions of this
  interpreter's environment come along: the widgets' manager and anywidget's.
- Pyodide 314 itself and @viz-js/viz: the Lab's npm packages (lab/package-lock.json, installed
  by lab/build.py's `npm_install`).
- The kernel's Python packages, all pure Python: IPython, jedi and the rest at the versions of
  Pyodide's own lockfile, comm, ipywidgets, anywidget and psygnal at this environment's versions,
  downloaded from PyPI by pip into build/notebooks-lite/ once; and the project's wheel, built here.
  They go into the site's own pyodide-lock.json, which names every wheel by a path of the
  site, and are loaded as Pyodide starts: `import autograd` needs no %pip cell.
- notebooks/lite_kernel.py, which the kernel runs as it starts: graphs drawn by viz.js.

Pyodide's numpy and matplotlib are compiled for WebAssembly and published only with Pyodide's
own distribution, neither on PyPI nor on npm: the site has neither (`NOT_IN_THE_SITE`).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as `python notebooks/lite.py`
    sys.path.insert(0, str(ROOT))

from lab.build import NODE_MODULES, RUNTIME, ZIP_TIME, inputs_hash, npm_install  # noqa: E402

CACHE = ROOT / "build" / "notebooks-lite"
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_EXTENSION = Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
# The kernel's own wheels, shipped inside its extension (ipykernel and widgetsnbextension are shims)
KERNEL_WHEELS = ("piplite", "pyodide_kernel", "ipykernel", "widgetsnbextension-4")
# From Pyodide's lockfile, with what they depend on: the kernel's, and the project's pure-Python needs
FROM_PYODIDE_LOCK = ("micropip", "packaging", "ipython", "jedi", "tqdm", "typing-extensions")
# Not in Pyodide's lockfile: the versions of this environment (the widgets' Python side matches the
# JupyterLab extensions copied from it)
FROM_THIS_ENVIRONMENT = ("comm", "ipywidgets", "anywidget", "psygnal", "graphviz", "ipython-pygments-lexers")
NOT_IN_THE_SITE = ("numpy", "matplotlib", "graphviz-pure")  # the project's dependencies the site lacks
STARTUP_MODULE = "backprop_lite_kernel"
STARTUP_FILE = "backprop_lite_startup.py"
EMSCRIPTEN = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix", "extra": ""}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def wheel_name(path: Path) -> tuple[str, str]:
    """(the canonical name, the version) from a wheel's file name."""
    name, version_text = path.name.split("-")[:2]
    return canonical(name), version_text


def pyodide_packages(lock: dict) -> dict[str, str]:
    """{name: version} of FROM_PYODIDE_LOCK and all they depend on, from Pyodide's lockfile."""
    wanted, todo = {}, list(FROM_PYODIDE_LOCK)
    while todo:
        entry = lock["packages"][canonical(todo.pop())]
        if entry["name"] not in wanted:
            wanted[entry["name"]] = entry["version"]
            todo += entry["depends"]
    return {canonical(name): v for name, v in wanted.items()}


def download(pins: dict[str, str]) -> list[Path]:
    """The pure-Python wheels of `pins` from PyPI, into CACHE/wheels (once)."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    have = {wheel_name(path): path for path in folder.glob("*.whl")}
    missing = [f"{name}=={v}" for name, v in sorted(pins.items()) if (name, v) not in have]
    if missing:
        print(f"lite: pip download {len(missing)} wheels ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--platform", "any", "--python-version", "3.14", "--dest", str(folder), *missing],
                       check=True)  # fmt: skip
        have = {wheel_name(path): path for path in folder.glob("*.whl")}
    return [have[(name, v)] for name, v in sorted(pins.items())]


def project_wheel() -> Path:
    """This project's wheel, built from the work tree (autograd, nn, demos)."""
    folder = CACHE / "project"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(folder), str(ROOT)],
                   check=True, capture_output=True)  # fmt: skip
    (wheel,) = folder.glob("*.whl")
    return wheel


def startup_wheel() -> Path:
    """A wheel of notebooks/lite_kernel.py, and the file PYTHONSTARTUP names, which runs it."""
    folder = CACHE / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{STARTUP_MODULE.replace('_', '-')}-1.0-py3-none-any.whl"
    info = f"{STARTUP_MODULE}-1.0.dist-info"
    files = {
        f"{STARTUP_MODULE}.py": (HERE / "lite_kernel.py").read_bytes(),
        STARTUP_FILE: f"import {STARTUP_MODULE}\n{STARTUP_MODULE}.install()\ndel {STARTUP_MODULE}\n".encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {STARTUP_MODULE}\nVersion: 1.0\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: lite.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"]).encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    return wheel


def requirements(wheel: Path) -> list[str]:
    """The canonical names a wheel requires in Pyodide (its markers read for emscripten)."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
    needed = []
    for line in message.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(EMSCRIPTEN):
            needed.append(canonical(requirement.name))
    return needed


def top_level(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = {name.split("/")[0] for name in archive.namelist() if not name.split("/")[0].endswith(".dist-info")}
    return sorted(name.removesuffix(".py") for name in names if name.isidentifier() or name.endswith(".py"))


def lock_of(wheels: list[Path], info: dict) -> dict:
    """A pyodide-lock.json of these wheels, each named by its file beside the lock; a requirement
    that is not among them is left out (and said)."""
    names = {wheel_name(wheel)[0] for wheel in wheels}
    packages = {}
    for wheel in wheels:
        name, version_text = wheel_name(wheel)
        needed = requirements(wheel)
        absent = sorted(set(needed) - names - {"jupyterlab-widgets"})  # the widgets' JupyterLab side is in the site
        if absent:
            print(f"lite: {name} without {', '.join(absent)} (not in the site)", flush=True)
        packages[name] = {
            "name": name,
            "version": version_text,
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "package_type": "package",
            "imports": top_level(wheel),
            "depends": sorted(set(needed) & names),
            "unvendored_tests": False,
        }
    return {"info": info, "packages": dict(sorted(packages.items()))}


def kernel_wheels() -> list[Path]:
    wheels = sorted((KERNEL_EXTENSION / "static" / "pypi").glob("*.whl"))
    return [next(w for w in wheels if w.name.startswith(f"{prefix}-") or w.name.startswith(prefix)) for prefix in
            KERNEL_WHEELS]  # fmt: skip


def joined(notebook: Path) -> str:
    """The notebook with every multiline text of its cells and outputs as one string (nbformat allows
    both): JupyterLite shows an output's list of lines joined by commas."""
    nb = json.loads(notebook.read_text())

    def join(value):
        return "".join(value) if isinstance(value, list) else value

    for cell in nb["cells"]:
        cell["source"] = join(cell["source"])
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = join(output["text"])
            if "data" in output:  # JSON kinds are data, not lines
                output["data"] = {k: v if k.endswith("json") else join(v) for k, v in output["data"].items()}
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def site_config(packages: list[str], site_packages: str) -> dict:
    """jupyter-lite.json: the kernel loads every package of the site's lock as Pyodide starts, never
    asks PyPI, and runs the startup file."""
    kernel = {
        "disablePyPIFallback": True,
        "loadPyodideOptions": {"packages": packages, "env": {"PYTHONSTARTUP": f"{site_packages}/{STARTUP_FILE}"}},
    }
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"appName": "backprop-lab notebooks", "litePluginSettings": {KERNEL_PLUGIN: kernel}},
    }


def inputs() -> list[tuple[Path, str]]:
    """The files the site is made from, for the --if-needed stamp."""
    sources = [path for package in ("autograd", "nn", "demos") for path in sorted((ROOT / package).rglob("*.py"))]
    sources += [HERE / "lite.py", HERE / "lite_kernel.py", ROOT / "pyproject.toml", ROOT / "lab" / "package-lock.json"]
    return [(path, path.relative_to(ROOT).as_posix()) for path in sources + NOTEBOOKS]


def build(out: Path, if_needed: bool = False) -> Path:
    stamp = inputs_hash(inputs())
    info_file = out / "build-info.json"
    if if_needed and info_file.exists() and json.loads(info_file.read_text()).get("inputs") == stamp:
        return out
    npm_install()
    pyodide = NODE_MODULES / "pyodide"
    pyodide_lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    pins = pyodide_packages(pyodide_lock) | {canonical(name): version(name) for name in FROM_THIS_ENVIRONMENT}
    wheels = download(pins) + kernel_wheels() + [project_wheel(), startup_wheel()]
    lock = lock_of(wheels, pyodide_lock["info"])
    site_packages = f"/lib/python{pyodide_lock['info']['python'].rsplit('.', 1)[0]}/site-packages"

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".lite-", dir=out.parent))
    try:
        lite_dir, staging = work / "lite", work / "site"
        static = lite_dir / "static" / "pyodide"  # where the kernel's addon looks for a Pyodide of the site's own
        static.mkdir(parents=True)
        for name in RUNTIME["pyodide"]:
            if name != "pyodide-lock.json":
                shutil.copyfile(pyodide / name, static / name)
        for wheel in wheels:
            shutil.copyfile(wheel, static / wheel.name)
        (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")
        config = site_config(sorted(lock["packages"]), site_packages)
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=1) + "\n")
        (work / "contents").mkdir()
        for path in NOTEBOOKS:
            (work / "contents" / path.name).write_text(joined(path))
        contents = [arg for path in NOTEBOOKS for arg in ("--contents", str(work / "contents" / path.name))]
        print("lite: jupyter lite build ...", flush=True)
        subprocess.run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
                        "--output-dir", str(staging), "--no-sourcemaps", *contents],
                       check=True, cwd=work, capture_output=not os.environ.get("LITE_VERBOSE"))  # fmt: skip
        viz = staging / "static" / "viz"
        viz.mkdir(parents=True)
        shutil.copyfile(NODE_MODULES / "@viz-js/viz/dist/viz.js", viz / "viz.js")
        build_info = {"inputs": stamp, "wheels": sorted(w.name for w in wheels), "not_in_the_site": NOT_IN_THE_SITE}
        (staging / "build-info.json").write_text(json.dumps(build_info, indent=1) + "\n")
        os.chmod(staging, 0o755)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"lite: wrote {out} ({size / 1e6:.1f} MB); not in it: {', '.join(NOT_IN_THE_SITE)}", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the lecture notebooks' JupyterLite site.")
    parser.add_argument("--out", type=Path, default=HERE / "dist", help="where (default notebooks/dist)")
    parser.add_argument("--if-needed", action="store_true", help="skip when the site there is up to date")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.if_needed)


if __name__ == "__main__":
    main()
