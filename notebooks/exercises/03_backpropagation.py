# %% [markdown]
# # Exercises: backpropagation
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
# ## `backprop_delta(delta_next, W_next, z)`
#
# Return δˡ of a sigmoid layer from the error of the layer after it (BP2). With one example a row
# and z = a W + b, W_next has shape (nˡ, nˡ⁺¹).
#
# **BP2: δˡ = (δˡ⁺¹ W_nextᵀ) ⊙ σ′(zˡ)**
#
# Shapes: delta_next: (n, nˡ⁺¹), W_next: (nˡ, nˡ⁺¹), z: (n, nˡ); δˡ: (n, nˡ)


# %% tags=["exercise"]
def backprop_delta(delta_next, W_next, z):
    """Return δˡ of a sigmoid layer from the error of the layer after it (BP2). With one
    example a row and z = a W + b, W_next has shape (nˡ, nˡ⁺¹).

    BP2: δˡ = (δˡ⁺¹ W_nextᵀ) ⊙ σ′(zˡ)
    Shapes: delta_next: (n, nˡ⁺¹), W_next: (nˡ, nˡ⁺¹), z: (n, nˡ); δˡ: (n, nˡ)
    """
    raise NotImplementedError


# %%
check("backprop_delta", backprop_delta)


# %%
train_with("backprop_delta", backprop_delta)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("backprop_delta").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `dense_backward(delta, a_prev, W)`
#
# Return (dW, db, da_prev) of a dense layer z = a_prev W + b with W of shape (n_in, n_out), given
# δ = ∂C/∂z (already averaged over the batch).
#
# **BP4: ∂C/∂W = a_prevᵀ δ,  BP3: ∂C/∂b = Σ_rows δ,  ∂C/∂a_prev = δ Wᵀ**
#
# Shapes: delta: (n, n_out), a_prev: (n, n_in), W: (n_in, n_out); dW like W, db (n_out,), da_prev
# like a_prev


# %% tags=["exercise"]
def dense_backward(delta, a_prev, W):
    """Return (dW, db, da_prev) of a dense layer z = a_prev W + b with W of shape (n_in,
    n_out), given δ = ∂C/∂z (already averaged over the batch).

    BP4: ∂C/∂W = a_prevᵀ δ,  BP3: ∂C/∂b = Σ_rows δ,  ∂C/∂a_prev = δ Wᵀ
    Shapes: delta: (n, n_out), a_prev: (n, n_in), W: (n_in, n_out); dW like W, db
    (n_out,), da_prev like a_prev
    """
    raise NotImplementedError


# %%
check("dense_backward", dense_backward)


# %%
train_with("dense_backward", dense_backward)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("dense_backward").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "backprop_delta",
    "dense_backward",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
