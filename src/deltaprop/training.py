"""The training loop: epochs of shuffled mini-batches, monitoring, and stopping rules.

It only orchestrates: the network computes gradients, the optimiser updates parameters,
callbacks decide when to stop, and a :class:`History` records what happened.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import optimizers as optimizers_module
from .fileio import atomic_write
from .schedules import Schedule
from .serialization import load_checkpoint, save_checkpoint
from .validation import check_inputs, check_non_negative, check_positive_int, labels_of

if TYPE_CHECKING:
    from .network import Network


class DivergenceError(FloatingPointError):
    """Training stopped because the cost became NaN or infinite."""

    def __init__(self, epoch: int, batch: int, cost: float, eta: float) -> None:
        self.epoch, self.batch, self.cost, self.eta = epoch, batch, cost, eta
        super().__init__(
            f"training diverged: the cost became {cost} at epoch {epoch}, batch {batch} "
            f"(eta = {eta:g}). The learning rate is probably too large: try a lower eta, "
            f"e.g. {eta / 10:g}."
        )


@dataclass
class History:
    """Per-epoch record of a training run (epochs count from 1).

    Costs include the L2 term λ/(2n) Σ w² with n the training-set size. Accuracies are
    ``None`` for real-valued (regression) targets; validation entries are ``None`` without
    validation data.
    """

    epoch: list[int] = field(default_factory=list)
    train_cost: list[float | None] = field(default_factory=list)
    train_accuracy: list[float | None] = field(default_factory=list)
    val_cost: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    stop_reason: str = ""

    def __len__(self) -> int:
        return len(self.epoch)

    def as_dict(self) -> dict[str, Any]:
        """Return the history as plain lists (JSON-ready)."""
        return asdict(self)

    def write_json(self, path: str | Path) -> None:
        """Write the history as JSON (atomically)."""
        with atomic_write(path) as handle:
            handle.write(json.dumps(self.as_dict(), indent=1).encode())

    def write_csv(self, path: str | Path) -> None:
        """Write one CSV row per epoch (atomically); missing values are empty cells."""
        columns = [
            "epoch",
            "train_cost",
            "train_accuracy",
            "val_cost",
            "val_accuracy",
            "eta",
            "time",
        ]
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        for row in zip(*(getattr(self, c) for c in columns), strict=True):
            writer.writerow(["" if v is None else v for v in row])
        with atomic_write(path) as handle:
            handle.write(text.getvalue().encode())


class Callback:
    """Hooks called by :func:`fit`; subclass and override what you need."""

    def on_batch_end(self, network: Network, epoch: int, batch: int, cost: float) -> None:
        """Called after each update with the mini-batch's cost (before the update)."""

    @property
    def uses_batch_end(self) -> bool:
        """Whether :meth:`on_batch_end` does anything (the batch cost is computed only then)."""
        return type(self).on_batch_end is not Callback.on_batch_end

    def on_epoch_end(self, network: Network, history: History) -> bool | None:
        """Called after each epoch is recorded; return True to stop training."""
        return None


