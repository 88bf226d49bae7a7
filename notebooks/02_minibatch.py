# %% [markdown]
# # 2. From one example to a mini-batch
#
# The notes first backpropagate one example at a time and accumulate the gradients Δ;
# then they stack the examples as rows of a matrix and do the same in one pass. Both give
# the gradient of the mean cost over the batch.

# %%
import numpy as np

from deltaprop import Network
from deltaprop.datasets import load_mnist_sample

(X, y), _ = load_mnist_sample(200, 100, seed=0)
X, y = X[:10].astype(np.float64), y[:10]
net = Network.from_sizes([784, 30, 10], "sigmoid", "identity", "quadratic", seed=1, dtype="float64")
T = np.eye(10)[y]  # targets as one-hot rows

# %% [markdown]
# **One example at a time.** For each example: forward, then backward, then add its
# gradients to Δ. δᴸ = a − y for the identity output with the quadratic cost.


# %%
def forward(x):
    a = x
    for layer in net.layers:
        a = layer.forward(a)
    return a


def backward(a, t):
    delta = a - t  # δᴸ = ∂C/∂zᴸ for one example
    for layer in reversed(net.layers[:-1]):  # the identity output passes δ through unchanged
        delta = layer.backward(delta)
    return {
        f"{i}.{k}": g.copy() for i, layer in enumerate(net.layers) for k, g in layer.grads.items()
    }


Delta = None
for i in range(len(X)):
    grads = backward(forward(X[i : i + 1]), T[i : i + 1])
    Delta = grads if Delta is None else {k: Delta[k] + g for k, g in grads.items()}
per_example = {k: v / len(X) for k, v in Delta.items()}  # the mean over the batch

# %% [markdown]
# **The whole batch as a matrix.** Rows are examples: z = x·W + b for all of them at once.

# %%
vectorised = net.backprop(X, T)
for key, value in per_example.items():
    layer, name = key.split(".")
    assert np.allclose(value, vectorised[f"layers.{layer}.{name}"], rtol=1e-10, atol=1e-14)
print("the per-example loop and the matrix form give the same gradient for", ", ".join(vectorised))

# %% [markdown]
# **Quiz from the notes.** With two examples, which order works: forward 1, backward 1,
# forward 2, backward 2, or forward 1, forward 2, backward 1, backward 2? Backward needs
# the activations that *its* example's forward pass computed, and a layer keeps only the
# last ones, so only the first order is right (or keep every example's activations, as
# the matrix form does by stacking them). Running both orders shows it:

# %%
x1, x2, t1, t2 = X[0:1], X[1:2], T[0:1], T[1:2]
true = net.backprop(X[:2], T[:2])["layers.0.W"] * 2  # the sum of the two examples' gradients

a1 = forward(x1)
g1 = backward(a1, t1)["0.W"]
a2 = forward(x2)
interleaved = g1 + backward(a2, t2)["0.W"]

a1, a2 = forward(x1), forward(x2)
g1 = backward(a1, t1)["0.W"]  # uses the activations of example 2: wrong
forwards_first = g1 + backward(a2, t2)["0.W"]

print("forward 1, backward 1, forward 2, backward 2: error", np.abs(interleaved - true).max())
print("forward 1, forward 2, backward 1, backward 2: error", np.abs(forwards_first - true).max())
assert np.allclose(interleaved, true, atol=1e-12)
assert not np.allclose(forwards_first, true, atol=1e-6)
