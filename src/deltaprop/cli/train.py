"""``deltaprop train``: train a network and write the model, History and learning curve."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets, optimizers, parallel
from ..fileio import atomic_write
from ..layers import Layer, activation_class
from ..network import Network
from ..serialization import save
from ..spec import dense_stack, parse_layers
from ..training import EarlyStopping
from ..validation import check_positive_int
from .common import (
    EXIT_INTERRUPTED,
    Parser,
    add_data_flags,
    data_record,
    load_data,
    registered,
    schedule,
    sizes,
)
from .refusals import (
    DEFAULT_MAX_MEMORY,
    check_footprint,
    check_labels,
    check_out,
    check_output,
)

DEFAULT_ETA, RELU_ETA = 0.1, 0.01
"""The default η, and the one for networks with ReLU units (measured on the bundled digits
with momentum 0.9, 5 epochs: ReLU at 0.1 reached 45-65%, at 0.01 95%; sigmoid 0.1 95%)."""
RELU_FAMILY = ("relu", "leaky_relu")
MAX_USUAL_ETA = 10.0
FEW_TEST_EXAMPLES = 30
"""Below this many test examples, the test accuracy says little; the command warns."""


def add_parser(sub: Any) -> None:
    """Register the command and its flags."""
    train = sub.add_parser(
        "train",
        help="train a network (defaults: bundled digits, offline)",
        description="Train a network. With no flags: 784-100-10 sigmoid/softmax on "
        "the bundled digits, mini-batch SGD with momentum, seeded.",
    )
    add_data_flags(train)
    add_architecture_flags(train.add_argument_group("architecture"))
    add_optimisation_flags(train.add_argument_group("optimisation"))
    add_output_flags(train.add_argument_group("data and output"))
    train.set_defaults(run=run)


def add_architecture_flags(arch: Any) -> None:
    """--hidden, --activation, --output, --layers, --cost, --init, --bias-init."""
    arch.add_argument(
        "--hidden", type=sizes, default=[100], help="hidden sizes, e.g. 100 or 100,30 (default 100)"
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
    opt.add_argument("--schedule", type=schedule, help="constant, step:DROP:EVERY or exp:GAMMA")
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


def build_layers(
    args: argparse.Namespace, n_in: int, n_classes: int, image_shape: tuple[int, ...] | None
) -> list[Layer]:
    """The layers the flags describe, not yet built (nothing allocated)."""
    if args.layers:
        return parse_layers(
            args.layers, n_in, image_shape=image_shape, init=args.init, bias_init=args.bias_init
        )
    return dense_stack(
        [n_in, *args.hidden, n_classes], args.activation, args.output, args.init, args.bias_init
    )


def default_eta(args: argparse.Namespace) -> float:
    """η for the flags: --eta if given, else the default for the network's activations."""
    if args.eta is not None:
        return float(args.eta)
    if args.layers:
        names = {layer.name for layer in parse_layers(args.layers, 784, image_shape=(28, 28))}
    else:
        names = {activation_class(args.activation)().name}
    return RELU_ETA if names & set(RELU_FAMILY) else DEFAULT_ETA


def build_optimizer(args: argparse.Namespace) -> optimizers.Optimizer:
    """The optimiser the flags describe (--momentum is μ or β as the optimiser names it)."""
    extra: dict[str, float] = {}
    if args.optimizer in ("momentum", "nesterov"):
        extra["mu"] = args.momentum
    elif args.optimizer == "average_momentum":
        extra["beta"] = args.momentum
    return optimizers.get(args.optimizer, default_eta(args), **extra)


def _warn_small(data: datasets.Dataset, batch_size: int) -> None:
    """One line on stderr for each data split too small to mean what the user expects."""
    n_train, n_test = len(data.train[0]), len(data.test[0])
    if n_train < batch_size:
        print(
            f"warning: only {n_train} training examples, fewer than one batch of {batch_size}: "
            "each epoch is a single step of full-batch descent",
            file=sys.stderr,
        )
    if n_test < FEW_TEST_EXAMPLES:
        print(
            f"warning: only {n_test} test example{'s' * (n_test != 1)}: the test accuracy "
            f"will say little (each example is {1 / max(n_test, 1):.0%} of it); use more data",
            file=sys.stderr,
        )


def _write_config(args: argparse.Namespace, path: Path) -> None:
    """The command's flags as JSON, so the run can be told apart and repeated."""
    plain = (int, float, str, list, type(None))
    config = {
        k: (v if isinstance(v, plain) else repr(v)) for k, v in vars(args).items() if k != "run"
    }
    with atomic_write(path) as handle:
        handle.write(json.dumps(config, indent=1).encode())


