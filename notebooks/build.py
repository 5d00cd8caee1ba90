"""Write the lecture notebooks from the cells below and run them, so they are committed with outputs.

    .venv/bin/python notebooks/build.py          # rewrite and execute all five
    .venv/bin/python notebooks/build.py 003      # only those whose name starts with 003

One notebook per lecture note, in the note's order: short prose, and the engine
doing the maths. The notebooks are the files a student opens; this script is how
they are kept in step with the library (the tests run each notebook again).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent

# name: [("md" | "code", text), ...]
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "000_perceptron": [
        (
            "md",
            """# 000 · The perceptron

The perceptron computes $y = \\operatorname{sign}(\\mathbf{w}^\\top\\mathbf{x} + b)$, with $\\operatorname{sign}(z) = 1$
for $z \\ge 0$ and $-1$ otherwise. On a mistake on $(\\mathbf{x}, t)$, $t \\in \\{-1, 1\\}$, it learns by
$\\mathbf{w} \\leftarrow \\mathbf{w} + \\eta\\, t\\, \\mathbf{x}$, $b \\leftarrow b + \\eta\\, t$.""",
        ),
        (
            "code",
            """import nn
from autograd import Value

w1, w2, b = Value(1.0, label="w1"), Value(-1.0, label="w2"), Value(0.5, label="b")
x1, x2 = 0.0, 1.0
z = w1 * x1 + w2 * x2 + b
print("z =", z.data, " y = sign(z) =", z.sign().data)""",
        ),
        (
            "md",
            """## The learning rule on AND

`nn.Perceptron` applies the rule example by example; `fit` returns the mistakes of each epoch.""",
        ),
        (
            "code",
            """X, T = nn.data.and_gate(signed=True)
p = nn.Perceptron(2)
mistakes = p.fit(X, T, lr=1.0, epochs=20)
print("mistakes per epoch:", mistakes)
print("w =", [w.data for w in p.w], " b =", p.b.data)
print("predictions:", [p(x).data for x in X], " targets:", T)""",
        ),
        (
            "md",
            """## XOR is not linearly separable

The rule converges whenever the data are linearly separable. On XOR it never does: no line
puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other.""",
        ),
        (
            "code",
            """X, T = nn.data.xor(signed=True)
p = nn.Perceptron(2)
mistakes = p.fit(X, T, lr=1.0, epochs=50)
print("mistakes in the last 10 epochs:", mistakes[-10:])""",
        ),
        (
            "md",
            """The decision line $w_1 x_1 + w_2 x_2 + b = 0$ after each epoch (later epochs darker): on AND it
settles after a few epochs; on XOR it keeps jumping, and some point is always on the wrong side.""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt


def lines_per_epoch(X, T, epochs):
    \"\"\"(w1, w2, b) after each epoch, until one with no mistake.\"\"\"
    p, lines = nn.Perceptron(2), []
    for _ in range(epochs):
        mistakes = p.fit(X, T, lr=1.0, epochs=1)
        lines.append((p.w[0].data, p.w[1].data, p.b.data))
        if mistakes[-1] == 0:
            break
    return lines


figure, axes = plt.subplots(1, 2, figsize=(8, 3.6))
for ax, (name, (X, T)) in zip(axes, [("AND", nn.data.and_gate(signed=True)), ("XOR", nn.data.xor(signed=True))]):
    lines = lines_per_epoch(X, T, epochs=12)
    for k, (w1, w2, b) in enumerate(lines):
        shade = {"color": "k", "alpha": 0.15 + 0.85 * (k + 1) / len(lines)}
        if w2 != 0:
            ax.plot([-0.5, 1.5], [-(w1 * -0.5 + b) / w2, -(w1 * 1.5 + b) / w2], **shade)
        elif w1 != 0:
            ax.axvline(-b / w1, **shade)
    ax.scatter([x[0] for x in X], [x[1] for x in X], c=T, cmap="RdBu", edgecolors="k", s=60, zorder=3)
    verdict = "converged" if len(lines) < 12 else "no convergence"
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="x1", ylabel="x2")
    ax.set_title(f"{name}: {len(lines)} epochs, {verdict}")
