# %% [markdown]
# # Exercises: convolutions
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
# ## `conv2d_forward(x, W, b, stride)`
#
# Return the valid convolution (a cross-correlation, as in the notes: the kernel is not flipped)
# of a batch of images in NCHW layout, with one bias per filter.
#
# **z[n,f,i,j] = Σ_c Σ_p Σ_q W[f,c,p,q] x[n,c,i·s+p, j·s+q] + b[f]**
#
# Shapes: x: (n, c, h, w), W: (f, c, kh, kw), b: (f,); z: (n, f, (h−kh)//s + 1, (w−kw)//s + 1)


# %% tags=["exercise"]
def conv2d_forward(x, W, b, stride):
    """Return the valid convolution (a cross-correlation, as in the notes: the kernel is
    not flipped) of a batch of images in NCHW layout, with one bias per filter.

    z[n,f,i,j] = Σ_c Σ_p Σ_q W[f,c,p,q] x[n,c,i·s+p, j·s+q] + b[f]
    Shapes: x: (n, c, h, w), W: (f, c, kh, kw), b: (f,); z: (n, f, (h−kh)//s + 1,
    (w−kw)//s + 1)
    """
    raise NotImplementedError


# %%
check("conv2d_forward", conv2d_forward)


# %%
train_with("conv2d_forward", conv2d_forward)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("conv2d_forward").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `conv2d_backward(delta, x, W, stride)`
#
# Return (dW, db, dx) of conv2d_forward given δ = ∂C/∂z of shape (n, f, out_rows, out_cols).
#
# **dW[f,c,p,q] = Σ_n Σ_ij δ[n,f,i,j] x[n,c,i·s+p, j·s+q],  db[f] = Σ δ[:,f],  dx: every window
# adds Σ_f W[f] δ[n,f,i,j]**
#
# Shapes: dW like W, db (f,), dx like x


# %% tags=["exercise"]
def conv2d_backward(delta, x, W, stride):
    """Return (dW, db, dx) of conv2d_forward given δ = ∂C/∂z of shape (n, f, out_rows,
    out_cols).

    dW[f,c,p,q] = Σ_n Σ_ij δ[n,f,i,j] x[n,c,i·s+p, j·s+q],  db[f] = Σ δ[:,f],  dx: every
        window adds Σ_f W[f] δ[n,f,i,j]
    Shapes: dW like W, db (f,), dx like x
    """
    raise NotImplementedError


# %%
check("conv2d_backward", conv2d_backward)


# %%
train_with("conv2d_backward", conv2d_backward)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("conv2d_backward").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %% [markdown]
# ## `maxpool_backward(delta, x, size)`
#
# Return dx for max-pooling x with size × size windows and stride = size: each window sends its δ
# to the position of its maximum, every other position gets 0.
#
# **dx[n,c,i·s+p, j·s+q] = δ[n,c,i,j] if x there is the window's maximum, else 0**
#
# Shapes: delta: (n, c, h//size, w//size), x: (n, c, h, w); dx like x


# %% tags=["exercise"]
def maxpool_backward(delta, x, size):
    """Return dx for max-pooling x with size × size windows and stride = size: each window
    sends its δ to the position of its maximum, every other position gets 0.

    dx[n,c,i·s+p, j·s+q] = δ[n,c,i,j] if x there is the window's maximum, else 0
    Shapes: delta: (n, c, h//size, w//size), x: (n, c, h, w); dx like x
    """
    raise NotImplementedError


# %%
check("maxpool_backward", maxpool_backward)


# %%
train_with("maxpool_backward", maxpool_backward)


# %% [markdown]
# Stuck? `deltaprop.exercises.get("maxpool_backward").hints` climbs from the idea to a skeleton;
# `deltaprop exercises hint` gives them one by one.


# %%
NAMES = [
    "conv2d_forward",
    "conv2d_backward",
    "maxpool_backward",
]
verdicts = [check(name, globals()[name]) for name in NAMES]
for verdict in verdicts:
    print(verdict.headline)
assert all(v.passed for v in verdicts), "not every exercise here passes yet"
