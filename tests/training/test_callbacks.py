"""The callbacks and the event they receive."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Callback, LambdaCallback, Network, StepDecay
from deltaprop.training import History, LearningRateScheduler, RisingCostWarning, TrainingEvent


@pytest.fixture
def data(rng):
    X = rng.normal(size=(60, 4))
    return X, (X[:, 0] > 0).astype(int)


def test_hooks_run_in_order_with_one_event(data):
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, event):
            calls.append(("train_begin", event.epoch))
            self.event = event

        def on_epoch_begin(self, event):
            calls.append(("epoch_begin", event.epoch))
            assert event is self.event

        def on_batch_end(self, event):
            calls.append(("batch_end", event.epoch, event.batch))

        def on_epoch_end(self, event):
            calls.append(("epoch_end", event.epoch, len(event.history)))

        def on_train_end(self, event):
            calls.append(("train_end", event.epoch))

    Network.from_sizes([4, 2]).fit(*data, epochs=2, batch_size=30, callbacks=[Recorder()])
    assert calls == [
        ("train_begin", 0),
        ("epoch_begin", 1),
        ("batch_end", 1, 1),
        ("batch_end", 1, 2),
        ("epoch_end", 1, 1),  # the History already holds the epoch
        ("epoch_begin", 2),
        ("batch_end", 2, 1),
        ("batch_end", 2, 2),
        ("epoch_end", 2, 2),
        ("train_end", 2),
    ]


def test_the_batch_cost_is_the_cost_before_the_update(data):
    X, y = data
    net = Network.from_sizes([4, 2], dtype="float64")
    expected = net.cost(X[:60], y[:60])
    seen = []
    net.fit(
        X, y, epochs=1, batch_size=60, shuffle=False,
        callbacks=[LambdaCallback(on_batch_end=lambda e: seen.append(e.batch_cost()))],
    )  # fmt: skip
    assert seen == [pytest.approx(expected, rel=1e-12)]


def test_nobody_pays_for_a_batch_cost_no_callback_asks_for(data, monkeypatch):
    from deltaprop.core.network import BatchResult

    computed = []
    original = BatchResult.cost
    monkeypatch.setattr(BatchResult, "cost", lambda self: computed.append(1) or original(self))
    Network.from_sizes([4, 2]).fit(*data, epochs=2, batch_size=10, callbacks=[Callback()])
    assert computed == []
    assert not Callback().uses_batch_end and not LambdaCallback(on_epoch_end=print).uses_batch_end
    assert LambdaCallback(on_batch_end=print).uses_batch_end


def test_stopping_mid_epoch_still_records_the_epoch(data):
    def stop_at_batch_2(event):
        if event.batch == 2:
            event.stop("enough")

    batches = []
    h = Network.from_sizes([4, 2]).fit(
        *data, epochs=5, batch_size=10,
        callbacks=[LambdaCallback(on_batch_end=stop_at_batch_2),
                   LambdaCallback(on_batch_end=lambda e: batches.append(e.batch))],
    )  # fmt: skip
    assert h.epoch == [1] and h.stop_reason == "enough" and batches == [1, 2]


def test_batch_cost_outside_a_batch_is_an_error():
    event = TrainingEvent(None, None, History(), 1, 1, 1, np.random.default_rng(), 0.1)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="only known in on_batch_end"):
        event.batch_cost()
    event.stop()
    assert event.stop_requested and event.history.stop_reason == "stopped by a callback at epoch 0"


def test_a_schedule_as_a_callback(data):
    etas = []
    Network.from_sizes([4, 2]).fit(
        *data, epochs=4, eta=0.4,
        callbacks=[LearningRateScheduler(StepDecay(0.5, every=2)),
                   LambdaCallback(on_epoch_begin=lambda e: etas.append(e.optimizer.eta))],
    )  # fmt: skip
    assert etas == [0.4, 0.4, 0.2, 0.2]


class _Event:
    """Just what RisingCostWarning reads."""

    def __init__(self, costs, eta=1.0):
        self.history = History(train_cost=list(costs))
        self.optimizer = type("Opt", (), {"eta": eta})()


@pytest.mark.parametrize(
    ("start", "costs", "expected"),
    [
        (2.3, [1.0, 0.9, 0.8, 0.7], None),  # learning
        (2.3, [1.0, 1.1, 1.2, 1.3], "rose 3 epochs in a row (1 -> 1.3)"),
        (2.3, [1.0, 1.1, 1.05, 1.2], None),  # noisy, not rising every epoch
        (2.3, [50.0, 20.0, 40.0], "stayed above its value before training (2.3) for 3 epochs"),
        (2.3, [50.0, 2.0, 40.0], None),  # back below the start once
        (None, [50.0, 20.0, 40.0], None),  # resumed: no start known
    ],
)
def test_the_rising_cost_warning(start, costs, expected):
    lines = []
    watch = RisingCostWarning(np.zeros((1, 1)), np.zeros((1, 1)), log=lines.append)
    watch.start = start
    for k in range(1, len(costs) + 1):
        watch.on_epoch_end(_Event(costs[:k], eta=1.0))  # type: ignore[arg-type]
    if expected is None:
        assert lines == []
    else:
        assert len(lines) == 1 and expected in lines[0]
        assert "eta = 1 is probably too large; try a lower one, e.g. 0.1" in lines[0]


def test_history_round_trips_and_refuses_unknown_fields():
    h = History(epoch=[1], train_cost=[0.5], train_accuracy=[None], val_cost=[None],
                val_accuracy=[None], eta=[0.1], time=[0.2], stop_reason="x")  # fmt: skip
    assert History.from_dict(h.as_dict()) == h
    with pytest.raises(ValueError, match="not a History record"):
        History.from_dict({**h.as_dict(), "loss": [1.0]})
