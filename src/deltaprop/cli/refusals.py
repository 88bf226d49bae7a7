"""What ``deltaprop train`` refuses before it trains: in one line, with what to change.

A run already in ``--out``, a network too big for the machine, labels a classifier cannot
learn from, an output layer that does not match the classes (docs/careless-input.md).
"""

from __future__ import annotations

import argparse
import math
import shutil
import time
from pathlib import Path

import numpy as np

from .. import datasets
from ..footprint import available_memory, footprint, gigabytes
from ..layers import Layer
from ..network import Network

RUN_FILES = (
    "model.npz",
    "history.json",
    "history.csv",
    "learning_curve.png",
    "checkpoint.npz",
    "config.json",
)
"""What a run writes to --out; a folder holding any of them holds a run."""
DEFAULT_MAX_MEMORY = 4.0
"""GB a training run may take unless --max-memory allows more: a typo (--hidden 1000000)
is refused in one line rather than filling the machine."""


def check_footprint(
    args: argparse.Namespace, layers: list[Layer], n_in: int, n_train: int, out: Path
) -> None:
    """Refuse a network that would not fit in memory (or --max-memory), or its files on disk."""
    shape = None if args.layers else (n_in,)
    f = footprint(layers, shape, min(args.batch_size, n_train), args.dtype, args.optimizer)
    cap = args.max_memory * 1e9
    free = available_memory()
    if free is not None and f.memory > free:
        raise ValueError(
            f"this network needs {f.describe()}, more than the {gigabytes(free)} of memory "
            "free on this machine: make it smaller"
        )
    if f.memory > cap:
        raise ValueError(
            f"this network needs {f.describe()}, over the {args.max_memory:g} GB cap: make it "
            f"smaller, or allow it with --max-memory {math.ceil(f.memory / 1e9)}"
        )
    disk = shutil.disk_usage(out if out.exists() else Path.cwd()).free
    if 2 * f.checkpoint > disk:  # the checkpoint and the model file
        raise ValueError(
            f"this network needs {f.describe()}, but {out} has {gigabytes(disk)} of disk free"
        )


def check_labels(data: datasets.Dataset, net: Network, label_column: int | str) -> None:
    """Labels a classifier can learn from: class indices, of at least two classes."""
    y = data.train[1]
    classifier = net.layers[-1].name == "softmax"
    if y.ndim != 1 or y.size == 0:
        return
    column = f"the labels (column {label_column} of {data.name})"
    if y.dtype.kind == "f" and classifier:
        shown = ", ".join(f"{v:g}" for v in np.unique(y)[:3])
        raise ValueError(
            f"{column} are not class indices 0, 1, 2, ...: found {shown}, ... A classifier "
            f"needs whole-number labels{label_hint(data, label_column)}"
        )
    if y.dtype.kind in "iu" and len(np.unique(y)) < 2:
        raise ValueError(
            f"{column} hold one class only (every label is {y[0]}): a classifier needs "
            f"examples of at least two classes{label_hint(data, label_column)}"
        )


def label_hint(data: datasets.Dataset, label_column: int | str) -> str:
    """Where the labels may be instead: a column of a few whole numbers, if there is one."""
    X = data.train[0]
    if X.ndim != 2 or data.name in datasets.DATASETS or label_column != 0:
        return ""
    raw = data.scaling.undo(X)
    for j in (X.shape[1] - 1, *range(X.shape[1] - 1)):  # the last column first
        values = np.unique(np.round(raw[:, j], 6))
        if 2 <= len(values) <= 100 and np.array_equal(values, np.round(values)):
            where, flag = (
                ("the last column", -1) if j == X.shape[1] - 1 else (f"column {j + 1}", j + 1)
            )
            return (
                f". The label is read from the first column; {where} holds whole numbers "
                f"{values[0]:g}-{values[-1]:g}: if that is the label, add --label-column {flag}"
            )
    return ". The label is read from the first column (--label-column chooses another)"


def check_output(net: Network, y: np.ndarray, n_classes: int) -> None:
    """A network for class labels must give one output per class (or one, for two classes)."""
    if y.ndim != 1 or y.dtype.kind not in "iu":
        return  # real-valued or one-hot targets: the cost checks their width
    n_out = net.n_out
    if n_out == n_classes or (n_out == 1 and n_classes == 2):
        return
    raise ValueError(
        f"the network gives {n_out} outputs but the data has {n_classes} classes: end "
        f"--layers with dense:{n_classes}:softmax (or use --hidden, which adds that layer)"
    )


def check_out(args: argparse.Namespace) -> None:
    """Refuse to write over a run in --out, unless asked to (--overwrite, --resume)."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder: name a folder for the run")
    found = [name for name in RUN_FILES if (out / name).exists()]
    if not found or args.overwrite or args.resume:  # --resume continues the run that is there
        return
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime((out / found[0]).stat().st_mtime))
    raise ValueError(
        f"{out} already holds a run ({', '.join(found[:2])}, {when}): choose another --out, "
        "add --overwrite to replace it, or --resume to continue an interrupted one"
    )
