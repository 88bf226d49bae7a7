"""Epoch figures reach every callback as ``event.logs``; the list's order changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.core.schedules import StepDecay
from deltaprop.training import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    RecordHistory,
    RisingCostWarning,
    TrainingEvent,
    run,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X[:90], y[:90], X[90:], y[90:]


class Logs(Callback):
    """A user callback that keeps what it was handed."""

    def __init__(self) -> None:
        self.seen: list[dict] = []

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self.seen.append(dict(event.logs))


def _fit(data, callbacks):
    X, y, Xv, yv = data
    net = Network.from_sizes([4, 6, 2], seed=0, dtype="float64")
    history = net.fit(
        X, y, epochs=8, batch_size=10, eta=2.0, validation_data=(Xv, yv), callbacks=callbacks
    )
    return history, [p.copy() for _, p, _ in net.named_parameters()]


def test_every_callback_gets_the_epoch_figures_as_logs(data):
    logs = Logs()
    history, _ = _fit(data, [logs])
    assert [entry["epoch"] for entry in logs.seen] == history.epoch
    assert [entry["val_cost"] for entry in logs.seen] == history.val_cost
    assert [entry["eta"] for entry in logs.seen] == history.eta
    assert set(logs.seen[0]) == {
        "epoch",
        "eta",
        "train_cost",
        "train_accuracy",
        "val_cost",
        "val_accuracy",
        "time",
    }


def test_a_callback_list_in_reversed_order_gives_the_same_history(data):
    X, y, *_ = data

    def callbacks():
        return [
            EarlyStopping("val_cost", 2),
            LearningRateScheduler(StepDecay(0.5, 2)),
            RisingCostWarning(X, y, log=lambda line: None),
            Logs(),
        ]

    forward = callbacks()
    history, params = _fit(data, forward)
    backward = callbacks()[::-1]
    reversed_history, reversed_params = _fit(data, backward)
    assert history.as_dict() | {"time": []} == reversed_history.as_dict() | {"time": []}
    assert all(np.array_equal(a, b) for a, b in zip(params, reversed_params, strict=True))
    assert forward[-1].seen and [e["val_cost"] for e in forward[-1].seen] == [
        e["val_cost"] for e in backward[0].seen
    ]


class EtaSeen(Callback):
    def __init__(self) -> None:
        self.etas: list[float] = []

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        self.etas.append(event.optimizer.eta)


def test_what_still_follows_the_order_a_schedule_is_seen_by_the_callbacks_after_it(data):
    before, after = EtaSeen(), EtaSeen()
    history, _ = _fit(data, [before, LearningRateScheduler(StepDecay(0.5, 2)), after])
    assert after.etas == history.eta  # set for this epoch before it heard of it
    assert before.etas[1:] == history.eta[:-1]  # the η of the epoch before
    assert before.etas[0] == after.etas[0] == 2.0


def test_record_history_is_deprecated_and_still_records_where_run_has_no_figures(data):
    X, y, *_ = data
    net = Network.from_sizes([4, 6, 2], seed=0, dtype="float64")
    x, t = net.inputs(X), net.targets(y)
    with pytest.warns(DeprecationWarning, match="RecordHistory is deprecated"):
        record = RecordHistory(x, t)
    from deltaprop.core.optimizers import SGD

    event = TrainingEvent(
        net, SGD(1.0), History(), epochs=2, batches=9, n=90, rng=np.random.default_rng(0), eta0=1.0
    )
    run(event, x, t, [record], batch_size=10)
    assert event.history.epoch == [1, 2] and None not in event.history.train_cost
