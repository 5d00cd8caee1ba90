"""Optimizers with PyTorch's names, defaults and exact update formulas (torch.optim).

Each holds a list of parameters; `step()` updates their `.data` from their
`.grad`, `zero_grad()` sets the grads to 0. For parameter p with gradient g
(g += weight_decay * p first, where weight_decay is given; AdamW decays p instead), step t = 1, 2, ...:

    SGD      buf = g (t = 1), else momentum*buf + (1 - dampening)*g
             p -= lr * (g + momentum*buf if nesterov else buf)    (p -= lr*g without momentum)
    Adam     m = b1*m + (1 - b1)*g,  v = b2*v + (1 - b2)*g^2
             p -= lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)
    AdamW    p *= 1 - lr*weight_decay first (decoupled: g is not changed), then Adam's step
    RMSprop  v = alpha*v + (1 - alpha)*g^2;  centered: a = alpha*a + (1 - alpha)*g, v' = v - a^2
             d = g/(sqrt(v') + eps);  p -= lr*d, or with momentum buf = momentum*buf + d, p -= lr*buf
    Adagrad  s += g^2,  p -= lr/(1 + (t - 1)*lr_decay) * g/(sqrt(s) + eps)
    Newton   p -= (H + damping*I)^-1 g, with the Hessian H of the loss (seed 003)

Parameter updates happen in place on `.data` and record no graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real

from autograd import Value
from autograd.functional import gradient_and_hessian


def _number(value: object, name: str, who: str, low: float = 0.0, high: float = math.inf, *, above: bool = False,
            below: bool = False) -> float:  # fmt: skip
    """A hyperparameter checked against its range: >= low (> low if `above`), <= high (< high if `below`)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{who} {name} must be a number, got {type(value).__name__} {value!r}")
    if math.isnan(value) or value < low or (above and value == low) or value > high or (below and value == high):
        if high == math.inf:
            expected = f"> {low:g}" if above else f">= {low:g}"
        else:
            expected = f"in {'(' if above else '['}{low:g}, {high:g}{')' if below else ']'}"
        raise ValueError(f"{who} {name} must be {expected}, got {value!r}")
    if math.isinf(value):
        raise ValueError(f"{who} {name} must be finite, got {value!r}")
    return float(value)


def _parameter_list(params: Iterable[Value], who: str) -> list[Value]:
    """The parameters as a list, checked: Values, at least one, none twice (it would be stepped twice)."""
    if isinstance(params, Value):
        raise TypeError(f"{who} takes a list of parameters (e.g. model.parameters()), got one Value")
    params = list(params)
    if not params:
        raise ValueError(f"{who} got no parameters to optimize")
    first_at: dict[int, int] = {}
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{who} parameters must be Values, got {type(p).__name__} {p!r} at position {i}")
        if id(p) in first_at:
            raise ValueError(
                f"{who} got the same parameter twice, at positions {first_at[id(p)]} and {i}"
                + (f" ({p.label!r})" if p.label else "")
                + ": it would be stepped twice"
            )
        first_at[id(p)] = i
    return params


