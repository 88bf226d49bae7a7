"""Pooling against nested loops, including overlapping windows and ties."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import gradcheck_layer
from deltaprop.core.layers import AvgPool2D, MaxPool2D


def reference_pool(x, size, stride, op):
    (kh, kw), (sh, sw) = size, stride
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, c, oh, ow))
    for a in range(n):
        for k in range(c):
            for i in range(oh):
                for j in range(ow):
                    out[a, k, i, j] = op(x[a, k, i * sh : i * sh + kh, j * sw : j * sw + kw])
    return out


def reference_max_grad(x, size, stride, delta):
    """Each window sends its δ to its maxima, shared equally among ties."""
    (kh, kw), (sh, sw) = size, stride
    dx = np.zeros_like(x)
    n, c, oh, ow = delta.shape
    for a in range(n):
        for k in range(c):
            for i in range(oh):
                for j in range(ow):
                    win = x[a, k, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    mask = win == win.max()
                    dx[a, k, i * sh : i * sh + kh, j * sw : j * sw + kw] += (
                        delta[a, k, i, j] * mask / mask.sum()
                    )
    return dx


POOLS = [
    ((2, 2), (2, 2), (6, 8)),
    ((2, 2), (2, 2), (5, 7)),
    ((3, 3), (2, 2), (7, 6)),
    ((3, 2), (1, 2), (5, 6)),
    ((2, 3), (1, 1), (4, 5)),
]


@pytest.mark.parametrize(("size", "stride", "hw"), POOLS, ids=str)
def test_max_pool_equals_nested_loops(size, stride, hw, rng):
    layer = MaxPool2D(size, stride)
    x = rng.integers(0, 4, size=(2, 3, *hw)).astype(float)  # few values: many ties
    a = layer.forward(x)
    np.testing.assert_array_equal(a, reference_pool(x, size, stride, np.max))
    delta = rng.normal(size=a.shape)
    np.testing.assert_allclose(
        layer.backward(delta), reference_max_grad(x, size, stride, delta), rtol=1e-13, atol=1e-15
    )


@pytest.mark.parametrize(("size", "stride", "hw"), POOLS, ids=str)
def test_avg_pool_equals_nested_loops(size, stride, hw, rng):
    layer = AvgPool2D(size, stride)
    x = rng.normal(size=(2, 3, *hw))
    np.testing.assert_allclose(
        layer.forward(x), reference_pool(x, size, stride, np.mean), rtol=1e-13
    )


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize(("size", "stride", "hw"), POOLS, ids=str)
def test_gradient_check(cls, size, stride, hw, rng):
    x = rng.normal(size=(2, 2, *hw))
    result = gradcheck_layer(cls(size, stride), x, max_entries=None)
    assert result.passed and result.max_error < 1e-7, f"\n{result}"


# Two-way ties at the maximum (windows (0,0), (0,1) when tiled), repeated values below the
# maximum, and the 5 and the 4 each the maximum of several overlapping windows; no tie of
# three or more at a maximum, where max has no derivative and central differences give ½ each.
TIES = np.array(
    [
        [
            [
                [1.0, 1.0, 0.0, 2.0, 5.0, 0.0],
                [0.0, 0.0, 0.0, 2.0, 0.0, 0.0],
                [3.0, 0.0, 3.0, 1.0, 0.0, 0.0],
                [0.0, 2.5, -1.0, 1.0, 0.0, 4.0],
            ]
        ]
    ]
)


@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 1)], ids=["tiled", "overlapping"])
def test_gradient_check_with_ties_in_max_pooling(size, stride):
    layer = MaxPool2D(size, stride)
    result = gradcheck_layer(layer, TIES.copy(), max_entries=None)
    assert result.passed and result.max_error < 1e-7, f"\n{result}"

    class FirstMaxOnly(MaxPool2D):  # the common shortcut: all of δ to the first maximum
        def backward(self, delta):
            dx = np.zeros_like(self._x)
            (sh, sw), (kh, kw) = self.stride, self.size
            for a, k, i, j in np.ndindex(delta.shape):
                win = self._x[a, k, i * sh : i * sh + kh, j * sw : j * sw + kw]
                p, q = np.unravel_index(np.argmax(win), win.shape)
                dx[a, k, i * sh + p, j * sw + q] += delta[a, k, i, j]
            return dx

    assert not gradcheck_layer(FirstMaxOnly(size, stride), TIES.copy(), max_entries=None).passed


def test_many_way_ties_share_delta_and_conserve_it():
    x = np.zeros((1, 1, 2, 2))  # four-way tie, e.g. a window of dead ReLUs
    layer = MaxPool2D(2)
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(np.array([[[[2.0]]]])), np.full((1, 1, 2, 2), 0.5))


@pytest.mark.parametrize("size", [15, 16, 17])  # 225, 256 and 289 maxima: past a byte
def test_ties_of_hundreds_of_cells_are_counted_exactly(size):
    x = np.zeros((1, 1, size, size))
    layer = MaxPool2D(size)
    layer.forward(x, training=True)
    dx = layer.backward(np.array([[[[1.0]]]]))
    np.testing.assert_allclose(dx, np.full_like(x, 1 / size**2), rtol=1e-15)


def test_window_larger_than_image():
    with pytest.raises(ValueError, match="does not fit"):
        MaxPool2D(5).output_shape((1, 4, 8))
