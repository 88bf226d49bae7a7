"""What a training run checks before it trains, and refuses in one line, with what to change.

Values out of range; a run already in ``out``; a network too big for the machine; labels a
classifier cannot learn from; an output layer that does not match the classes
(docs/careless-input.md). The names in messages are ``deltaprop train``'s flags, which are
:class:`~deltaprop.recipe.TrainConfig`'s fields.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets
from ..core import optimizers
from ..core.layers import Layer, activation_class
from ..core.network import Network
from ..core.spec import parse_layers
from ..core.stacks import dense_stack
from ..recipe.footprint import available_memory, footprint, gigabytes
from ..utils.validation import check_positive_int
from .config import parse_schedule

Config = Any  # a TrainConfig, or anything with its fields (the command's arguments)

DEFAULT_ETA, RELU_ETA = 0.1, 0.01
"""The default η, and the one for networks with ReLU units (measured on the bundled digits
with momentum 0.9, 5 epochs: ReLU at 0.1 reached 45-65%, at 0.01 95%; sigmoid 0.1 95%)."""
RELU_FAMILY = ("relu", "leaky_relu")
MAX_USUAL_ETA = 10.0

RUN_FILES = (
    "model.npz",
    "history.json",
    "history.csv",
    "learning_curve.png",
    "checkpoint.npz",
    "config.json",
)
"""What a run writes to --out; a folder holding any of them holds a run."""
DEFAULT_MAX_MEMORY = 4.0
"""GB a training run may take unless --max-memory allows more: a typo (--hidden 1000000)
is refused in one line rather than filling the machine."""


def check_footprint(args: Config, layers: list[Layer], n_in: int, n_train: int, out: Path) -> None:
    """Refuse a network that would not fit in memory (or --max-memory), or its files on disk."""
    shape = None if args.layers else (n_in,)
    f = footprint(layers, shape, min(args.batch_size, n_train), args.dtype, args.optimizer)
    cap = args.max_memory * 1e9
    free = available_memory()
    if free is not None and f.memory > free:
        raise ValueError(
            f"this network needs {f.describe()}, more than the {gigabytes(free)} of memory "
            "free on this machine: make it smaller"
        )
    if f.memory > cap:
        raise ValueError(
            f"this network needs {f.describe()}, over the {args.max_memory:g} GB cap: make it "
            f"smaller, or allow it with --max-memory {math.ceil(f.memory / 1e9)}"
        )
    disk = shutil.disk_usage(out if out.exists() else Path.cwd()).free
    if 2 * f.checkpoint > disk:  # the checkpoint and the model file
        raise ValueError(
            f"this network needs {f.describe()}, but {out} has {gigabytes(disk)} of disk free"
        )


def check_labels(data: datasets.Dataset, net: Network, label_column: int | str) -> None:
    """Labels a classifier can learn from: class indices, of at least two classes."""
    y = data.train[1]
    classifier = net.layers[-1].name == "softmax"
    if y.ndim != 1 or y.size == 0:
        return
    column = f"the labels (column {label_column} of {data.name})"
    if y.dtype.kind == "f" and classifier:
        shown = ", ".join(f"{v:g}" for v in np.unique(y)[:3])
        raise ValueError(
            f"{column} are not class indices 0, 1, 2, ...: found {shown}, ... A classifier "
            f"needs whole-number labels{label_hint(data, label_column)}"
        )
    if y.dtype.kind in "iu" and len(np.unique(y)) < 2:
        raise ValueError(
            f"{column} hold one class only (every label is {y[0]}): a classifier needs "
            f"examples of at least two classes{label_hint(data, label_column)}"
        )


def label_hint(data: datasets.Dataset, label_column: int | str) -> str:
    """Where the labels may be instead: a column of a few whole numbers, if there is one."""
    X = data.train[0]
    if X.ndim != 2 or data.name in datasets.DATASETS or label_column != 0:
        return ""
    raw = data.scaling.undo(X)
    for j in (X.shape[1] - 1, *range(X.shape[1] - 1)):  # the last column first
        values = np.unique(np.round(raw[:, j], 6))
        if 2 <= len(values) <= 100 and np.array_equal(values, np.round(values)):
            where, flag = (
                ("the last column", -1) if j == X.shape[1] - 1 else (f"column {j + 1}", j + 1)
            )
            return (
                f". The label is read from the first column; {where} holds whole numbers "
                f"{values[0]:g}-{values[-1]:g}: if that is the label, add --label-column {flag}"
            )
    return ". The label is read from the first column (--label-column chooses another)"


def check_output(net: Network, y: np.ndarray, n_classes: int) -> None:
    """A network for class labels must give one output per class (or one, for two classes)."""
    if y.ndim != 1 or y.dtype.kind not in "iu":
        return  # real-valued or one-hot targets: the cost checks their width
    n_out = net.n_out
    if n_out == n_classes or (n_out == 1 and n_classes == 2):
        return
    raise ValueError(
        f"the network gives {n_out} outputs but the data has {n_classes} classes: end "
        f"--layers with dense:{n_classes}:softmax (or use --hidden, which adds that layer)"
    )


def check_out(args: Config) -> None:
    """Refuse to write over a run in --out, unless asked to (--overwrite, --resume)."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder: name a folder for the run")
    found = [name for name in RUN_FILES if (out / name).exists()]
    if not found or args.overwrite or args.resume:  # --resume continues the run that is there
        return
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime((out / found[0]).stat().st_mtime))
    raise ValueError(
        f"{out} already holds a run ({', '.join(found[:2])}, {when}): choose another --out, "
        "add --overwrite to replace it, or --resume to continue an interrupted one"
    )


