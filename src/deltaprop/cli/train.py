"""``deltaprop train``: train a network and write the model, History and learning curve.

The flags make a :class:`~deltaprop.recipe.TrainConfig` (one flag a field, the same
names), which :func:`deltaprop.recipe.train` carries out.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..recipe import train
from .common import EXIT_INTERRUPTED
from .flags import add_train_flags, config_from


def add_parser(sub: Any) -> None:
    """Register the command and its flags."""
    command = sub.add_parser(
        "train",
        help="train a network (defaults: bundled digits, offline)",
        description="Train a network. With no flags: 784-100-10 sigmoid/softmax on "
        "the bundled digits, mini-batch SGD with momentum, seeded.",
    )
    add_train_flags(command)
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train, report, and write the model, History, learning curve and checkpoint."""
    result = train(config_from(args))
    history = result.history
    if result.interrupted:
        checkpoint = args.checkpoint or f"{args.out}/checkpoint.npz"
        print(
            f"stopped: {history.stop_reason}. Continue with the same command plus --resume "
            f"(checkpoint: {checkpoint})",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if history.stop_reason:
        print(history.stop_reason)
    test = result.test
    assert test is not None
    size = f"{result.test_examples:,} examples"
    if test.accuracy is None:  # real-valued targets
        print(f"test cost: {test.cost:.4f}  ({size})")
    else:
        print(f"test accuracy: {test.accuracy:.2%}  (cost {test.cost:.4f}, {size})")
    print("wrote " + ", ".join(str(p) for p in result.written))
    return 0
