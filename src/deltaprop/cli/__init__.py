"""The ``deltaprop`` command line: train, evaluate, predict, gradcheck, experiment, info.

Thin by design: one module per command, each owning its parser (``add_parser``) and its
handler (``run``), which parse flags and call the library. Errors in arguments or files end
the program with exit status 1 or 2 and one line on stderr, never a traceback; warnings are
one line on stderr too.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

from .. import __version__
from ..datasets.download import DownloadError
from ..files.archive import ModelFileError
from ..training import DivergenceError
from ..training.parallel import threads_from_environment
from . import (
    evaluate,
    exercises,
    experiment,
    export,
    gradcheck,
    info,
    predict,
    studio,
    sweep,
    train,
)
from .common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, Parser

COMMANDS = (
    train,
    evaluate,
    predict,
    gradcheck,
    experiment,
    exercises,
    info,
    export,
    studio,
    sweep,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``deltaprop`` command."""
    parser = Parser(
        prog="deltaprop",
        description="Neural networks from first principles: "
        "train, evaluate and inspect networks on MNIST-style data.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of an error (for a report)"
    )
    parser.add_argument("--version", action="version", version=f"deltaprop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _one_line(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a warning as one line on stderr, without the source line."""
    print(f"deltaprop: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    argv = _join_negative_pairs(sys.argv[1:] if argv is None else list(argv))
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "sweep":  # only a sweep passes flags on (to deltaprop train)
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.train_flags = extra
    if args.command is None:
        names = ", ".join(c.__name__.rsplit(".", 1)[-1] for c in COMMANDS)
        print(f"usage: deltaprop COMMAND, one of {names} (see deltaprop --help)", file=sys.stderr)
        return EXIT_USAGE
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _one_line
        return _run(args)


def _run(args: Any) -> int:
    try:
        threads_from_environment()  # a bad DELTAPROP_NUM_THREADS is named before any work
        return int(args.run(args))
    except KeyboardInterrupt:
        print("deltaprop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        sys.stdout = open(os.devnull, "w")
        return EXIT_ERROR
    except (
        ValueError,
        TypeError,
        OSError,
        ImportError,
        ModelFileError,
        DivergenceError,
        DownloadError,
    ) as err:
        if args.debug:
            raise
        print(f"deltaprop {args.command}: error: {err}".replace("\n", " "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # a bug: still one line, with the way to the traceback
        if args.debug:
            raise
        print(
            f"deltaprop {args.command}: internal error: {type(err).__name__}: {err} "
            "(run again with --debug for the traceback, and please report it)".replace("\n", " "),
            file=sys.stderr,
        )
        return EXIT_ERROR


def _join_negative_pairs(argv: list[str]) -> list[str]:
    """Let ``--shift -2,-2`` through: argparse would take ``-2,-2`` for an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--shift" and re.fullmatch(r"-?\d+,-?\d+", arg):
            out[-1] = f"--shift={arg}"
        else:
            out.append(arg)
    return out
