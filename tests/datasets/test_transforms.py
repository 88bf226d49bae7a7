"""Shifts, augmentation, rotation, scaling, one-hot."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop.datasets import (
    Augment,
    expand_with_shifts,
    one_hot,
    random_rotation,
    random_shift,
    scale,
    shift,
)

IMG = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])


def test_shift_right_and_down():
    np.testing.assert_array_equal(shift(IMG, 1, 1), [[0, 0, 0, 0], [0, 1, 2, 3], [0, 5, 6, 7]])


def test_shift_up_and_left_as_in_the_course():
    # "moved 2 pixels up and 2 left": dx = -2, dy = -2
    np.testing.assert_array_equal(shift(IMG, -2, -2), [[11, 12, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])


def test_shift_one_axis_and_batches():
    batch = np.stack([IMG, 10 * IMG])
    out = shift(batch, 0, -1)
    np.testing.assert_array_equal(out[0], [[5, 6, 7, 8], [9, 10, 11, 12], [0, 0, 0, 0]])
    np.testing.assert_array_equal(out[1], 10 * out[0])
    np.testing.assert_array_equal(shift(IMG, 0, 0), IMG)
    assert not shift(IMG, 3, 0)[:, :3].any() and not shift(IMG, 0, -2)[1:].any()
    for dx, dy in [(4, 0), (0, -3), (100, 100)]:  # out of view: a blank image is an error
        with pytest.raises(ValueError, match="out of view"):
            shift(IMG, dx, dy)


def test_expand_with_shifts_keeps_labels_aligned():
    images = np.stack([IMG, 100 + IMG])
    labels = np.array([3, 8])
    X, y = expand_with_shifts(images, labels, pixels=1)
    assert X.shape == (10, 3, 4) and y.tolist() == [3, 8] * 5
    for i in range(10):  # every copy is a shift of the image whose label it carries
        source = images[i % 2]
        assert any(
            np.array_equal(X[i], shift(source, dx, dy))
            for dx, dy in [(0, 0), (0, -1), (0, 1), (-1, 0), (1, 0)]
        )


def _shift_of(moved, original, k):
    return [
        (dx, dy)
        for dx in range(-k, k + 1)
        for dy in range(-k, k + 1)
        if np.array_equal(moved, shift(original, dx, dy))
    ]


def test_random_shift_moves_each_image_by_at_most_k(rng):
    images = rng.integers(1, 9, size=(40, 6, 7))
    moved = random_shift(images, 2, rng)
    offsets = [_shift_of(m, o, 2) for m, o in zip(moved, images, strict=True)]
    assert all(offsets)  # each output is some shift of its own input (so labels stay valid)
    assert len({o[0] for o in offsets}) > 10  # and the shifts vary


def test_augment_works_on_flat_rows_and_keeps_order(rng):
    images = rng.integers(1, 9, size=(20, 5, 5)).astype(np.float32)
    flat = images.reshape(20, 25)
    out = Augment(max_shift=1, image_shape=(5, 5))(flat, rng)
    assert out.shape == flat.shape and out.dtype == np.float32
    for i in range(20):
        assert _shift_of(out[i].reshape(5, 5), images[i], 1)


def test_random_rotation(rng):
    dot = np.zeros((1, 9, 9))
    dot[0, 4, 4] = 1.0
    turned_dot = random_rotation(dot, 30, rng)[0]
    rows, cols = np.indices(turned_dot.shape)
    # bilinear sampling blurs the dot, but it stays centred on the centre of rotation
    assert (rows * turned_dot).sum() / turned_dot.sum() == pytest.approx(4.0)
    assert (cols * turned_dot).sum() / turned_dot.sum() == pytest.approx(4.0)
    images = rng.random((5, 8, 8))
    np.testing.assert_allclose(random_rotation(images, 0, rng), images, atol=1e-12)
    bar = np.zeros((1, 9, 9))
    bar[0, 4, 1:8] = 1.0
    turned = random_rotation(bar, 45, np.random.default_rng(3))
    assert not np.allclose(turned, bar)  # it rotated...
    assert turned.sum() == pytest.approx(bar.sum(), rel=0.15)  # ...without losing the ink


def test_scale_and_one_hot():
    np.testing.assert_allclose(scale(np.array([0, 51, 255], np.uint8)), [0, 0.2, 1])
    np.testing.assert_allclose(scale(np.array([0.0, 2.0, 4.0])), [0, 0.5, 1])
    np.testing.assert_array_equal(one_hot([1, 0, 2]), np.eye(3)[[1, 0, 2]])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        one_hot([0, 3], 3)
