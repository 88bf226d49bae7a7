"""``deltaprop gradcheck``: backprop against central differences on a small random network."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from ..core.gradcheck import gradcheck
from ..core.initializers import Normal
from ..core.network import Network
from ..core.spec import parse_layers
from .common import EXIT_ERROR


def add_parser(sub: Any) -> None:
    """Register the command."""
    check = sub.add_parser(
        "gradcheck", help="check backprop against numerical gradients on a small random network"
    )
    check.add_argument(
        "--layers",
        default="dense:5:sigmoid,dense:4:tanh,dense:3:softmax",
        help="layer specification (default dense:5:sigmoid,dense:4:tanh,dense:3:softmax)",
    )
    check.add_argument("--inputs", type=int, default=6, help="input features (default 6)")
    check.add_argument(
        "--image",
        metavar="ROWSxCOLS",
        help="lay the inputs out as an image, for conv layers, e.g. 8x8",
    )
    check.add_argument("--cost", help="cost (default: matched to the output)")
    check.add_argument("--lmbda", type=float, default=0.0)
    check.add_argument("--seed", type=int, default=0)
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the gradient check on a small random float64 network; exit 1 if it fails."""
    # random biases too: with zero biases a dead ReLU puts z exactly on a kink (or makes
    # maxout pieces tie), where no derivative exists and central differences disagree
    image = image_size(args.image) if args.image else None
    if args.inputs < 1:
        raise ValueError(f"--inputs must be at least 1, got {args.inputs}")
    n_in = int(np.prod(image)) if image else args.inputs
    layers = parse_layers(args.layers, n_in, image_shape=image, bias_init=Normal(0.5))
    net = Network(layers, args.cost, seed=args.seed, dtype="float64")
    rng = np.random.default_rng(args.seed)
    X = rng.normal(size=(8, n_in))
    n_out = net.n_out
    y: np.ndarray
    if net.cost_function.name == "quadratic":
        y = rng.normal(size=(8, n_out))
    elif n_out == 1 or net.cost_function.name == "cross_entropy":
        y = rng.integers(0, 2, size=(8, n_out)).astype(float)
    else:
        y = rng.integers(0, n_out, size=8)
    print(net.summary())
    result = gradcheck(net, X, y, lmbda=args.lmbda)
    print(result)
    return 0 if result.passed else EXIT_ERROR


def image_size(text: str) -> tuple[int, int]:
    """ROWSxCOLS as two positive whole numbers."""
    rows, _, cols = text.partition("x")
    if not (rows.isdigit() and cols.isdigit() and int(rows) > 0 and int(cols) > 0):
        raise ValueError(f"--image must be ROWSxCOLS with positive sizes, e.g. 8x8; got {text!r}")
    return int(rows), int(cols)
