"""The standard callbacks: history, schedules, early stopping, progress, the log line, warnings.

:func:`deltaprop.training.fit` assembles them from its arguments; each can also be passed in
``callbacks=`` or written anew by subclassing :class:`~deltaprop.training.Callback`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from ..core.schedules import Schedule
from ..utils.backend import Array, to_numpy
from ..utils.jupyter import figure_png, in_notebook
from ..utils.validation import check_non_negative, check_positive_int
from .events import Callback, TrainingEvent
from .history import History


class EpochFigures:
    """The figures of an epoch, as the loop records them: η, costs, accuracies and time.

    Not a callback: :func:`~deltaprop.training.run` measures them after each epoch's last
    batch, appends them to the History and hands them to every callback as ``event.logs``
    (as Keras hands ``logs``), so that no callback depends on another having run first.

    Parameters
    ----------
    x, t : arrays
        The (checked) training data, evaluated after every epoch if ``monitor_training``.
    validation : (x, t), optional
        Held-out data evaluated after every epoch.
    lmbda : float
        The L2 λ of the run, so that recorded costs are the cost being minimised.

    Examples
    --------
    The loop records these itself; on their own they measure a network on the data given:

    >>> import numpy as np
    >>> from deltaprop import LambdaCallback
    >>> from deltaprop.training import EpochFigures
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> net = Network.from_sizes([4, 3, 2])
    >>> watched = []
    >>> _ = net.fit(X, y, epochs=1, callbacks=[
    ...     LambdaCallback(on_epoch_end=lambda event: watched.append(
    ...         EpochFigures(X, net.targets(y)).measure(event, seconds=0.0)))
    ... ])  # fmt: skip
    >>> watched[0]["epoch"], 0 <= watched[0]["train_accuracy"] <= 1
    (1, True)
    """

    def __init__(
        self,
        x: Array,
        t: Array,
        validation: tuple[Array, Array] | None = None,
        *,
        lmbda: float = 0.0,
        monitor_training: bool = True,
    ) -> None:
        self.train = (x, t) if monitor_training else None
        self.validation = validation
        self.lmbda = lmbda
        self.n = len(x)

    def measure(self, event: TrainingEvent, seconds: float) -> dict[str, Any]:
        """The epoch's figures, keyed as the History's fields."""
        logs: dict[str, Any] = {"epoch": event.epoch, "eta": event.optimizer.eta}
        for prefix, data in (("train", self.train), ("val", self.validation)):
            cost = accuracy = None
            if data is not None:
                result = event.network.evaluate(*data, lmbda=self.lmbda, n=self.n)
                cost, accuracy = result.cost, result.accuracy
            logs[f"{prefix}_cost"], logs[f"{prefix}_accuracy"] = cost, accuracy
        logs["time"] = seconds
        return logs


class RecordHistory(Callback):
    """Deprecated: the loop records the History itself (see :class:`EpochFigures`).

    Kept for one release for code that passes it to :func:`~deltaprop.training.run`; it
    records only where the loop was given no figures to record.

    Examples
    --------
    Nothing to add any more: the loop records the same figures itself.

    >>> import numpy as np
    >>> from deltaprop.training import RecordHistory
    >>> import warnings
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> X, y = np.random.default_rng(0).random((5, 4)), np.arange(5) % 2
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = RecordHistory(X, net.targets(y))
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """

    def __init__(
        self,
        x: Array,
        t: Array,
        validation: tuple[Array, Array] | None = None,
        *,
        lmbda: float = 0.0,
        monitor_training: bool = True,
    ) -> None:
        import warnings

        warnings.warn(
            "RecordHistory is deprecated: fit and run record the History "
            "themselves (pass figures=EpochFigures(...) to run)",
            DeprecationWarning,
            stacklevel=2,
        )
        self.figures = EpochFigures(
            x, t, validation, lmbda=lmbda, monitor_training=monitor_training
        )
        self._start = 0.0

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, event: TrainingEvent) -> None:
        if not event.history.epoch or event.history.epoch[-1] != event.epoch:
            event.logs = self.figures.measure(event, time.perf_counter() - self._start)
            event.history.append(event.logs)


class LearningRateScheduler(Callback):
    """Set η for each epoch from the schedule: η = schedule(η₀, epoch − 1).

    Parameters
    ----------
    schedule : Schedule
        A function of η₀ and the epoch, e.g. :class:`~deltaprop.StepDecay`.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import LearningRateScheduler
    >>> from deltaprop import Network, StepDecay
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> history = Network.from_sizes([4, 3, 2]).fit(
    ...     X, y, epochs=3, eta=0.4, callbacks=[LearningRateScheduler(StepDecay(0.5, every=1))]
    ... )
    >>> history.eta
    [0.4, 0.2, 0.1]
    """

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        event.optimizer.eta = self.schedule(event.eta0, event.epoch - 1)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs; restore the best weights.

    ``monitor`` is a key of the epoch's ``event.logs``: ``"val_accuracy"`` (higher is
    better) or ``"val_cost"``, ``"train_cost"``, ... (lower is better).

    Parameters
    ----------
    monitor : str, default "val_accuracy"
        The figure watched, a key of ``event.logs``.
    patience : int, default 5
        Epochs without improvement before stopping.
    min_delta : float, default 0.0
        The least change that counts as an improvement.
    restore_best : bool, default True
        Put back the parameters of the best epoch when stopping.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import EarlyStopping
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((40, 4)), np.arange(40) % 2
    >>> history = Network.from_sizes([4, 3, 2]).fit(
    ...     X, y, epochs=50, eta=1e-9, validation_data=(X, y),
    ...     callbacks=[EarlyStopping("val_accuracy", patience=2)],
    ... )  # nothing can improve at this eta: stop after 1 + 2 epochs
    >>> len(history)
    3
    """

    def __init__(
        self,
        monitor: str = "val_accuracy",
        patience: int = 5,
        *,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        if monitor not in ("train_cost", "train_accuracy", "val_cost", "val_accuracy"):
            raise ValueError(f"cannot monitor {monitor!r}; use e.g. 'val_accuracy' or 'val_cost'")
        self.monitor = monitor
        self.patience = check_positive_int(patience, "patience")
        self.min_delta = check_non_negative(min_delta, "min_delta")
        self.restore_best = restore_best
        self.sign = 1.0 if monitor.endswith("accuracy") else -1.0
        self.best: float | None = None
        self.best_epoch = 0
        self._best_params: list[Any] | None = None

    def get_state(self) -> dict[str, Any]:
        best = None if self.best is None else float(self.best)
        state: dict[str, Any] = {"best": best, "best_epoch": self.best_epoch}
        for i, params in enumerate(self._best_params or []):
            state[f"param{i}"] = to_numpy(params)
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = state["best"], int(state["best_epoch"])
        saved = [state[k] for k in sorted((k for k in state if k.startswith("param")), key=_index)]
        self._best_params = saved or None

    def on_epoch_end(self, event: TrainingEvent) -> None:
        value = event.logs.get(self.monitor)
        if value is None:
            raise ValueError(
                f"early stopping monitors {self.monitor}, which is not recorded "
                "(no validation data, or targets that are not classes?)"
            )
        if self.best is None or self.sign * (value - self.best) > self.min_delta:
            self.best, self.best_epoch = value, event.epoch
            if self.restore_best:
                self._best_params = [p.copy() for _, p, _ in event.network.named_parameters()]
            return
        if event.epoch - self.best_epoch < self.patience:
            return
        if self._best_params is not None:
            parameters = event.network.named_parameters()
            for (_, p, _), best in zip(parameters, self._best_params, strict=True):
                p[...] = best
        event.stop(
            f"early stopping: {self.monitor} did not improve for "
            f"{self.patience} epochs; best {self.best:.4g} at epoch {self.best_epoch}"
        )


class ProgressBar(Callback):
    """A tqdm bar over the mini-batches of each epoch (nothing without tqdm or a terminal).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import ProgressBar
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=1, callbacks=[ProgressBar()])
    """

    def __init__(self) -> None:
        self._bar: Any = None

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        desc = f"epoch {event.epoch}/{event.epochs}"
        # disable=None hides the bar where output is not a terminal, a notebook included
        disable = False if in_notebook() else None
        self._bar = tqdm(total=event.batches, desc=desc, unit="batch", leave=False, disable=disable)

    def on_batch_end(self, event: TrainingEvent) -> None:
        if self._bar is not None:
            self._bar.update()

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self.on_train_end(event)

    def on_train_end(self, event: TrainingEvent) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class LivePlot(Callback):
    """Redraw one figure of the learning curves in place after every epoch, in Jupyter.

    The figure is :meth:`History.plot` (cost and accuracy, training and validation), shown
    through a display handle that each epoch updates. Outside a notebook it does nothing
    (``fit`` then behaves as without it). ``display`` is IPython's ``display`` function by
    default: anything with its ``display(obj, display_id=True) -> handle`` form will do.

    Parameters
    ----------
    display : callable, optional
        IPython's ``display`` (by default the notebook's own).

    Examples
    --------
    Outside Jupyter it draws nothing; ``fit(..., live=True)`` adds it:

    >>> import numpy as np
    >>> from deltaprop.training import LivePlot
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> history = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2, callbacks=[LivePlot()])
    >>> len(history)
    2
    """

    def __init__(self, display: Callable[..., Any] | None = None) -> None:
        self.display = display
        self.handle: Any = None
        self.updates = 0

    def on_train_begin(self, event: TrainingEvent) -> None:
        show = self.display
        if show is None:
            if not in_notebook():
                return
            from IPython.display import display  # present: this is a notebook

            show = display
        self.handle = show(_Waiting(), display_id=True)

    def on_epoch_end(self, event: TrainingEvent) -> None:
        if self.handle is not None and len(event.history):
            figure = event.history.plot(f"epoch {event.epoch} of {event.epochs}")
            self.handle.update(figure_png(figure))
            self.updates += 1


class _Waiting:
    """What the live plot shows before the first epoch ends."""

    def __repr__(self) -> str:
        return "training: the learning curves appear after the first epoch"


def _index(key: str) -> int:
    return int(key.removeprefix("param"))


def epoch_line(history: History, epochs: int) -> str:
    """One line of progress: epoch, costs and accuracies, time.

    Parameters
    ----------
    history : History
        The run's history; its last epoch is described.
    epochs : int
        The number of epochs of the run (for ``epoch 3/20``).

    Returns
    -------
    str
        The line, without a newline.

    Examples
    --------
    >>> from deltaprop.training import epoch_line
    >>> from deltaprop import History
    >>> history = History()
    >>> history.append({"epoch": 1, "train_cost": 0.25, "train_accuracy": 0.9, "time": 0.5})
    >>> epoch_line(history, epochs=10)
    'epoch  1/10  cost 0.2500  acc 90.00%  0.50s'
    """
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


class EpochLogger(Callback):
    """Write :func:`epoch_line` through ``log`` after every epoch.

    Parameters
    ----------
    log : callable, default print
        Receives one line per epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import EpochLogger
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> lines = []
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2, callbacks=[EpochLogger(lines.append)])
    >>> [line.split()[:2] for line in lines]
    [['epoch', '1/2'], ['epoch', '2/2']]
    """

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self.log(epoch_line(event.history, event.epochs))


class RisingCostWarning(Callback):
    """Say once, through ``log``, when training keeps making the cost worse.

    That is, when for ``epochs`` epochs in a row the training cost has stayed above its value
    before training, or has risen every epoch. No NaN need be involved: with η far too
    large, units saturate and the cost jumps to a high plateau, which the divergence check
    (NaN or infinity) does not see.

    Parameters
    ----------
    x, t : arrays
        The (checked) training data, to measure the cost before training.
    lmbda : float
        The run's L2 λ, so that the starting cost is comparable with the recorded ones.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import RisingCostWarning
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((40, 4)), np.arange(40) % 2
    >>> net = Network.from_sizes([4, 8, 2], "sigmoid", "sigmoid", cost="quadratic")
    >>> said = []
    >>> t = net.targets(y)
    >>> _ = net.fit(X, y, epochs=6, eta=40.0, callbacks=[RisingCostWarning(X, t, log=said.append)])
    >>> len(said) <= 1  # said once at most, never every epoch
    True
    """

    def __init__(
        self,
        x: Array,
        t: Array,
        *,
        lmbda: float = 0.0,
        epochs: int = 3,
        log: Callable[[str], None] = print,
    ) -> None:
        self.data = (x, t)
        self.lmbda = lmbda
        self.epochs = check_positive_int(epochs, "epochs")
        self.log = log
        self.start: float | None = None
        self.warned = False

    def on_train_begin(self, event: TrainingEvent) -> None:
        if event.epoch == 0:  # not when resuming: the start was before the first run
            x, t = self.data
            self.start = event.network.evaluate(x, t, lmbda=self.lmbda, n=len(x)).cost

    def get_state(self) -> dict[str, Any]:
        return {"start": self.start, "warned": self.warned}

    def set_state(self, state: dict[str, Any]) -> None:
        self.start, self.warned = state["start"], bool(state["warned"])

    def on_epoch_end(self, event: TrainingEvent) -> None:
        if self.warned:
            return
        recent = event.history.train_cost[-(self.epochs + 1) :]
        costs = [c for c in recent if c is not None]
        last, start = costs[-self.epochs :], self.start
        worse = start is not None and len(last) == self.epochs and all(c > start for c in last)
        rising = len(costs) == self.epochs + 1 and all(b > a for a, b in pairwise(costs))
        if not (worse or rising):
            return
        self.warned = True
        eta = event.optimizer.eta
        what = (
            f"has stayed above its value before training ({self.start:.4g}) for "
            f"{self.epochs} epochs, now {costs[-1]:.4g}"
            if worse
            else f"rose {self.epochs} epochs in a row ({costs[0]:.4g} -> {costs[-1]:.4g})"
        )
        self.log(
            f"warning: the training cost {what}: eta = {eta:g} is probably too large; "
            f"try a lower one, e.g. {eta / 10:g}"
        )
