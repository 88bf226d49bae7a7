"""Convolution: small filters whose copies share one set of weights, slid over the image.

Layout NCHW: inputs (n, channels, rows, cols), weights W (filters, channels, kh, kw), biases
b (filters,). The forward pass unfolds every receptive field into a column ("im2col") and
does one matrix product; the backward pass does the transposed products and folds the patch
gradients back onto the image ("col2im").

Two arrangements of the unfolded patches, chosen by the number of input channels:

* several channels: patches (channels·kh·kw, rows·cols·n) built from the batch transposed to
  (channels, rows, cols, n). With the batch innermost, every kernel offset copies (and folds
  back) runs of cols·n contiguous values instead of runs of cols, and the weight gradient
  is one matrix product with no copy of the patches;
* one channel (typically the first layer, whose input gradient is not needed): patches
  (n, kh·kw, rows·cols) per image, which keeps the large output in NCHW without a transpose.

Batches whose patches would exceed ``max_patch_bytes`` are processed in chunks of images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...utils.backend import Array, get_array_module
from ...utils.validation import check_positive_int
from .base import InitSpec, WeightedLayer

DEFAULT_MAX_PATCH_BYTES = 64 * 2**20
# Without a backward pass to keep patches for, small chunks that stay in cache win: on the
# 2-core benchmark machine, 1 MiB chunks made LeNet inference 1.6x faster than 64 MiB ones.
INFERENCE_PATCH_BYTES = 2**20


def pair_of(value: int | tuple[int, int] | list[int], what: str) -> tuple[int, int]:
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


def fold(
    patches: Array, shape: tuple[int, ...], sh: int, sw: int, batch_last: bool = False
) -> Array:
    """Sum window gradients back onto images: the inverse of :func:`windows` for gradients.

    ``patches`` is (n, c, kh, kw, out_rows, out_cols) and the result (n, c, rows, cols); with
    ``batch_last`` they are (c, kh, kw, out_rows, out_cols, n) and (c, rows, cols, n).
    Overlapping windows add up: one strided addition per kernel offset.
    """
    xp = get_array_module(patches)
    kh, kw, oh, ow = patches.shape[1:5] if batch_last else patches.shape[2:]
    out = xp.zeros(shape, dtype=patches.dtype)
    for i in range(kh):
        for j in range(kw):
            rows, cols = slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw)
            if batch_last:
                out[:, rows, cols, :] += patches[:, i, j]
            else:
                out[:, :, rows, cols] += patches[:, :, i, j]
    return out


class Conv2D(WeightedLayer):
    r"""2-D convolution, z[n, f] = Σ_c W[f, c] ⋆ x[n, c] + b[f] (a cross-correlation).

    .. math::

       z_{f,i,j} = b_f + \sum_{c,u,v} W_{f,c,u,v} \, x_{c,\, s i + u,\, s j + v}

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

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import Conv2D
    >>> layer = Conv2D(1, 4, 3, padding="same")
    >>> layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    >>> layer.forward(np.ones((2, 1, 8, 8))).shape  # (n, filters, rows, cols)
    (2, 4, 8, 8)
    >>> layer.params["W"].shape  # one 3x3 filter per output channel, shared by all positions
    (4, 1, 3, 3)
    """

    name = "conv2d"

    def __init__(
        self,
        in_channels: int,
        filters: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        *,
        init: InitSpec | None = None,
        bias_init: InitSpec = 0.0,
        max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES,
    ) -> None:
        super().__init__(init=init, bias_init=bias_init)
        self.in_channels = check_positive_int(in_channels, "Conv2D in_channels")
        self.filters = check_positive_int(filters, "Conv2D filters")
        self.kernel_size = pair_of(kernel_size, "Conv2D kernel_size")
        self.stride = pair_of(stride, "Conv2D stride")
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

    @property
    def fans(self) -> tuple[int, int]:
        kh, kw = self.kernel_size
        return self.fan_in, self.filters * kh * kw

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"W": (self.filters, self.in_channels, *self.kernel_size), "b": (self.filters,)}

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
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

    def _chunk(self, n: int, per_image: int, itemsize: int, limit: int | None = None) -> int:
        """How many images at a time keep the unfolded patches under ``limit`` bytes."""
        limit = self.max_patch_bytes if limit is None else limit
        return max(1, min(n, limit // max(1, per_image * itemsize)))

    def _padded(self, x: Array) -> Array:
        ph, pw = self.pad
        if ph == pw == 0:
            return x
        return get_array_module(x).pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))

    @property
    def _batch_last(self) -> bool:
        """Which patch arrangement to use (see the module docstring)."""
        return self.in_channels > 1

    def _cols(self, xpad: Array) -> Array:
        """im2col of a chunk of padded images, arranged as :attr:`_batch_last` says."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if not self._batch_last:
            win = windows(xpad, kh, kw, sh, sw)  # (n, c, oh, ow, kh, kw), a view
            n, c, oh, ow = win.shape[:4]
            return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
        xp = get_array_module(xpad)
        xt = xp.ascontiguousarray(xpad.transpose(1, 2, 3, 0))  # (c, rows, cols, n)
        c, h, w, n = xt.shape
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
        s0, s1, s2, s3 = xt.strides
        win = xp.lib.stride_tricks.as_strided(
            xt, (c, kh, kw, oh, ow, n), (s0, s1, s2, s1 * sh, s2 * sw, s3), writeable=False
        )
        return win.reshape(c * kh * kw, oh * ow * n)

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """z = W_flat · im2col(x) + b, one matrix product per chunk of images."""
        xp = get_array_module(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self!r} expects inputs (n, {self.in_channels}, rows, cols), got {x.shape}"
            )
        self.ensure_built(x)
        n = x.shape[0]
        f, oh, ow = self.output_shape(x.shape[1:])
        W2 = self.params["W"].reshape(f, -1)
        b = self.params["b"][:, None]
        xpad = self._padded(x)
        limit = (
            self.max_patch_bytes if training else min(self.max_patch_bytes, INFERENCE_PATCH_BYTES)
        )
        chunk = self._chunk(n, oh * ow * self.fan_in, x.dtype.itemsize, limit)
        self._x_shape, self._xpad, self._cols_cache = x.shape, xpad, None
        z = xp.empty((n, f, oh, ow), dtype=x.dtype)
        for lo in range(0, n, chunk):
            cols = self._cols(xpad[lo : lo + chunk])
            m = min(chunk, n - lo)
            if self._batch_last:
                zc = W2 @ cols  # (f, oh·ow·m)
                zc += b
                z[lo : lo + m] = zc.reshape(f, oh, ow, m).transpose(3, 0, 1, 2)
            else:
                zc = z[lo : lo + m].reshape(m, f, oh * ow)  # a view: written in place
                xp.matmul(W2, cols, out=zc)
                zc += b
            if training and chunk == n:
                self._cols_cache = cols  # kept for backward; recomputed per chunk otherwise
        return z

    def backward(self, delta: Array) -> Array:
        """δ_prev = col2im(W_flatᵀ·δ), with the parameter gradients of :meth:`backward_params`."""
        return self._backward(delta, input_grad=True)

    def backward_params(self, delta: Array) -> None:
        """∂C/∂W = δ·im2col(x)ᵀ, ∂C/∂b = Σ δ."""
        self._backward(delta, input_grad=False)

    def _backward(self, delta: Array, input_grad: bool) -> Array | None:
        xp = get_array_module(delta)
        n, f, oh, ow = delta.shape
        c, (kh, kw), (sh, sw), (ph, pw) = self.in_channels, self.kernel_size, self.stride, self.pad
        h, w = self._x_shape[2:]
        W2 = self.params["W"].reshape(f, -1)
        delta.reshape(n, f, oh * ow).sum(axis=2).sum(axis=0, out=self.grads["b"])
        dW = xp.zeros_like(W2)
        dx = xp.empty(self._x_shape, dtype=delta.dtype) if input_grad else None
        chunk = (
            n
            if self._cols_cache is not None
            else self._chunk(n, oh * ow * self.fan_in, delta.dtype.itemsize)
        )
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            cols = (
                self._cols_cache
                if chunk == n and self._cols_cache is not None
                else (self._cols(self._xpad[lo : lo + m]))
            )
            if self._batch_last:
                d = xp.ascontiguousarray(delta[lo : lo + m].transpose(1, 2, 3, 0))
                d = d.reshape(f, oh * ow * m)
                dW += d @ cols.T
                if dx is not None:
                    patches = (W2.T @ d).reshape(c, kh, kw, oh, ow, m)
                    hp, wp = self._xpad.shape[2:]
                    dxt = fold(patches, (c, hp, wp, m), sh, sw, batch_last=True)
                    dx[lo : lo + m] = dxt[:, ph : ph + h, pw : pw + w].transpose(3, 0, 1, 2)
            else:
                d = delta[lo : lo + m].reshape(m, f, oh * ow)
                dW += xp.matmul(d, cols.transpose(0, 2, 1)).sum(axis=0)
                if dx is not None:
                    patches = xp.matmul(W2.T, d).reshape(m, c, kh, kw, oh, ow)
                    dxpad = fold(patches, (m, c, *self._xpad.shape[2:]), sh, sw)
                    dx[lo : lo + m] = dxpad[:, :, ph : ph + h, pw : pw + w]
        self.grads["W"][...] = dW.reshape(self.params["W"].shape)
        return dx

    def get_config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": self.padding if isinstance(self.padding, str) else list(self.padding),
            **self.init_config(),
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
