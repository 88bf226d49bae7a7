"""Known-wrong answers of the convolution exercises and of the capstone, backprop."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import solutions as ref
from ..solutions import sigmoid_prime as sp
from .base import AVERAGE, Wrong, σ


def _conv_flipped(x, W, b, stride):  # type: ignore[no-untyped-def]
    return ref.conv2d_forward(x, W[:, :, ::-1, ::-1], b, stride)


def _conv_one_channel(x, W, b, stride):  # type: ignore[no-untyped-def]
    return ref.conv2d_forward(x[:, :1], W[:, :1], b, stride)


def _conv_backward_loop(add: bool = True, flip: bool = False, step: int | None = None):  # type: ignore[no-untyped-def]
    """The loop of the exercise's skeleton, with one of its usual slips."""

    def backward(delta, x, W, stride):  # type: ignore[no-untyped-def]
        s = stride if step is None else step
        kh, kw = W.shape[2:]
        W_dx = W[:, :, ::-1, ::-1] if flip else W
        dW, dx = np.zeros_like(W), np.zeros_like(x)
        for i in range(delta.shape[2]):
            for j in range(delta.shape[3]):
                cell = (
                    slice(None),
                    slice(None),
                    slice(i * s, i * s + kh),
                    slice(j * s, j * s + kw),
                )
                d = delta[:, :, i, j]
                dW += np.einsum("ncpq,nf->fcpq", x[cell], d)
                back = np.einsum("fcpq,nf->ncpq", W_dx, d)
                if add:
                    dx[cell] += back
                else:
                    dx[cell] = back
        return dW, delta.sum(axis=(0, 2, 3)), dx

    return backward


def _replace(parts: tuple, index: int, value: np.ndarray) -> tuple:
    return tuple(value if k == index else p for k, p in enumerate(parts))


def _maxpool_with(route: Callable[[np.ndarray], np.ndarray]):  # type: ignore[no-untyped-def]
    def backward(delta, x, size):  # type: ignore[no-untyped-def]
        dx = np.zeros_like(x)
        for i in range(delta.shape[2]):
            for j in range(delta.shape[3]):
                cell = (
                    slice(None),
                    slice(None),
                    slice(i * size, (i + 1) * size),
                    slice(j * size, (j + 1) * size),
                )
                dx[cell] = route(x[cell]) * delta[:, :, i, j][:, :, None, None]
        return dx

    return backward


def _first(window: np.ndarray, pick: Callable[..., np.ndarray]) -> np.ndarray:
    flat = window.reshape(*window.shape[:2], -1)
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, pick(flat, axis=-1)[..., None], 1.0, axis=-1)
    return mask.reshape(window.shape)


def _backprop_with(output_delta, hidden_factor, order=1):  # type: ignore[no-untyped-def]
    def backprop(weights, biases, x, y):  # type: ignore[no-untyped-def]
        acts, zs = [x], []
        for W, b in zip(weights, biases, strict=False):
            zs.append(acts[-1] @ W + b)
            acts.append(σ(zs[-1]))
        delta = output_delta(acts[-1], y, zs[-1])
        dWs: list[np.ndarray] = []
        dbs: list[np.ndarray] = []
        for layer in range(len(weights) - 1, -1, -1):
            dWs.insert(0, acts[layer].T @ delta)
            dbs.insert(0, delta.sum(axis=0))
            if layer:
                delta = (delta @ weights[layer].T) * hidden_factor(zs[layer - 1])
        return dWs[::order], dbs[::order]

    return backprop


def _bp1(a, y, z):  # type: ignore[no-untyped-def]
    return (a - y) / len(a)