plt.show()""",
        ),
        (
            "md",
            """**Exercise.** Why can no $(w_1, w_2, b)$ classify XOR? Write the four inequalities:
$b < 0$, $w_2 + b \\ge 0$, $w_1 + b \\ge 0$, $w_1 + w_2 + b < 0$. Adding the middle two gives
$w_1 + w_2 + 2b \\ge 0$, so $w_1 + w_2 + b \\ge -b > 0$: a contradiction with the last.""",
        ),
    ],
    "001_mlp_forward_pass": [
        (
            "md",
            """# 001 · The MLP and its forward pass

Layer by layer: $\\mathbf{a}^{(\\ell)} = \\mathbf{W}^{(\\ell)}\\mathbf{h}^{(\\ell-1)} + \\mathbf{b}^{(\\ell)}$,
$\\mathbf{h}^{(\\ell)} = \\phi^{(\\ell)}(\\mathbf{a}^{(\\ell)})$, $\\hat{\\mathbf{y}} = \\mathbf{h}^{(L)}$.
In `nn`, each neuron is two nodes: its pre-activation `z` (one `linear` node) and its activation `h`.""",
        ),
        (
            "code",
            """import numpy as np

import autograd
import nn

nn.manual_seed(0)
model = nn.MLP(2, [3, 1], activation="tanh")
x = [0.5, -1.0]
y_hat = model(x)
print(model)
print("y_hat =", y_hat.data)""",
        ),
        ("md", """The notes' forward pass with matrices (listing 1), on the same weights, gives the same number:"""),
        (
            "code",
            """def forward_pass(weights, biases, activations, x):
    h = np.array(x)
    for W, b, act in zip(weights, biases, activations):
        a = W @ h + b
        h = act(a)
    return h


weights = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in model.layers]
biases = [np.array([n.b.data for n in layer.neurons]) for layer in model.layers]
print(forward_pass(weights, biases, [np.tanh, lambda a: a], x), "==", y_hat.data)""",
        ),
        (
            "md",
            """The forward pass at every point of the plane (no graph recorded: `no_grad`), and the point $x$
above as a star: three tanh units make three soft ridges, and the output layer adds them up.""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt

from autograd import no_grad

grid = [-3 + 6 * i / 60 for i in range(61)]
with no_grad():
    output = [[model([x1, x2]).data for x1 in grid] for x2 in grid]
figure, ax = plt.subplots(figsize=(5, 4))
shading = ax.contourf(grid, grid, output, levels=20, cmap="RdBu")
figure.colorbar(shading, ax=ax, label="y_hat")
ax.plot(*x, "k*", ms=12)
ax.set(xlabel="x1", ylabel="x2", title="MLP(2, [3, 1]): y_hat over the plane")
plt.show()""",
        ),
        (
            "md",
            """The forward pass is a graph; the notebook draws it (with `dot` if it is installed, else
with the `graphviz-pure` package), one box per neuron and per layer, its nodes named as the
notes write them (`notation="paths"` gives nn's module paths, which show on hover):""",
        ),
        ("code", """autograd.draw_graph(y_hat, notation="notes", stacked=True, **model.graph_style())"""),
        (
            "md",
            """Step through backward on it, one edge at a time: Prev, Next, Play, the slider or the arrow
keys, Fit, and a switch of names (a widget; outside a notebook, `stepper` prints the steps
instead).""",
        ),
        ("code", """autograd.stepper(y_hat, **model.graph_style())"""),
    ],
    "002_activations_universal_approximation": [
        (
            "md",
            """# 002 · Activations and universal approximation

Each activation's derivative comes from `backward()` on a one-node graph; it equals the
notes' formulas, e.g. $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$, which is at most $0.25$.""",
        ),
        (
            "code",
            """import math

from autograd import Value

for name, formula in [("sigmoid", lambda s, z: s * (1 - s)), ("tanh", lambda t, z: 1 - t * t),
                      ("relu", lambda r, z: 1.0 if z > 0 else 0.0)]:
    for z in (-2.0, 0.5, 3.0):
        v = Value(z)
        out = getattr(v, name)()
        out.backward()
        print(f"{name:>8}'({z:+.1f}) = {v.grad:.6f}   formula {formula(out.data, z):.6f}")""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt

from demos.common import values_and_derivatives

zs = [-4 + 8 * i / 200 for i in range(201)]
figure, axes = plt.subplots(1, 4, figsize=(13, 3))
for ax, name in zip(axes, ["sigmoid", "tanh", "relu", "gelu"]):
    values, derivatives = values_and_derivatives(lambda v: getattr(v, name)(), zs)  # derivatives by backward()
    ax.plot(zs, values, label=name)
    ax.plot(zs, derivatives, "--", label=f"{name}'")
    ax.set(xlabel="z", title=name)
    ax.legend(fontsize=8)
plt.show()""",
        ),
        (
            "md",
            """## A bump from two neurons

$\\sigma(k(x - s)) - \\sigma(k(x - t))$ is close to 1 on $(s, t)$ and to 0 elsewhere when $k$ is large:
sums of such bumps approximate any continuous function on an interval.""",
        ),
        (
            "code",
            """def bump(x, s, t, k=50.0):
    x = Value(x)
    return ((x - s) * k).sigmoid() - ((x - t) * k).sigmoid()


print([round(bump(x, 0.3, 0.6).data, 3) for x in (0.1, 0.35, 0.45, 0.55, 0.8)])""",
        ),
        (
            "md",
            """## A staircase of $n$ steps

Approximating $f(x) = \\sin(2\\pi x)$ on $[0, 1]$ by $n$ Heaviside steps, one per interval of width $1/n$:
the error falls like $1/n$.""",
        ),
        (
            "code",
            """def staircase(f, n):
    centers = [(j + 0.5) / n for j in range(n)]
    heights = [f(centers[0])] + [f(centers[j]) - f(centers[j - 1]) for j in range(1, n)]
    return lambda x: sum(h * Value(x - j / n).heaviside().data for j, h in enumerate(heights) if j) + heights[0]


f = lambda x: math.sin(2 * math.pi * x)
for n in (4, 16, 64):
    approx = staircase(f, n)
    print(n, max(abs(approx(i / 999) - f(i / 999)) for i in range(1000)))""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt

xs = [i / 999 for i in range(1000)]
figure, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(xs, [f(x) for x in xs], "k", lw=2, label="sin(2 pi x)")
for n in (4, 16):
    approx = staircase(f, n)
    ax.plot(xs, [approx(x) for x in xs], label=f"{n} Heaviside units")
ax.set(xlabel="x", title="A staircase of n steps")
ax.legend(fontsize=8)
plt.show()""",
        ),
        (
            "md",
            """Trained instead of built: one tanh layer of $n$ units fitted to the same function by Adam on 40
points for 800 epochs (`demos.universal_approximation.fit`). More units, smaller error.""",
        ),
        (
            "code",
            """from autograd import no_grad
from demos.universal_approximation import fit

figure, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(xs, [f(x) for x in xs], "k", lw=2, label="sin(2 pi x)")
for n in (1, 2, 4, 8):
    model, error = fit(f, n, steps=800, seed=0)
    with no_grad():
        ax.plot(xs[::10], [model([x]).data for x in xs[::10]], label=f"{n} tanh units, max error {error:.2f}")
ax.set(xlabel="x", title="Fitted tanh layers")
ax.legend(fontsize=8)
plt.show()""",
        ),
        (
            "md",
            """**Exercise.** How many parameters does a single hidden layer of $n$ neurons on $d$ inputs
have? Each neuron has $d$ weights, a bias and an output coefficient: $(d + 2)n$, plus the output's bias.""",
        ),
        (
            "code",
            """import nn

for n in (1, 4, 16):
    print(n, nn.MLP(1, [n, 1]).num_parameters(), "= (1 + 2) *", n, "+ 1")""",
        ),
    ],
    "003_losses_gradient_descent_backprop_newton": [
        (
            "md",
            """# 003 · Losses, gradient descent, backpropagation, Newton

A loss measures how wrong a prediction is; learning is gradient descent on it,
$\\boldsymbol\\theta \\leftarrow \\boldsymbol\\theta - \\alpha \\nabla L(\\boldsymbol\\theta)$.""",
        ),
        (
            "code",
            """import nn
from autograd import Value

p = Value(0.8, label="p")
for name, loss in [("mse", nn.mse_loss(p, 1.0)), ("bce", nn.bce_loss(p, 1.0))]:
    p.grad = 0.0
    loss.backward()
    print(f"{name}: L = {loss.data:.4f}, dL/dp = {p.grad:.4f}")""",
        ),
        (
            "md",
            """## The learning rate

On $L(x, y) = x^2 + y^2$ from $(2, 1.5)$: too small crawls, too large diverges.""",
        ),
        (
            "code",
            """for lr in (0.02, 0.3, 1.05):
    x, y = Value(2.0), Value(1.5)
    for _ in range(20):
        x.grad = y.grad = 0.0
        (x * x + y * y).backward()
        x.data -= lr * x.grad
        y.data -= lr * y.grad
    print(f"lr {lr}: L after 20 steps = {x.data ** 2 + y.data ** 2:.3g}")""",
        ),
        (
            "md",
            """The same three runs on the loss landscape (`demos.gradient_descent.descend` records each step):""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt

from demos.gradient_descent import descend

grid = [-3 + 6 * i / 80 for i in range(81)]
landscape = [[a * a + b * b for a in grid] for b in grid]
figure, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, lr in zip(axes, (0.02, 0.3, 1.05)):
    path = descend(lr, steps=12)
    ax.contour(grid, grid, landscape, levels=12, cmap="viridis")
    ax.plot([p[0] for p in path], [p[1] for p in path], "o-", color="crimson", ms=3)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="x", ylabel="y", title=f"lr {lr}", aspect="equal")
plt.show()""",
        ),
        (
            "md",
            """## Backpropagation is the delta recursion

$\\boldsymbol\\delta^{(L)} = (\\hat{\\mathbf{y}} - \\mathbf{y}) \\odot f'(\\mathbf{z}^{(L)})$ and
$\\boldsymbol\\delta^{(j-1)} = (\\mathbf{W}^{(j-1,j)\\top}\\boldsymbol\\delta^{(j)}) \\odot f'(\\mathbf{z}^{(j-1)})$.
The transpose sends each error back along the weights it came through. The engine's
gradients at the `z` nodes are these deltas:""",
        ),
        (
            "code",
            """import numpy as np

from autograd import topological_order

nn.manual_seed(5)
model = nn.MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid")
x, t = [0.5, -1.0, 2.0], 1.0
loss = 0.5 * (model(x) - t) ** 2
loss.backward()
z = {n.label: n for n in topological_order(loss)}
W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])
W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])
b1 = np.array([n.b.data for n in model.layers[0].neurons])
b2 = np.array([n.b.data for n in model.layers[1].neurons])
sig = lambda a: 1 / (1 + np.exp(-a))
a1 = sig(W1 @ x + b1)
a2 = sig(W2 @ a1 + b2)
delta2 = (a2 - t) * a2 * (1 - a2)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
print("delta2", delta2, " engine", z["layers.1.neurons.0.z"].grad)
print("delta1", delta1, " engine", [z[f"layers.0.neurons.{i}.z"].grad for i in range(2)])""",
        ),
        (
            "md",
            """## From the graph to the matrices: `nn.layer_view`

The same recursion, read from the scalar graph and printed the way the notes write it
(seed 002): $\\boldsymbol\\delta^{(L)} = \\varphi'(\\mathbf z^{(L)}) \\odot \\nabla_{\\hat y}\\ell$,
$\\boldsymbol\\delta^{(l)} = \\varphi'(\\mathbf z^{(l)}) \\odot (W^{(l+1)\\top}\\boldsymbol\\delta^{(l+1)})$,
$\\partial L/\\partial W^{(l)} = \\boldsymbol\\delta^{(l)}\\mathbf h^{(l-1)\\top}$, with the shape of every product
(seed 004: $W^{(l)} \\in \\mathbb R^{n_l \\times n_{l-1}}$). Each entry is a node's grad: $\\delta^{(l)}_i$ is the
grad of the node $z^{(l)}_i$, and numpy's matrix products agree with it to 1e-12.""",
        ),
        (
            "code",
            """import autograd

view = nn.layer_view(loss, model, x)
print(view)""",
        ),
        (
            "md",
            """One entry, three ways: a weight's grad on the graph, an entry of
$\\delta^{(1)}\\mathbf h^{(0)\\top}$, and the backward step that put it there.""",
        ),
        (
            "code",
            """w = model.layers[0].neurons[1].w[2]
(step,) = view.steps(1, "dW", 1, 2)
print("the graph:  ", w.grad)
print("the matrix: ", view.layers[0].delta[1] * x[2], "= delta1[1] * x[2]")
print("backward:   ", step)""",
        ),
        (
            "md",
            """Over a batch, each example's $\\boldsymbol\\delta$ is a column of $\\Delta^{(l)}$ and
$\\partial L/\\partial W^{(l)} = \\frac1N \\Delta^{(l)} H^{(l-1)\\top}$ (seed 001's mean of outer products).
`autograd.stepper(loss, layers=view)` steps through backprop an equation at a time, each with
its scalar steps highlighted together on the graph.""",
        ),
        (
            "code",
            """X = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [0.2, 0.3, 0.1]]
model.zero_grad()
batch_loss = nn.mse_loss([model(xk) for xk in X], [1.0, 0.0, 1.0])
batch_loss.backward()
batch = nn.layer_view(batch_loss, model, X)
print("Delta1 (a column per example):", batch.layers[0].delta)
print("dL/dW1 = (1/N) Delta1 X^T:", batch.layers[0].dW)
autograd.stepper(batch_loss, layers=batch, **model.graph_style())""",
        ),
        (
            "md",
            """## Why reverse mode (seed 004: computational efficiency)

Forward mode (`autograd.jvp`) carries one direction through the graph: one pass gives the
derivative along one input direction. The gradient of a loss over $P$ parameters needs $P$
such passes; backprop gets all of it in one pass back. `python -m demos.forward_vs_reverse`
times both against $P$.""",
        ),
        (
            "code",
            """f = lambda v: (v[0] * v[1] + v[2]).tanh()
point = [0.5, -1.0, 2.0]
value, along_x0 = autograd.jvp(f, point, [1.0, 0.0, 0.0])
leaves = [autograd.Value(a) for a in point]
print("forward mode along x0:", along_x0, "  backward's dL/dx0:", autograd.grad(f(leaves), leaves)[0])
for step in autograd.jvp_steps(f, point, [1.0, 0.0, 0.0]):
    print(step)""",
        ),
        (
            "md",
            """**Exercise (forward pass, then backward).** For a two-layer network, the forward pass
computes each node from its inputs; the backward pass sends dL/d node back along each edge,
multiplied by the edge's local derivative. The engine prints every step:""",
        ),
        (
            "code",
            """w, b = Value(0.7, label="w"), Value(-0.2, label="b")
h = (w * 1.5 + b).tanh()
h.label = "h"
out = 2.0 * h
out.label = "L"
for step in out.backward_steps():
    print(step)""",
        ),
        (
            "md",
            """## Newton-Raphson

With the Hessian $H$, $\\boldsymbol\\theta \\leftarrow \\boldsymbol\\theta - H^{-1}\\nabla L$:
one step lands on the minimum of a quadratic.""",
        ),
        (
            "code",
            """import autograd

print(autograd.hessian(lambda v: (v[0] - 1) ** 2 + 3 * (v[1] + 2) ** 2 + v[0] * v[1], [3.0, -4.0]))
x, y = Value(3.0), Value(-4.0)
nn.optim.Newton([x, y]).step(lambda: (x - 1) ** 2 + 3 * (y + 2) ** 2 + x * y)
print("after one step:", x.data, y.data, " (the minimum: 24/11, -26/11 =", 24 / 11, -26 / 11, ")")""",
        ),
        (
            "md",
            """Against gradient descent, counting steps until the gradient vanishes (`demos.newton`): Newton
takes one on the quadratic and a handful on a smooth function that is not one.""",
        ),
        (
            "code",
            """import matplotlib.pyplot as plt

from demos.newton import gradient_step, iterate, newton_step, quadratic, smooth

runs = {
    "quadratic, Newton": iterate(quadratic, (3.0, -4.0), newton_step, 1e-10, 300),
    "quadratic, gradient descent (0.1)": iterate(quadratic, (3.0, -4.0), gradient_step(0.1), 1e-10, 300),
    "smooth, Newton": iterate(smooth, (0.0, 0.5), newton_step, 1e-10, 300),
    "smooth, gradient descent (0.5)": iterate(smooth, (0.0, 0.5), gradient_step(0.5), 1e-10, 300),
}
figure, ax = plt.subplots(figsize=(6, 3.6))
for name, history in runs.items():
    ax.plot(history, "o-" if "Newton" in name else "-", ms=3, label=f"{name}: {len(history) - 1} steps")
ax.set(yscale="log", xlabel="iteration", ylabel="max |gradient|", title="Newton vs gradient descent")
ax.legend(fontsize=7)
plt.show()""",
        ),
        (
            "md",
            """## Exercises: backprop by hand

Compute $\\partial L / \\partial v$ for every node $v$ of a generated graph, starting from
$\\partial L / \\partial L = 1$. `exercises.check` marks each answer and says which step of the chain
rule went wrong. (`exercises.quiz(level, seed)` shows the graph with a box per node and a Check
button; `python -m autograd.exercises --worksheet 30 --out DIR` prints a class set with keys.)""",
        ),
        (
            "code",
            """from autograd import exercises

ex = exercises.exercise(seed=3, level=2)
print(ex)
exercises.quiz(level=2, seed=3)""",
        ),
        (
            "code",
            """answers = ex.answers()  # the engine's answers, with one mistake: the first path into a reused node only
reused = next(name for name, node in ex.nodes.items()
              if sum(node in n.parents for n in ex.nodes.values()) == 2)
steps_into = [s for s in ex.steps() if s.parent is ex.nodes[reused] and not s.is_seed]
answers[reused] = steps_into[0].contribution
report = exercises.check(ex, answers)
print(report.results)
print(report.diagnosis)""",
        ),
    ],
    "004_vanishing_gradients_initialization_optimizers": [
        (
            "md",
            """# 004 · Vanishing gradients, initialization, optimizers

Through $L$ sigmoid layers the gradient is multiplied by $\\sigma'(z) \\le 0.25$ each time: it
vanishes. ReLU with He initialization keeps it alive.""",
        ),
        (
            "code",
            """import nn

import matplotlib.pyplot as plt

X, y = nn.data.make_moons(20, seed=0)
figure, ax = plt.subplots(figsize=(6, 3.6))
for activation, init in [("sigmoid", "xavier_uniform"), ("relu", "he_uniform")]:
    nn.manual_seed(0)
    model = nn.MLP(2, [8] * 8 + [1], activation=activation, init=init)
    nn.mse_loss([model(x) for x in X], y).backward()
    per_layer = [sum(abs(w.grad) for n in layer.neurons for w in n.w) / sum(len(n.w) for n in layer.neurons)
                 for layer in model.layers]
    print(f"{activation:>8}: first layer {per_layer[0]:.2e}, last layer {per_layer[-1]:.2e}")
    ax.plot(range(1, len(per_layer) + 1), per_layer, "o-", label=f"{activation}, {init}")
ax.set(yscale="log", xlabel="layer", ylabel="mean |dL/dw|", title="The gradient reaching each layer")
ax.legend(fontsize=8)
plt.show()""",
        ),
        (
            "md",
            """## Initialization

Xavier: $\\operatorname{Var}(w) = 2/(n_{in} + n_{out})$; He: $\\operatorname{Var}(w) = 2/n_{in}$.""",
        ),
        (
            "code",
            """import statistics

for init, activation in (("xavier_normal", "sigmoid"), ("he_normal", "relu")):  # gain 1 and sqrt(2)
    nn.manual_seed(1)
    layer = nn.Layer(200, 100, activation=activation, init=init)
    weights = [w.data for n in layer.neurons for w in n.w]
    print(init, "std", round(statistics.pstdev(weights), 4))
print("formulas: xavier", round((2 / 300) ** 0.5, 4), " he", round((2 / 200) ** 0.5, 4))""",
        ),
        (
            "md",
            """What the initialization does to the signal: the activations of layers 1, 4 and 8 of a network
32 units wide, on 10 random inputs. With micrograd's $U(-1, 1)$ the tanh units saturate at $\\pm 1$, where
$\\tanh' \\approx 0$; Xavier keeps them in between, and He keeps relu's spread from layer 1 to layer 8.""",
        ),
        (
            "code",
            """import random

from autograd import no_grad

rng = random.Random(0)
inputs = [[rng.gauss(0, 1) for _ in range(32)] for _ in range(10)]
settings = [("tanh", "uniform"), ("tanh", "xavier_normal"), ("relu", "he_normal")]
figure, axes = plt.subplots(1, 3, figsize=(13, 3.2), sharey=True)
for ax, (activation, init) in zip(axes, settings):
    nn.manual_seed(0)
    layers = [nn.Layer(32, 32, activation=activation, init=init) for _ in range(8)]
    seen = {1: [], 4: [], 8: []}
    with no_grad():
        for h in inputs:
            for depth, layer in enumerate(layers, start=1):
                h = layer(h)
                if depth in seen:
                    seen[depth] += [v.data for v in h]
    span = (-1, 1) if activation == "tanh" else (0, 3)
    for depth, values in seen.items():
        ax.hist(values, bins=40, range=span, histtype="step", label=f"layer {depth}")
    ax.set(xlabel="activation", title=f"{activation}, {init}")
    ax.legend(fontsize=8)
plt.show()""",
        ),
        (
            "md",
            """## Optimizers on Rosenbrock

SGD, momentum, RMSProp, AdaGrad and Adam, with PyTorch's update formulas.""",
        ),
        (
            "code",
            """from autograd import Value

paths = {}
for name, make in [("SGD", lambda p: nn.optim.SGD(p, lr=1e-3)),
                   ("momentum", lambda p: nn.optim.SGD(p, lr=1e-3, momentum=0.9)),
                   ("RMSprop", lambda p: nn.optim.RMSprop(p, lr=1e-2)),
                   ("Adagrad", lambda p: nn.optim.Adagrad(p, lr=0.5)),
                   ("Adam", lambda p: nn.optim.Adam(p, lr=0.05))]:
    x, y = Value(-1.5), Value(2.0)
    optimizer = make([x, y])
    path = [(x.data, y.data)]
    for _ in range(500):
        optimizer.zero_grad()
        ((1 - x) ** 2 + 100 * (y - x * x) ** 2).backward()
        optimizer.step()
        path.append((x.data, y.data))
    loss = (1 - x.data) ** 2 + 100 * (y.data - x.data**2) ** 2
    print(f"{name:>9}: ({x.data:.3f}, {y.data:.3f}), loss {loss:.3g}")
    paths[name] = path""",
        ),
        (
            "code",
            """grid_x = [-2 + 4 * i / 100 for i in range(101)]
grid_y = [-1 + 4 * i / 100 for i in range(101)]
rosenbrock = [[(1 - a) ** 2 + 100 * (b - a * a) ** 2 for a in grid_x] for b in grid_y]
figure, ax = plt.subplots(figsize=(6, 4.5))
ax.contour(grid_x, grid_y, rosenbrock, levels=[0.5, 2, 8, 30, 100, 300, 1000], cmap="viridis")
for name, path in paths.items():
    ax.plot([p[0] for p in path], [p[1] for p in path], lw=1.2, label=name)
ax.plot([1], [1], "k*", ms=12)
ax.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="x", ylabel="y", title="Rosenbrock: 500 steps from (-1.5, 2); * the minimum")
ax.legend(fontsize=8)
plt.show()""",
        ),
    ],
}


def notebook(cells: list[tuple[str, str]]):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(t) if k == "md" else nbformat.v4.new_code_cell(t) for k, t in cells]
    return nb


def execute(nb, timeout: int = 300):
    """Run every cell, in the notebooks folder, on a kernel of this Python; the notebook with its outputs."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    return nb


def main(argv: list[str]) -> int:
    import nbformat

    for name, cells in NOTEBOOKS.items():
        if argv and not any(name.startswith(a) for a in argv):
            continue
        nb = execute(notebook(cells))
        for k, cell in enumerate(nb.cells):  # stable ids and no timings: a rebuild changes only what changed
            cell.id = f"{name[:3]}-{k}"
            cell.metadata.pop("execution", None)
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
