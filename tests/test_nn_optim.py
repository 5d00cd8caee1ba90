"""Optimizers: 50-step parameter trajectories equal torch.optim's to 1e-10 (AdamW's too); Newton's errors.

Newton's convergence (one step on a quadratic, fewer than gradient descent elsewhere) is demos.newton's
claim, tested in test_demos."""

import math

import pytest

import nn
from autograd import Value
from nn.optim import solve

torch = pytest.importorskip("torch")

START = [1.5, -0.8, 0.3]


def loss_of(p):
    """A small non-convex loss of three parameters, written once for Values and for tensors."""
    x, y, z = p
    return (1 - x) ** 2 + 2 * (y - x * x) ** 2 + (z * x).tanh() * y + 0.5 * z * z


CONFIGS = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.05)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, eps=1e-8)),
    ("AdamW", dict(lr=0.05)),  # PyTorch's default weight_decay, 0.01, decoupled
    ("AdamW", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3)),
]


@pytest.mark.parametrize("name, options", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_trajectory_matches_torch_optim_for_50_steps(name, options):
    params = [Value(v) for v in START]
    ours = getattr(nn.optim, name)(params, **options)
    tparams = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in START]
    theirs = getattr(torch.optim, name)(tparams, **options)
    for _ in range(50):
        ours.zero_grad()
        loss_of(params).backward()
        ours.step()
        theirs.zero_grad()
        loss_of(tparams).backward()
        theirs.step()
        for p, t in zip(params, tparams):
            assert math.isclose(p.data, t.item(), rel_tol=1e-10, abs_tol=1e-10), (p.data, t.item())


def run_rule(rule: str, names: dict) -> None:
    """Carry out an optimizer's rule() text on the numbers in `names` (p, g, t and the state): each
    statement as Python, with ^ as ** and buf's first value as the rule's note says."""
    for statement in rule.split(";  "):
        if statement.endswith(" (buf = g at t = 1)"):
            statement = "buf = g" if names["t"] == 1 else statement.removesuffix(" (buf = g at t = 1)")
        exec(statement.replace("^", "**"), {"sqrt": math.sqrt}, names)


