"""Step-through backprop, explain and trace_table: read from the graph, checked against backward()."""

import math
import random

import pytest

import nn
from autograd import Value, topological_order
from autograd.views.explain import explain, trace_table
from autograd.views.render import draw_graph
from tests.graphs import classic_neuron

# The classic neuron worked by hand: do/dn = 1 - tanh(n)^2 = 1 - 0.7071^2 = 0.5; a + passes its
# upstream on (local 1); a * sends the upstream times the other factor.
NEURON_STEPS = [  # numbers to 4 significant digits; the root is L in every sentence
    "o.grad = dL/dL = 1, the seed (L is o)",
    "n.grad += dL/dn * dL/dL = (1 - 0.7071^2) * 1 = 0.5",
    "(x1*w1 + x2*w2).grad += dn/d(x1*w1 + x2*w2) * dL/dn = 1 * 0.5 = 0.5",
    "b.grad += dn/db * dL/dn = 1 * 0.5 = 0.5",
    "(x1*w1).grad += d(x1*w1 + x2*w2)/d(x1*w1) * dL/d(x1*w1 + x2*w2) = 1 * 0.5 = 0.5",
    "(x2*w2).grad += d(x1*w1 + x2*w2)/d(x2*w2) * dL/d(x1*w1 + x2*w2) = 1 * 0.5 = 0.5",
    "x2.grad += d(x2*w2)/dx2 * dL/d(x2*w2) = 1 * 0.5 = 0.5",
    "w2.grad += d(x2*w2)/dw2 * dL/d(x2*w2) = 0 * 0.5 = 0",
    "x1.grad += d(x1*w1)/dx1 * dL/d(x1*w1) = (-3) * 0.5 = -1.5",
    "w1.grad += d(x1*w1)/dw1 * dL/d(x1*w1) = 2 * 0.5 = 1",
]


def test_steps_of_the_classic_neuron_read_like_the_worked_example():
    o = classic_neuron()
    steps = list(o.backward_steps())
    assert [str(s) for s in steps] == NEURON_STEPS
    n_step = steps[1]
    assert n_step.node is o and n_step.parent.label == "n"
    assert math.isclose(n_step.local, 0.5) and n_step.upstream == 1.0 and math.isclose(n_step.contribution, 0.5)
    assert n_step.rule == "d tanh(a)/da = 1 - tanh(a)^2"
    assert steps[-1].rule == "d(a*b)/db = a" and math.isclose(steps[-1].parent_grad, 1.0)
    assert steps[0].is_seed and steps[0].rule == "dL/dL = 1"


def random_graph(rng: random.Random) -> Value:
    leaves = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(3)]
    nodes = list(leaves)
    for _ in range(rng.randint(3, 12)):
        a, b = rng.choice(nodes), rng.choice(nodes)  # reuse makes diamonds
        nodes.append(rng.choice([a + b, a * b, a.tanh(), (a * b).sigmoid(), a - b, a * a, (b * b + 1).log()]))
    return nodes[-1] + nodes[-2]


@pytest.mark.parametrize("seed", range(25))
def test_exhausting_the_steps_leaves_the_gradients_of_backward(seed):
    stepped, plain = random_graph(random.Random(seed)), random_graph(random.Random(seed))
    steps = list(stepped.backward_steps())
    plain.backward()
    assert [n.grad for n in topological_order(stepped)] == [n.grad for n in topological_order(plain)]
    assert len(steps) == 1 + sum(len(n.parents) for n in topological_order(stepped))


def in_torch(root: Value) -> dict:
    """The graph of `root` again in PyTorch (float64), node by node, every tensor keeping its grad."""
    torch = pytest.importorskip("torch")
    tensors = {}
    for node in topological_order(root):
        if not node.parents:
            tensors[node] = torch.tensor(node.data, dtype=torch.float64, requires_grad=True)
            continue
        a, *rest = (tensors[p] for p in node.parents)
        op = node.op.name
        t = a + rest[0] if op == "+" else a * rest[0] if op == "*" else getattr(torch, op)(a)
        t.retain_grad()
        tensors[node] = t
    tensors[root].backward()
    return tensors


