# %% [markdown]
# # Exercises: output errors
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
# ## `quadratic_delta(z, y)`
#
# Return the output error δᴸ = ∂C/∂zᴸ of a sigmoid output layer with the quadratic cost averaged
# over the n rows of the batch.
#
# **C = (1/2n) Σₓ ‖y − a‖²,  a = σ(z),  BP1: δᴸ = (a − y) ⊙ σ′(zᴸ) / n**
#
# Shapes: z, y: (n, k); δᴸ: (n, k)


# %% tags=["exercise"]
def quadratic_delta(z, y):
    """Return the output error δᴸ = ∂C/∂zᴸ of a sigmoid output layer with the quadratic
    cost averaged over the n rows of the batch.

    C = (1/2n) Σₓ ‖y − a‖²,  a = σ(z),  BP1: δᴸ = (a − y) ⊙ σ′(zᴸ) / n
    Shapes: z, y: (n, k); δᴸ: (n, k)
    """
    raise NotImplementedError


# %%
check("quadratic_delta", quadratic_delta)


# %%
train_with("quadratic_delta", quadratic_delta)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("quadratic_delta").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `cross_entropy_delta(z, y)`
#
# Return δᴸ for a sigmoid output layer with the cross-entropy cost averaged over the n rows.
#
# **C = −(1/n) Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)],  δᴸ = (a − y) / n**
#
# Shapes: z, y: (n, k); δᴸ: (n, k)


# %% tags=["exercise"]
def cross_entropy_delta(z, y):
    """Return δᴸ for a sigmoid output layer with the cross-entropy cost averaged over the n
    rows.

    C = −(1/n) Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)],  δᴸ = (a − y) / n
    Shapes: z, y: (n, k); δᴸ: (n, k)
    """
    raise NotImplementedError


# %%
check("cross_entropy_delta", cross_entropy_delta)


# %%
train_with("cross_entropy_delta", cross_entropy_delta)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("cross_entropy_delta").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `log_likelihood_delta(z, y)`
#
# Return δᴸ for a softmax output layer with the log-likelihood cost averaged over the n rows; y is
# one-hot.
#
# **C = −(1/n) Σₓ ln a_y,  a = softmax(z),  δᴸ = (a − y) / n**
#
# Shapes: z, y: (n, k); δᴸ: (n, k)


# %% tags=["exercise"]
def log_likelihood_delta(z, y):
    """Return δᴸ for a softmax output layer with the log-likelihood cost averaged over the
    n rows; y is one-hot.

    C = −(1/n) Σₓ ln a_y,  a = softmax(z),  δᴸ = (a − y) / n
    Shapes: z, y: (n, k); δᴸ: (n, k)
    """
    raise NotImplementedError


# %%
check("log_likelihood_delta", log_likelihood_delta)


# %%
train_with("log_likelihood_delta", log_likelihood_delta)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("log_likelihood_delta").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "quadratic_delta",
    "cross_entropy_delta",
    "log_likelihood_delta",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
