"""The callback interface of the training loop: :class:`Callback` and the event it receives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.optimizers import Optimizer
from .history import History
from .protocol import StepResult, Trainable


@dataclass(eq=False)
class TrainingEvent:
    """What every callback receives: the run's state, updated by the loop as it goes.

    One object serves the whole run, so a callback may keep a reference to it.

    Attributes
    ----------
    network : Network
        The network being trained.
    optimizer : Optimizer
        Its ``eta`` is the current learning rate (schedules set it).
    history : History
        The epochs recorded so far.
    epochs : int
        The number of epochs asked for.
    batches : int
        Mini-batches per epoch.
    n : int
        Training examples (the n of the L2 term).
    rng : numpy.random.Generator
        The generator that shuffles (and augments) each epoch; checkpoints save its state.
    eta0 : float
        The optimiser's initial η, from which schedules work.
    epoch : int
        The current epoch, from 1. In ``on_train_begin``, the epochs already done (0, or
        more when a checkpoint was resumed: a callback that resumes sets it).
    batch : int
        The current mini-batch within the epoch, from 1.
    callbacks : list of Callback
        Every callback of the run, in order (a checkpoint saves their states).
    callback_states : dict
        States to give the callbacks when a run resumes (see :meth:`Callback.get_state`);
        the loop hands them over after every ``on_train_begin``.
    logs : dict
        In ``on_epoch_end`` and after: the epoch's figures, as Keras's ``logs`` (``epoch``,
        ``eta``, ``train_cost``, ``train_accuracy``, ``val_cost``, ``val_accuracy``,
        ``time``; None where not measured), already appended to ``history``.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import TrainingEvent
    >>> from deltaprop import Callback, Network
    >>> class StopAtOneEpoch(Callback):
    ...     def on_epoch_end(self, event):
    ...         event.stop(f"epoch {event.epoch}: cost {event.logs['train_cost']:.0e} is enough")
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> history = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=5, callbacks=[StopAtOneEpoch()])
    >>> len(history), history.stop_reason.startswith("epoch 1")
    (1, True)
    """

    network: Trainable
    optimizer: Optimizer
    history: History
    epochs: int
    batches: int
    n: int
    rng: np.random.Generator
    eta0: float
    epoch: int = 0
    batch: int = 0
    step: StepResult | None = field(default=None, repr=False)
    stop_requested: bool = False
    callbacks: list[Callback] = field(default_factory=list, repr=False)
    callback_states: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    logs: dict[str, Any] = field(default_factory=dict, repr=False)

    def batch_cost(self) -> float:
        """The current mini-batch's mean cost (before its update), computed on request."""
        if self.step is None:
            raise RuntimeError("batch_cost is only known in on_batch_end")
        return self.step.cost()

    def stop(self, reason: str = "") -> None:
        """Ask the loop to stop after the current batch; ``reason`` goes to the History."""
        self.stop_requested = True
        self.history.stop_reason = reason or f"stopped by a callback at epoch {self.epoch}"


