"""``deltaprop studio``: the studio in the browser (needs the ``studio`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ..serialization import load
from .common import with_extra


def add_parser(sub: Any) -> None:
    """Register the command."""
    studio = sub.add_parser(
        "studio", help="open the studio in the browser: watch networks learn, δ flow backward"
    )
    studio.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    studio.add_argument("--port", type=int, help="port (default: a free one)")
    studio.add_argument("--model", help="a saved model to open in the digits part")
    studio.add_argument("--no-browser", action="store_true", help="do not open a browser")
    studio.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the studio and serve it until Ctrl-C."""
    if args.port is not None and not 0 < args.port < 65536:
        raise ValueError(f"--port must be from 1 to 65535, got {args.port}")
    studio = with_extra("studio", "studio", "the studio")
    model = load(args.model) if args.model else None
    if model is not None:
        studio.digits.check_digit_model(model)
    studio.serve(args.host, args.port, open_browser=not args.no_browser, model=model)
    return 0