def central_difference(node: Value, index: int, eps: float = 1e-6) -> float:
    """d node / d parents[index] along that one edge: the op's forward with only that input moved."""
    numbers = [p.data for p in node.parents]
    up, down = list(numbers), list(numbers)
    up[index] += eps
    down[index] -= eps
    return (node.op.forward(*up) - node.op.forward(*down)) / (2 * eps)


@pytest.mark.parametrize("seed", range(25))
def test_each_step_is_one_term_of_the_chain_rule_by_pytorch_and_central_differences(seed):
    """Each step's upstream is dL/d node as PyTorch computes it, its local the edge's derivative by
    central differences of the op, and the contributions into a node add up to PyTorch's dL/d node
    (a reused node gets several). Graphs of random ops with reused nodes, so upstreams differ."""
    root = random_graph(random.Random(seed))
    tensors = in_torch(root)
    into: dict[Value, float] = {}
    for step in list(root.backward_steps())[1:]:
        assert step.upstream == pytest.approx(tensors[step.node].grad.item(), rel=1e-9, abs=1e-12)
        assert step.local == pytest.approx(central_difference(step.node, step.parent_index), rel=1e-6, abs=1e-7)
        into[step.parent] = into.get(step.parent, 0.0) + step.contribution
    for node, total in into.items():
        assert total == pytest.approx(tensors[node].grad.item(), rel=1e-9, abs=1e-12)


def test_steps_accumulate_like_backward_when_called_twice():
    once, twice = classic_neuron(), classic_neuron()
    once.backward()
    once.backward()
    list(twice.backward_steps())
    list(twice.backward_steps())
    assert [n.grad for n in topological_order(once)] == [n.grad for n in topological_order(twice)]


@pytest.mark.parametrize("seed", range(15))
def test_explain_paths_sum_to_the_gradient(seed):
    root = random_graph(random.Random(seed))
    root.backward()
    for node in topological_order(root):
        explanation = explain(root, node)
        assert math.isclose(explanation.total, node.grad, rel_tol=1e-12, abs_tol=1e-12)


def test_a_reused_node_shows_two_paths():
    a = Value(3.0, label="a")
    b = a * a
    b.label = "b"
    c = b + a
    c.label = "c"
    c.backward()
    explanation = explain(c, a)
    assert sorted(p.product for p in explanation.paths) == [1.0, 3.0, 3.0]  # via b twice (b = a*a), and directly
    assert explanation.total == a.grad == 7.0
    text = str(explanation)
    assert "sum over 3 paths from c down to a" in text and "c -> b -> a" in text and "sum = 7" in text


def test_explain_rejects_a_node_outside_the_graph():
    with pytest.raises(ValueError, match="is not in the graph of 'o'"):
        explain(classic_neuron(), Value(1.0, label="stray"))


def test_trace_table_lists_forward_and_backward_passes_without_touching_grads():
    o = classic_neuron()
    table = trace_table(o)
    assert all(n.grad == 0.0 for n in topological_order(o))
    lines = table.splitlines()
    assert lines[0] == "forward pass" and "backward pass, from the root down" in lines
    assert any(line.split()[:2] == ["o", "tanh"] and line.endswith("0.7071") for line in lines)
    backward = lines[lines.index("backward pass, from the root down") + 2 :]
    grads = {line.split()[0]: float(line.split()[-1]) for line in backward}
    assert grads == {"o": 1.0, "n": 0.5, "b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0} | {
        k: v for k, v in grads.items() if "*" in k
    }


def test_steps_through_an_nn_model_name_its_nodes():
    model = nn.MLP(2, [2, 1], activation="tanh")
    steps = [str(s) for s in model([1.0, -1.0]).backward_steps()]
    assert steps[0].startswith("layers.1.neurons.0.z.grad = dL/dL")
    assert any(s.startswith("layers.0.neurons.1.w.0.grad += d(layers.0.neurons.1.z)/d(layers.0.neurons.1.w.0)")
               for s in steps)  # fmt: skip