class Optimizer:
    """Holds the parameters; subclasses define `update(i, p, g)` for one parameter."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        who = type(self).__name__
        self.params = _parameter_list(params, who)
        self.lr = _number(lr, "lr", who)
        self.weight_decay = _number(weight_decay, "weight_decay", who)
        self.t = 0  # steps taken

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0."""
        for p in self.params:
            p.grad = 0.0

    decoupled_weight_decay = False  # AdamW: shrink p by lr*weight_decay, instead of adding weight_decay*p to g

    def step(self) -> None:
        """Update every parameter once from its current grad."""
        self.t += 1
        decay = self.weight_decay
        for i, p in enumerate(self.params):
            data, g = p.data, p.grad
            if decay and self.decoupled_weight_decay:
                data = data * (1 - self.lr * decay)
            elif decay:
                g = g + decay * data
            p.data = self.update(i, data, g)

    def update(self, i: int, p: float, g: float) -> float:
        raise NotImplementedError

    def rule(self) -> str:
        """The update of one parameter p with gradient g, as in the table above, with this
        optimizer's settings written in (the Lab shows it beside the numbers)."""
        decay = self.weight_decay
        if decay and self.decoupled_weight_decay:
            return f"p *= 1 - {self.lr:g}*{decay:g};  " + self._rule()
        return (f"g += {decay:g}*p;  " if decay else "") + self._rule()

    def _rule(self) -> str:
        raise NotImplementedError

    def state(self, i: int) -> dict[str, float]:
        """What the optimizer keeps for parameter i between steps (running averages), by the
        names the rule uses; t is the number of steps taken."""
        return {"t": self.t}


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (heavy ball or Nesterov)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _number(momentum, "momentum", "SGD")
        self.dampening = _number(dampening, "dampening", "SGD")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD with nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = nesterov
        self.buffers = [0.0] * len(self.params)

    def update(self, i: int, p: float, g: float) -> float:
        if self.momentum:
            if self.t == 1:
                self.buffers[i] = g
            else:
                self.buffers[i] = self.momentum * self.buffers[i] + (1 - self.dampening) * g
            g = g + self.momentum * self.buffers[i] if self.nesterov else self.buffers[i]
        return p - self.lr * g

    def _rule(self) -> str:
        if not self.momentum:
            return f"p -= {self.lr:g}*g"
        step = f"(g + {self.momentum:g}*buf)" if self.nesterov else "buf"
        damped = f"{1 - self.dampening:g}*g" if self.dampening else "g"
        return f"buf = {self.momentum:g}*buf + {damped} (buf = g at t = 1);  p -= {self.lr:g}*{step}"

    def state(self, i: int) -> dict[str, float]:
        return {"t": self.t, **({"buf": self.buffers[i]} if self.momentum else {})}


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and of its square."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam betas must be a pair (b1, b2), got {betas!r}")
        self.b1 = _number(betas[0], "betas[0]", "Adam", 0.0, 1.0, below=True)
        self.b2 = _number(betas[1], "betas[1]", "Adam", 0.0, 1.0, below=True)
        self.eps = _number(eps, "eps", "Adam", above=True)  # eps = 0 divides by 0 for a zero gradient
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def update(self, i: int, p: float, g: float) -> float:
        self.m[i] += (1 - self.b1) * (g - self.m[i])  # = b1*m + (1 - b1)*g, in PyTorch's lerp form
        self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
        step_size = self.lr / (1 - self.b1**self.t)
        denominator = math.sqrt(self.v[i]) / math.sqrt(1 - self.b2**self.t) + self.eps
        return p - step_size * self.m[i] / denominator

    def _rule(self) -> str:
        b1, b2 = self.b1, self.b2
        return (
            f"m = {b1:g}*m + {1 - b1:g}*g;  v = {b2:g}*v + {1 - b2:g}*g^2;  "
            f"p -= {self.lr:g}/(1 - {b1:g}^t) * m/(sqrt(v)/sqrt(1 - {b2:g}^t) + {self.eps:g})"
        )

    def state(self, i: int) -> dict[str, float]:
        return {"t": self.t, "m": self.m[i], "v": self.v[i]}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter): p *= 1 - lr*weight_decay, then Adam's step
    on the plain gradient. Adam(weight_decay=) instead adds weight_decay*p to the gradient (L2), as PyTorch's."""

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class RMSprop(Optimizer):
    """RMSprop: steps divided by a running root mean square of the gradient."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        centered: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = _number(alpha, "alpha", "RMSprop", 0.0, 1.0)  # above 1, the average of g^2 goes negative
        self.eps = _number(eps, "eps", "RMSprop", above=True)
        self.momentum = _number(momentum, "momentum", "RMSprop")
        self.centered = centered
        self.square_avg = [0.0] * len(self.params)
        self.grad_avg = [0.0] * len(self.params)
        self.buffers = [0.0] * len(self.params)

    def update(self, i: int, p: float, g: float) -> float:
        self.square_avg[i] = self.alpha * self.square_avg[i] + (1 - self.alpha) * g * g
        variance = self.square_avg[i]
        if self.centered:
            self.grad_avg[i] += (1 - self.alpha) * (g - self.grad_avg[i])  # PyTorch's lerp form
            variance = variance - self.grad_avg[i] ** 2
        direction = g / (math.sqrt(variance) + self.eps)
        if self.momentum:
            self.buffers[i] = self.momentum * self.buffers[i] + direction
            direction = self.buffers[i]
        return p - self.lr * direction

    def _rule(self) -> str:
        a = self.alpha
        rule = f"v = {a:g}*v + {1 - a:g}*g^2;  "
        if self.centered:
            rule += f"a = {a:g}*a + {1 - a:g}*g;  d = g/(sqrt(v - a^2) + {self.eps:g});  "
        else:
            rule += f"d = g/(sqrt(v) + {self.eps:g});  "
        if self.momentum:
            return rule + f"buf = {self.momentum:g}*buf + d;  p -= {self.lr:g}*buf"
        return rule + f"p -= {self.lr:g}*d"

    def state(self, i: int) -> dict[str, float]:
        state = {"t": self.t, "v": self.square_avg[i]}
        if self.centered:
            state["a"] = self.grad_avg[i]
        if self.momentum:
            state["buf"] = self.buffers[i]
        return state


class Adagrad(Optimizer):
    """Adagrad: steps divided by the root of all squared gradients so far."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _number(lr_decay, "lr_decay", "Adagrad")
        self.eps = _number(eps, "eps", "Adagrad", above=True)
        self.sums = [0.0] * len(self.params)

    def update(self, i: int, p: float, g: float) -> float:
        self.sums[i] += g * g
        lr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        return p - lr * g / (math.sqrt(self.sums[i]) + self.eps)

    def _rule(self) -> str:
        lr = f"{self.lr:g}/(1 + (t - 1)*{self.lr_decay:g})" if self.lr_decay else f"{self.lr:g}"
        return f"s += g^2;  p -= {lr} * g/(sqrt(s) + {self.eps:g})"

    def state(self, i: int) -> dict[str, float]:
        return {"t": self.t, "s": self.sums[i]}


