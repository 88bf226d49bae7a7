"""Image transforms: shifts, rotations, augmentation, scaling and one-hot encoding.

Images are arrays whose last two axes are (rows, cols). A shift by (dx, dy) moves the
content dx pixels right and dy pixels down (negative: left and up), filling with zeros;
the course's "moved 2 pixels up and 2 left" test images are ``shift(images, -2, -2)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils.validation import class_indices


def _span(d: int, size: int) -> tuple[slice, slice]:
    """(destination, source) slices that move an axis of ``size`` by ``d`` pixels."""
    if d >= 0:
        return slice(d, size), slice(0, size - d)
    return slice(0, size + d), slice(-d, size)


def shift(images: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Return ``images`` moved ``dx`` pixels right and ``dy`` down, filled with zeros.

    Parameters
    ----------
    images : ndarray
        One image or many: the last two axes are rows and columns.
    dx, dy : int
        Pixels right (negative: left) and down (negative: up); smaller than the image.

    Returns
    -------
    ndarray
        The moved images, the same shape; what moves out of view is lost, zeros come in.

    Examples
    --------
    >>> shift(np.arange(9).reshape(3, 3), 1, -1)
    array([[0, 3, 4],
           [0, 6, 7],
           [0, 0, 0]])
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ValueError(f"images need at least 2 dimensions (rows, cols), got {images.shape}")
    rows, cols = images.shape[-2:]
    check_shift(dx, dy, (rows, cols))
    out = np.zeros_like(images)
    (r_dst, r_src), (c_dst, c_src) = _span(dy, rows), _span(dx, cols)
    out[..., r_dst, c_dst] = images[..., r_src, c_src]
    return out


def check_shift(dx: int, dy: int, image_shape: tuple[int, ...]) -> None:
    """A ValueError if moving by (dx, dy) would move an image out of view entirely."""
    rows, cols = image_shape[-2:]
    if abs(dx) >= cols or abs(dy) >= rows:
        raise ValueError(
            f"a shift of ({dx}, {dy}) pixels moves a {rows}x{cols} image out of view, leaving "
            f"a blank image: move it by fewer than {cols} across and {rows} down "
            "(a few pixels, for augmentation)"
        )


def expand_with_shifts(
    images: np.ndarray, labels: np.ndarray, pixels: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Return the images plus copies moved ``pixels`` up, down, left and right (5x the data).

    The course's trick for expanding the training set; labels stay aligned with the images.

    Parameters
    ----------
    images : ndarray
        Images of shape (n, rows, cols), or flat rows of 784 pixels.
    labels : ndarray
        Their labels.
    pixels : int, default 1
        How far each copy moves.

    Returns
    -------
    (images, labels)
        Five times as many, the originals first.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import expand_with_shifts
    >>> images, labels = np.zeros((3, 784)), np.array([0, 1, 2])
    >>> bigger, more_labels = expand_with_shifts(images, labels)
    >>> bigger.shape, more_labels.tolist()[:6]
    ((15, 784), [0, 1, 2, 0, 1, 2])
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    moves = [(0, 0), (0, -pixels), (0, pixels), (-pixels, 0), (pixels, 0)]
    return (
        np.concatenate([shift(images, dx, dy) for dx, dy in moves]),
        np.concatenate([labels] * len(moves)),
    )


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each image by its own random (dx, dy) with ``|dx|, |dy| <= max_shift``, zero-filled.

    Parameters
    ----------
    images : ndarray
        Images whose last two axes are rows and columns.
    max_shift : int
        Largest move in pixels, in each direction.
    rng : numpy.random.Generator
        Source of the moves.

    Returns
    -------
    ndarray
        The moved images, the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import random_shift
    >>> image = np.zeros((1, 28, 28))
    >>> image[0, 14, 14] = 1.0  # one dot in the middle
    >>> moved = random_shift(image, 2, np.random.default_rng(0))
    >>> float(moved.sum())  # the dot moved by at most 2 pixels, not lost
    1.0
    """
    images = np.asarray(images)
    if max_shift < 0:
        raise ValueError(f"max_shift must be >= 0, got {max_shift}")
    check_shift(max_shift, max_shift, images.shape)
    n, (rows, cols) = len(images), images.shape[-2:]
    k = max_shift
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(k, k), (k, k)])
    dx = rng.integers(-k, k + 1, size=n)
    dy = rng.integers(-k, k + 1, size=n)
    r = np.arange(rows)[None, :] + (k - dy)[:, None]  # source row of each output row
    c = np.arange(cols)[None, :] + (k - dx)[:, None]
    idx = np.arange(n)[:, None, None]
    moved = padded.reshape(n, -1, rows + 2 * k, cols + 2 * k)[idx, :, r[:, :, None], c[:, None, :]]
    # advanced indexing put the channel axis last: (n, rows, cols, channels)
    return np.moveaxis(moved, -1, 1).reshape(images.shape)


