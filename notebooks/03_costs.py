# %% [markdown]
# # 3. Cost functions
#
# Why sigmoid + quadratic learns slowly when badly wrong, why the matched pairs do not, and
# softmax with log-likelihood.

# %%
import numpy as np

from deltaprop import Network

# %% [markdown]
# **The learning slowdown.** One sigmoid neuron, input 1, target 0, started badly wrong at
# w = b = 2 (output 0.98). With the quadratic cost δ = (a − y)·σ'(z): σ'(z) is tiny when
# the neuron saturates, so it barely moves. With cross-entropy δ = a − y: no σ'(z).


# %%
def neuron(cost):
    net = Network.from_sizes([1, 1], output="sigmoid", cost=cost, dtype="float64")
    net.layers[0].params["W"][...] = 2.0
    net.layers[0].params["b"][...] = 2.0
    return net


outputs = {}
for cost in ("quadratic", "cross_entropy"):
    net = neuron(cost)
    history = net.fit([[1.0]], [[0.0]], epochs=30, batch_size=1, eta=0.15, shuffle=False)
    outputs[cost] = float(net.predict_proba([[1.0]])[0, 0])
print({k: round(v, 3) for k, v in outputs.items()})
assert outputs["quadratic"] > 0.95 > 0.5 > outputs["cross_entropy"]

# %% [markdown]
# **δᴸ = a − y for the matched pairs.** For sigmoid + cross-entropy, softmax +
# log-likelihood and identity + quadratic, the output error is exactly a − y (divided by
# the batch size, the cost being a mean): the derivative of the activation cancels.

# %%
rng = np.random.default_rng(0)
X = rng.random((6, 3))
for output, cost, targets in [
    ("sigmoid", "cross_entropy", rng.integers(0, 2, (6, 2)).astype(float)),
    ("softmax", "log_likelihood", np.eye(4)[rng.integers(0, 4, 6)]),
    ("identity", "quadratic", rng.random((6, 4))),
]:
    net = Network.from_sizes([3, 5, targets.shape[1]], "tanh", output, cost, dtype="float64")
    deltas = []
    net.backprop(X, targets, deltas=deltas)
    a = net.predict_proba(X)
    assert np.allclose(deltas[-1], (a - targets) / len(X), rtol=1e-12)
    print(f"{output} + {cost}: δᴸ = (a − y)/n")

# %% [markdown]
# **The unmatched pair keeps σ'(z):** sigmoid + quadratic has δᴸ = (a − y)·a(1 − a)/n.

# %%
net = Network.from_sizes([3, 2], output="sigmoid", cost="quadratic", dtype="float64")
t = np.array([[1.0, 0.0]] * 6)
deltas = []
net.backprop(X, t, deltas=deltas)
a = net.predict_proba(X)
assert np.allclose(deltas[0], (a - t) * a * (1 - a) / len(X), rtol=1e-12)

# %% [markdown]
# **Softmax and log-likelihood.** The outputs are positive and sum to 1: a probability
# for each class. The cost of an example is −ln a_y, the log of the probability given to
# its true class.

# %%
net = Network.from_sizes([3, 4], output="softmax", dtype="float64")
labels = np.array([0, 1, 2, 3, 0, 1])
p = net.predict_proba(X)
assert np.allclose(p.sum(axis=1), 1) and (p > 0).all()
by_hand = -np.log(p[np.arange(6), labels]).mean()
assert np.isclose(net.cost(X, labels), by_hand, rtol=1e-12)
print(f"log-likelihood cost {by_hand:.4f} = mean of −ln a_y")
