# %% [markdown]
# # 4. Activations, initialisation and the vanishing gradient

# %%
import numpy as np

from deltaprop import Network
from deltaprop.core.diagnostics import layer_speeds, trace
from deltaprop.datasets import load_mnist_sample

(X, y), (X_test, y_test) = load_mnist_sample(1000, 300, seed=0)

# %% [markdown]
# **Zeros keep units identical.** With every weight 0, every hidden unit computes the same
# thing and receives the same δ, so they stay copies of each other: symmetry is never broken.

# %%
net = Network.from_sizes([784, 10, 10], "sigmoid", init="zeros", seed=0, dtype="float64")
net.fit(X, y, epochs=3, batch_size=10, eta=0.5)
W = net.layers[0].params["W"]
spread = float(np.abs(W - W[:, :1]).max())
print(f"weights moved up to {np.abs(W).max():.2f}; hidden units differ by {spread:.1e}")
assert np.abs(W).max() > 0.01 and spread < 1e-12

# %% [markdown]
# **N(0, 1) saturates.** A unit sums 784 inputs: with weights N(0, 1), z has a standard
# deviation of about √(Σx²) ≫ 1 and σ(z) sits at 0 or 1, where σ' ≈ 0. Xavier
# (variance 1/n_in, here N(0, 1/n_in) as lecun_normal, and Glorot's 2/(n_in + n_out))
# keeps z of order 1.


# %%
def saturated(init):
    net = Network.from_sizes([784, 30, 10], "sigmoid", init=init, seed=0)
    a = trace(net, X[:500]).activations[1]  # the hidden sigmoid's outputs
    return float(((a < 0.02) | (a > 0.98)).mean())


fractions = {init: saturated(init) for init in ("normal", "lecun_normal", "xavier_normal")}
print({k: f"{v:.0%}" for k, v in fractions.items()})
assert fractions["normal"] > 0.5 > 0.05 > max(fractions["lecun_normal"], fractions["xavier_normal"])

# %% [markdown]
# **The vanishing gradient.** ‖δ‖ of each hidden layer (its speed of learning) at
# initialisation, in a deep sigmoid network and in the same with ReLU and He
# initialisation: sigmoid's δ shrinks layer by layer towards the input (σ' ≤ 1/4).

# %%
speeds = {}
for act, init in (("sigmoid", None), ("relu", "he_normal")):
    net = Network.from_sizes([784, 30, 30, 30, 30, 10], act, init=init, seed=0)
    speeds[act] = layer_speeds(net, X[:500], y[:500])
    print(act, " ".join(f"{s:.2e}" for s in speeds[act]))
sigmoid, relu = speeds["sigmoid"], speeds["relu"]
assert sigmoid[0] < sigmoid[-1] / 10  # the first layer learns >10x slower than the last
assert relu[0] / relu[-1] > sigmoid[0] / sigmoid[-1]

# %% [markdown]
# **A small positive bias for ReLU.** A ReLU unit with z < 0 passes no gradient. Starting
# the biases at a small positive value (0.1 here) makes more units active on the data at
# the start.


# %%
def active(bias):
    net = Network.from_sizes([784, 100, 10], "relu", init="he_normal", bias_init=bias, seed=0)
    return float((trace(net, X[:500]).activations[1] > 0).mean())


zero, positive = active(0.0), active(0.1)
print(f"active ReLU units: bias 0 -> {zero:.1%}, bias 0.1 -> {positive:.1%}")
assert positive > zero