@pytest.mark.parametrize("name, options", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_the_rule_in_words_and_the_state_are_what_step_does(name, options):
    """The Lab shows rule() beside state(): carried out by hand, the rule moves each parameter
    where step() does, and its variables end where state() says, step after step."""
    params = [Value(v) for v in START]
    optimizer = getattr(nn.optim, name)(params, **options)
    by_hand = [{**optimizer.state(i), "p": p.data} for i, p in enumerate(params)]
    for _ in range(4):
        optimizer.zero_grad()
        loss_of(params).backward()
        grads = [p.grad for p in params]
        rule = optimizer.rule()
        optimizer.step()
        for i, (names, g) in enumerate(zip(by_hand, grads)):
            names.update(g=g, t=optimizer.t)
            run_rule(rule, names)
            assert names["p"] == pytest.approx(params[i].data, rel=1e-9, abs=1e-12), (rule, i)
            for key, value in optimizer.state(i).items():
                assert names[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (key, rule)
    assert ("sqrt(v - a^2)" in optimizer.rule()) == bool(options.get("centered"))


def test_newton_with_a_singular_hessian_asks_for_damping():
    x = Value(1.0)
    with pytest.raises(ValueError, match="singular.*damping > 0"):
        nn.optim.Newton([x]).step(lambda: x * 3)
    nn.optim.Newton([x], damping=1.0).step(lambda: x * 3)
    assert x.data == -2.0  # (0 + 1)^-1 * 3


def test_solve_agrees_with_numpy():
    np = pytest.importorskip("numpy")
    A = [[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 3.0]]
    b = [11.0, -16.0, 17.0]
    assert all(math.isclose(u, v) for u, v in zip(solve(A, b), np.linalg.solve(A, b)))


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.optim.SGD([], lr=0.1), ValueError, "SGD got no parameters to optimize"),
        (lambda: nn.optim.SGD([Value(1.0)], lr=-0.1), ValueError, "SGD lr must be >= 0, got -0.1"),
        (lambda: nn.optim.Adam([Value(1.0)], lr="fast"), TypeError, "Adam lr must be a number, got str"),
        (lambda: nn.optim.Adam([1.0]), TypeError, "parameters must be Values, got float 1.0 at position 0"),
        (lambda: nn.optim.Adam(Value(1.0)), TypeError, "takes a list of parameters"),
        (lambda: nn.optim.Adam([Value(1.0)], betas=(1.0, 0.9)), ValueError, r"betas\[0\] must be in \[0, 1\)"),
        (lambda: nn.optim.SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
        (lambda: nn.optim.Newton([]), ValueError, "Newton got no parameters"),
    ],
)
def test_optimizers_reject_bad_settings(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- hardening: settings checked at construction, each parameter stepped once ---


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: nn.optim.Adam(p, eps=0), ValueError, "Adam eps must be > 0, got 0"),
        (lambda p: nn.optim.RMSprop(p, alpha=1.5), ValueError, r"RMSprop alpha must be in \[0, 1\], got 1.5"),
        (lambda p: nn.optim.RMSprop(p, eps=0.0), ValueError, "RMSprop eps must be > 0"),
        (lambda p: nn.optim.Adagrad(p, eps=0.0), ValueError, "Adagrad eps must be > 0"),
        (lambda p: nn.optim.Adagrad(p, lr_decay=-1), ValueError, "Adagrad lr_decay must be >= 0"),
        (lambda p: nn.optim.SGD(p, lr=math.inf), ValueError, "SGD lr must be finite, got inf"),
        (lambda p: nn.optim.SGD(p, lr=math.nan), ValueError, "SGD lr must be >= 0, got nan"),
        (lambda p: nn.optim.SGD(p, lr=0.1, momentum=-0.5), ValueError, "SGD momentum must be >= 0"),
        (lambda p: nn.optim.Adam(p, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: nn.optim.Adam(p, weight_decay=-1), ValueError, "Adam weight_decay must be >= 0"),
    ],
)
def test_optimizer_settings_that_can_only_fail_later_are_refused_now(make, error, message):
    with pytest.raises(error, match=message):
        make([Value(1.0)])


@pytest.mark.parametrize("optimizer", [nn.optim.SGD, nn.optim.Adam, nn.optim.RMSprop, nn.optim.Adagrad])
def test_an_optimizer_refuses_the_same_parameter_twice(optimizer):
    w = Value(1.0, label="w")
    with pytest.raises(ValueError, match=r"same parameter twice, at positions 0 and 2 \('w'\): it would be stepped"):
        optimizer([w, Value(2.0), w], lr=0.1)
    with pytest.raises(ValueError, match="same parameter twice"):
        nn.optim.Newton([w, w])


def test_a_shared_parameter_is_listed_once_and_stepped_once():
    class Shared(nn.Module):
        def __init__(self):
            self.bias = Value(1.0)
            self.terms = [self.bias, Value(2.0)]

        def forward(self):
            return self.bias + self.terms[1]

    model = Shared()
    assert [name for name, _ in model.named_parameters()] == ["bias", "terms.1"]
    assert model.num_parameters() == 2
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    model().backward()
    optimizer.step()
    assert model.bias.data == 0.9  # stepped once, as PyTorch would: not 0.8


def test_adamw_decays_the_weights_and_adam_adds_l2_to_the_gradient():
    """With a zero gradient, AdamW still shrinks p by lr*weight_decay; Adam's L2 goes through its moments."""
    p, q = Value(2.0), Value(2.0)
    adamw, adam = nn.optim.AdamW([p], lr=0.1, weight_decay=0.5), nn.optim.Adam([q], lr=0.1, weight_decay=0.5)
    adamw.step()
    adam.step()
    assert p.data == 2.0 * (1 - 0.1 * 0.5)  # decoupled: no Adam step for a zero gradient
    assert math.isclose(q.data, 2.0 - 0.1, rel_tol=1e-6)  # L2: g = 1.0, Adam's first step is lr * sign(g)
