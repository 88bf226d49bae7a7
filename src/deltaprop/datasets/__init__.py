"""Data sets: the bundled digits, MNIST, Fashion-MNIST and the user's own files.

:func:`load` returns a :class:`Dataset` whose ``train``, ``test`` and optional
``validation`` are ``(X, y)`` pairs, images scaled to [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..utils.backend import resolve_dtype
from ..utils.jupyter import table
from .idx import IdxError, read_idx, read_idx_pair, write_idx
from .mnist import load_idx_dataset, load_mnist_sample
from .scaling import SCALES, Scaling, choose
from .split import stratified_split
from .toy import TOY, toy
from .transforms import (
    Augment,
    expand_with_shifts,
    one_hot,
    random_rotation,
    random_shift,
    scale,
    shift,
)
from .user import read_csv, read_npz

Pair = tuple[np.ndarray, np.ndarray]

DIGITS = [str(d) for d in range(10)]
FASHION = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


@dataclass
class Dataset:
    """Train, test and optional validation data of one data set.

    Examples
    --------
    >>> from deltaprop.datasets import Dataset
    >>> from deltaprop.datasets import load
    >>> data = load("mnist-sample", validation=0.1)
    >>> data
    Dataset('mnist-sample', train=7200, test=2000, validation=800)
    >>> X, y = data.train
    >>> X.shape, data.image_shape
    ((7200, 784), (28, 28))
    """

    name: str
    train: Pair
    test: Pair
    validation: Pair | None = None
    classes: list[str] = field(default_factory=list)
    image_shape: tuple[int, ...] | None = None
    scaling: Scaling = field(default_factory=Scaling)
    """How the inputs of a user's file were scaled (the named data sets come in [0, 1])."""

    @property
    def scaled_pixels(self) -> bool:
        """Whether the inputs were scaled (kept for code written before :attr:`scaling`)."""
        return not self.scaling.identity

    def _repr_html_(self) -> str:
        """Jupyter's view: the splits with their sizes, input shape and examples per class."""
        splits = {"train": self.train, "validation": self.validation, "test": self.test}
        n = _n_classes(splits)
        names = (self.classes or [str(c) for c in range(n)]) if n else []
        rows = []
        for split, pair in splits.items():
            if pair is not None:
                counts: Any = np.bincount(pair[1], minlength=len(names)) if names else []
                shown = ", ".join(f"{n}: {c}" for n, c in zip(names, counts, strict=False))
                rows.append((split, len(pair[0]), str(pair[0].shape[1:]), shown))
        caption = f"Dataset {self.name!r}" + (
            f", images {self.image_shape}" if self.image_shape else ""
        )
        return table(("split", "examples", "input shape", "examples per class"), rows, caption)

    def __repr__(self) -> str:
        sizes = f"train={len(self.train[0])}, test={len(self.test[0])}"
        if self.validation is not None:
            sizes += f", validation={len(self.validation[0])}"
        return f"Dataset({self.name!r}, {sizes})"


def _n_classes(splits: dict[str, Pair | None]) -> int:
    """The number of classes among integer labels (0 for real targets)."""
    labels = [p[1] for p in splits.values() if p is not None and p[1].ndim == 1]
    if not labels or labels[0].dtype.kind not in "iu":
        return 0
    return int(max(int(y.max(initial=-1)) for y in labels) + 1)


def _sample(n_train: int | None, n_test: int | None, **kw: Any) -> tuple[Pair, Pair]:
    return load_mnist_sample(
        n_train or 8000, n_test or 2000, seed=kw["seed"], flatten=kw["flatten"], dtype=kw["dtype"]
    )


def _idx(name: str) -> Callable[..., tuple[Pair, Pair]]:
    def loader(n_train: int | None, n_test: int | None, **kw: Any) -> tuple[Pair, Pair]:
        (X, y), (Xt, yt) = load_idx_dataset(
            name, kw["data_dir"], flatten=kw["flatten"], dtype=kw["dtype"], download=kw["download"]
        )
        return (X[:n_train], y[:n_train]), (Xt[:n_test], yt[:n_test])

    return loader