def build_layers(
    args: Config, n_in: int, n_classes: int, image_shape: tuple[int, ...] | None
) -> list[Layer]:
    """The layers the flags describe, not yet built (nothing allocated)."""
    if args.layers:
        return parse_layers(
            args.layers, n_in, image_shape=image_shape, init=args.init, bias_init=args.bias_init
        )
    return dense_stack(
        [n_in, *args.hidden, n_classes], args.activation, args.output, args.init, args.bias_init
    )


def default_eta(args: Config) -> float:
    """η for the flags: --eta if given, else the default for the network's activations."""
    if args.eta is not None:
        return float(args.eta)
    if args.layers:
        names = {layer.name for layer in parse_layers(args.layers, 784, image_shape=(28, 28))}
    else:
        names = {activation_class(args.activation)().name}
    return RELU_ETA if names & set(RELU_FAMILY) else DEFAULT_ETA


def build_optimizer(args: Config) -> optimizers.Optimizer:
    """The optimiser the flags describe (--momentum is μ or β as the optimiser names it)."""
    extra: dict[str, float] = {}
    if args.optimizer in ("momentum", "nesterov"):
        extra["mu"] = args.momentum
    elif args.optimizer == "average_momentum":
        extra["beta"] = args.momentum
    return optimizers.get(args.optimizer, default_eta(args), **extra)


def validation_size(value: float) -> int | float:
    """--validation as load() takes it: a fraction in (0, 1), a whole count, or 0 for none."""
    if 0 <= value < 1:
        return value
    if value >= 1 and value == int(value):
        return int(value)
    raise ValueError(
        f"--validation must be a fraction between 0 and 1 or a whole number of examples, "
        f"got {value:g}"
    )


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def check_args(args: Config, warn: Callable[[str], None] = _stderr) -> optimizers.Optimizer:
    """Check what can be checked before loading data; return the optimiser.

    Raises ValueError (or TypeError) naming the flag, for the first value out of range.

    Parameters
    ----------
    args : TrainConfig
        The run to check.
    warn : callable
        Receives the warnings (by default one line on stderr).

    Returns
    -------
    Optimizer
        The optimiser the run will use.

    Examples
    --------
    >>> from deltaprop.recipe import check_args
    >>> from deltaprop.recipe import TrainConfig
    >>> check_args(TrainConfig(optimizer="sgd", eta=0.5))
    SGD(eta=0.5)
    >>> try:
    ...     check_args(TrainConfig(epochs=0))
    ... except ValueError as error:
    ...     print(error)
    epochs must be a positive integer, got 0
    """
    validation_size(args.validation)
    check_positive_int(args.epochs, "epochs")
    check_positive_int(args.batch_size, "batch size")
    if args.lmbda < 0:
        raise ValueError(f"--lmbda must be >= 0, got {args.lmbda}")
    if args.patience is not None:
        check_positive_int(args.patience, "--patience")
    if not args.max_memory > 0:
        raise ValueError(f"--max-memory must be > 0 GB, got {args.max_memory:g}")
    if args.threads is not None:
        check_positive_int(args.threads, "--threads")
    if args.layers:
        parse_layers(args.layers, 784, image_shape=(28, 28))  # the spec's syntax
    else:
        activation_class(args.activation)
        activation_class(args.output)
    if args.schedule is not None:
        parse_schedule(args.schedule)
    opt = build_optimizer(args)  # checks eta and the momentum
    if opt.eta > MAX_USUAL_ETA:
        warn(
            f"warning: eta {opt.eta:g} is far above the usual 0.001 to 1: expect the run to "
            "diverge or its units to saturate"
        )
    return opt