def test_explain_is_linear_on_long_chains():
    """Four times the chain takes about four times as long (copying the path at every step,
    as explain once did, made it sixteen): a ratio, so the machine's speed does not matter.
    The cycle collector is paused while timing: its passes grow with the heap, not with explain."""
    import gc
    import time

    def chain_seconds(n: int) -> float:
        x = Value(0.5, label="x")
        y = x
        for _ in range(n):
            y = y.tanh()
        best = math.inf
        gc.disable()
        try:
            for _ in range(3):
                start = time.perf_counter()
                explanation = explain(y, x)
                best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
        assert len(explanation.paths) == 1 and len(explanation.paths[0].nodes) == n + 1
        return best

    assert chain_seconds(200_000) / chain_seconds(50_000) < 9


def test_stopping_the_steps_early_leaves_the_grads_as_they_were():
    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    assert x.grad == 4.0
    for step in y.backward_steps():
        if step.index == 1:
            break  # half way through the second backward pass
    assert x.grad == 4.0 and y.grad == 1.0
    list(y.backward_steps())
    assert x.grad == 8.0  # exhausted: the same as a second backward()


def test_unlabelled_nodes_are_named_by_the_expression_that_made_them():
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    steps = [str(step) for step in o.backward_steps()]
    assert steps[0] == "(tanh(n)).grad = dL/dL = 1, the seed (L is tanh(n))"
    assert steps[2] == "(x1*w1 + x2*w2).grad += dn/d(x1*w1 + x2*w2) * dL/dn = 1 * 0.5 = 0.5"
    assert steps[-1] == "w1.grad += d(x1*w1)/dw1 * dL/d(x1*w1) = 2 * 0.5 = 1"
    assert "tanh(n) -> n -> x1*w1 + x2*w2 -> x1*w1 -> x1" in str(explain(o, x1))
    assert "x1*w1 + x2*w2" in trace_table(o) and ">x1*w1 + x2*w2<" in draw_graph(o).pipe("svg", encoding="utf-8")


def test_constants_show_as_their_number_and_long_expressions_as_v_i():
    a = Value(1.0, label="a")
    names = [str(s).split(".grad")[0] for s in ((a - 2) * 3).backward_steps()]
    assert names == ["((a - 2.0)*3.0)", "(a - 2.0)", "(3.0)", "a", "(-2.0)"]
    long = a
    for _ in range(6):
        long = long.tanh()
    # tanh(tanh(tanh(tanh(a)))) is 24 characters; one more and the node is v4, and names build on that
    assert str(list(long.backward_steps())[0]).startswith("(tanh(tanh(v4))).grad = dL/dL")


@pytest.mark.parametrize("seed", range(20))
def test_too_many_paths_are_counted_summed_as_backprop_does_and_the_largest_listed(seed):
    root = random_graph(random.Random(seed))
    root.backward()
    for node in topological_order(root)[:-1]:
        every = explain(root, node)  # all of them, listed
        few = explain(root, node, max_paths=2, largest=3)
        assert few.count == every.count == len(every.paths)
        assert few.total == pytest.approx(node.grad, rel=1e-12, abs=1e-12)
        if every.count <= 2:
            assert few.complete and [p.product for p in few.paths] == [p.product for p in every.paths]
            continue
        expected = sorted((abs(p.product) for p in every.paths), reverse=True)[:3]
        assert few.complete == (every.count <= 3)
        assert [abs(p.product) for p in few.paths] == pytest.approx(expected, rel=1e-12)
        for path in few.paths:  # each a real path, root to node, its locals the edges' own
            assert path.nodes[0] is root and path.nodes[-1] is node
            for above, below, local in zip(path.nodes, path.nodes[1:], path.locals):
                assert any(p is below and loc == local for p, loc in zip(above.parents, above.locals))


def test_a_million_paths_are_not_listed_but_counted_and_summed():
    x = Value(0.5, label="x")
    y = x
    for _ in range(20):  # each layer doubles the paths: 2**20 of them
        y = y.tanh() + y.sigmoid()
    y.backward()
    explanation = explain(y, x, largest=5)
    assert explanation.count == 2**20 and len(explanation.paths) == 5 and not explanation.complete
    assert explanation.total == pytest.approx(x.grad, rel=1e-12)
    text = str(explanation)
    assert "the sum over 1,048,576 paths" in text and "(too many to list: the 5 largest)" in text
    assert "computed as backprop does" in text
