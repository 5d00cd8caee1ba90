"""Write the Lab's static site to lab/dist/: `python lab/build.py [--if-needed] [--out DIR]`.

The site is the page (lab/web/), the runtime from npm (Pyodide, and Graphviz as
@viz-js/viz), and one zip of the Python the worker imports: this project's own
`autograd`, `nn`, `lab.session` and the lab modules it imports, and the pure-Python
`graphviz` package (DOT source for draw_graph) taken from the interpreter running
this script. npm packages
are installed with `npm ci` from lab/package-lock.json when missing or stale.

The site is written to a temporary folder next to the target and then moved into
place, so a failed build leaves the previous site whole. --if-needed skips the build
when the inputs are those of the site already there (a hash of every input file).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LAB = Path(__file__).resolve().parent
ROOT = LAB.parent
WEB = LAB / "web"
NODE_MODULES = LAB / "node_modules"
if str(ROOT) not in sys.path:  # run as `python lab/build.py`: the project's packages, and lab's own
    sys.path.insert(0, str(ROOT))

# The runtime files the page loads (no others are copied: the npm packages hold more).
RUNTIME = {
    "pyodide": ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"],
    "@viz-js/viz/dist": ["viz.js"],
}
PYTHON_PACKAGES = ("autograd", "nn")
WORKER_MODULE = "lab.session"  # what the worker imports; the lab modules it needs are read off its imports
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same sources make the same zip


def npm_install() -> None:
    """`npm ci` when node_modules is missing or older than the lockfile."""
    installed = NODE_MODULES / ".package-lock.json"
    lock = LAB / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("lab/build.py needs npm to fetch Pyodide and Graphviz (Debian: apt-get install nodejs npm)")
    print("lab: npm ci (Pyodide, @viz-js/viz) ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LAB, check=True)


def graphviz_sources() -> list[tuple[Path, str]]:
    """(file, name in the zip) for the graphviz package of this interpreter."""
    try:
        import graphviz
    except ImportError:
        sys.exit("lab/build.py ships the pure-Python graphviz package: pip install graphviz (make lab-build does)")
    package = Path(graphviz.__file__).parent
    return [(path, f"graphviz/{path.relative_to(package).as_posix()}") for path in sorted(package.rglob("*.py"))]


def lab_modules(start: str = WORKER_MODULE) -> list[Path]:
    """The files of `start` and of every lab module it imports, directly or through another (at the
    top or inside a function), found by reading their imports; and lab/__init__.py. Not build.py
    or serve.py, which the worker never imports."""
    found, todo = {LAB / "__init__.py"}, [start]
    while todo:
        path = ROOT / (todo.pop().replace(".", "/") + ".py")
        if path in found or not path.exists():
            continue
        found.add(path)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names if alias.name.startswith("lab.")]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("lab."):
                    todo.append(node.module)
                elif node.module == "lab":  # from lab import data: a module of lab
                    todo += [f"lab.{alias.name}" for alias in node.names]
    return sorted(found)


def python_sources() -> list[tuple[Path, str]]:
    files = []
    for package in PYTHON_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files.append((path, path.relative_to(ROOT).as_posix()))
    files += [(path, path.relative_to(ROOT).as_posix()) for path in lab_modules()]
    return files + graphviz_sources()


def runtime_files() -> list[tuple[Path, str]]:
    files = []
    for folder, names in RUNTIME.items():
        target = "pyodide" if folder == "pyodide" else "viz"
        for name in names:
            files.append((NODE_MODULES / folder / name, f"{target}/{name}"))
    return files


def web_files() -> list[tuple[Path, str]]:
    return [(path, path.relative_to(WEB).as_posix()) for path in sorted(WEB.rglob("*")) if path.is_file()]


def shared_files() -> dict[str, str]:
    """What the Lab's panels share with autograd's step-through page (autograd/views/page.py): the
    script that shows a backward record on the graph, the one that makes the graph's nodes
    focusable, named and walked by the arrow keys, and the highlight colours."""
    from autograd.views.page import GRAPH_A11Y_JS, HIGHLIGHT_CSS, STEP_JS

    origin = "Written by lab/build.py from autograd/views/page.py: do not edit."
    return {
        "js/backprop-steps.js": f"// {origin}\n" + STEP_JS.strip() + "\nexport { backpropSteps };\n",
        "js/graph-a11y.js": f"// {origin}\n" + GRAPH_A11Y_JS.strip() + "\nexport { accessibleGraph };\n",
        "backprop-steps.css": f"/* {origin} */\n" + HIGHLIGHT_CSS.strip() + "\n",
    }


def static_host_headers() -> str:
    """dist/_headers: the cross-origin isolation headers that lab/serve.py sends, for static hosts that
    read the file (Netlify, Cloudflare Pages), so that Stop can interrupt Python there too."""
    from lab.serve import ISOLATION

    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in ISOLATION.items())


def inputs_hash(files: list[tuple[Path, str]]) -> str:
    digest = hashlib.sha256()
    for path, name in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def write_zip(path: Path, files: list[tuple[Path, str]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, name in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())


def build(out: Path, if_needed: bool = False) -> Path:
    npm_install()
    python = python_sources()
    runtime = runtime_files()
    web = web_files()
    for path, _ in runtime:
        if not path.exists():
            sys.exit(f"lab/build.py: {path} is missing; delete lab/node_modules and build again")
    stamp = inputs_hash(python + runtime + web)
    info_file = out / "build-info.json"
    if if_needed and info_file.exists():
        try:
            if json.loads(info_file.read_text())["inputs"] == stamp:
                return out
        except (ValueError, KeyError):
            pass
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=out.parent))
    try:
        for source, name in runtime + web:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for name, text in shared_files().items():  # the step-through page's own highlighting
            (staging / name).write_text(text)
        (staging / "_headers").write_text(static_host_headers())
        (staging / "py").mkdir()
        write_zip(staging / "py" / "lab-python.zip", python)
        versions = json.loads((LAB / "package.json").read_text())["dependencies"]
        info = {"inputs": stamp, "npm": versions, "python": [name for _, name in python]}
        (staging / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
        os.chmod(staging, 0o755)
        if out.exists():
            old = out.with_name(f".old-{out.name}-{os.getpid()}")
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"lab: wrote {out} ({size / 1e6:.1f} MB)", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the Lab's static site.")
    parser.add_argument("--out", type=Path, default=LAB / "dist", help="where (default lab/dist)")
    parser.add_argument("--if-needed", action="store_true", help="skip when the site there is up to date")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.if_needed)


if __name__ == "__main__":
    main()
