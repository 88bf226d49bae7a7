"""Carrying out a :class:`~deltaprop.recipe.TrainConfig`: what ``deltaprop train`` does.

Load and check the data, build and check the network, train it with checkpoints, and write
``model.npz`` (with how its data was scaled), ``history.json``, ``history.csv``,
``learning_curve.png`` and ``config.json`` to ``out``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets
from ..core.network import Evaluation, Network
from ..files.serialization import save
from ..training import EarlyStopping, History, parallel
from ..utils.fileio import atomic_write
from .checks import (
    DEFAULT_ETA,
    build_layers,
    check_args,
    check_footprint,
    check_labels,
    check_out,
    check_output,
    validation_size,
)
from .config import TrainConfig

FEW_TEST_EXAMPLES = 30
"""Below this many test examples, the test accuracy says little; the run warns."""

Log = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


@dataclass
class TrainResult:
    """What a run made: the network, its History, the test figures and the files written.

    Examples
    --------
    >>> from deltaprop.recipe import TrainResult
    >>> import tempfile
    >>> from deltaprop.recipe import TrainConfig, train
    >>> out = tempfile.mkdtemp() + "/run"
    >>> config = TrainConfig(hidden=(10,), epochs=1, out=out, progress=False)
    >>> result = train(config, log=lambda line: None)
    >>> len(result.history), result.test.accuracy > 0.5
    (1, True)
    """

    network: Network
    history: History
    test: Evaluation | None
    test_examples: int = 0
    written: list[Path] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        """Whether Ctrl-C ended the run (the checkpoint holds it; ``resume=True`` goes on)."""
        return self.history.stop_reason.startswith("interrupted")


def train(config: TrainConfig, *, log: Log = print, warn: Log = _stderr) -> TrainResult:
    """Carry out ``config`` as ``deltaprop train`` does; notes go to ``log``, warnings to ``warn``.

    Raises ValueError (naming the field, which is the command's flag) before any work for a
    value out of range, a run already in ``out`` (unless ``overwrite`` or ``resume``), data
    or a network that cannot work; see docs/careless-input.md.

    Parameters
    ----------
    config : TrainConfig
        The run: one field per ``deltaprop train`` flag.
    log : callable, default print
        Receives the notes: the summary, one line per epoch, what was written.
    warn : callable
        Receives the warnings (by default one line on stderr).

    Returns
    -------
    TrainResult
        The network, its History, the test figures and the files written.

    Examples
    --------
    >>> import tempfile
    >>> config = TrainConfig(hidden=(10,), epochs=1, progress=False, out=tempfile.mkdtemp())
    >>> result = train(config, log=lambda line: None)
    >>> round(result.test.accuracy, 2) > 0.8
    True
    """
    opt = check_args(config, warn=warn)  # before any work is done
    check_out(config)
    if config.eta is None and opt.eta != DEFAULT_ETA:
        log(f"note: eta {opt.eta:g}, the default for ReLU units (--eta to choose another)")
    if config.threads is not None:
        parallel.set_num_threads(config.threads)
    data = datasets.load(
        config.dataset,
        data_dir=config.data_dir,
        label_column=config.label_column,
        scale=config.scale,
        validation=validation_size(config.validation),
        dtype=config.dtype,
        seed=config.seed,
    )
    if note := data.scaling.describe(config.dataset):
        log(note)
    X, y = data.train
    n_classes = len(data.classes) if data.classes else int(np.max(y)) + 1
    layers = build_layers(config, X.shape[1], n_classes, data.image_shape)
    out = Path(config.out)
    check_footprint(config, layers, X.shape[1], len(X), out)
    net = Network(layers, config.cost, seed=config.seed, dtype=config.dtype)
    check_labels(data, net, config.label_column)
    check_output(net, y, n_classes)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = Path(config.checkpoint) if config.checkpoint else out / "checkpoint.npz"
    augment = None
    if config.augment_shift or config.augment_rotate:
        if data.image_shape is None:
            raise ValueError(
                "--augment-shift/--augment-rotate need image data "
                "(mnist-sample, mnist, fashion-mnist)"
            )
        augment = datasets.Augment(config.augment_shift, config.augment_rotate, data.image_shape)
    log(net.summary())
    log(
        f"data: {data}; optimiser: {opt!r}; lambda {config.lmbda:g}; batch size {config.batch_size}"
    )
    _warn_small(data, config.batch_size, warn)
    write_config(config, out / "config.json")
    history = net.fit(
        X,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        optimizer=opt,
        lmbda=config.lmbda,
        schedule=config.schedule_object(),
        validation_data=data.validation,
        seed=config.seed,
        callbacks=[EarlyStopping("val_accuracy", config.patience)] if config.patience else [],
        augment=augment,
        checkpoint=checkpoint,
        resume=config.resume,
        progress=config.progress,
        verbose=True,
        log=log,
    )
    result = TrainResult(net, history, None, len(data.test[0]))
    history.write_json(out / "history.json")
    history.write_csv(out / "history.csv")
    result.written += [out / "history.json", out / "history.csv"]
    try:
        from ..files.plots import plot_history

        plot_history(history, out / "learning_curve.png", title=f"{shape_of(net)} on {data.name}")
        result.written.append(out / "learning_curve.png")
    except ImportError as err:
        log(f"(no learning curve: {err})")
    if result.interrupted:
        return result
    save(net, out / "model.npz", data=data_record(data))
    result.written.insert(0, out / "model.npz")
    result.test = net.evaluate(*data.test)
    return result


def data_record(data: datasets.Dataset) -> dict[str, Any]:
    """What a model file records of its training data (see :func:`deltaprop.data_of`).

    Parameters
    ----------
    data : Dataset
        The data a network was trained on.

    Returns
    -------
    dict
        Its name and scaling, as :func:`deltaprop.save` stores them.

    Examples
    --------
    >>> from deltaprop.recipe import data_record
    >>> from deltaprop.datasets import load
    >>> data_record(load("mnist-sample"))["dataset"]
    'mnist-sample'
    """
    record: dict[str, Any] = {"dataset": data.name, "scaling": data.scaling.to_dict()}
    if data.name not in datasets.DATASETS:  # a file: found again from any folder
        record["path"] = str(Path(data.name).resolve())
    return record


def write_config(config: TrainConfig, path: Path) -> None:
    """The run's config as JSON, so that it can be told apart and repeated."""
    values = {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(config).items()
    }
    with atomic_write(path) as handle:
        handle.write(json.dumps(values, indent=1).encode())


def _warn_small(data: datasets.Dataset, batch_size: int, warn: Log) -> None:
    """One line for each data split too small to mean what the user expects."""
    n_train, n_test = len(data.train[0]), len(data.test[0])
    if n_train < batch_size:
        warn(
            f"warning: only {n_train} training examples, fewer than one batch of {batch_size}: "
            "each epoch is a single step of full-batch descent"
        )
    if n_test < FEW_TEST_EXAMPLES:
        warn(
            f"warning: only {n_test} test example{'s' * (n_test != 1)}: the test accuracy "
            f"will say little (each example is {1 / max(n_test, 1):.0%} of it); use more data"
        )


def shape_of(net: Network) -> str:
    """E.g. "784-100-10 sigmoid/softmax": sizes of the affine layers and the activations."""
    shape = [str(net.input_shape[0])] if net.input_shape else []
    shape += [str(layer.n_out) for layer in net.layers if hasattr(layer, "n_out")]
    acts = [layer.name for layer in net.layers if not hasattr(layer, "n_out")]
    return "-".join(shape) + (f" {'/'.join(dict.fromkeys(acts))}" if acts else "")
