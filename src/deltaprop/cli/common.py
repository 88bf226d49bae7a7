"""What the commands share: the parser class, argument types, data flags, exit codes."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any, NoReturn

from .. import datasets
from ..recipe import parse_sizes
from ..utils.registry import Registry, UnknownNameError

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
    """Hidden sizes: 100 or 100,30 (:func:`deltaprop.recipe.parse_sizes`)."""
    try:
        return list(parse_sizes(text))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def registered(registry: Registry[Any]) -> Callable[[str], str]:
    """An argument type: a name of ``registry`` (spelled as the registry allows), canonical."""

    def parse(text: str) -> str:
        try:
            return registry.canonical(text)
        except UnknownNameError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = registry.kind
    return parse


def label_column(text: str) -> int | str:
    """A CSV label column: an index (negative from the end) or a header name."""
    return int(text) if text.lstrip("-").isdigit() else text


def add_data_flags(parser: argparse.ArgumentParser, default: str = "mnist-sample") -> None:
    """--dataset, --data-dir, --scale and --label-column."""
    parser.add_argument(
        "--dataset",
        help="mnist-sample (bundled), mnist, fashion-mnist, or a .npz/.csv file "
        f"(default: {default})",
    )
    parser.add_argument(
        "--data-dir", help="where to look first for the MNIST/Fashion-MNIST IDX files"
    )
    parser.add_argument(
        "--scale",
        choices=datasets.SCALES,
        help="how a file's inputs are scaled: auto (from their range, said in one line), none, "
        "255, minmax (default: auto; evaluate: as the model's training data was)",
    )
    parser.add_argument(
        "--label-column",
        type=label_column,
        default=0,
        metavar="N|NAME",
        help="a CSV file's label column: index (0 first, -1 last) or header name (default 0)",
    )


def load_data(
    args: argparse.Namespace, default: str = "mnist-sample", **kwargs: Any
) -> datasets.Dataset:
    """The data set named by --dataset (else ``default``); says in one line how it was scaled."""
    name = args.dataset or default
    kwargs.setdefault("scale", args.scale or "auto")
    data = datasets.load(name, data_dir=args.data_dir, label_column=args.label_column, **kwargs)
    if note := data.scaling.describe(name):
        print(note)
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
