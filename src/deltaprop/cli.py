"""Command line: train a network on the bundled digits and report its test accuracy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import optimizers
from .datasets import load_mnist_sample
from .network import Network
from .training import DivergenceError


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"hidden sizes must be integers like 100 or 100,30: {text!r}"
        ) from None
    if any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"hidden sizes must be positive: {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m deltaprop``."""
    parser = argparse.ArgumentParser(
        prog="deltaprop",
        description="Train a fully connected network on the 10,000 bundled MNIST digits "
        "(offline) and print its test accuracy.",
    )
    parser.add_argument(
        "--hidden",
        type=_sizes,
        default=[100],
        help="hidden layer sizes, e.g. 100 or 100,30 (default 100)",
    )
    parser.add_argument(
        "--activation", default="sigmoid", help="hidden activation (default sigmoid)"
    )
    parser.add_argument("--epochs", type=int, default=10, help="epochs (default 10)")
    parser.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default 10)")
    parser.add_argument("--eta", type=float, default=0.1, help="learning rate (default 0.1)")
    parser.add_argument(
        "--momentum",
        type=float,
        default=0.9,
        help="classical momentum mu; 0 for plain SGD (default 0.9)",
    )
    parser.add_argument(
        "--lmbda", type=float, default=0.0, help="L2 regularisation lambda (default 0)"
    )
    parser.add_argument(
        "--validation",
        type=int,
        default=1000,
        help="training digits held out to monitor each epoch (default 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    (X, y), (X_test, y_test) = load_mnist_sample(seed=args.seed, dtype=args.dtype)
    if not 0 <= args.validation < len(X):
        print(f"deltaprop: error: --validation must be in [0, {len(X)})", file=sys.stderr)
        return 2
    # the split is already shuffled, so the last rows are a random, stratified-enough hold-out
    n_fit = len(X) - args.validation
    validation = (X[n_fit:], y[n_fit:]) if args.validation else None
    X, y = X[:n_fit], y[:n_fit]
    try:
        net = Network.from_sizes(
            [X.shape[1], *args.hidden, 10],
            args.activation,
            "softmax",
            seed=args.seed,
            dtype=args.dtype,
        )
        print(net.summary())
        optimizer = "momentum" if args.momentum > 0 else "sgd"
        extra = {"mu": args.momentum} if args.momentum > 0 else {}
        opt = optimizers.get(optimizer, args.eta, **extra)
        print(
            f"training on {len(X):,} digits, validating on {args.validation:,}, "
            f"testing on {len(X_test):,}; optimiser {opt!r}"
        )
        net.fit(
            X,
            y,
            epochs=args.epochs,
            batch_size=args.batch_size,
            optimizer=opt,
            lmbda=args.lmbda,
            validation_data=validation,
            seed=args.seed,
            verbose=True,
        )
    except (ValueError, TypeError, DivergenceError) as err:
        print(f"deltaprop: error: {err}", file=sys.stderr)
        return 2
    print(f"test accuracy: {net.accuracy(X_test, y_test):.2%}")
    return 0
