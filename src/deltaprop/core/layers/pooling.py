"""Pooling: the max or the mean of each window, per channel (NCHW)."""

from __future__ import annotations

from typing import Any

from ...utils.backend import Array, get_array_module
from .base import Layer
from .conv import pair_of


def offsets(kh: int, kw: int, sh: int, sw: int, oh: int, ow: int) -> list[tuple[slice, ...]]:
    """For each kernel offset (i, j), the slice of an image that the windows' (i, j) cells cover.

    Working offset by offset keeps every NumPy operation on large strided blocks; reducing
    over small window axes instead is many times slower.
    """
    return [
        (slice(None), slice(None), slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw))
        for i in range(kh)
        for j in range(kw)
    ]


class _Pool(Layer):
    """Shared shape logic of the pooling layers: windows of ``size`` moved by ``stride``."""

    def __init__(
        self, size: int | tuple[int, int] = 2, stride: int | tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self.size = pair_of(size, f"{type(self).__name__} size")
        self.stride = (
            self.size if stride is None else pair_of(stride, f"{type(self).__name__} stride")
        )

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(input_shape) != 3:
            raise ValueError(f"{self!r} expects inputs (channels, rows, cols), got {input_shape}")
        (kh, kw), (sh, sw) = self.size, self.stride
        c, h, w = input_shape
        if h < kh or w < kw:
            raise ValueError(f"{self!r}: a {kh}x{kw} window does not fit a {h}x{w} image")
        return (c, (h - kh) // sh + 1, (w - kw) // sw + 1)

    def _slices(self, x: Array) -> list[tuple[slice, ...]]:
        """Check the input and return its per-offset slices (see :func:`offsets`)."""
        if x.ndim != 4:
            raise ValueError(f"{self!r} expects inputs (n, channels, rows, cols), got {x.shape}")
        self._x = x
        _, oh, ow = self.output_shape(x.shape[1:])
        return offsets(*self.size, *self.stride, oh, ow)

    def get_config(self) -> dict[str, Any]:
        return {"size": list(self.size), "stride": list(self.stride)}

    def __repr__(self) -> str:
        (kh, kw), (sh, sw) = self.size, self.stride
        size = str(kh) if kh == kw else f"({kh}, {kw})"
        stride = "" if self.stride == self.size else f", stride={sh if sh == sw else (sh, sw)}"
        return f"{type(self).__name__}({size}{stride})"


class MaxPool2D(_Pool):
    r"""Max pooling, a = max over each window.

    .. math::

       a_{c,i,j} = \max_{(u,v) \in \text{window}(i,j)} x_{c,u,v}

    The gradient goes to the window's maximum. Where m entries tie for the maximum, max is
    not differentiable; δ is shared equally among them (a subgradient that conserves δ, and
    exactly what central differences measure for the common two-way tie).

    Parameters
    ----------
    size : int or (int, int), default 2
        Window rows and columns.
    stride : int or (int, int), optional
        Step between windows; by default the window size (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import MaxPool2D
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> layer = MaxPool2D(2)
    >>> layer.forward(x)[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> layer.backward(np.ones((1, 1, 2, 2)))[0, 0].tolist()  # δ goes to each maximum
    [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    name = "maxpool2d"

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """a[n, c, i, j] = max over the window at (i, j)."""
        xp = get_array_module(x)
        cells = self._slices(x)
        a = x[cells[0]].copy()
        for cell in cells[1:]:
            xp.maximum(a, x[cell], out=a)
        self._a = a
        self._routes = self._share(x, a, cells) if training else None
        return a

    @staticmethod
    def _share(x: Array, a: Array, cells: list[tuple[slice, ...]]) -> list[Array]:
        """For each kernel offset, the fraction of δ it receives: 1/(number of maxima) or 0."""
        xp = get_array_module(x)
        routes = [xp.equal(x[cell], a).astype(x.dtype) for cell in cells]
        count = routes[0].copy()
        for route in routes[1:]:
            count += route
        xp.reciprocal(count, out=count)
        for route in routes:
            route *= count
        return routes

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ / (number of maxima) at each window's maxima, summed over windows."""
        xp = get_array_module(delta)
        x = self._x
        cells = offsets(*self.size, *self.stride, *self._a.shape[2:])
        routes = self._routes if self._routes is not None else self._share(x, self._a, cells)
        dx = xp.zeros_like(x)
        if self.stride == self.size:  # windows do not overlap: each cell is written once
            for cell, route in zip(cells, routes, strict=True):
                xp.multiply(route, delta, out=dx[cell])
        else:
            for cell, route in zip(cells, routes, strict=True):
                dx[cell] += route * delta
        return dx


class AvgPool2D(_Pool):
    r"""Average pooling, a = mean over each window.

    .. math::

       a_{c,i,j} = \frac{1}{k_h k_w} \sum_{(u,v) \in \text{window}(i,j)} x_{c,u,v}

    Parameters
    ----------
    size : int or (int, int), default 2
        Window rows and columns.
    stride : int or (int, int), optional
        Step between windows; by default the window size (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import AvgPool2D
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> AvgPool2D(2).forward(x)[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """

    name = "avgpool2d"

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """a[n, c, i, j] = mean over the window at (i, j)."""
        first, *rest = self._slices(x)
        a = x[first].copy()
        for cell in rest:
            a += x[cell]
        a /= self.size[0] * self.size[1]
        return a

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ / (kh·kw) spread over each window, summed over windows."""
        xp = get_array_module(delta)
        share = delta / (self.size[0] * self.size[1])
        dx = xp.zeros_like(self._x)
        for cell in offsets(*self.size, *self.stride, *delta.shape[2:]):
            dx[cell] += share
        return dx