class LambdaCallback(Callback):
    """A callback made of plain functions with the signatures of :class:`Callback`."""

    def __init__(
        self,
        on_batch_end: Callable[[Network, int, int, float], None] | None = None,
        on_epoch_end: Callable[[Network, History], bool | None] | None = None,
    ) -> None:
        self._batch, self._epoch = on_batch_end, on_epoch_end

    def on_batch_end(self, network: Network, epoch: int, batch: int, cost: float) -> None:  # noqa: D102
        if self._batch is not None:
            self._batch(network, epoch, batch, cost)

    @property
    def uses_batch_end(self) -> bool:  # noqa: D102
        return self._batch is not None

    def on_epoch_end(self, network: Network, history: History) -> bool | None:  # noqa: D102
        return self._epoch(network, history) if self._epoch is not None else None


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs; restore the best weights.

    ``monitor`` is a History field: ``"val_accuracy"`` (higher is better) or ``"val_cost"``,
    ``"train_cost"``, ... (lower is better).
    """

    def __init__(
        self,
        monitor: str = "val_accuracy",
        patience: int = 5,
        *,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        if monitor not in History.__dataclass_fields__ or monitor in (
            "epoch",
            "eta",
            "time",
            "stop_reason",
        ):
            raise ValueError(f"cannot monitor {monitor!r}; use e.g. 'val_accuracy' or 'val_cost'")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        self.monitor, self.patience = monitor, patience
        self.min_delta = check_non_negative(min_delta, "min_delta")
        self.restore_best = restore_best
        self.sign = 1.0 if monitor.endswith("accuracy") else -1.0
        self.best: float | None = None
        self.best_epoch = 0
        self._best_params: list[Any] | None = None

    def on_epoch_end(self, network: Network, history: History) -> bool | None:  # noqa: D102
        value = getattr(history, self.monitor)[-1]
        if value is None:
            raise ValueError(
                f"early stopping monitors {self.monitor}, which is not recorded "
                "(no validation data, or targets that are not classes?)"
            )
        if self.best is None or self.sign * (value - self.best) > self.min_delta:
            self.best, self.best_epoch = value, history.epoch[-1]
            if self.restore_best:
                self._best_params = [p.copy() for _, p, _ in network.named_parameters()]
            return False
        if history.epoch[-1] - self.best_epoch < self.patience:
            return False
        if self._best_params is not None:
            for (_, p, _), best in zip(network.named_parameters(), self._best_params, strict=True):
                p[...] = best
        history.stop_reason = (
            f"early stopping: {self.monitor} did not improve for "
            f"{self.patience} epochs; best {self.best:.4g} at epoch {self.best_epoch}"
        )
        return True


def fit(
    network: Network,
    X: Any,
    y: Any,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    optimizer: str | optimizers_module.Optimizer = "sgd",
    eta: float | None = None,
    lmbda: float = 0.0,
    schedule: Schedule | None = None,
    validation_data: tuple[Any, Any] | None = None,
    shuffle: bool = True,
    seed: int = 0,
    callbacks: Sequence[Callback] = (),
    monitor_training: bool = True,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    verbose: bool = False,
    log: Callable[[str], None] = print,
) -> History:
    """Train ``network`` on (X, y) by mini-batch gradient descent and return its History.

    Parameters
    ----------
    network : Network
    X : array, shape (n, features)
    y : array, shape (n,) of class indices, or (n, n_out) one-hot / real targets
    epochs : int
        Passes over the training data.
    batch_size : int
        ``n`` for batch descent, 1 for stochastic descent, anything between for mini-batches.
    optimizer : str or Optimizer
        ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"average_momentum"``, ``"adam"`` or an
        instance (then leave ``eta`` unset).
    eta : float, optional
        Learning rate η for a named optimiser (default: the optimiser's own).
    lmbda : float
        L2 regularisation λ; the cost gains λ/(2n) Σ w² with n = len(X), biases excluded.
    schedule : Schedule, optional
        Sets η for each epoch from the optimiser's initial η.
    validation_data : (X_val, y_val), optional
        Held-out data evaluated after every epoch.
    shuffle, seed
        Shuffle the examples every epoch with a generator seeded by ``seed``.
    callbacks : sequence of Callback
        E.g. :class:`EarlyStopping`; any callback may stop training.
    monitor_training : bool
        Evaluate cost and accuracy on the whole training set after every epoch.
    augment : callable, optional
        ``augment(x, rng)`` returns a transformed copy of the epoch's (shuffled) training
        inputs, e.g. :class:`deltaprop.datasets.Augment` for random shifts.
    checkpoint : path, optional
        Write a checkpoint there (atomically) before the first epoch and after every epoch.
    resume : bool
        If ``checkpoint`` exists, continue from it: same parameters, optimiser state,
        shuffling state and History, so the run matches an uninterrupted one.
    progress : bool
        Show a progress bar over the mini-batches of each epoch (needs tqdm).
    verbose : bool
        Print one line per epoch through ``log``.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        If the cost becomes NaN or infinite; it names the epoch and batch.
    """
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    lmbda = check_non_negative(lmbda, "lmbda")
    opt = optimizers_module.get(optimizer, eta)
    x = check_inputs(X, network.input_shape, network.dtype)
    n = len(x)
    t = network._targets(y, n)
    classes = labels_of(t) is not None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        xv = check_inputs(validation_data[0], network.input_shape, network.dtype)
        tv = network._targets(validation_data[1], len(xv))
    rng = np.random.default_rng(seed)
    eta0 = opt.eta
    history = History()
    first = 1
    if checkpoint is not None and resume and Path(checkpoint).exists():
        eta0, first = _resume(Path(checkpoint), network, opt, rng, history)
        log(f"resuming from {checkpoint} after epoch {first - 1}")

    def save_state(epoch: int) -> None:
        if checkpoint is not None:
            save_checkpoint(checkpoint, network, opt, rng, history, epoch=epoch, eta0=eta0)

    if first == 1:
        save_state(0)
    # Prepared once: where backprop may stop, what the optimiser updates, who wants batch costs.
    stop_at = network._first_learning_layer(trainable_only=True)
    triples = list(network.trainable_parameters())
    batch_callbacks = [cb for cb in callbacks if cb.uses_batch_end]
    # Overflow warnings would only announce what the divergence check reports clearly.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            for epoch in range(first, epochs + 1):
                start = time.perf_counter()
                if schedule is not None:
                    opt.eta = schedule(eta0, epoch - 1)
                order = rng.permutation(n) if shuffle else None
                xs, ts = x, t
                if augment is not None:  # augmentation makes a new copy of the epoch anyway
                    if order is not None:
                        xs, ts, order = x[order], t[order], None
                    xs = augment(xs, rng)
                bar = _progress_bar(progress, -(-n // batch_size), f"epoch {epoch}/{epochs}")
                for batch, lo in enumerate(range(0, n, batch_size), start=1):
                    if order is None:
                        xb, tb = xs[lo : lo + batch_size], ts[lo : lo + batch_size]
                    else:  # gather each mini-batch: no second copy of the whole training set
                        rows = order[lo : lo + batch_size]
                        xb, tb = xs.take(rows, axis=0), ts.take(rows, axis=0)
                    out = network._backprop(xb, tb, lmbda, n, stop_at)
                    # Each cost here is finite wherever zᴸ (or a) is: checking the outputs
                    # is two calls, the cost itself a dozen; it is computed only when needed.
                    if not np.isfinite(out).all():
                        raise DivergenceError(epoch, batch, network._cost_of(out, tb), opt.eta)
                    opt.step(triples)
                    if batch_callbacks:
                        cost = network._cost_of(out, tb)
                        for cb in batch_callbacks:
                            cb.on_batch_end(network, epoch, batch, cost)
                    if bar is not None:
                        bar.update()
                if bar is not None:
                    bar.close()
                history.epoch.append(epoch)
                history.eta.append(opt.eta)
                _record(history, "train", network, x, t, lmbda, n, classes, monitor_training)
                _record(
                    history,
                    "val",
                    network,
                    xv if validation_data else None,
                    tv if validation_data else None,
                    lmbda,
                    n,
                    classes,
                    True,
                )
                history.time.append(time.perf_counter() - start)
                save_state(epoch)
                if verbose:
                    log(_epoch_line(history, epochs))
                if any([bool(cb.on_epoch_end(network, history)) for cb in callbacks]):
                    history.stop_reason = (
                        history.stop_reason or f"stopped by a callback at epoch {epoch}"
                    )
                    break
        except KeyboardInterrupt:
            history.stop_reason = f"interrupted during epoch {len(history) + 1}"
            where = (
                f"; {checkpoint} holds epoch {len(history)}, resume from it" if checkpoint else ""
            )
            log(f"{history.stop_reason}: returning the history so far{where}")
    return history


def _resume(
    path: Path,
    network: Network,
    opt: optimizers_module.Optimizer,
    rng: np.random.Generator,
    history: History,
) -> tuple[float, int]:
    """Load a checkpoint into the running objects; return (η₀, the first epoch still to run)."""
    state = load_checkpoint(path)
    saved = state["network"]
    if saved.get_config()["layers"] != network.get_config()["layers"]:
        raise ValueError(f"{path} is a checkpoint of a different network; cannot resume from it")
    if state["optimizer"]["class"] != opt.name:
        raise ValueError(
            f"{path} was written with optimiser {state['optimizer']['class']!r}, not {opt.name!r}"
        )
    for (_, p, _), (_, q, _) in zip(
        network.named_parameters(), saved.named_parameters(), strict=True
    ):
        p[...] = q
    opt.load_state(state["optimizer"]["scalars"], state["optimizer_state"])
    rng.bit_generator.state = state["rng_state"]
    for key, values in state["history"].items():
        setattr(history, key, values)
    return state["eta0"], state["epoch"] + 1


def _progress_bar(enabled: bool, total: int, desc: str) -> Any:
    """A tqdm bar over the batches of an epoch, or None (disabled, no tqdm, or not a terminal)."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=desc, unit="batch", leave=False, disable=None)


def _record(
    history: History,
    prefix: str,
    network: Network,
    x: Any,
    t: Any,
    lmbda: float,
    n: int,
    classes: bool,
    enabled: bool,
) -> None:
    """Append the cost and accuracy of (x, t) (or None) to the History's ``prefix`` lists."""
    cost = accuracy = None
    if enabled and x is not None:
        cost, accuracy = network._evaluate(x, t, lmbda, n)
        if not classes:
            accuracy = None
    getattr(history, f"{prefix}_cost").append(cost)
    getattr(history, f"{prefix}_accuracy").append(accuracy)


def _epoch_line(history: History, epochs: int) -> str:
    """One line of progress: epoch, costs and accuracies, time."""
    parts = [f"epoch {history.epoch[-1]:>{len(str(epochs))}}/{epochs}"]
    for label, key in (
        ("cost", "train_cost"),
        ("acc", "train_accuracy"),
        ("val cost", "val_cost"),
        ("val acc", "val_accuracy"),
    ):
        value = getattr(history, key)[-1]
        if value is not None:
            parts.append(
                f"{label} {value:.2%}" if key.endswith("accuracy") else f"{label} {value:.4f}"
            )
    parts.append(f"{history.time[-1]:.2f}s")
    return "  ".join(parts)