CONV: dict[str, tuple[Wrong, ...]] = {
    "conv2d_forward": (
        Wrong(
            "flipped-kernel",
            _conv_flipped,
            "The kernel is flipped (a true convolution); "
            "the notes' (and deltaprop's) layers cross-correlate.",
            "Use W[f, c, p, q] as it is.",
        ),
        Wrong(
            "ignored-stride",
            lambda x, W, b, s: ref.conv2d_forward(x, W, b, 1),
            "The stride is ignored: output (i, j) starts at row i·s, column j·s.",
            "Step the window by stride.",
        ),
        Wrong(
            "missing-bias",
            lambda x, W, b, s: ref.conv2d_forward(x, W, 0 * b, s),
            "The bias b[f] is not added.",
            "Add b[f] to every position of filter f.",
        ),
        Wrong(
            "channels-not-summed",
            _conv_one_channel,
            "Only the first channel is used; z sums over every input channel c.",
            "Contract over c as well.",
        ),
        Wrong(
            "off-by-one",
            lambda x, W, b, s: ref.conv2d_forward(x, W, b, s)[:, :, :-1, :-1],
            "The output is one row and one column short: a valid convolution has "
            "(h − kh)//s + 1 rows.",
            "Count the last window too: + 1.",
        ),
    ),
    "conv2d_backward": (
        Wrong(
            "overwritten-not-added",
            _conv_backward_loop(add=False),
            "Where windows "
            "overlap, dx keeps the last window's contribution only: they must add up (+=).",
            "Use += into dx.",
        ),
        Wrong(
            "db-averaged",
            lambda d, x, W, s: _replace(ref.conv2d_backward(d, x, W, s), 1, d.mean(axis=(0, 2, 3))),
            "db averages δ; ∂C/∂b sums over the batch and every "
            "position (δ already carries the 1/n).",
            "Sum, not mean.",
        ),
        Wrong(
            "flipped-kernel",
            _conv_backward_loop(flip=True),
            "dx uses the flipped kernel, but conv2d_forward does not flip it.",
            "Send each δ back through W as it was used.",
        ),
        Wrong(
            "ignored-stride",
            _conv_backward_loop(step=1),
            "The stride is ignored: window (i, j) starts at row i·s, column j·s.",
            "Step the window by stride.",
        ),
        Wrong(
            "missing-sum-over-batch",
            lambda d, x, W, s: _replace(
                ref.conv2d_backward(d[:1], x[:1], W, s), 2, ref.conv2d_backward(d, x, W, s)[2]
            ),
            "dW and db use the "
            "first image only; the shared weights collect the gradient of every image.",
            "Sum over n as well.",
        ),
    ),
    "maxpool_backward": (
        Wrong(
            "every-cell",
            _maxpool_with(lambda w: np.ones_like(w)),
            "δ is copied to every cell of the window; only the maximum passed its value on.",
            "Mask the window where x is its maximum.",
        ),
        Wrong(
            "averaged-window",
            _maxpool_with(lambda w: np.full_like(w, 1 / w[0, 0].size)),
            "δ is spread evenly over the window: that is average-pooling's gradient.",
            "Only the maximum gets δ.",
        ),
        Wrong(
            "to-minimum",
            _maxpool_with(lambda w: _first(w, np.argmin)),
            "δ goes to the window's minimum.",
            "Use the maximum.",
        ),
        Wrong(
            "transposed-window",
            _maxpool_with(lambda w: _first(w, np.argmax).swapaxes(2, 3)),
            "The position of the maximum is unravelled with rows and columns swapped.",
            "np.unravel_index(k, (size, size)) gives (row, col).",
        ),
    ),
    "backprop": (
        Wrong(
            "extra-sigma-prime",
            _backprop_with(lambda a, y, z: (a - y) * sp(z) / len(a), sp),
            "δᴸ has a factor σ′(zᴸ): that is the quadratic cost's BP1. With the "
            "cross-entropy δᴸ = (aᴸ − y)/n.",
            "Drop σ′ at the output.",
        ),
        Wrong(
            "not-averaged",
            _backprop_with(lambda a, y, z: a - y, sp),
            f"δᴸ lacks the 1/n: {AVERAGE}.",
            "Divide δᴸ by n.",
        ),
        Wrong(
            "missing-sigma-prime",
            _backprop_with(_bp1, lambda z: 1.0),
            "BP2's factor σ′(zˡ) is missing in the hidden layers.",
            "Multiply by σ′(zˡ).",
        ),
        Wrong(
            "reversed-order",
            _backprop_with(_bp1, sp, order=-1),
            "The lists come back last layer first; they go in layer order.",
            "Insert at the front, or reverse.",
        ),
        Wrong(
            "sign",
            _backprop_with(lambda a, y, z: (y - a) / len(a), sp),
            "δᴸ = (y − a)/n has the wrong sign.",
            "δᴸ = (aᴸ − y)/n.",
        ),
    ),
}
