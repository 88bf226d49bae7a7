"""``deltaprop info MODEL``: a model's architecture and parameter count."""

from __future__ import annotations

import argparse
from typing import Any

from ..files.serialization import load


def add_parser(sub: Any) -> None:
    """Register the command."""
    info = sub.add_parser("info", help="architecture summary and parameter count of a model")
    info.add_argument("model")
    info.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print a model's architecture summary and parameter count."""
    print(load(args.model).summary())
    return 0
