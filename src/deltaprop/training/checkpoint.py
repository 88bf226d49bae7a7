"""Checkpoints: everything needed to continue a run exactly where it stopped.

A checkpoint file (the format of :mod:`deltaprop.files.archive`) holds the parameters
(``param/layers.0.W``, ...), the optimiser's state arrays (``optimizer/layers.0.W/v``, ...)
and, as JSON, the network's configuration, the optimiser's class, configuration and
scalars, the shuffling generator's state, the layers' own state (dropout generators), η₀,
the epochs done, the History and every callback's state (:meth:`Callback.get_state`; its
arrays as ``callback/EarlyStopping#0/...``). A run resumed from it ends bit-identical to
an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..files.archive import ArchiveReader, write_archive
from ..utils.backend import to_numpy
from .events import Callback, TrainingEvent, keyed
from .history import History
from .protocol import Trainable

FORMAT = "deltaprop-checkpoint"


@dataclass
class CheckpointState:
    """A checkpoint as read by :func:`load_checkpoint`.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import CheckpointState
    >>> import pathlib, tempfile
    >>> from deltaprop import Network, load_checkpoint
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "checkpoint.npz"
    >>> _ = net.fit(X, y, epochs=2, checkpoint=path)
    >>> state = load_checkpoint(path, net)
    >>> state.epoch, len(state.history)
    (2, 2)
    """

    epoch: int
    eta0: float
    history: History
    params: dict[str, np.ndarray]
    optimizer: dict[str, Any]
    optimizer_state: dict[str, dict[str, np.ndarray]]
    rng_state: dict[str, Any]
    layer_states: list[dict[str, Any]]
    callback_states: dict[str, dict[str, Any]]


def save_checkpoint(path: str | Path, event: TrainingEvent) -> None:
    """Write the state of a run after ``event.epoch`` epochs, atomically.

    Parameters
    ----------
    path : str or Path
        The checkpoint file, replaced whole.
    event : TrainingEvent
        The running fit's event, as callbacks receive it.

    Examples
    --------
    The :class:`Checkpoint` callback calls it after every epoch:

    >>> import numpy as np
    >>> from deltaprop.training import save_checkpoint
    >>> import pathlib, tempfile
    >>> from deltaprop import Callback, Network
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "checkpoint.npz"
    >>> class SaveFirst(Callback):
    ...     def on_epoch_end(self, event):
    ...         if event.epoch == 1:
    ...             save_checkpoint(path, event)
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2, callbacks=[SaveFirst()])
    >>> path.exists()
    True
    """
    arrays = {f"param/{name}": to_numpy(p) for name, p, _ in event.network.named_parameters()}
    for name, slots in event.optimizer.state.items():
        for key, value in slots.items():
            arrays[f"optimizer/{name}/{key}"] = to_numpy(value)
    callbacks: dict[str, Any] = {}
    for key, callback in keyed(event.callbacks).items():
        state = callback.get_state()
        if not state:
            continue
        shapes = {}
        for name, value in state.items():
            if isinstance(value, np.ndarray):
                arrays[f"callback/{key}/{name}"] = value
                shapes[name] = [list(value.shape), value.dtype.str]
        values = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
        callbacks[key] = {"values": values, "arrays": shapes}
    meta = {
        "format": FORMAT,
        "callbacks": callbacks,
        "network": event.network.get_config(),
        "optimizer": {
            "class": event.optimizer.name,
            "config": event.optimizer.get_config(),
            "scalars": event.optimizer.scalars(),
        },
        "eta0": event.eta0,
        "epoch": event.epoch,
        "rng": event.rng.bit_generator.state,
        "layer_states": event.network.layer_states(),
        "history": event.history.as_dict(),
    }
    write_archive(path, meta, arrays)


def load_checkpoint(path: str | Path, network: Trainable) -> CheckpointState:
    """Read a checkpoint of ``network``'s architecture; every array is checked against it.

    Parameters
    ----------
    path : str or Path
        A checkpoint written by ``fit(..., checkpoint=path)``.
    network : Trainable
        The network it belongs to; its architecture must match.

    Returns
    -------
    CheckpointState
        The epoch, parameters, optimiser and callbacks' state, shuffling state and History.

    Raises
    ------
    ModelFileError
        For a missing, corrupt, truncated, altered or foreign file.
    ValueError
        For the checkpoint of a different architecture.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import load_checkpoint
    >>> import pathlib, tempfile
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "checkpoint.npz"
    >>> _ = net.fit(X, y, epochs=2, checkpoint=path)
    >>> load_checkpoint(path, net).epoch
    2
    """
    reader = ArchiveReader(path, FORMAT)
    meta = reader.meta
    config = meta.get("network")
    if not isinstance(config, dict) or config.get("layers") != network.get_config()["layers"]:
        raise ValueError(f"{path} is a checkpoint of a different network; cannot resume from it")
    shapes = {name: (p.shape, p.dtype) for name, p, _ in network.named_parameters()}
    params = {
        name: reader.read(f"param/{name}", shape, dtype, "parameter")
        for name, (shape, dtype) in shapes.items()
    }
    callbacks = read_callback_states(reader)
    state: dict[str, dict[str, np.ndarray]] = {}
    others = {f"param/{name}" for name in shapes} | {
        f"callback/{key}/{name}" for key, values in callbacks.items() for name in values
    }
    for member in sorted(reader.names - others):
        kind, _, rest = member.partition("/")
        name, _, slot = rest.rpartition("/")
        if kind != "optimizer" or name not in shapes:
            raise reader.error(f"unexpected array {member}")
        state.setdefault(name, {})[slot] = reader.read(member, *shapes[name], "optimizer state")
    try:
        optimizer = meta["optimizer"]
        if not isinstance(optimizer.get("scalars"), dict) or not isinstance(
            optimizer.get("class"), str
        ):
            raise TypeError("optimizer record")
        return CheckpointState(
            epoch=int(meta["epoch"]),
            eta0=float(meta["eta0"]),
            history=History.from_dict(meta["history"]),
            params=params,
            optimizer=optimizer,
            optimizer_state=state,
            rng_state=dict(meta["rng"]),
            layer_states=[dict(state) for state in meta["layer_states"]],
            callback_states=callbacks,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise reader.error(f"incomplete checkpoint: {err!r}") from None


def read_callback_states(reader: ArchiveReader) -> dict[str, dict[str, Any]]:
    """The callbacks' states a checkpoint holds, arrays checked against their records."""
    found = reader.meta.get("callbacks", {})
    if not isinstance(found, dict):
        raise reader.error("corrupt callback states")
    states: dict[str, dict[str, Any]] = {}
    for key, record in found.items():
        try:
            state = dict(record["values"])
            for name, (shape, dtype) in record["arrays"].items():
                member = f"callback/{key}/{name}"
                state[name] = reader.read(member, tuple(shape), np.dtype(dtype), "callback state")
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise reader.error(f"corrupt state of callback {key}: {err!r}") from None
        states[str(key)] = state
    return states


