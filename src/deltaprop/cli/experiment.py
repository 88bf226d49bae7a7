"""``deltaprop experiment NAME``: the lab's classic experiments of the course material."""

from __future__ import annotations

import argparse
from typing import Any

from .common import EXIT_ERROR


def add_parser(sub: Any) -> None:
    """Register the command."""
    lab = sub.add_parser(
        "experiment",
        help="run a classic experiment of the course material (figure + numbers)",
        description="Run an experiment of the lab: writes NAME.png and NAME.json into --out "
        "and prints a one-line conclusion. 'list' shows the experiments, 'all' runs them all.",
    )
    lab.add_argument("name", help="an experiment name, 'list' or 'all'")
    lab.add_argument("--out", default="lab", help="output directory (default lab)")
    lab.add_argument("--quick", action="store_true", help="a small, seconds-long version")
    lab.add_argument("--seed", type=int, default=0)
    lab.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """List or run the lab's experiments; exit 1 if a claim did not show."""
    from .. import experiments

    if args.name == "list":
        width = max(map(len, experiments.EXPERIMENTS))
        for name, exp in experiments.EXPERIMENTS.items():
            print(f"{name:<{width}}  {exp.summary}")
        return 0
    names = list(experiments.EXPERIMENTS) if args.name == "all" else [args.name]
    failed = []
    for name in names:
        outcome = experiments.run(name, args.out, quick=args.quick, seed=args.seed)
        verdict = "shows" if outcome.holds else "does NOT show"
        print(
            f"{name}: {verdict} that {outcome.claim}: {outcome.conclusion} "
            f"[{outcome.png}, {outcome.json}]"
        )
        if not outcome.holds:
            failed.append(name)
    return EXIT_ERROR if failed else 0
