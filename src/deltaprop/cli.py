"""The ``deltaprop`` command line: train, evaluate, predict, gradcheck, info.

Thin by design: every command parses its flags and calls the library. Errors in arguments
or files end the program with exit status 1 or 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from . import datasets, optimizers, schedules
from .datasets.download import DownloadError
from .fileio import atomic_write
from .gradcheck import gradcheck
from .initializers import Normal
from .layers import activation_class
from .network import Network
from .serialization import ModelFileError, load, save
from .spec import parse_layers
from .training import DivergenceError, EarlyStopping
from .validation import check_positive_int

EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _pair(text: str) -> tuple[int, int]:
    try:
        dx, dy = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected DX,DY as two whole numbers, got {text!r}"
        ) from None
    return dx, dy


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"hidden sizes must be integers like 100 or 100,30: {text!r}"
        ) from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"hidden sizes must be positive: {text!r}")
    return sizes


def _schedule(text: str) -> schedules.Schedule:
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


def _add_data_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        default="mnist-sample",
        help="mnist-sample (bundled, default), mnist, fashion-mnist, or a .npz/.csv file",
    )
    parser.add_argument(
        "--data-dir", help="where to look first for the MNIST/Fashion-MNIST IDX files"
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``deltaprop`` command."""
    parser = _Parser(
        prog="deltaprop",
        description="Neural networks from first principles: "
        "train, evaluate and inspect networks on MNIST-style data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = sub.add_parser(
        "train",
        help="train a network (defaults: bundled digits, offline)",
        description="Train a network. With no flags: 784-100-10 sigmoid/softmax on "
        "the bundled digits, mini-batch SGD with momentum, seeded.",
    )
    _add_data_flags(train)
    train.add_argument(
        "--hidden",
        type=_sizes,
        default=[100],
        help="hidden sizes, e.g. 100 or 100,30 (default 100)",
    )
    train.add_argument(
        "--activation", default="sigmoid", help="hidden activation (default sigmoid)"
    )
    train.add_argument("--output", default="softmax", help="output activation (default softmax)")
    train.add_argument(
        "--layers",
        help="layer specification instead of --hidden/--activation/--output: dense:N[:ACT], "
        "maxout:N[:K], conv:FxK[xK][:sN][:same|pN][:ACT] (ReLU by default), pool:K[:sN], "
        "avgpool:K[:sN], dropout:P, flatten; e.g. the LeNet-style CNN "
        "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
    )
    train.add_argument(
        "--cost", help="quadratic, cross-entropy or log-likelihood (default: matched to the output)"
    )
    train.add_argument(
        "--init",
        help="weight initialiser, e.g. xavier, he, lecun, normal, zeros (default: per activation)",
    )
    train.add_argument(
        "--bias-init", type=float, default=0.0, help="constant initial bias (default 0)"
    )
    train.add_argument("--optimizer", default="momentum", choices=sorted(optimizers.OPTIMIZERS))
    train.add_argument("--eta", type=float, default=0.1, help="learning rate (default 0.1)")
    train.add_argument(
        "--momentum",
        type=float,
        default=0.9,
        help="mu (or beta) of the momentum optimisers (default 0.9)",
    )
    train.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default 10)")
    train.add_argument("--epochs", type=int, default=20, help="epochs (default 20)")
    train.add_argument(
        "--lmbda", type=float, default=0.0, help="L2 regularisation lambda (default 0)"
    )
    train.add_argument(
        "--schedule", type=_schedule, default=None, help="constant, step:DROP:EVERY or exp:GAMMA"
    )
    train.add_argument(
        "--patience", type=int, help="stop early when validation accuracy stalls this many epochs"
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    train.add_argument(
        "--validation",
        type=float,
        default=0.1,
        help="fraction (or count, if >= 1) of training data held out for validation (default 0.1)",
    )
    train.add_argument(
        "--augment-shift",
        type=int,
        default=0,
        metavar="K",
        help="move each training image by up to K pixels each epoch (default 0: off)",
    )
    train.add_argument(
        "--augment-rotate",
        type=float,
        default=0.0,
        metavar="DEG",
        help="rotate each training image by up to DEG degrees each epoch (default 0: off)",
    )
    train.add_argument(
        "--out", default="deltaprop-run", help="output directory (default deltaprop-run)"
    )
    train.add_argument("--checkpoint", help="checkpoint file (default OUT/checkpoint.npz)")
    train.add_argument(
        "--resume", action="store_true", help="continue from the checkpoint if there is one"
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(run=cmd_train)

    evaluate = sub.add_parser(
        "evaluate", help="accuracy, cost, per-class accuracy, confusion matrix"
    )
    evaluate.add_argument("model", help="a model file written by deltaprop train")
    _add_data_flags(evaluate)
    evaluate.add_argument(
        "--shift",
        type=_pair,
        metavar="DX,DY",
        help="move the test images DX right and DY down first (e.g. -2,-2: 2 up, 2 left)",
    )
    evaluate.add_argument(
        "--plot",
        nargs="?",
        const="",
        metavar="PNG",
        help="also draw the confusion matrix (default: next to the model)",
    )
    evaluate.set_defaults(run=cmd_evaluate)

    predict = sub.add_parser("predict", help="classify PNG/JPEG images or .npy arrays")
    predict.add_argument("model")
    predict.add_argument("files", nargs="+", metavar="FILE")
    predict.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    predict.set_defaults(run=cmd_predict)

    check = sub.add_parser(
        "gradcheck", help="check backprop against numerical gradients on a small random network"
    )
    check.add_argument(
        "--layers",
        default="dense:5:sigmoid,dense:4:tanh,dense:3:softmax",
        help="layer specification (default dense:5:sigmoid,dense:4:tanh,dense:3:softmax)",
    )
    check.add_argument("--inputs", type=int, default=6, help="input features (default 6)")
    check.add_argument(
        "--image",
        metavar="ROWSxCOLS",
        help="lay the inputs out as an image, for conv layers, e.g. 8x8",
    )
    check.add_argument("--cost", help="cost (default: matched to the output)")
    check.add_argument("--lmbda", type=float, default=0.0)
    check.add_argument("--seed", type=int, default=0)
    check.set_defaults(run=cmd_gradcheck)

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
    lab.set_defaults(run=cmd_experiment)

    info = sub.add_parser("info", help="architecture summary and parameter count of a model")
    info.add_argument("model")
    info.set_defaults(run=cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(_join_negative_pairs(sys.argv[1:] if argv is None else list(argv)))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
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
        print(f"deltaprop {args.command}: error: {err}".replace("\n", " "), file=sys.stderr)
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


def _load_data(args: argparse.Namespace, **kwargs: Any) -> datasets.Dataset:
    return datasets.load(args.dataset, data_dir=args.data_dir, **kwargs)


def _build_network(
    args: argparse.Namespace, n_in: int, n_classes: int, image_shape: tuple[int, ...] | None
) -> Network:
    init = args.init
    if args.layers:
        layers = parse_layers(
            args.layers, n_in, image_shape=image_shape, init=init, bias_init=args.bias_init
        )
        return Network(layers, args.cost, seed=args.seed, dtype=args.dtype)
    activation_class(args.activation)  # a clear error for an unknown name, before any work
    return Network.from_sizes(
        [n_in, *args.hidden, n_classes],
        args.activation,
        args.output,
        args.cost,
        init=init,
        bias_init=args.bias_init,
        seed=args.seed,
        dtype=args.dtype,
    )


def _optimizer(args: argparse.Namespace) -> optimizers.Optimizer:
    name = args.optimizer
    extra: dict[str, float] = {}
    if name in ("momentum", "nesterov"):
        extra["mu"] = args.momentum
    elif name == "average_momentum":
        extra["beta"] = args.momentum
    return optimizers.get(name, args.eta, **extra)


def cmd_train(args: argparse.Namespace) -> int:
    """Train, report, and write the model, History, learning curve and checkpoint."""
    check_positive_int(args.epochs, "epochs")
    check_positive_int(args.batch_size, "batch size")
    opt = _optimizer(args)  # checks eta and the momentum before any work is done
    validation = int(args.validation) if args.validation >= 1 else args.validation
    data = _load_data(args, validation=validation, dtype=args.dtype, seed=args.seed)
    X, y = data.train
    n_classes = len(data.classes) if data.classes else int(np.max(y)) + 1
    net = _build_network(args, X.shape[1], n_classes, data.image_shape)
    out = Path(args.out)
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
    with atomic_write(out / "config.json") as handle:
        handle.write(
            json.dumps(
                {
                    k: (v if isinstance(v, (int, float, str, list, type(None))) else repr(v))
                    for k, v in vars(args).items()
                    if k != "run"
                },
                indent=1,
            ).encode()
        )
    callbacks = [EarlyStopping("val_accuracy", args.patience)] if args.patience else []
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
        callbacks=callbacks,
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
        from .plots import plot_history

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
    save(net, out / "model.npz")
    written.insert(0, out / "model.npz")
    if history.stop_reason:
        print(history.stop_reason)
    test_cost, test_accuracy = net.cost(*data.test), net.accuracy(*data.test)
    print(
        f"test accuracy: {test_accuracy:.2%}  "
        f"(cost {test_cost:.4f}, {len(data.test[0]):,} examples)"
    )
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _shape_of(net: Network) -> str:
    """E.g. "784-100-10 sigmoid/softmax": sizes of the affine layers and the activations."""
    sizes = [str(net.input_shape[0])] if net.input_shape else []
    sizes += [str(layer.n_out) for layer in net.layers if hasattr(layer, "n_out")]
    acts = [layer.name for layer in net.layers if not hasattr(layer, "n_out")]
    return "-".join(sizes) + (f" {'/'.join(dict.fromkeys(acts))}" if acts else "")


def _confusion(true: np.ndarray, pred: np.ndarray, n: int) -> np.ndarray:
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Report accuracy, cost, per-class accuracy and the confusion matrix on test data."""
    net = load(args.model)
    data = _load_data(args, dtype=str(net.dtype))
    X, y = data.test
    title = f"{data.name} test set"
    if args.shift:
        if data.image_shape is None:
            raise ValueError("--shift needs image data (mnist-sample, mnist, fashion-mnist)")
        dx, dy = args.shift
        X = datasets.shift(X.reshape(len(X), *data.image_shape), dx, dy).reshape(X.shape)
        moves = [f"{abs(dx)} {'right' if dx > 0 else 'left'}"] if dx else []
        moves += [f"{abs(dy)} {'down' if dy > 0 else 'up'}"] if dy else []
        title += f", moved {' and '.join(moves) or 'nowhere'}"
    pred = net.predict(X)
    labels = np.asarray(y)
    n = max(net.n_out, int(labels.max()) + 1)
    classes = data.classes or [str(i) for i in range(n)]
    matrix = _confusion(labels, pred, n)
    print(
        f"{title}: accuracy {np.mean(pred == labels):.2%}, cost {net.cost(X, y):.4f} "
        f"({len(X):,} examples)"
    )
    print("per-class accuracy:")
    width = max(len(c) for c in classes)
    for i, name in enumerate(classes):
        total = matrix[i].sum()
        acc = f"{matrix[i, i] / total:7.2%}" if total else "    n/a"
        print(f"  {name:>{width}}  {acc}  ({total} examples)")
    print("confusion matrix (rows: true class, columns: predicted):")
    cell = max(4, len(str(matrix.max())) + 1)
    print(" " * (width + 2) + "".join(f"{c[: cell - 1]:>{cell}}" for c in classes))
    for i, name in enumerate(classes):
        print(f"  {name:>{width}}" + "".join(f"{v:>{cell}}" for v in matrix[i]))
    if args.plot is not None:
        from .plots import plot_confusion

        path = Path(args.plot) if args.plot else Path(args.model).with_name("confusion.png")
        plot_confusion(matrix, classes, path, title=title)
        print(f"wrote {path}")
    return 0


def _inputs_from(path: Path, n_in: int) -> np.ndarray:
    """One file's inputs as rows: an image (MNIST-style 28x28) or an .npy array."""
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as err:
            raise ValueError(f"{path}: not a readable .npy array ({err})") from None
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{path}: expected a numeric array, got {array.dtype}")
        x = array.astype(np.float64)
        if array.dtype == np.uint8 or x.max(initial=0) > 1:
            x = x / 255
        if x.size % n_in:
            raise ValueError(f"{path}: shape {array.shape} does not hold inputs of {n_in} values")
        return x.reshape(-1, n_in)
    from .datasets.images import read_image

    image = read_image(path)
    if image.size != n_in:
        raise ValueError(f"{path}: images become 28x28 = 784 inputs, but the model expects {n_in}")
    return image.reshape(1, n_in)


def cmd_predict(args: argparse.Namespace) -> int:
    """Print the predicted class and the top probabilities of each input."""
    net = load(args.model)
    n_in = int(np.prod(net.input_shape)) if net.input_shape else 784
    for name in args.files:
        path = Path(name)
        x = _inputs_from(path, n_in)
        proba = net.predict_proba(x)
        if proba.shape[1] == 1:  # one sigmoid output: the probability of class 1
            proba = np.hstack([1 - proba, proba])
        for k, p in enumerate(proba):
            label = f"{path}" + (f"[{k}]" if len(proba) > 1 else "")
            top = np.argsort(-p, kind="stable")[: args.top]
            shown = ", ".join(f"{c}: {p[c]:.1%}" for c in top)
            print(f"{label}: {top[0]}  ({shown})")
    return 0


def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Run the gradient check on a small random float64 network; exit 1 if it fails."""
    # random biases too: with zero biases a dead ReLU puts z exactly on a kink (or makes
    # maxout pieces tie), where no derivative exists and central differences disagree
    image = tuple(int(v) for v in args.image.split("x")) if args.image else None
    n_in = int(np.prod(image)) if image else args.inputs
    layers = parse_layers(args.layers, n_in, image_shape=image, bias_init=Normal(0.5))
    net = Network(layers, args.cost, seed=args.seed, dtype="float64")
    rng = np.random.default_rng(args.seed)
    X = rng.normal(size=(8, n_in))
    n_out = net.n_out
    y: np.ndarray
    if net.cost_function.name == "quadratic":
        y = rng.normal(size=(8, n_out))
    elif n_out == 1 or net.cost_function.name == "cross_entropy":
        y = rng.integers(0, 2, size=(8, n_out)).astype(float)
    else:
        y = rng.integers(0, n_out, size=8)
    print(net.summary())
    result = gradcheck(net, X, y, lmbda=args.lmbda)
    print(result)
    return 0 if result.passed else EXIT_ERROR


def cmd_experiment(args: argparse.Namespace) -> int:
    """List or run the lab's experiments; exit 1 if a claim did not show."""
    from . import experiments

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


def cmd_info(args: argparse.Namespace) -> int:
    """Print a model's architecture summary and parameter count."""
    net = load(args.model)
    print(net.summary())
    return 0