DATASETS: dict[str, Callable[..., tuple[Pair, Pair]]] = {
    "mnist-sample": _sample,
    "mnist": _idx("mnist"),
    "fashion-mnist": _idx("fashion-mnist"),
}
"""Named data sets; any other name is read as a path to an .npz or .csv file."""


def is_8bit_pixels(X: np.ndarray) -> bool:
    """Whether X looks like 8-bit images: whole numbers in 0..255, some above 1, >= 64 columns.

    Parameters
    ----------
    X : ndarray
        Inputs, one example per row.

    Returns
    -------
    bool
        True when the values look like bytes of images.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import is_8bit_pixels
    >>> is_8bit_pixels(np.full((2, 784), 255.0)), is_8bit_pixels(np.full((2, 784), 0.5))
    (True, False)
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf" or X.size == 0 or X.ndim < 2 or X[0].size < 64:
        return False
    if X.dtype.kind == "f" and not np.array_equal(X, np.round(X)):
        return False
    return bool(X.min() >= 0 and 1 < X.max() <= 255)


def _user_file(
    path: Path,
    test_fraction: float,
    seed: int,
    dtype: np.dtype,
    scale: str | Scaling = "auto",
    label_column: int | str = 0,
) -> tuple[Pair, Pair, Scaling]:
    """Train and test pairs from the user's .npz or .csv file (split when no test set is given).

    Inputs are scaled by ``scale``: a rule of :mod:`.scaling`, chosen on the training
    inputs, or a :class:`Scaling` already chosen (a model's, to evaluate it the same way).
    """
    test_given: Pair | None = None
    if path.suffix == ".npz":
        arrays = read_npz(path)
        X, y = arrays["X"], arrays["y"]
        if "X_test" in arrays and "y_test" in arrays:
            test_given = arrays["X_test"], arrays["y_test"]
    elif path.suffix == ".csv":
        X, y = read_csv(path, label_column)
    else:
        raise ValueError(f"{path}: unknown data file type; use .npz (arrays X, y) or .csv")
    for x_name, y_name, (xs, ys) in [("X", "y", (X, y))] + (
        [("X_test", "y_test", test_given)] if test_given else []
    ):
        if xs.dtype.kind not in "biuf":
            raise ValueError(f"{path}: {x_name} must be numeric, got {xs.dtype}")
        check_finite(path, x_name, xs)
        check_finite(path, y_name, ys)
    scaling = scale if isinstance(scale, Scaling) else choose(X, scale)
    if test_given is not None:
        X_test, y_test = test_given
        return (scaling.apply(X, dtype), y), (scaling.apply(X_test, dtype), y_test), scaling
    X = scaling.apply(X, dtype)
    n_test = round(test_fraction * len(X))
    classes = y.dtype.kind in "iu"
    if classes:
        train, test = stratified_split(y, len(X) - n_test, n_test, seed)
    else:
        order = np.random.default_rng(seed).permutation(len(X))
        train, test = order[n_test:], order[:n_test]
    return (X[train], y[train]), (X[test], y[test]), scaling


def check_finite(path: Path, name: str, values: np.ndarray) -> None:
    """A ValueError naming the row and column of the first NaN or infinity in ``values``."""
    if values.dtype.kind != "f" or np.isfinite(values).all():
        return
    where = np.argwhere(~np.isfinite(values))[0]
    bad = values[tuple(where)]
    at = f"row {where[0]}" + (f", column {where[1]}" if len(where) > 1 else "")
    raise ValueError(
        f"{path}: {name} holds {bad} at {at} (counting from 0), "
        f"{int((~np.isfinite(values)).sum())} such values in all: fill or drop them first"
    )


def load(
    name: str,
    *,
    data_dir: str | Path | None = None,
    validation: int | float = 0,
    n_train: int | None = None,
    n_test: int | None = None,
    flatten: bool = True,
    dtype: Any = None,
    seed: int = 0,
    download: bool = True,
    test_fraction: float = 0.2,
    scale: str | Scaling = "auto",
    label_column: int | str = 0,
) -> Dataset:
    """Load a data set by name (``"mnist-sample"``, ``"mnist"``, ``"fashion-mnist"``) or path.

    Parameters
    ----------
    name : str
        A name from ``DATASETS``, or the path of an ``.npz`` (arrays X, y, optionally X_test,
        y_test) or ``.csv`` (label column first) file.
    data_dir : path, optional
        Where to look first for the IDX files of MNIST and Fashion-MNIST.
    validation : int or float
        Hold out the *last* examples of the training set for validation: a count (e.g. 10000
        for the course's 50,000/10,000/10,000 MNIST split) or a fraction.
    n_train, n_test : int, optional
        Use only this many training / test examples.
    flatten : bool
        Images as rows of pixels (True) or as (n, rows, cols) arrays.
    seed : int
        Seeds the splits of the bundled sample and of user files.
    scale : str or Scaling
        How a user file's inputs are scaled: ``"auto"`` (from the data's range, see
        :class:`Scaling`), ``"none"``, ``"255"``, ``"minmax"``, or a
        :class:`Scaling` chosen before (a model's). The named data sets come in [0, 1].
    label_column : int or str
        The label column of a CSV file (an index, negative from the end, or a header name).

    Examples
    --------
    >>> data = load("mnist-sample", validation=1000)
    >>> data
    Dataset('mnist-sample', train=7000, test=2000, validation=1000)
    """
    dtype = resolve_dtype(dtype)
    if name in DATASETS:
        train, test = DATASETS[name](
            n_train,
            n_test,
            data_dir=data_dir,
            flatten=flatten,
            dtype=dtype,
            seed=seed,
            download=download,
        )
        classes = FASHION if name == "fashion-mnist" else DIGITS
        image_shape: tuple[int, ...] | None = (28, 28)
        if isinstance(scale, str) and scale != "auto":
            raise ValueError(
                f"--scale is for your own .npz and .csv files: {name} comes scaled to [0, 1]"
            )
        scaling = Scaling("auto")  # the named data sets are scaled by their loaders
    else:
        path = Path(name)
        if not path.exists():
            known = ", ".join(DATASETS)
            raise ValueError(f"unknown data set {name!r}: not one of {known}, nor an existing file")
        train, test, scaling = _user_file(path, test_fraction, seed, dtype, scale, label_column)
        if n_train is not None or n_test is not None:
            train, test = (
                (train[0][:n_train], train[1][:n_train]),
                (test[0][:n_test], test[1][:n_test]),
            )
        labels = [p[1] for p in (train, test) if p[1].dtype.kind in "iu" and p[1].size]
        top = max((int(y.max()) for y in labels), default=-1)
        classes = [str(c) for c in range(top + 1)]  # 0..K-1: a label that is missing still counts
        image_shape = None
    n_val = round(validation * len(train[0])) if isinstance(validation, float) else int(validation)
    if not 0 <= n_val < len(train[0]):
        raise ValueError(
            f"validation must leave training data: asked for {n_val} of {len(train[0])}"
        )
    val = None
    if n_val:
        X, y = train
        train, val = (X[:-n_val], y[:-n_val]), (X[-n_val:], y[-n_val:])
    return Dataset(name, train, test, val, classes, image_shape, scaling)


__all__ = [
    "DATASETS",
    "SCALES",
    "TOY",
    "Augment",
    "Dataset",
    "IdxError",
    "Scaling",
    "expand_with_shifts",
    "is_8bit_pixels",
    "load",
    "load_idx_dataset",
    "load_mnist_sample",
    "one_hot",
    "random_rotation",
    "random_shift",
    "read_csv",
    "read_idx",
    "read_idx_pair",
    "read_npz",
    "scale",
    "shift",
    "stratified_split",
    "toy",
    "write_idx",
]