class Callback:
    """Hooks the training loop calls, as in Keras; subclass and override what you need.

    Each receives the :class:`TrainingEvent`. ``on_batch_end`` runs after every update, so
    a callback that does not override it costs nothing per batch.

    A callback that keeps state across epochs (a best value, a count) takes part in
    checkpoints by overriding :meth:`get_state` and :meth:`set_state`: a resumed run then
    ends bit-identical to an uninterrupted one, as it does with the built-in callbacks.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import Callback
    >>> from deltaprop import Network
    >>> class CountEpochs(Callback):
    ...     def on_train_begin(self, event):
    ...         self.epochs = 0
    ...
    ...     def on_epoch_end(self, event):
    ...         self.epochs += 1
    >>> counter = CountEpochs()
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=3, callbacks=[counter])
    >>> counter.epochs
    3
    """

    def get_state(self) -> dict[str, Any]:
        """What to save in a checkpoint: names to numbers, strings, None, or NumPy arrays."""
        return {}

    def set_state(self, state: dict[str, Any]) -> None:
        """Take back what :meth:`get_state` returned (after ``on_train_begin``, on resume)."""

    @property
    def state_key(self) -> str:
        """How a checkpoint names this callback's state: its class, and which one of them."""
        return type(self).__name__

    def on_train_begin(self, event: TrainingEvent) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        """Before the epoch's data is shuffled."""

    def on_batch_end(self, event: TrainingEvent) -> None:
        """After each update; ``event.batch_cost()`` is that batch's cost."""

    def on_epoch_end(self, event: TrainingEvent) -> None:
        """After each epoch: ``event.logs`` holds its figures, ``event.history`` all epochs.

        The loop measures and records the epoch before any callback hears of it, so the
        order of the list does not change what a callback sees of the figures. What still
        follows the list's order is what callbacks *do*: a callback that changes η in
        ``on_epoch_begin`` (a scheduler) is seen by the callbacks after it in the same
        hook, and one that restores weights when it stops (early stopping) does so before
        the callbacks after it hear of the epoch. A stop takes effect after every callback.
        """

    def on_epoch_done(self, event: TrainingEvent) -> None:
        """After every callback's ``on_epoch_end``: the epoch, states included, is complete.

        A checkpoint is written here, so it holds each callback's state after the epoch.
        """

    def on_train_end(self, event: TrainingEvent) -> None:
        """After the last epoch, a stop, or an interruption (Ctrl-C)."""

    @property
    def uses_batch_end(self) -> bool:
        """Whether :meth:`on_batch_end` does anything, so the loop must call it."""
        return type(self).on_batch_end is not Callback.on_batch_end


def keyed(callbacks: Sequence[Callback]) -> dict[str, Callback]:
    """The callbacks by the names their states are saved under: ``EarlyStopping#0``, ...

    Numbered within their class, so that adding or leaving out another kind of callback
    (a progress bar) when resuming does not move any state to the wrong callback.
    """
    seen: dict[str, int] = {}
    named: dict[str, Callback] = {}
    for callback in callbacks:
        key = callback.state_key
        named[f"{key}#{seen.get(key, 0)}"] = callback
        seen[key] = seen.get(key, 0) + 1
    return named


Hook = Callable[[TrainingEvent], object]


class LambdaCallback(Callback):
    """A callback made of plain functions of the event.

    For example ``LambdaCallback(on_epoch_end=lambda e: print(e.history.val_accuracy[-1]))``.

    Parameters
    ----------
    on_train_begin, on_epoch_begin, on_batch_end, on_epoch_end, on_train_end : callable, optional
        Functions of the :class:`TrainingEvent`, called where the method of that name would be.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import LambdaCallback
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> seen = []
    >>> record = LambdaCallback(on_epoch_end=lambda event: seen.append(event.epoch))
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=3, callbacks=[record])
    >>> seen
    [1, 2, 3]
    """

    def __init__(
        self,
        on_train_begin: Hook | None = None,
        on_epoch_begin: Hook | None = None,
        on_batch_end: Hook | None = None,
        on_epoch_end: Hook | None = None,
        on_train_end: Hook | None = None,
    ) -> None:
        self.hooks = {
            "on_train_begin": on_train_begin,
            "on_epoch_begin": on_epoch_begin,
            "on_batch_end": on_batch_end,
            "on_epoch_end": on_epoch_end,
            "on_train_end": on_train_end,
        }

    def _call(self, hook: str, event: TrainingEvent) -> None:
        function = self.hooks[hook]
        if function is not None:
            function(event)

    def on_train_begin(self, event: TrainingEvent) -> None:
        self._call("on_train_begin", event)

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        self._call("on_epoch_begin", event)

    def on_batch_end(self, event: TrainingEvent) -> None:
        self._call("on_batch_end", event)

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self._call("on_epoch_end", event)

    def on_train_end(self, event: TrainingEvent) -> None:
        self._call("on_train_end", event)

    @property
    def uses_batch_end(self) -> bool:
        return self.hooks["on_batch_end"] is not None
