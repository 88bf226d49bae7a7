"""What the commands share: the parser class, argument types, data flags, exit codes."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any, NoReturn

from .. import datasets, schedules
from ..registry import Registry, UnknownNameError

EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def pair(text: str) -> tuple[int, int]:
    """DX,DY: two whole numbers."""
    try:
        dx, dy = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected DX,DY as two whole numbers, got {text!r}"
        ) from None
    return dx, dy


def sizes(text: str) -> list[int]:
    """Hidden sizes: 100 or 100,30."""
    try:
        values = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"hidden sizes must be integers like 100 or 100,30: {text!r}"
        ) from None
    if not values or any(s <= 0 for s in values):
        raise argparse.ArgumentTypeError(f"hidden sizes must be positive: {text!r}")
    return values


def schedule(text: str) -> schedules.Schedule:
    """Constant | step:DROP:EVERY | exp:GAMMA."""
    kind, *args = text.split(":")
    try:
        if kind == "constant" and not args:
            return schedules.Constant()
        if kind == "step" and len(args) == 2:
            return schedules.StepDecay(float(args[0]), int(args[1]))
        if kind in ("exp", "exponential") and len(args) == 1:
            return schedules.ExponentialDecay(float(args[0]))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    raise argparse.ArgumentTypeError(f"use constant, step:DROP:EVERY or exp:GAMMA, not {text!r}")


def registered(registry: Registry[Any]) -> Callable[[str], str]:
    """An argument type: a name of ``registry`` (spelled as the registry allows), canonical."""

    def parse(text: str) -> str:
        try:
            return registry.canonical(text)
        except UnknownNameError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = registry.kind
    return parse


def add_data_flags(parser: argparse.ArgumentParser) -> None:
    """--dataset and --data-dir."""
    parser.add_argument(
        "--dataset",
        default="mnist-sample",
        help="mnist-sample (bundled, default), mnist, fashion-mnist, or a .npz/.csv file",
    )
    parser.add_argument(
        "--data-dir", help="where to look first for the MNIST/Fashion-MNIST IDX files"
    )


def load_data(args: argparse.Namespace, **kwargs: Any) -> datasets.Dataset:
    """The data set named by --dataset; says so when 8-bit pixels were scaled."""
    data = datasets.load(args.dataset, data_dir=args.data_dir, **kwargs)
    if data.scaled_pixels:
        print(f"note: {args.dataset} holds 8-bit pixel values (0-255); scaled them to [0, 1]")
    return data


def with_extra(module: str, extra: str, what: str) -> Any:
    """``deltaprop.MODULE``, which needs an optional extra, or an error saying how to get it.

    Imported only by the command that needs it, so the other commands work without it.
    """
    try:
        return importlib.import_module(f"deltaprop.{module}")
    except ImportError as err:
        raise ImportError(
            f'{what} needs its extra: pip install "deltaprop[{extra}]" ({err})'
        ) from None
