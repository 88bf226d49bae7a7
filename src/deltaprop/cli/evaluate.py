"""``deltaprop evaluate MODEL``: accuracy, cost, per-class accuracy and the confusion matrix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets
from ..core.metrics import confusion_matrix, per_class_accuracy
from ..datasets import Scaling
from ..files.serialization import data_of, load
from .common import add_data_flags, load_data, pair


def add_parser(sub: Any) -> None:
    """Register the command."""
    evaluate = sub.add_parser(
        "evaluate", help="accuracy, cost, per-class accuracy, confusion matrix"
    )
    evaluate.add_argument("model", help="a model file written by deltaprop train")
    add_data_flags(evaluate, default="the one the model was trained on")
    evaluate.add_argument(
        "--shift",
        type=pair,
        metavar="DX,DY",
        help="move the test images DX right and DY down first (e.g. -2,-2: 2 up, 2 left)",
    )
    evaluate.add_argument(
        "--plot",
        nargs="?",
        const="",
        metavar="PNG",
        help="also draw the confusion matrix (default: next to the model)",
    )
    evaluate.set_defaults(run=run)


def recorded_data(args: argparse.Namespace) -> tuple[str, Scaling | str]:
    """The data set and scaling to evaluate on: the flags', else what the model records."""
    record = data_of(args.model)
    name = args.dataset or record.get("dataset") or "mnist-sample"
    if args.dataset is None and not Path(name).exists() and record.get("path"):
        name = record["path"]  # the file, seen from another folder
    if args.dataset is None and record.get("dataset"):
        print(f"data: {name}, as recorded in the model file (--dataset to choose another)")
    scaling: Scaling | str = args.scale or "auto"
    if args.scale is None and record.get("scaling"):
        scaling = Scaling.from_dict(record["scaling"])
    return name, scaling


def run(args: argparse.Namespace) -> int:
    """Report accuracy, cost, per-class accuracy and the confusion matrix on test data."""
    net = load(args.model)
    name, scaling = recorded_data(args)
    data = load_data(args, name, dtype=str(net.dtype), scale=scaling)
    X, y = data.test
    if isinstance(scaling, Scaling) and (found := scaling.outside(X)) is not None:
        print(
            f"warning: once scaled as the model's training data was, {name} ranges over "
            f"{found[0]:.3g} to {found[1]:.3g}, far outside what the model saw "
            f"({scaling.apply(np.array(scaling.low), np.float64):.3g} to "
            f"{scaling.apply(np.array(scaling.high), np.float64):.3g}): is it scaled "
            "differently? (--scale)",
            file=sys.stderr,
        )
    title = f"{data.name} test set"
    if args.shift:
        if data.image_shape is None:
            raise ValueError("--shift needs image data (mnist-sample, mnist, fashion-mnist)")
        dx, dy = args.shift
        X = datasets.shift(X.reshape(len(X), *data.image_shape), dx, dy).reshape(X.shape)
        moves = [f"{abs(dx)} {'right' if dx > 0 else 'left'}"] if dx else []
        moves += [f"{abs(dy)} {'down' if dy > 0 else 'up'}"] if dy else []
        title += f", moved {' and '.join(moves) or 'nowhere'}"
    pred = net.predict(X)
    labels = np.asarray(y)
    n = max(net.n_out, int(labels.max()) + 1)
    classes = data.classes or [str(i) for i in range(n)]
    matrix = confusion_matrix(labels, pred, n)
    print(
        f"{title}: accuracy {np.mean(pred == labels):.2%}, cost {net.cost(X, y):.4f} "
        f"({len(X):,} examples)"
    )
    print("per-class accuracy:")
    width = max(len(c) for c in classes)
    for name, accuracy, total in zip(
        classes, per_class_accuracy(matrix), matrix.sum(axis=1), strict=True
    ):
        shown = "    n/a" if np.isnan(accuracy) else f"{accuracy:7.2%}"
        print(f"  {name:>{width}}  {shown}  ({total} examples)")
    print("confusion matrix (rows: true class, columns: predicted):")
    cell = max(4, len(str(matrix.max())) + 1)
    print(" " * (width + 2) + "".join(f"{c[: cell - 1]:>{cell}}" for c in classes))
    for i, name in enumerate(classes):
        print(f"  {name:>{width}}" + "".join(f"{v:>{cell}}" for v in matrix[i]))
    if args.plot is not None:
        from ..files.plots import plot_confusion

        path = Path(args.plot) if args.plot else Path(args.model).with_name("confusion.png")
        plot_confusion(matrix, classes, path, title=title)
        print(f"wrote {path}")
    return 0
