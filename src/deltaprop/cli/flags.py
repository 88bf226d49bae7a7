"""``deltaprop train``'s flags, one a :class:`~deltaprop.recipe.TrainConfig` field.

``train`` registers them; ``sweep`` reads the flags it passes on to every trial with them.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

from ..core import optimizers
from ..recipe import TrainConfig, parse_schedule
from ..recipe.checks import DEFAULT_ETA, DEFAULT_MAX_MEMORY, RELU_ETA
from .common import Parser, add_data_flags, registered, sizes

DEFAULTS = TrainConfig()


def add_train_flags(train: argparse.ArgumentParser) -> None:
    """Every flag of ``deltaprop train``, in its groups."""
    add_data_flags(train)
    add_architecture_flags(train.add_argument_group("architecture"))
    add_optimisation_flags(train.add_argument_group("optimisation"))
    add_output_flags(train.add_argument_group("data and output"))


def add_architecture_flags(arch: Any) -> None:
    """--hidden, --activation, --output, --layers, --cost, --init, --bias-init."""
    arch.add_argument(
        "--hidden",
        type=sizes,
        default=list(DEFAULTS.hidden),
        help="hidden sizes, e.g. 100 or 100,30 (default 100)",
    )
    arch.add_argument("--activation", default="sigmoid", help="hidden activation (default sigmoid)")
    arch.add_argument("--output", default="softmax", help="output activation (default softmax)")
    arch.add_argument(
        "--layers",
        help="layer specification instead of --hidden/--activation/--output: dense:N[:ACT], "
        "maxout:N[:K], conv:FxK[xK][:sN][:same|pN][:ACT] (ReLU by default), pool:K[:sN], "
        "avgpool:K[:sN], dropout:P, flatten; e.g. the LeNet-style CNN "
        "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
    )
    arch.add_argument(
        "--cost", help="quadratic, cross-entropy or log-likelihood (default: matched to the output)"
    )
    arch.add_argument(
        "--init",
        help="weight initialiser, e.g. xavier, he, lecun, normal, zeros (default: per activation)",
    )
    arch.add_argument(
        "--bias-init", type=float, default=0.0, help="constant initial bias (default 0)"
    )


def add_optimisation_flags(opt: Any) -> None:
    """The optimiser and its numbers, epochs, seed, dtype, memory cap and threads."""
    opt.add_argument(
        "--optimizer",
        type=registered(optimizers.OPTIMIZERS),
        default="momentum",
        help=f"{', '.join(optimizers.OPTIMIZERS)} (default momentum)",
    )
    opt.add_argument(
        "--eta",
        type=float,
        help=f"learning rate (default {DEFAULT_ETA:g}; {RELU_ETA:g} for ReLU hidden layers, "
        "which 0.1 with momentum drives dead)",
    )
    opt.add_argument(
        "--momentum", type=float, default=0.9, help="mu (or beta) of the momentum optimisers (0.9)"
    )
    opt.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default 10)")
    opt.add_argument("--epochs", type=int, default=20, help="epochs (default 20)")
    opt.add_argument("--lmbda", type=float, default=0.0, help="L2 regularisation lambda (0)")
    opt.add_argument(
        "--schedule", type=schedule_text, help="constant, step:DROP:EVERY or exp:GAMMA"
    )
    opt.add_argument(
        "--patience", type=int, help="stop early when validation accuracy stalls this many epochs"
    )
    opt.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    opt.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    opt.add_argument(
        "--max-memory",
        type=float,
        default=DEFAULT_MAX_MEMORY,
        metavar="GB",
        help=f"refuse networks whose training needs more memory (default {DEFAULT_MAX_MEMORY:g})",
    )
    opt.add_argument(
        "--threads",
        type=int,
        help="threads to train on (default: as many as BLAS may use; results repeat exactly "
        "for a given count)",
    )


def add_output_flags(data: Any) -> None:
    """Validation, augmentation, and where the run goes (--out, --checkpoint, --resume)."""
    data.add_argument(
        "--validation",
        type=float,
        default=0.1,
        help="fraction (or count, if >= 1) of training data held out for validation (0.1)",
    )
    data.add_argument(
        "--augment-shift",
        type=int,
        default=0,
        metavar="K",
        help="move each training image by up to K pixels each epoch (default 0: off)",
    )
    data.add_argument(
        "--augment-rotate",
        type=float,
        default=0.0,
        metavar="DEG",
        help="rotate each training image by up to DEG degrees each epoch (default 0: off)",
    )
    data.add_argument("--out", default="deltaprop-run", help="output directory (deltaprop-run)")
    data.add_argument("--checkpoint", help="checkpoint file (default OUT/checkpoint.npz)")
    data.add_argument(
        "--resume", action="store_true", help="continue from the checkpoint if there is one"
    )
    data.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a run already in --out (by default a run is never overwritten)",
    )
    data.add_argument("--no-progress", action="store_true", help="no progress bar")


def schedule_text(text: str) -> str:
    """--schedule, checked now and kept as text (the config holds it so)."""
    try:
        parse_schedule(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def standalone_parser() -> argparse.ArgumentParser:
    """Train's flags in a parser of their own (the sweep command reads them with it)."""
    parser = Parser(prog="deltaprop train")
    add_train_flags(parser)
    return parser


def config_from(args: argparse.Namespace) -> TrainConfig:
    """The run the parsed flags describe."""
    values = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if hasattr(args, f.name)}
    values["hidden"] = tuple(values["hidden"])
    values["dataset"] = args.dataset or DEFAULTS.dataset  # the data flags say None: default
    values["scale"] = args.scale or DEFAULTS.scale
    values["progress"] = not args.no_progress
    return TrainConfig(**values)
