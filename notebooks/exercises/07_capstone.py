# %% [markdown]
# # Exercises: capstone
#
# Write each function where it says `raise NotImplementedError`. `check` runs it in a
# separate process on inputs designed to expose the usual mistakes and names what is
# wrong; `train_with` puts it into a real deltaprop network and trains it beside the
# reference. `hint` climbs a ladder of hints: the idea, the equation, the shapes, a
# skeleton of code.


# %%
import numpy as np  # noqa: F401 (for your code)

from deltaprop.exercises import check, train_with

# %% [markdown]
# ## `backprop(weights, biases, x, y)`
#
# Return (dWs, dbs): two lists in layer order with every ∂C/∂W and ∂C/∂b of a sigmoid MLP (sigmoid
# output too, W of shape (n_in, n_out)) with the cross-entropy cost averaged over the n rows of x.
#
# **zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = σ(zˡ);  δᴸ = (aᴸ − y)/n;  δˡ = (δˡ⁺¹Wˡ⁺¹ᵀ) ⊙ σ′(zˡ);  ∂C/∂Wˡ = aˡ⁻¹ᵀδˡ,
# ∂C/∂bˡ = Σ_rows δˡ**
#
# Shapes: weights[l]: (n_l, n_l+1), biases[l]: (n_l+1,), x: (n, n_0), y: (n, n_L)


# %% tags=["exercise"]
def backprop(weights, biases, x, y):
    """Return (dWs, dbs): two lists in layer order with every ∂C/∂W and ∂C/∂b of a sigmoid
    MLP (sigmoid output too, W of shape (n_in, n_out)) with the cross-entropy cost
    averaged over the n rows of x.

    zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = σ(zˡ);  δᴸ = (aᴸ − y)/n;  δˡ = (δˡ⁺¹Wˡ⁺¹ᵀ) ⊙ σ′(zˡ);  ∂C/∂Wˡ
        = aˡ⁻¹ᵀδˡ,  ∂C/∂bˡ = Σ_rows δˡ
    Shapes: weights[l]: (n_l, n_l+1), biases[l]: (n_l+1,), x: (n, n_0), y: (n, n_L)
    """
    raise NotImplementedError


# %%
check("backprop", backprop)


# %%
train_with("backprop", backprop)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("backprop").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "backprop",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
