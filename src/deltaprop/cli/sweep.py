"""``deltaprop sweep --grid NAME=V,V [train flags]``: many trainings on Dask (``sweep`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ..recipe import TrainConfig
from .common import EXIT_INTERRUPTED, with_extra
from .flags import config_from, standalone_parser


def add_parser(sub: Any) -> None:
    """Register the command."""
    sweep = sub.add_parser(
        "sweep",
        help="train every combination of a grid of options, in parallel (Dask)",
        description="Sweep deltaprop train options: every flag of deltaprop train can be "
        "swept with --grid or fixed by giving it as usual, e.g. deltaprop sweep "
        "--grid eta=0.01,0.1,1 --grid lmbda=0,1,5 --epochs 5 --out sweep/",
    )
    sweep.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V,V,...",
        help="an option of deltaprop train and its values (';' between values holding commas)",
    )
    sweep.add_argument("--random", type=int, help="run this many combinations, drawn at random")
    sweep.add_argument(
        "--seed",
        dest="sweep_seed",
        type=int,
        default=0,
        help="seed of every trial (deltaprop train --seed) and of --random's draw",
    )
    sweep.add_argument("--out", default="sweep", help="output folder (sweep)")
    sweep.add_argument(
        "--scheduler",
        help="address of a Dask scheduler, tcp://HOST:8786 "
        "(default: $DELTAPROP_SCHEDULER, else a cluster on this machine)",
    )
    sweep.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    sweep.set_defaults(run=run, train_flags=[])


def run(args: argparse.Namespace) -> int:
    """Run the sweep; Ctrl-C keeps the finished trials."""
    sweep = with_extra("sweep", "sweep", "a sweep")
    try:
        grid = sweep.parse_grid(args.grid)
        base = train_config([*args.train_flags, "--seed", str(args.sweep_seed)])
        sweep.sweep(
            grid,
            args.out,
            base=base,
            random=args.random,
            seed=args.sweep_seed,
            scheduler=args.scheduler,
            workers=args.workers,
        )
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return 0


def train_config(flags: list[str]) -> TrainConfig:
    """The run that ``deltaprop train FLAGS`` would make: what every trial starts from."""
    return config_from(standalone_parser().parse_args([*flags, "--out", "unused"]))
