# %% [markdown]
# # Exercises: gradient checking
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
# ## `numerical_gradient(f, theta, eps)`
#
# Return the central-difference estimate of ∂f/∂θ for every entry of θ (an array of any shape). f
# takes θ and returns a number. Leave θ as it was.
#
# **∂f/∂θᵢ ≈ (f(θ + ε eᵢ) − f(θ − ε eᵢ)) / 2ε**
#
# Shapes: theta: any shape; the result has the same shape


# %% tags=["exercise"]
def numerical_gradient(f, theta, eps):
    """Return the central-difference estimate of ∂f/∂θ for every entry of θ (an array of
    any shape). f takes θ and returns a number. Leave θ as it was.

    ∂f/∂θᵢ ≈ (f(θ + ε eᵢ) − f(θ − ε eᵢ)) / 2ε
    Shapes: theta: any shape; the result has the same shape
    """
    raise NotImplementedError


# %%
check("numerical_gradient", numerical_gradient)


# %%
train_with("numerical_gradient", numerical_gradient)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("numerical_gradient").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "numerical_gradient",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
