# %% [markdown]
# # Exercises: optimisers
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
# ## `sgd_step(w, grad, eta)`
#
# Return the weights after one step of gradient descent with learning rate η. Updating w in place
# and returning it is fine.
#
# **w ← w − η ∇C**
#
# Shapes: w, grad: the same shape; the result too


# %% tags=["exercise"]
def sgd_step(w, grad, eta):
    """Return the weights after one step of gradient descent with learning rate η. Updating
    w in place and returning it is fine.

    w ← w − η ∇C
    Shapes: w, grad: the same shape; the result too
    """
    raise NotImplementedError


# %%
check("sgd_step", sgd_step)


# %%
train_with("sgd_step", sgd_step)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("sgd_step").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `momentum_step(w, v, grad, eta, mu)`
#
# Return (w, v) after one step of momentum gradient descent: first the velocity, then the weights
# with the new velocity.
#
# **v ← μv − η∇C,  w ← w + v**
#
# Shapes: w, v, grad: the same shape; returns (w, v)


# %% tags=["exercise"]
def momentum_step(w, v, grad, eta, mu):
    """Return (w, v) after one step of momentum gradient descent: first the velocity, then
    the weights with the new velocity.

    v ← μv − η∇C,  w ← w + v
    Shapes: w, v, grad: the same shape; returns (w, v)
    """
    raise NotImplementedError


# %%
check("momentum_step", momentum_step)


# %%
train_with("momentum_step", momentum_step)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("momentum_step").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `l2_step(w, grad, eta, lmbda, n)`
#
# Return the weights after one gradient step on C = C₀ + (λ/2n) Σ w², where grad is ∇C₀ (the
# unregularised part) and n the size of the training set.
#
# **w ← (1 − ηλ/n) w − η ∇C₀**
#
# Shapes: w, grad: the same shape; the result too


# %% tags=["exercise"]
def l2_step(w, grad, eta, lmbda, n):
    """Return the weights after one gradient step on C = C₀ + (λ/2n) Σ w², where grad is
    ∇C₀ (the unregularised part) and n the size of the training set.

    w ← (1 − ηλ/n) w − η ∇C₀
    Shapes: w, grad: the same shape; the result too
    """
    raise NotImplementedError


# %%
check("l2_step", l2_step)


# %%
train_with("l2_step", l2_step)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("l2_step").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "sgd_step",
    "momentum_step",
    "l2_step",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
