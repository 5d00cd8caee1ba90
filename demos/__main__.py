"""python -m demos                 list the demos
python -m demos <name> [...]      run one (the same as python -m demos.<name>)
python -m demos tour [--out DIR]  the neuron step-through and XOR, then which files to open"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

DEMOS = [
    "neuron",
    "perceptron",
    "xor",
    "activations",
    "losses",
    "gradient_descent",
    "universal_approximation",
    "backprop_by_hand",
    "forward_vs_reverse",
    "vanishing_gradients",
    "moons",
    "optimizers",
    "newton",
    "regularization",
    "multiclass",
    "custom_op",
    "to_pytorch",
    "pitfall_reuse",
    "pitfall_recursion",
    "pitfall_backward_twice",
    "pitfall_gradcheck",
]


def summary(name: str) -> str:
    """The first line of a demo's docstring."""
    return importlib.import_module(f"demos.{name}").__doc__.strip().splitlines()[0]


def tour(argv: list[str]) -> None:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else Path("out")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = []
    for name in ("neuron", "xor"):
        print(f"\n=== {name}: {summary(name)}\n")
        files += importlib.import_module(f"demos.{name}").run(out, quick=False, seed=0)["files"]
    print(f"\nThe tour took {time.perf_counter() - start:.0f} s. Open:")
    for path in files:
        print(f"  {path}")
    print(f"Step through backprop in {out / 'neuron.html'} with the arrow keys; `python -m demos` lists all demos.")


def main(argv: list[str]) -> int:
    if not argv:
        print("Demos (python -m demos.<name> [--out DIR] [--quick] [--seed N]; python -m demos tour):\n")
        for name in DEMOS:
            print(f"  {name:<24} {summary(name)}")
        return 0
    name, rest = argv[0], argv[1:]
    if name == "tour":
        tour(rest)
        return 0
    if name not in DEMOS:
        print(f"no demo {name!r}; the demos are: tour, {', '.join(DEMOS)}", file=sys.stderr)
        return 2
    from demos import common

    common.main(importlib.import_module(f"demos.{name}").run, summary(name), rest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
