"""``deltaprop predict MODEL FILE...``: classify images or arrays."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..datasets import Scaling
from ..datasets.images import BlankImageError
from ..files.serialization import data_of, load
from .common import EXIT_ERROR


def add_parser(sub: Any) -> None:
    """Register the command."""
    predict = sub.add_parser("predict", help="classify PNG/JPEG images or .npy arrays")
    predict.add_argument("model")
    predict.add_argument("files", nargs="+", metavar="FILE")
    predict.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    predict.set_defaults(run=run)


def inputs_from(path: Path, n_in: int, scaling: Scaling) -> np.ndarray:
    """One file's inputs as rows: an image (MNIST-style 28x28) or an .npy array.

    An array is scaled as the model's training data was (its model file says how);
    an image becomes MNIST-style values in [0, 1].
    """
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as err:
            raise ValueError(f"{path}: not a readable .npy array ({err})") from None
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{path}: expected a numeric array, got {array.dtype}")
        x = scaling.apply(array, np.float64)
        if not np.isfinite(x).all():
            raise ValueError(f"{path}: the array holds NaN or infinity")
        if x.size % n_in:
            raise ValueError(f"{path}: shape {array.shape} does not hold inputs of {n_in} values")
        return x.reshape(-1, n_in)
    from ..datasets.images import read_image

    image = read_image(path)
    if image.size != n_in:
        raise ValueError(f"{path}: images become 28x28 = 784 inputs, but the model expects {n_in}")
    return image.reshape(1, n_in)


def run(args: argparse.Namespace) -> int:
    """Print the predicted class and the top probabilities of each input."""
    if args.top < 1:
        raise ValueError(f"--top must be at least 1, got {args.top}")
    net = load(args.model)
    n_in = int(np.prod(net.input_shape)) if net.input_shape else 784
    record = data_of(args.model).get("scaling")
    scaling = Scaling.from_dict(record) if record else Scaling("none")
    blank = 0
    for name in args.files:
        path = Path(name)
        try:
            x = inputs_from(path, n_in, scaling)
        except BlankImageError as err:  # said, and no prediction made up for it
            print(f"{err}: no prediction", file=sys.stderr)
            blank += 1
            continue
        proba = net.predict_proba(x)
        if proba.shape[1] == 1:  # one sigmoid output: the probability of class 1
            proba = np.hstack([1 - proba, proba])
        for k, p in enumerate(proba):
            label = f"{path}" + (f"[{k}]" if len(proba) > 1 else "")
            top = np.argsort(-p, kind="stable")[: args.top]
            shown = ", ".join(f"{c}: {p[c]:.1%}" for c in top)
            print(f"{label}: {top[0]}  ({shown})")
    return EXIT_ERROR if blank else 0
