"""The bundled MNIST sample: 10,000 real handwritten digits, shipped with the package."""

from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..backend import resolve_dtype
from .split import stratified_split

SAMPLE_SHA256 = "0217e13bd0668deb198aa7d305edbf0331eb89f8a6e7dd226e03d1aa3a9bd4ef"
Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _sample_path() -> Path:
    return Path(str(resources.files("deltaprop.datasets").joinpath("data/mnist-10k.npz")))


def read_digits_npz(path: str | Path, sha256: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read ``images`` (n, 28, 28) uint8 and ``labels`` (n,) from an .npz file, with checks.

    Raises
    ------
    ValueError
        If the file is missing, corrupt (checksum or archive), or holds the wrong arrays.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ValueError(f"cannot read digit file {path}: {err.strerror}") from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(
            f"{path} is corrupt: its SHA-256 checksum does not match; reinstall deltaprop"
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(
            f"{path} is not a valid digit file (.npz with images and labels): {err}"
        ) from None
    if images.ndim != 3 or labels.shape != (images.shape[0],):
        raise ValueError(
            f"{path}: expected images (n, h, w) and labels (n,), got "
            f"{images.shape} and {labels.shape}"
        )
    return images, labels


def load_mnist_sample(
    n_train: int = 8000,
    n_test: int = 2000,
    *,
    seed: int = 0,
    flatten: bool = True,
    dtype: Any = None,
) -> Split:
    """Return ``(X_train, y_train), (X_test, y_test)`` from the 10,000 bundled MNIST digits.

    The split is stratified by class and seeded. Images are scaled to [0, 1], as rows of 784
    pixels (``flatten=True``) or as (n, 28, 28) arrays; labels are integers 0-9.

    Examples
    --------
    >>> (X, y), (X_test, y_test) = load_mnist_sample(800, 200)
    >>> X.shape, X.dtype, float(X.max()), y[:5].dtype
    ((800, 784), dtype('float32'), 1.0, dtype('int64'))
    """
    images, labels = read_digits_npz(_sample_path(), SAMPLE_SHA256)
    train, test = stratified_split(labels, n_train, n_test, seed)
    dtype = resolve_dtype(dtype)

    def prepare(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = images[idx].astype(dtype) / dtype.type(255)
        return (x.reshape(len(idx), -1) if flatten else x), labels[idx].astype(np.int64)

    return prepare(train), prepare(test)
