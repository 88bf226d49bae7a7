"""``deltaprop predict MODEL FILE...``: classify images or arrays."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from ..serialization import load


def add_parser(sub: Any) -> None:
    """Register the command."""
    predict = sub.add_parser("predict", help="classify PNG/JPEG images or .npy arrays")
    predict.add_argument("model")
    predict.add_argument("files", nargs="+", metavar="FILE")
    predict.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    predict.set_defaults(run=run)


def inputs_from(path: Path, n_in: int) -> np.ndarray:
    """One file's inputs as rows: an image (MNIST-style 28x28) or an .npy array."""
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as err:
            raise ValueError(f"{path}: not a readable .npy array ({err})") from None
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{path}: expected a numeric array, got {array.dtype}")
        x = array.astype(np.float64)
        if array.dtype == np.uint8 or x.max(initial=0) > 1:
            x = x / 255
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
    net = load(args.model)
    n_in = int(np.prod(net.input_shape)) if net.input_shape else 784
    for name in args.files:
        path = Path(name)
        proba = net.predict_proba(inputs_from(path, n_in))
        if proba.shape[1] == 1:  # one sigmoid output: the probability of class 1
            proba = np.hstack([1 - proba, proba])
        for k, p in enumerate(proba):
            label = f"{path}" + (f"[{k}]" if len(proba) > 1 else "")
            top = np.argsort(-p, kind="stable")[: args.top]
            shown = ", ".join(f"{c}: {p[c]:.1%}" for c in top)
            print(f"{label}: {top[0]}  ({shown})")
    return 0
