# %% [markdown]
# # 1. Backpropagation by hand
#
# The notes' one-dimensional chain:
# ŷ = (w³•+b³) ∘ σ ∘ (w²•+b²) ∘ σ ∘ (w¹•+b¹)(x), with the quadratic cost C = ½(ŷ − y)².
# We write its six partial derivatives with the chain rule, in NumPy, then check them
# against deltaprop's backprop and against central differences.

# %%
import numpy as np

from deltaprop import Dense, Identity, Network, Sigmoid
from deltaprop.core.gradcheck import numerical_gradient

w1, b1, w2, b2, w3, b3 = 0.5, -0.2, 1.5, 0.3, -2.0, 0.1
x, y = 0.8, 1.0


def sigma(z):
    return 1 / (1 + np.exp(-z))


# %% [markdown]
# Forward: keep every intermediate value, backward needs them.

# %%
z1 = w1 * x + b1
a1 = sigma(z1)
z2 = w2 * a1 + b2
a2 = sigma(z2)
y_hat = w3 * a2 + b3
C = 0.5 * (y_hat - y) ** 2
print(f"ŷ = {y_hat:.4f}, C = {C:.4f}")

# %% [markdown]
# Backward: each δ is ∂C/∂z of its layer, and σ'(z) = σ(z)(1 − σ(z)).
#
# δ³ = ŷ − y, δ² = δ³ w³ σ'(z²), δ¹ = δ² w² σ'(z¹); then ∂C/∂wˡ = δˡ aˡ⁻¹ and ∂C/∂bˡ = δˡ.

# %%
delta3 = y_hat - y
delta2 = delta3 * w3 * a2 * (1 - a2)
delta1 = delta2 * w2 * a1 * (1 - a1)
by_hand = {
    "w1": delta1 * x,
    "b1": delta1,
    "w2": delta2 * a1,
    "b2": delta2,
    "w3": delta3 * a2,
    "b3": delta3,
}
by_hand

# %% [markdown]
# The same network in deltaprop (float64), its parameters set to the same numbers.

# %%
net = Network(
    [Dense(1, 1), Sigmoid(), Dense(1, 1), Sigmoid(), Dense(1, 1), Identity()],
    "quadratic",
    dtype="float64",
)
for layer, (w, b) in zip(net.layers[::2], [(w1, b1), (w2, b2), (w3, b3)], strict=True):
    layer.params["W"][...] = w
    layer.params["b"][...] = b
grads = net.backprop([[x]], [[y]])
deltaprop_grads = {
    f"{p}{k + 1}": float(grads[f"layers.{2 * k}.{p.upper() if p == 'w' else p}"].ravel()[0])
    for k in range(3)
    for p in ("w", "b")
}
for name in by_hand:
    assert np.isclose(by_hand[name], deltaprop_grads[name], rtol=1e-12), name
print("the chain rule by hand equals deltaprop's backprop for all six parameters")

# %% [markdown]
# Central differences: (C(θ + ε) − C(θ − ε)) / 2ε for each parameter.

# %%
for k, layer in enumerate(net.layers[::2]):
    for p in ("W", "b"):
        numeric = numerical_gradient(
            lambda: net.cost([[x]], [[y]]), layer.params[p], np.array([0]), 1e-6
        )[0]
        name = f"{p.lower()}{k + 1}"
        assert abs(numeric - by_hand[name]) < 1e-8, (name, numeric, by_hand[name])
print("and both equal the numerical gradient to 1e-8")

# %% [markdown]
# **Quiz from the notes.** J(θ) = θ³ at θ = 1 with ε = 0.01: what does the two-sided
# difference give? The exact derivative is 3θ² = 3; the two-sided difference is
# ((1.01)³ − (0.99)³) / 0.02 = 3 + ε² = 3.0001 (the one-sided one is 3.0301).

# %%
theta, eps = 1.0, 0.01
two_sided = ((theta + eps) ** 3 - (theta - eps) ** 3) / (2 * eps)
one_sided = ((theta + eps) ** 3 - theta**3) / eps
print(f"two-sided {two_sided:.6f}, one-sided {one_sided:.6f}")
assert round(two_sided, 6) == 3.0001 and round(one_sided, 6) == 3.0301