class Newton:
    """Newton-Raphson: p -= (H + damping*I)^-1 grad, the Hessian H from the engine (seed 003).

    `step(loss_fn)` calls `loss_fn()` (which builds the loss from the parameters)
    and takes one full Newton step. An n x n solve: for small models.
    """

    def __init__(self, params: Iterable[Value], damping: float = 0.0) -> None:
        self.params = _parameter_list(params, "Newton")
        self.damping = _number(damping, "damping", "Newton")

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self, loss_fn: Callable[[], Value]) -> Value:
        """One Newton step; returns the loss at the point before the step."""
        loss = loss_fn()
        if not isinstance(loss, Value):
            raise TypeError(f"Newton.step() loss_fn must return a Value, got {type(loss).__name__}")
        gradient, hessian = gradient_and_hessian(loss, self.params)
        if not all(math.isfinite(x) for x in [*gradient, *(h for row in hessian for h in row)]):
            raise ValueError(
                f"Newton's step is undefined here: the gradient or the Hessian is not finite "
                f"(gradient {gradient}, Hessian {hessian})"
            )
        for i in range(len(hessian)):
            hessian[i][i] += self.damping
        direction = solve(hessian, gradient)
        for p, d in zip(self.params, direction):
            p.data -= d
        return loss


def solve(A: list[list[float]], b: list[float]) -> list[float]:
    """x with A x = b, by Gaussian elimination with partial pivoting; ValueError if A is singular."""
    n = len(b)
    M = [list(row) + [b[i]] for i, row in enumerate(A)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(M[r][col]))
        scale = max(abs(v) for row in A for v in row) or 1.0
        if abs(M[pivot][col]) <= 1e-12 * scale:
            raise ValueError("the Hessian is singular here: Newton's step is undefined; try damping > 0")
        M[col], M[pivot] = M[pivot], M[col]
        for r in range(col + 1, n):
            factor = M[r][col] / M[col][col]
            for c in range(col, n + 1):
                M[r][c] -= factor * M[col][c]
    x = [0.0] * n
    for r in reversed(range(n)):
        x[r] = (M[r][n] - sum(M[r][c] * x[c] for c in range(r + 1, n))) / M[r][r]
    return x
