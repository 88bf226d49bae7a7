"""Conv2D against a nested-loop reference written here, and float64 gradient checks."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import gradcheck_layer
from deltaprop.core.layers import Conv2D


def reference_conv(x, W, b, stride, pad):
    """z[n, f, i, j] = Σ_c Σ_p Σ_q W[f, c, p, q] · xpad[n, c, i·sh + p, j·sw + q] + b[f]."""
    (sh, sw), (ph, pw) = stride, pad
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, _, h, w = xpad.shape
    f, _, kh, kw = W.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    z = np.zeros((n, f, oh, ow))
    for a in range(n):
        for k in range(f):
            for i in range(oh):
                for j in range(ow):
                    patch = xpad[a, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    z[a, k, i, j] = np.sum(patch * W[k]) + b[k]
    return z


def reference_grads(x, W, delta, stride, pad):
    """∂/∂W and ∂/∂x of Σ z ⊙ δ, by looping over every output position."""
    (sh, sw), (ph, pw) = stride, pad
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dW, dxpad = np.zeros_like(W), np.zeros_like(xpad)
    f, _, kh, kw = W.shape
    n, _, oh, ow = delta.shape
    for a in range(n):
        for k in range(f):
            for i in range(oh):
                for j in range(ow):
                    rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                    dW[k] += delta[a, k, i, j] * xpad[a, :, rows, cols]
                    dxpad[a, :, rows, cols] += delta[a, k, i, j] * W[k]
    h, w = x.shape[2:]
    return dW, dxpad[:, :, ph : ph + h, pw : pw + w]


CONFIGS = [
    # (channels, filters, kernel, stride, padding, image rows x cols)
    (1, 2, 1, 1, 0, (5, 4)),
    (2, 3, 3, 1, 0, (6, 7)),
    (3, 2, 3, 1, "same", (5, 6)),
    (2, 2, 5, 1, 0, (7, 9)),
    (1, 3, 5, 1, "same", (6, 5)),
    (2, 4, 3, 2, 0, (7, 8)),
    (3, 2, (3, 2), (2, 1), 1, (6, 5)),
    (2, 2, (1, 3), 2, (0, 1), (5, 7)),
    (1, 2, 5, 2, 2, (9, 8)),
    (1, 2, 3, 1, (1, 0), (5, 6)),  # padding of rows only
    (2, 2, 3, 1, (0, 2), (5, 4)),  # padding of cols only
]


def _layer(channels, filters, kernel, stride, padding, dtype="float64", **kw):
    layer = Conv2D(channels, filters, kernel, stride, padding, bias_init="normal", **kw)
    layer.build(np.random.default_rng(7), np.dtype(dtype), None)
    return layer


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_forward_and_gradients_equal_nested_loops(config, rng):
    channels, filters, kernel, stride, padding, (h, w) = config
    layer = _layer(channels, filters, kernel, stride, padding)
    x = rng.normal(size=(3, channels, h, w))
    z = layer.forward(x, training=True)
    W, b = layer.params["W"], layer.params["b"]
    expected = reference_conv(x, W, b, layer.stride, layer.pad)
    assert z.shape == expected.shape == (3, *layer.output_shape((channels, h, w)))
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)
    delta = rng.normal(size=z.shape)
    dx = layer.backward(delta)
    dW, dx_ref = reference_grads(x, W, delta, layer.stride, layer.pad)
    np.testing.assert_allclose(layer.grads["W"], dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], delta.sum(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_gradient_check(config, rng):
    channels, filters, kernel, stride, padding, (h, w) = config
    layer = _layer(channels, filters, kernel, stride, padding)
    x = rng.normal(size=(2, channels, h, w))
    result = gradcheck_layer(layer, x, max_entries=None)
    assert result.passed and result.max_error < 1e-6, f"\n{result}"
    # negative control: a slightly wrong weight gradient must be caught
    good_backward = layer.backward

    def wrong_backward(delta):
        out = good_backward(delta)
        layer.grads["W"] = layer.grads["W"].copy()
        layer.grads["W"].flat[0] += 1e-4 * np.linalg.norm(layer.grads["W"]) + 1e-6
        return out

    layer.backward = wrong_backward
    bad = gradcheck_layer(layer, x, max_entries=None)
    assert not bad.passed and bad.errors["W"] >= 1e-6


def test_filters_share_weights_across_positions():
    """One filter, one set of weights: the same pattern anywhere gives the same response."""
    layer = _layer(1, 1, 3, 1, 0)
    x = np.zeros((2, 1, 8, 8))
    pattern = np.arange(9.0).reshape(3, 3)
    x[0, 0, 0:3, 0:3] = pattern
    x[1, 0, 4:7, 3:6] = pattern
    z = layer.forward(x)
    assert z[0, 0, 0, 0] == pytest.approx(z[1, 0, 4, 3], rel=1e-14)
    assert layer.params["W"].shape == (1, 1, 3, 3) and layer.n_params == 10


@pytest.mark.parametrize("channels", [1, 2], ids=["one-channel", "batch-last"])
def test_chunked_patches_give_the_same_results(rng, channels):
    x = rng.normal(size=(5, channels, 7, 6))
    whole = _layer(channels, 3, 3, 1, 1)
    per_image = 42 * 9 * channels * 8  # patch bytes of one image
    chunked = _layer(channels, 3, 3, 1, 1, max_patch_bytes=2 * per_image)  # two at a time
    assert chunked._chunk(5, 42 * 9 * channels, 8) == 2
    np.testing.assert_allclose(
        chunked.forward(x, training=True), whole.forward(x, training=True), rtol=1e-13
    )
    delta = rng.normal(size=(5, 3, 7, 6))
    np.testing.assert_allclose(chunked.backward(delta), whole.backward(delta), rtol=1e-13)
    np.testing.assert_allclose(chunked.grads["W"], whole.grads["W"], rtol=1e-12)
    assert chunked._cols_cache is None  # patches were not all kept in memory


def test_float32_in_float32_out(rng):
    layer = _layer(2, 3, 3, 1, "same", dtype="float32")
    z = layer.forward(rng.normal(size=(2, 2, 5, 5)).astype(np.float32), training=True)
    assert z.dtype == np.float32 and z.flags.c_contiguous
    assert layer.backward(np.ones_like(z)).dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kernel_size": 0}, ValueError, "kernel_size must be a positive integer"),
        ({"kernel_size": 2, "padding": "same"}, ValueError, "odd kernel"),
        ({"kernel_size": 3, "stride": 2, "padding": "same"}, ValueError, "stride 1"),
        ({"kernel_size": 3, "padding": -1}, ValueError, ">= 0"),
        ({"kernel_size": 3, "padding": "full"}, ValueError, "'valid' or 'same'"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Conv2D(1, 2, **kwargs)


def test_shape_errors(rng):
    layer = _layer(2, 3, 5, 1, 0)
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(rng.normal(size=(1, 3, 8, 8)))
    with pytest.raises(ValueError, match="does not fit"):
        layer.output_shape((2, 4, 8))
