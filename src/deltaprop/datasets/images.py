"""Turning a user's picture of a digit into a 28x28 MNIST-style input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

MIN_CONTRAST = 0.1
"""Ink must differ from the paper by at least this much (of black-to-white) to be ink."""


class BlankImageError(ValueError):
    """An image with no ink on it: there is nothing to read."""


def _border(img: np.ndarray) -> np.ndarray:
    return np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])


def mnist_style(gray: np.ndarray, size: int = 28, box: int = 20) -> np.ndarray:
    """Return an MNIST-style image: light ink on black, fitted into a ``box`` square, centred.

    ``gray`` is a 2-D array in [0, 1]. Dark ink on a light background (judged from the
    border) is inverted; an image without ink raises :class:`BlankImageError`; the ink's
    bounding box is scaled so its longer side is ``box`` pixels and placed so its centre of
    mass is at the centre of a ``size`` square, as MNIST itself was made.
    """
    from PIL import Image

    img = np.asarray(gray, dtype=np.float64)
    if _border(img).mean() > 0.5:  # dark ink on paper: make it light ink on black
        img = 1.0 - img
    img = np.clip(img - np.median(_border(img)), 0, 1)  # background to exactly 0
    if img.max() < MIN_CONTRAST:
        raise BlankImageError("the image is blank: no ink on it, nothing to read")
    ink = np.argwhere(img > 0.1 * img.max())
    (r0, c0), (r1, c1) = ink.min(axis=0), ink.max(axis=0) + 1
    crop = img[r0:r1, c0:c1]
    scale = box / max(crop.shape)
    new_shape = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    resized = Image.fromarray((crop * 255).astype(np.uint8)).resize(
        new_shape, Image.Resampling.LANCZOS
    )
    small = np.asarray(resized, dtype=np.float64) / 255
    out = np.zeros((size, size))
    total = small.sum()
    rows, cols = np.indices(small.shape)
    cy = (rows * small).sum() / total if total else small.shape[0] / 2
    cx = (cols * small).sum() / total if total else small.shape[1] / 2
    top = int(np.clip(round(size / 2 - cy), 0, size - small.shape[0]))
    left = int(np.clip(round(size / 2 - cx), 0, size - small.shape[1]))
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return out


def read_image(path: str | Path) -> np.ndarray:
    """Read a PNG/JPEG (any size, colour or grey) as an MNIST-style 28x28 array in [0, 1]."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise ImportError('reading images needs Pillow: pip install "deltaprop[cli]"') from None
    try:
        with Image.open(path) as image:
            gray = to_gray(image)
    except (OSError, UnidentifiedImageError) as err:
        raise ValueError(f"{path}: not a readable image ({err})") from None
    try:
        return mnist_style(gray)
    except BlankImageError as err:
        raise BlankImageError(f"{path}: {err}") from None


def to_gray(image: Any) -> np.ndarray:
    """A Pillow image as grey values in [0, 1], transparency composited onto paper.

    Ink drawn on a transparent background is kept: the transparent parts become paper of
    the colour that contrasts with the ink (white behind dark ink, black behind light ink),
    not the black that dropping the alpha channel would leave.
    """
    from PIL import Image

    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        return np.asarray(image.convert("L"), dtype=np.float64) / 255
    rgba = image.convert("RGBA")
    alpha = np.asarray(rgba.getchannel("A"), dtype=np.float64) / 255
    gray = np.asarray(rgba.convert("L"), dtype=np.float64) / 255
    opaque = alpha > 0.5
    ink_is_dark = not opaque.any() or float(gray[opaque].mean()) < 0.5
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255) if ink_is_dark else (0, 0, 0, 255))
    return np.asarray(Image.alpha_composite(paper, rgba).convert("L"), dtype=np.float64) / 255