def random_rotation(images: np.ndarray, max_degrees: float, rng: np.random.Generator) -> np.ndarray:
    """Rotate each image about its centre by a random angle in ±``max_degrees``.

    Bilinear interpolation; pixels from outside the image are zero.

    Parameters
    ----------
    images : ndarray
        Images whose last two axes are rows and columns.
    max_degrees : float
        Largest angle, either way.
    rng : numpy.random.Generator
        Source of the angles.

    Returns
    -------
    ndarray
        The rotated images, the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import random_rotation
    >>> images = np.zeros((4, 28, 28))
    >>> random_rotation(images, 15.0, np.random.default_rng(0)).shape
    (4, 28, 28)
    """
    images = np.asarray(images, dtype=np.float64 if images.dtype.kind != "f" else images.dtype)
    n, (rows, cols) = len(images), images.shape[-2:]
    theta = np.deg2rad(rng.uniform(-max_degrees, max_degrees, size=n))[:, None, None]
    yc, xc = (rows - 1) / 2, (cols - 1) / 2
    yy, xx = np.mgrid[0:rows, 0:cols]
    # where each output pixel comes from: the inverse rotation of its coordinates
    src_x = np.cos(theta) * (xx - xc) + np.sin(theta) * (yy - yc) + xc
    src_y = -np.sin(theta) * (xx - xc) + np.cos(theta) * (yy - yc) + yc
    flat = images.reshape(n, -1, rows, cols)
    out = np.zeros_like(flat)
    x0, y0 = np.floor(src_x).astype(int), np.floor(src_y).astype(int)
    fx, fy = src_x - x0, src_y - y0
    idx = np.arange(n)[:, None, None]
    for oy, ox, weight in (
        (0, 0, (1 - fx) * (1 - fy)),
        (0, 1, fx * (1 - fy)),
        (1, 0, (1 - fx) * fy),
        (1, 1, fx * fy),
    ):
        yi, xi = y0 + oy, x0 + ox
        inside = (yi >= 0) & (yi < rows) & (xi >= 0) & (xi < cols)
        values = flat[idx, :, np.clip(yi, 0, rows - 1), np.clip(xi, 0, cols - 1)]
        out += np.moveaxis(values * (weight * inside)[..., None], -1, 1)
    return out.reshape(images.shape)


class Augment:
    """Per-epoch augmentation for :func:`deltaprop.training.fit`: random shifts and rotations.

    Called as ``augment(x, rng)`` on the (flattened) training inputs of an epoch; reshapes
    them to ``image_shape`` to move them and back again.

    Parameters
    ----------
    max_shift : int, default 1
        Largest move in pixels, in each direction.
    max_degrees : float, default 0.0
        Largest rotation in degrees, either way (0: none).
    image_shape : tuple of int, default (28, 28)
        The shape of one image, to which the flat rows are reshaped.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import Augment
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 784)), np.arange(20) % 2
    >>> history = Network.from_sizes([784, 10, 2]).fit(X, y, epochs=1, augment=Augment(max_shift=2))
    >>> len(history)
    1
    """

    def __init__(
        self, max_shift: int = 1, max_degrees: float = 0.0, image_shape: tuple[int, ...] = (28, 28)
    ) -> None:
        if max_shift < 0 or max_degrees < 0:
            raise ValueError("max_shift and max_degrees must be >= 0")
        check_shift(int(max_shift), int(max_shift), tuple(image_shape))
        if max_degrees > 180:
            raise ValueError(f"max_degrees must be at most 180, got {max_degrees:g}")
        self.max_shift, self.max_degrees = int(max_shift), float(max_degrees)
        self.image_shape = tuple(image_shape)

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return a randomly moved copy of ``x``."""
        images = x.reshape(len(x), *self.image_shape)
        if self.max_degrees:
            images = random_rotation(images, self.max_degrees, rng).astype(x.dtype)
        if self.max_shift:
            images = random_shift(images, self.max_shift, rng)
        return images.reshape(x.shape)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        return {
            "max_shift": self.max_shift,
            "max_degrees": self.max_degrees,
            "image_shape": list(self.image_shape),
        }


def scale(images: np.ndarray, dtype: Any = np.float32) -> np.ndarray:
    """Scale pixel values to [0, 1]: bytes are divided by 255, anything else by its maximum.

    Parameters
    ----------
    images : ndarray
        Pixel values.
    dtype : dtype, default float32
        Of the result.

    Returns
    -------
    ndarray
        The values in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import scale
    >>> scale(np.array([[0, 51, 255]], dtype=np.uint8)).tolist()
    [[0.0, 0.20000000298023224, 1.0]]
    """
    images = np.asarray(images)
    dtype = np.dtype(dtype)
    if images.dtype == np.uint8:
        return images.astype(dtype) / dtype.type(255)
    top = float(np.max(images)) if images.size else 1.0
    return images.astype(dtype) / dtype.type(top if top > 0 else 1.0)


def one_hot(labels: Any, n_classes: int | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Return one-hot rows for integer class labels.

    Parameters
    ----------
    labels : array of int
        Class indices, one per example.
    n_classes : int, optional
        Width of the rows; by default one more than the largest label.
    dtype : dtype, default float32
        Of the result.

    Returns
    -------
    ndarray of shape (n, n_classes)
        A 1 in each row at its label's column, zeros elsewhere.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of class indices, got shape {labels.shape}")
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    idx = class_indices(labels, n_classes)
    out = np.zeros((len(idx), n_classes), dtype=dtype)
    out[np.arange(len(idx)), idx] = 1
    return out