def standalone_parser() -> argparse.ArgumentParser:
    """The command's parser on its own, for tools that build train command lines (sweeps)."""
    holder = Parser(prog="deltaprop")
    sub = holder.add_subparsers(dest="command", parser_class=Parser)
    add_parser(sub)
    return sub.choices["train"]  # type: ignore[no-any-return]


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


def check_args(args: argparse.Namespace) -> optimizers.Optimizer:
    """Check what can be checked before loading data; return the optimiser."""
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
    opt = build_optimizer(args)  # checks eta and the momentum
    if opt.eta > MAX_USUAL_ETA:
        print(
            f"warning: eta {opt.eta:g} is far above the usual 0.001 to 1: expect the run to "
            "diverge or its units to saturate",
            file=sys.stderr,
        )
    return opt


def run(args: argparse.Namespace) -> int:
    """Train, report, and write the model, History, learning curve and checkpoint."""
    opt = check_args(args)  # before any work is done
    check_out(args)
    if args.eta is None and opt.eta != DEFAULT_ETA:
        print(f"note: eta {opt.eta:g}, the default for ReLU units (--eta to choose another)")
    if args.threads is not None:
        parallel.set_num_threads(args.threads)
    data = load_data(
        args, validation=validation_size(args.validation), dtype=args.dtype, seed=args.seed
    )
    X, y = data.train
    n_classes = len(data.classes) if data.classes else int(np.max(y)) + 1
    layers = build_layers(args, X.shape[1], n_classes, data.image_shape)
    out = Path(args.out)
    check_footprint(args, layers, X.shape[1], len(X), out)
    net = Network(layers, args.cost, seed=args.seed, dtype=args.dtype)
    check_labels(data, net, args.label_column)
    check_output(net, y, n_classes)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = Path(args.checkpoint) if args.checkpoint else out / "checkpoint.npz"
    augment = None
    if args.augment_shift or args.augment_rotate:
        if data.image_shape is None:
            raise ValueError(
                "--augment-shift/--augment-rotate need image data "
                "(mnist-sample, mnist, fashion-mnist)"
            )
        augment = datasets.Augment(args.augment_shift, args.augment_rotate, data.image_shape)
    print(net.summary())
    print(f"data: {data}; optimiser: {opt!r}; lambda {args.lmbda:g}; batch size {args.batch_size}")
    _warn_small(data, args.batch_size)
    _write_config(args, out / "config.json")
    history = net.fit(
        X,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        optimizer=opt,
        lmbda=args.lmbda,
        schedule=args.schedule,
        validation_data=data.validation,
        seed=args.seed,
        callbacks=[EarlyStopping("val_accuracy", args.patience)] if args.patience else [],
        augment=augment,
        checkpoint=checkpoint,
        resume=args.resume,
        progress=not args.no_progress,
        verbose=True,
    )
    history.write_json(out / "history.json")
    history.write_csv(out / "history.csv")
    written = [out / "history.json", out / "history.csv"]
    try:
        from ..plots import plot_history

        plot_history(history, out / "learning_curve.png", title=f"{_shape_of(net)} on {data.name}")
        written.append(out / "learning_curve.png")
    except ImportError as err:
        print(f"(no learning curve: {err})")
    if history.stop_reason.startswith("interrupted"):
        print(
            f"stopped: {history.stop_reason}. Continue with the same command plus --resume "
            f"(checkpoint: {checkpoint})",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    save(net, out / "model.npz", data=data_record(data))
    written.insert(0, out / "model.npz")
    if history.stop_reason:
        print(history.stop_reason)
    test = net.evaluate(*data.test)
    size = f"{len(data.test[0]):,} examples"
    if test.accuracy is None:  # real-valued targets
        print(f"test cost: {test.cost:.4f}  ({size})")
    else:
        print(f"test accuracy: {test.accuracy:.2%}  (cost {test.cost:.4f}, {size})")
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _shape_of(net: Network) -> str:
    """E.g. "784-100-10 sigmoid/softmax": sizes of the affine layers and the activations."""
    shape = [str(net.input_shape[0])] if net.input_shape else []
    shape += [str(layer.n_out) for layer in net.layers if hasattr(layer, "n_out")]
    acts = [layer.name for layer in net.layers if not hasattr(layer, "n_out")]
    return "-".join(shape) + (f" {'/'.join(dict.fromkeys(acts))}" if acts else "")
