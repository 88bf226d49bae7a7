"""The training loop: epochs of mini-batches; everything optional is a callback.

It only orchestrates: the network computes gradients, the optimiser updates parameters, and
callbacks record, report, save, schedule and stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np

from ..core import optimizers as optimizers_module
from ..core.schedules import Schedule
from ..utils.backend import Array
from ..utils.validation import check_non_negative, check_positive_int
from .callbacks import (
    EpochFigures,
    EpochLogger,
    LearningRateScheduler,
    LivePlot,
    ProgressBar,
    RisingCostWarning,
)
from .checkpoint import Checkpoint
from .events import Callback, TrainingEvent, keyed
from .history import History
from .protocol import Trainable
from .shards import ShardedStep

Augmenter = Callable[[np.ndarray, np.random.Generator], np.ndarray]

_WATCHERS: ContextVar[tuple[Callback, ...]] = ContextVar("deltaprop_fit_watchers", default=())


@contextmanager
def watching(*callbacks: Callback) -> Iterator[None]:
    """Add ``callbacks`` to every :func:`fit` run inside the block, in this thread or task.

    This is how a caller follows training code it does not own, e.g. the progress of a lab
    experiment that trains several networks.

    Parameters
    ----------
    *callbacks : Callback
        Added to every ``fit`` inside the block, after its own.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import watching
    >>> from deltaprop import LambdaCallback, Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> epochs = []
    >>> with watching(LambdaCallback(on_epoch_end=lambda event: epochs.append(event.epoch))):
    ...     _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2)
    >>> epochs
    [1, 2]
    """
    token = _WATCHERS.set((*_WATCHERS.get(), *callbacks))
    try:
        yield
    finally:
        _WATCHERS.reset(token)


class DivergenceError(FloatingPointError):
    """Training stopped because the cost became NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import DivergenceError
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> net = Network.from_sizes([4, 8, 2], "relu", "identity", cost="quadratic")
    >>> try:
    ...     net.fit(X * 1e30, y, epochs=1, eta=1.0)
    ... except DivergenceError as error:
    ...     print(error.epoch, error.batch)
    1 1
    """

    def __init__(self, epoch: int, batch: int, cost: float, eta: float) -> None:
        self.epoch, self.batch, self.cost, self.eta = epoch, batch, cost, eta
        super().__init__(
            f"training diverged: the cost became {cost} at epoch {epoch}, batch {batch} "
            f"(eta = {eta:g}). The learning rate is probably too large: try a lower eta, "
            f"e.g. {eta / 10:g}."
        )


def fit(
    network: Trainable,
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
    augment: Augmenter | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    live: bool = False,
    verbose: bool = False,
    log: Callable[[str], None] = print,
) -> History:
    """Train the network on (X, y) by mini-batch gradient descent and return its History.

    The defaults are a library's (10 epochs, batches of 32, plain SGD). ``deltaprop train``
    is this call with ``epochs=20, batch_size=10, optimizer=Momentum(eta=0.1, mu=0.9)``
    and the bundled digits' last 10% as ``validation_data`` (the README shows it in full).

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
        L2 regularisation λ, the λ of :meth:`Network.cost` with n = len(X).
    schedule : Schedule, optional
        Sets η for each epoch from the optimiser's initial η (:class:`LearningRateScheduler`).
    validation_data : (X_val, y_val), optional
        Held-out data evaluated after every epoch.
    shuffle, seed
        Shuffle the examples every epoch with a generator seeded by ``seed``.
    callbacks : sequence of Callback
        Called after the standard ones that the arguments above and below switch on, e.g.
        :class:`EarlyStopping`; any callback may stop training.
    monitor_training : bool
        Evaluate cost and accuracy on the whole training set after every epoch.
    augment : callable, optional
        ``augment(x, rng)`` returns a transformed copy of the epoch's (shuffled) training
        inputs, e.g. :class:`deltaprop.datasets.Augment` for random shifts.
    checkpoint, resume
        Write a checkpoint there before the first epoch and after every epoch; with
        ``resume``, continue from it if it exists (:class:`Checkpoint`).
    progress : bool
        Show a progress bar over the mini-batches of each epoch (needs tqdm; in Jupyter it
        is the notebook's own bar when ipywidgets is installed).
    live : bool
        In Jupyter, redraw the learning curves in place after every epoch (:class:`LivePlot`,
        needs matplotlib); elsewhere nothing changes.
    verbose : bool
        Write one line per epoch through ``log``, and a warning if training keeps making
        the cost worse (:class:`RisingCostWarning`).

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        If the cost becomes NaN or infinite; it names the epoch and batch.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import fit
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((40, 2)), np.arange(40) % 2
    >>> net = Network.from_sizes([2, 8, 2], "tanh", seed=0)
    >>> history = fit(net, X, y, epochs=3, batch_size=10, eta=0.5, seed=0)
    >>> history.epoch
    [1, 2, 3]
    """
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    lmbda = check_non_negative(lmbda, "lmbda")
    opt = optimizers_module.get(optimizer, eta)
    x = network.inputs(X)
    t = network.targets(y, len(x))
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        xv = network.inputs(validation_data[0])
        validation = (xv, network.targets(validation_data[1], len(xv)))
    n = len(x)
    figures = EpochFigures(x, t, validation, lmbda=lmbda, monitor_training=monitor_training)
    standard: list[Callback] = []
    if schedule is not None:
        standard.append(LearningRateScheduler(schedule))
    if checkpoint is not None:
        standard.append(Checkpoint(checkpoint, resume=resume, log=log))
    if progress:
        standard.append(ProgressBar())
    if live:
        standard.append(LivePlot())
    if verbose:
        standard.append(EpochLogger(log))
        if monitor_training:
            standard.append(RisingCostWarning(x, t, lmbda=lmbda, log=log))
    event = TrainingEvent(
        network,
        opt,
        History(),
        epochs=epochs,
        batches=-(-n // batch_size),
        n=n,
        rng=np.random.default_rng(seed),
        eta0=opt.eta,
    )
    run(
        event,
        x,
        t,
        [*standard, *callbacks, *_WATCHERS.get()],
        batch_size,
        lmbda,
        shuffle,
        augment,
        log,
        figures,
    )
    return event.history


def run(
    event: TrainingEvent,
    x: Array,
    t: Array,
    callbacks: Sequence[Callback],
    batch_size: int,
    lmbda: float = 0.0,
    shuffle: bool = True,
    augment: Augmenter | None = None,
    log: Callable[[str], None] = print,
    figures: EpochFigures | None = None,
) -> None:
    """Run the loop on checked data; callbacks hear of each step.

    For each epoch, for each mini-batch: gather it, backpropagate (split over threads when
    it is large enough, ``ShardedStep``), check for divergence, update. Ctrl-C ends the
    run after recording why in the History (callbacks' ``on_train_end`` still runs, so a
    checkpoint can say where to resume). After each epoch ``figures`` (when given) are
    measured and recorded in the History before the callbacks hear of the epoch.

    Parameters
    ----------
    event : TrainingEvent
        The run's state (network, optimiser, history, epochs, random generator), updated as
        it goes.
    x, t : array
        Inputs and target matrix, already checked.
    callbacks : sequence of Callback
        Called at each step of the loop.
    batch_size : int
        Examples per mini-batch.
    lmbda : float, default 0.0
        The L2 strength λ.
    shuffle : bool, default True
        Shuffle the examples every epoch.
    augment : callable, optional
        ``augment(x, rng)``, applied to each epoch's inputs.
    log : callable, default print
        Receives the notes (an interrupted run says so).
    figures : EpochFigures, optional
        Measures and records each epoch in the History before the callbacks hear of it.

    Examples
    --------
    :func:`deltaprop.fit` sets up the :class:`TrainingEvent` and calls this; here by hand:

    >>> import numpy as np
    >>> from deltaprop.training import run
    >>> from deltaprop import History, Network, SGD
    >>> net = Network.from_sizes([4, 3, 2])
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> event = TrainingEvent(
    ...     net, SGD(0.1), History(), epochs=2, batches=2, n=20,
    ...     rng=np.random.default_rng(0), eta0=0.1,
    ... )
    >>> _ = run(event, X, net.targets(y), callbacks=[], batch_size=10, log=lambda line: None)
    >>> event.epoch
    2
    """
    network, opt = event.network, event.optimizer
    event.callbacks = list(callbacks)
    for callback in callbacks:
        callback.on_train_begin(event)
    named = keyed(callbacks)
    for key, state in event.callback_states.items():  # a resumed run: as they were
        if key in named:
            named[key].set_state(state)
    triples = list(network.trainable_parameters())
    batch_callbacks = [cb for cb in callbacks if cb.uses_batch_end]
    # Overflow warnings would only announce what the divergence check reports clearly.
    with (
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        ShardedStep(network, batch_size) as train_step,
    ):
        try:
            for epoch in range(event.epoch + 1, event.epochs + 1):
                event.epoch, event.logs = epoch, {"epoch": epoch, "eta": opt.eta}
                started = time.perf_counter()
                for callback in callbacks:
                    callback.on_epoch_begin(event)
                batches = _batches(x, t, batch_size, event.rng, shuffle, augment)
                with train_step.steps():
                    for batch, (xb, tb) in enumerate(batches, start=1):
                        event.batch = batch
                        step = train_step(xb, tb, lmbda=lmbda, n=event.n)
                        if not step.finite:
                            raise DivergenceError(event.epoch, event.batch, step.cost(), opt.eta)
                        opt.step(triples)
                        if batch_callbacks:
                            event.step = step
                            for callback in batch_callbacks:
                                callback.on_batch_end(event)
                            if event.stop_requested:
                                break
                # the last update of an epoch has no next output to show it went wrong
                if not all(bool(np.isfinite(w).all()) for _, w, _ in triples):
                    raise DivergenceError(event.epoch, event.batch, float("nan"), opt.eta)
                if figures is not None:
                    event.logs = figures.measure(event, time.perf_counter() - started)
                    event.history.append(event.logs)
                for callback in callbacks:
                    callback.on_epoch_end(event)
                for callback in callbacks:
                    callback.on_epoch_done(event)
                if event.stop_requested:
                    break
        except KeyboardInterrupt:
            event.history.stop_reason = f"interrupted during epoch {len(event.history) + 1}"
            log(f"{event.history.stop_reason}: returning the history so far")
        finally:
            event.step = None
    for callback in callbacks:
        callback.on_train_end(event)


def _batches(
    x: Array,
    t: Array,
    batch_size: int,
    rng: np.random.Generator,
    shuffle: bool,
    augment: Augmenter | None,
) -> Any:
    """Yield the epoch's mini-batches (x, t), shuffled and augmented as asked."""
    order = rng.permutation(len(x)) if shuffle else None
    if augment is not None:  # augmentation makes a new copy of the epoch anyway
        if order is not None:
            x, t, order = x[order], t[order], None
        x = augment(x, rng)
    for lo in range(0, len(x), batch_size):
        if order is None:
            yield x[lo : lo + batch_size], t[lo : lo + batch_size]
        else:  # gather each mini-batch: no second copy of the whole training set
            rows = order[lo : lo + batch_size]
            yield x.take(rows, axis=0), t.take(rows, axis=0)
