"""MNIST-style digit data: the bundled sample, full MNIST and Fashion-MNIST."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..utils.backend import resolve_dtype
from .download import cache_dir, fetch
from .idx import read_idx_pair
from .split import stratified_split

SAMPLE_SHA256 = "0217e13bd0668deb198aa7d305edbf0331eb89f8a6e7dd226e03d1aa3a9bd4ef"
Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# The published MD5 checksums of the original .gz files.
MD5 = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}
MIRRORS = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ],
}
# Directories where a system package puts the files (Debian: dataset-fashion-mnist).
SYSTEM_DIRS = {"mnist": [], "fashion-mnist": [Path("/usr/share/datasets/fashion-mnist")]}
SIZES = {"train": 60000, "test": 10000}
DATA_DIR_ENV = "DELTAPROP_DATA_DIR"


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
            f"{path}: expected images (n, h, w) and labels (n,), "
            f"got {images.shape} and {labels.shape}"
        )
    return images, labels


def _prepare(
    images: np.ndarray, labels: np.ndarray, flatten: bool, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray]:
    """Scale bytes to [0, 1] in ``dtype``, flatten if asked, labels as int64."""
    x = images.astype(dtype)
    x /= dtype.type(255)  # in place: no second copy of a 60,000-image array
    return (x.reshape(len(x), -1) if flatten else x), labels.astype(np.int64)


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

    Parameters
    ----------
    n_train, n_test : int, default 8000 and 2000
        Sizes of the two parts; together at most 10,000.
    seed : int, default 0
        Seed of the stratified split.
    flatten : bool, default True
        Rows of 784 pixels, or (n, 28, 28) images.
    dtype : dtype, optional
        Of the images; float32 by default.

    Returns
    -------
    ((X_train, y_train), (X_test, y_test))
        Images in [0, 1] and integer labels.

    Examples
    --------
    >>> (X, y), (X_test, y_test) = load_mnist_sample(800, 200)
    >>> X.shape, X.dtype, float(X.max()), y[:5].dtype
    ((800, 784), dtype('float32'), 1.0, dtype('int64'))
    """
    images, labels = read_digits_npz(_sample_path(), SAMPLE_SHA256)
    train, test = stratified_split(labels, n_train, n_test, seed)
    dtype = resolve_dtype(dtype)
    return (
        _prepare(images[train], labels[train], flatten, dtype),
        _prepare(images[test], labels[test], flatten, dtype),
    )


def _has_files(directory: Path) -> dict[str, Path] | None:
    """The four IDX files in ``directory`` (gzip or not), or None if any is missing."""
    found = {}
    for key, gz_name in FILES.items():
        for candidate in (directory / gz_name, directory / gz_name[: -len(".gz")]):
            if candidate.is_file():
                found[key] = candidate
                break
        else:
            return None
    return found


def locate(
    name: str, data_dir: str | Path | None = None, *, download: bool = True
) -> dict[str, Path]:
    """Find the IDX files of ``name`` ("mnist" or "fashion-mnist"), downloading them if needed.

    Looks in ``data_dir`` (or ``$DELTAPROP_DATA_DIR``) and its ``name`` subdirectory, then the
    user cache, then system directories (Debian's ``/usr/share/datasets/fashion-mnist``);
    otherwise downloads the missing files into the cache.
    """
    if name not in MD5:
        raise ValueError(f"unknown IDX data set {name!r}; known: {', '.join(MD5)}")
    given = data_dir or os.environ.get(DATA_DIR_ENV)
    candidates = [Path(given), Path(given) / name] if given else []
    cache = cache_dir() / name
    candidates += [cache, *SYSTEM_DIRS[name]]
    for directory in candidates:
        found = _has_files(directory)
        if found is not None:
            return found
    if not download:
        raise FileNotFoundError(
            f"{name} files not found in {', '.join(map(str, candidates))}; allow the download or "
            "place the four IDX files there by hand"
        )
    return {
        key: fetch(fname, MIRRORS[name], MD5[name][fname], cache) for key, fname in FILES.items()
    }


def load_idx_dataset(
    name: str,
    data_dir: str | Path | None = None,
    *,
    flatten: bool = True,
    dtype: Any = None,
    download: bool = True,
) -> Split:
    """Return ``(X_train, y_train), (X_test, y_test)`` of full MNIST or Fashion-MNIST, in [0, 1].

    Parameters
    ----------
    name : {"mnist", "fashion-mnist"}
        The data set.
    data_dir : str or Path, optional
        Where to look first (then ``$DELTAPROP_DATA_DIR``, the cache, Debian's folder).
    flatten : bool, default True
        Rows of 784 pixels, or (n, 28, 28) images.
    dtype : dtype, optional
        Of the images; float32 by default.
    download : bool, default True
        Download from the standard mirrors when the files are nowhere on disk.

    Returns
    -------
    ((X_train, y_train), (X_test, y_test))
        60,000 and 10,000 images in [0, 1] with their labels.

    Raises
    ------
    FileNotFoundError
        When the files are not on disk and cannot be downloaded; it lists where to put them.

    Examples
    --------
    The full data sets are looked up on disk first; offline, the error says where to put them:

    >>> from deltaprop.datasets import load_idx_dataset
    >>> import tempfile
    >>> try:
    ...     load_idx_dataset("mnist", data_dir=tempfile.mkdtemp(), download=False)
    ... except FileNotFoundError as error:
    ...     print("mnist" in str(error))
    True
    """
    files = locate(name, data_dir, download=download)
    dtype = resolve_dtype(dtype)
    out = []
    for part in ("train", "test"):
        images, labels = read_idx_pair(files[f"{part}_images"], files[f"{part}_labels"])
        if images.shape[1:] != (28, 28) or len(images) != SIZES[part]:
            raise ValueError(
                f"{files[f'{part}_images']}: expected {SIZES[part]:,} images of 28x28 "
                f"for the {name} "
                f"{part} set, got {images.shape}"
            )
        if labels.max() > 9:
            raise ValueError(f"{files[f'{part}_labels']}: labels must be 0-9, found {labels.max()}")
        out.append(_prepare(images, labels, flatten, dtype))
    return out[0], out[1]
