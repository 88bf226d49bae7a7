# %% [markdown]
# # Exercises: activations
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
# ## `sigmoid_prime(z)`
#
# Return σ′(z), the derivative of the sigmoid, for every entry of z. Leave z as it is.
#
# **σ(z) = 1 / (1 + e^(−z)),  σ′(z) = σ(z)(1 − σ(z))**
#
# Shapes: z: any shape; the result has the same shape


# %% tags=["exercise"]
def sigmoid_prime(z):
    """Return σ′(z), the derivative of the sigmoid, for every entry of z. Leave z as it is.

    σ(z) = 1 / (1 + e^(−z)),  σ′(z) = σ(z)(1 − σ(z))
    Shapes: z: any shape; the result has the same shape
    """
    raise NotImplementedError


# %%
check("sigmoid_prime", sigmoid_prime)


# %%
train_with("sigmoid_prime", sigmoid_prime)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("sigmoid_prime").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `softmax(z)`
#
# Return the softmax of each row of z. It must stay finite for entries up to ±1000. Leave z as it
# is.
#
# **aⱼ = e^(zⱼ) / Σₖ e^(zₖ)  (each row)**
#
# Shapes: z: (n, k); the result (n, k), every row summing to 1


# %% tags=["exercise"]
def softmax(z):
    """Return the softmax of each row of z. It must stay finite for entries up to ±1000.
    Leave z as it is.

    aⱼ = e^(zⱼ) / Σₖ e^(zₖ)  (each row)
    Shapes: z: (n, k); the result (n, k), every row summing to 1
    """
    raise NotImplementedError


# %%
check("softmax", softmax)


# %%
train_with("softmax", softmax)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("softmax").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "sigmoid_prime",
    "softmax",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
