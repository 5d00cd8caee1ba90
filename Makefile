# Two commands on a fresh clone: `make demo` and `make test`. Each sets itself up the
# first time: a virtualenv in .venv with this package; `make demo` installs only what
# the demos need, `make test` (and lint, bench) adds the dev tools (PyTorch, Playwright).
# `make lab` serves the Lab (lab/) at http://127.0.0.1:$(PORT)/; `make lab-build` writes
# its static site to lab/dist/ (it needs npm, for Pyodide and Graphviz in WebAssembly).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: demo test lint bench bench-lab bench-slides lab lab-build notebooks notebooks-lite clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV)

demo: $(RUNTIME)
	$(BIN)/python -m demos tour

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

bench: $(DEV)
	$(BIN)/python tests/benchmarks/bench_engine.py

bench-lab: $(DEV)
	$(BIN)/python tests/benchmarks/bench_lab.py

bench-slides: $(DEV)
	$(BIN)/python tests/benchmarks/bench_slides.py

lab-build: $(RUNTIME)
	$(BIN)/python lab/build.py

lab: $(RUNTIME)
	$(BIN)/python lab/build.py --if-needed
	$(BIN)/python lab/serve.py --port $(PORT)

# JupyterLab on the lecture notebooks, at 127.0.0.1 (it prints the URL with its token)
notebooks: $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[jupyter]'
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks

# The notebooks as a static JupyterLite site in notebooks/dist/ (Pyodide from npm, as the Lab's)
notebooks-lite: $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[lite]'
	$(BIN)/python notebooks/lite.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info lab/dist lab/node_modules