class Checkpoint(Callback):
    """Write a checkpoint before the first epoch and after each one; optionally resume first.

    Parameters
    ----------
    path : path
        The checkpoint file (written atomically, so an interruption never leaves half).
    resume : bool
        If the file exists, continue from it: the same parameters, optimiser state,
        shuffling state and History, so the run matches an uninterrupted one.
    log : callable
        Where to say that a run resumed, or how to resume an interrupted one.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training import Checkpoint
    >>> import pathlib, tempfile
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "checkpoint.npz"
    >>> saving = Checkpoint(path, log=None)
    >>> _ = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2, callbacks=[saving])
    >>> path.exists()
    True
    """

    def __init__(
        self, path: str | Path, *, resume: bool = False, log: Callable[[str], None] = print
    ) -> None:
        self.path = Path(path)
        self.resume = resume
        self.log = log

    def on_train_begin(self, event: TrainingEvent) -> None:
        if not (self.resume and self.path.exists()):
            save_checkpoint(self.path, event)
            return
        state = load_checkpoint(self.path, event.network)
        if state.optimizer["class"] != event.optimizer.name:
            raise ValueError(
                f"{self.path} was written with optimiser {state.optimizer['class']!r}, "
                f"not {event.optimizer.name!r}"
            )
        for name, p, _ in event.network.named_parameters():
            p[...] = state.params[name]
        event.optimizer.load_state(state.optimizer["scalars"], dict(state.optimizer_state))
        event.rng.bit_generator.state = state.rng_state
        event.network.set_layer_states(state.layer_states)
        for key, values in state.history.as_dict().items():
            setattr(event.history, key, values)
        event.epoch, event.eta0 = state.epoch, state.eta0
        event.callback_states = state.callback_states  # the loop gives them back
        self.log(f"resuming from {self.path} after epoch {state.epoch}")

    def on_epoch_done(self, event: TrainingEvent) -> None:
        save_checkpoint(self.path, event)  # after every callback has taken the epoch in

    def on_train_end(self, event: TrainingEvent) -> None:
        if event.history.stop_reason.startswith("interrupted"):
            self.log(f"{self.path} holds epoch {len(event.history)}: resume from it")
