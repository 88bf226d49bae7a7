"""Convolution: small filters whose copies share one set of weights, slid over the image.

Layout NCHW: inputs (n, channels, rows, cols), weights W (filters, channels, kh, kw), biases
b (filters,). The forward pass unfolds every receptive field into a row ("im2col") and does
one matrix product; the backward pass does the transposed products and folds the patch
gradients back onto the image ("col2im"). To bound memory, batches whose unfolded patches
would exceed ``max_patch_bytes`` are processed in chunks of images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import initializers
from ..backend import Array, asarray, get_array_module
from ..validation import check_positive_int
from .base import Layer

DEFAULT_MAX_PATCH_BYTES = 64 * 2**20


def _pair(value: int | tuple[int, int] | list[int], what: str) -> tuple[int, int]:
    """(rows, cols) from an int or a pair, each a positive integer."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}")
    return check_positive_int(pair[0], what), check_positive_int(pair[1], what)


def windows(x: Array, kh: int, kw: int, sh: int, sw: int) -> Array:
    """A strided view (n, c, out_rows, out_cols, kh, kw) of every window of ``x`` (no copy)."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1  # output rows and cols
    s0, s1, s2, s3 = x.strides
    return xp.lib.stride_tricks.as_strided(
        x, (n, c, oh, ow, kh, kw), (s0, s1, s2 * sh, s3 * sw, s2, s3), writeable=False
    )


def fold(patches: Array, shape: tuple[int, ...], sh: int, sw: int) -> Array:
    """Sum window gradients (n, c, kh, kw, out_rows, out_cols) back onto an image of ``shape``.

    The inverse of :func:`windows` for gradients: overlapping windows add up. One strided
    addition per kernel offset (kh·kw of them), each over the whole batch.
    """
    xp = get_array_module(patches)
    kh, kw, oh, ow = patches.shape[2:]
    out = xp.zeros(shape, dtype=patches.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw] += patches[:, :, i, j]
    return out


class Conv2D(Layer):
    """2-D convolution, z[n, f] = Σ_c W[f, c] ⋆ x[n, c] + b[f] (cross-correlation, as in the notes).

    Parameters
    ----------
    in_channels, filters : int
        Input channels and number of filters (output channels).
    kernel_size : int or (int, int)
        Filter size (rows, cols).
    stride : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added around each image; "same" keeps rows and cols at stride 1.
    init, bias_init
        As for :class:`Dense`; fan-in is channels·kh·kw.
    """

    name = "conv2d"
    regularized = ("W",)

    def __init__(
        self,
        in_channels: int,
        filters: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        *,
        init: Any = None,
        bias_init: Any = 0.0,
        max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES,
    ) -> None:
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "Conv2D in_channels")
        self.filters = check_positive_int(filters, "Conv2D filters")
        self.kernel_size = _pair(kernel_size, "Conv2D kernel_size")
        self.stride = _pair(stride, "Conv2D stride")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(
                    f"Conv2D padding must be an int, a pair, 'valid' or 'same', got {padding!r}"
                )
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2D padding='same' needs stride 1")
            if padding == "same" and any(k % 2 == 0 for k in self.kernel_size):
                raise ValueError("Conv2D padding='same' needs odd kernel sizes")
            self.padding: tuple[int, int] | str = padding
        else:
            pad = (padding, padding) if isinstance(padding, (int, np.integer)) else tuple(padding)
            if len(pad) != 2 or any(int(p) < 0 for p in pad):
                raise ValueError(f"Conv2D padding must be >= 0, got {padding!r}")
            self.padding = (int(pad[0]), int(pad[1]))
        self.init = None if init is None else initializers.get(init)
        self.bias_init = initializers.get(bias_init)
        self.max_patch_bytes = int(max_patch_bytes)

    @property
    def pad(self) -> tuple[int, int]:
        """Zero padding (rows, cols) on each side."""
        if self.padding == "valid":
            return (0, 0)
        if self.padding == "same":
            return (self.kernel_size[0] // 2, self.kernel_size[1] // 2)
        return self.padding  # type: ignore[return-value]

    @property
    def fan_in(self) -> int:
        """Inputs feeding one output unit: channels·kh·kw."""
        return self.in_channels * self.kernel_size[0] * self.kernel_size[1]

    def build(self, rng: np.random.Generator, dtype: np.dtype, activation: str | None) -> None:
        """Draw W (filters, channels, kh, kw) and b (filters,)."""
        init = self.init if self.init is not None else initializers.default_for(activation)
        kh, kw = self.kernel_size
        fan_out = self.filters * kh * kw
        W = init((self.filters, self.in_channels, kh, kw), self.fan_in, fan_out, rng)
        b = self.bias_init((self.filters,), self.fan_in, fan_out, rng)
        self.params = {"W": asarray(W, dtype), "b": asarray(b, dtype)}
        self.grads = {k: get_array_module(v).zeros_like(v) for k, v in self.params.items()}

    @property
    def built(self) -> bool:  # noqa: D102
        return bool(self.params)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:  # noqa: D102
        if len(input_shape) != 3 or input_shape[0] != self.in_channels:
            raise ValueError(
                f"{self!r} expects inputs (channels={self.in_channels}, rows, cols), "
                f"got {input_shape}"
            )
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.pad
        rows, cols = input_shape[1] + 2 * ph, input_shape[2] + 2 * pw
        if rows < kh or cols < kw:
            raise ValueError(
                f"{self!r}: a {kh}x{kw} kernel does not fit a {rows}x{cols} (padded) image"
            )
        return (self.filters, (rows - kh) // sh + 1, (cols - kw) // sw + 1)

    def _chunk(self, n: int, per_image: int, itemsize: int) -> int:
        """How many images at a time keep the unfolded patches under ``max_patch_bytes``."""
        return max(1, min(n, self.max_patch_bytes // max(1, per_image * itemsize)))

    def _padded(self, x: Array) -> Array:
        ph, pw = self.pad
        if ph == pw == 0:
            return x
        return get_array_module(x).pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))

    def _cols(self, xpad: Array) -> Array:
        """im2col: (n, channels·kh·kw, out_rows·out_cols), every receptive field a column."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        win = windows(xpad, kh, kw, sh, sw)  # (n, c, oh, ow, kh, kw), a view
        n, c, oh, ow = win.shape[:4]
        return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """z[n] = W_flat · im2col(x[n]) + b, one matrix product per chunk of images."""
        xp = get_array_module(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self!r} expects inputs (n, {self.in_channels}, rows, cols), got {x.shape}"
            )
        n = x.shape[0]
        f, oh, ow = self.output_shape(x.shape[1:])
        W2 = self.params["W"].reshape(f, -1)
        b = self.params["b"][:, None]
        xpad = self._padded(x)
        chunk = self._chunk(n, oh * ow * self.fan_in, x.dtype.itemsize)
        self._x_shape, self._xpad, self._cols_cache = x.shape, xpad, None
        z = xp.empty((n, f, oh * ow), dtype=x.dtype)
        for lo in range(0, n, chunk):
            cols = self._cols(xpad[lo : lo + chunk])
            xp.matmul(W2, cols, out=z[lo : lo + chunk])
            z[lo : lo + chunk] += b
            if training and chunk == n:
                self._cols_cache = cols  # kept for backward; recomputed per chunk otherwise
        return z.reshape(n, f, oh, ow)

    def backward(self, delta: Array) -> Array:
        """∂C/∂W = Σₙ δ[n]·im2col(x[n])ᵀ, ∂C/∂b = Σ δ, δ_prev = col2im(W_flatᵀ·δ)."""
        xp = get_array_module(delta)
        d = self._delta_rows(delta)
        self._param_grads(d)
        n, f = d.shape[:2]
        c, (kh, kw), (sh, sw), (ph, pw) = self.in_channels, self.kernel_size, self.stride, self.pad
        oh, ow = delta.shape[2:]
        patches = xp.matmul(self.params["W"].reshape(f, -1).T, d)  # (n, c·kh·kw, oh·ow)
        dxpad = fold(patches.reshape(n, c, kh, kw, oh, ow), self._xpad.shape, sh, sw)
        h, w = self._x_shape[2:]
        return dxpad[:, :, ph : ph + h, pw : pw + w]

    def backward_params(self, delta: Array) -> None:
        """∂C/∂W = Σₙ δ[n]·im2col(x[n])ᵀ, ∂C/∂b = Σ δ."""
        self._param_grads(self._delta_rows(delta))

    @staticmethod
    def _delta_rows(delta: Array) -> Array:
        """δ as (n, filters, rows·cols), the layout of the forward output."""
        n, f, oh, ow = delta.shape
        return delta.reshape(n, f, oh * ow)

    def _param_grads(self, d: Array) -> None:
        """∂C/∂W and ∂C/∂b from δ; im2col is recomputed per chunk if it was not kept."""
        xp = get_array_module(d)
        n, f, p = d.shape
        d.sum(axis=2).sum(axis=0, out=self.grads["b"])  # two one-axis sums: faster than one
        if self._cols_cache is not None:
            dW = xp.tensordot(d, self._cols_cache, axes=([0, 2], [0, 2]))
        else:
            dW = xp.zeros((f, self.fan_in), dtype=d.dtype)
            chunk = self._chunk(n, p * self.fan_in, d.dtype.itemsize)
            for lo in range(0, n, chunk):
                cols = self._cols(self._xpad[lo : lo + chunk])
                dW += xp.tensordot(d[lo : lo + chunk], cols, axes=([0, 2], [0, 2]))
        self.grads["W"][...] = dW.reshape(self.params["W"].shape)

    def get_config(self) -> dict[str, Any]:  # noqa: D102
        return {
            "in_channels": self.in_channels,
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": self.padding if isinstance(self.padding, str) else list(self.padding),
            "init": None if self.init is None else initializers.config_of(self.init),
            "bias_init": initializers.config_of(self.bias_init),
        }

    def __repr__(self) -> str:
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        extra = (
            f", stride={sh}"
            if sh == sw and sh != 1
            else (f", stride=({sh}, {sw})" if sh != sw else "")
        )
        if self.padding != (0, 0) and self.padding != "valid":
            extra += f", padding={self.padding!r}"
        return f"Conv2D({self.in_channels}, {self.filters}, {kh}x{kw}{extra})"
