"""The training loop: descent modes, History, stopping rules, divergence; small real problems."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import (
    SGD,
    Adam,
    Dense,
    DivergenceError,
    EarlyStopping,
    Identity,
    LambdaCallback,
    Momentum,
    Network,
    StepDecay,
)


@pytest.fixture
def data(rng):
    X = rng.normal(size=(100, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)  # 3 classes
    return X, y


def count_batches(net, X, y, **kwargs):
    sizes = []
    net.fit(
        X, y, callbacks=[LambdaCallback(on_batch_end=lambda e: sizes.append(e.batch))], **kwargs
    )
    return sizes


@pytest.mark.parametrize(("batch_size", "per_epoch"), [(100, 1), (500, 1), (32, 4), (1, 100)])
def test_batch_minibatch_and_stochastic_descent(data, batch_size, per_epoch):
    net = Network.from_sizes([4, 5, 3], "sigmoid", "softmax")
    batches = count_batches(net, *data, epochs=2, batch_size=batch_size)
    assert len(batches) == 2 * per_epoch
    assert batches[:per_epoch] == list(range(1, per_epoch + 1))


def test_batch_descent_is_one_step_on_the_full_gradient(data):
    X, y = data
    net = Network.from_sizes([4, 5, 3], "tanh", "softmax", dtype="float64")
    ref = net.astype("float64")
    net.fit(X, y, epochs=1, batch_size=len(X), eta=0.3, lmbda=2.0)
    grads = ref.backprop(X, y, lmbda=2.0)
    params = dict((name, p) for name, p, _ in ref.named_parameters())
    for name, p, _ in net.named_parameters():
        # w ← w − η(g + λ/n·w) = (1 − ηλ/n)w − ηg for weights; biases get no decay
        np.testing.assert_allclose(p, params[name] - 0.3 * grads[name], rtol=1e-10, atol=1e-14)


def test_history_records_every_epoch(data, rng):
    X, y = data
    net = Network.from_sizes([4, 8, 3], "relu", "softmax")
    h = net.fit(
        X[:80],
        y[:80],
        epochs=4,
        batch_size=10,
        eta=0.1,
        validation_data=(X[80:], y[80:]),
        schedule=StepDecay(0.5, every=2),
    )
    assert h.epoch == [1, 2, 3, 4] and len(h) == 4
    assert h.eta == pytest.approx([0.1, 0.1, 0.05, 0.05])
    for key in ("train_cost", "train_accuracy", "val_cost", "val_accuracy", "time"):
        assert len(getattr(h, key)) == 4 and all(v is not None for v in getattr(h, key))
    assert h.train_cost[-1] < h.train_cost[0]
    assert h.val_accuracy[-1] == pytest.approx(net.accuracy(X[80:], y[80:]))
    assert h.val_cost[-1] == pytest.approx(net.cost(X[80:], y[80:]), rel=1e-5)
    assert set(h.as_dict()) >= {"epoch", "train_cost", "val_accuracy", "time"}


def test_history_without_validation_or_classes(rng):
    X = rng.normal(size=(20, 2))
    h = Network([Dense(2, 1), Identity()]).fit(X, X[:, :1] * 0.3, epochs=2)
    assert h.val_cost == [None, None] and h.val_accuracy == [None, None]
    assert h.train_accuracy == [None, None] and all(c is not None for c in h.train_cost)


def test_training_cost_includes_the_l2_term(data):
    X, y = data
    net = Network.from_sizes([4, 5, 3], "sigmoid", "softmax", dtype="float64")
    h = net.fit(X, y, epochs=1, lmbda=5.0)
    assert h.train_cost[-1] == pytest.approx(net.cost(X, y, lmbda=5.0, n=len(X)))


def test_an_update_that_breaks_the_parameters_on_the_last_batch_is_not_silent(rng):
    # one batch per epoch: no later output would show the non-finite weights
    X = rng.random((20, 4)) * 1e30
    net = Network.from_sizes([4, 8, 2], "relu", "identity", cost="quadratic")
    ended = []
    with pytest.raises(DivergenceError) as info:
        net.fit(X, np.arange(20) % 2, epochs=1, eta=1.0, callbacks=[
            LambdaCallback(on_epoch_end=lambda e: ended.append(e.epoch))
        ])  # fmt: skip
    assert (info.value.epoch, info.value.batch) == (1, 1)
    assert ended == []  # no callback hears of an epoch that left NaN weights


def test_divergence_stops_at_once_with_a_clear_message(rng):
    X = rng.normal(size=(64, 3)) * 10
    y = X @ np.array([[1.0], [2.0], [3.0]])
    net = Network([Dense(3, 1), Identity()])
    epochs_seen = []
    with pytest.raises(DivergenceError) as info:
        net.fit(
            X,
            y,
            epochs=30,
            batch_size=8,
            optimizer=SGD(5.0),
            callbacks=[LambdaCallback(on_epoch_end=lambda e: epochs_seen.append(1))],
        )
    err = info.value
    message = str(err)
    assert f"epoch {err.epoch}, batch {err.batch}" in message
    assert "lower eta" in message and "eta = 5" in message
    assert not np.isfinite(err.cost)
    assert len(epochs_seen) == err.epoch - 1 < 30  # stopped in the epoch it diverged


def test_early_stopping_restores_the_best_weights(data):
    X, y = data
    net = Network.from_sizes([4, 30, 3], "relu", "softmax", seed=1)
    stopper = EarlyStopping("val_cost", patience=2)
    h = net.fit(
        X[:30],
        y[:30],
        epochs=200,
        batch_size=5,
        eta=0.5,
        validation_data=(X[30:], y[30:]),
        callbacks=[stopper],
    )
    assert len(h) < 200 and "early stopping" in h.stop_reason
    best = int(np.argmin(h.val_cost))
    assert stopper.best_epoch == best + 1 and len(h) == best + 1 + 2
    assert net.cost(X[30:], y[30:]) == pytest.approx(h.val_cost[best], rel=1e-5)


def test_early_stopping_needs_what_it_monitors(data):
    with pytest.raises(ValueError, match="val_accuracy, which is not recorded"):
        Network.from_sizes([4, 3, 3]).fit(*data, epochs=2, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="cannot monitor"):
        EarlyStopping("loss")


def test_a_callback_can_stop_training(data):
    h = Network.from_sizes([4, 3, 3]).fit(
        *data,
        epochs=10,
        callbacks=[LambdaCallback(on_epoch_end=lambda e: len(e.history) == 3 and e.stop())],
    )
    assert len(h) == 3 and "callback" in h.stop_reason


def test_interruption_keeps_the_history_so_far(data):
    def interrupt(event):
        if len(event.history) == 2:
            raise KeyboardInterrupt

    logged = []
    h = Network.from_sizes([4, 3, 3]).fit(
        *data, epochs=10, callbacks=[LambdaCallback(on_epoch_end=interrupt)], log=logged.append
    )
    assert len(h) == 2 and "interrupted" in h.stop_reason and logged


def test_verbose_prints_one_line_per_epoch(data):
    lines = []
    Network.from_sizes([4, 3, 3]).fit(
        *data, epochs=3, verbose=True, log=lines.append, validation_data=data
    )
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "val acc" in lines[0] and "%" in lines[0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
        ({"batch_size": -5}, ValueError, "batch_size must be a positive integer"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be a positive integer"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
        ({"eta": 0.0}, ValueError, "eta must be a positive number"),
        ({"eta": -1.0}, ValueError, "eta must be a positive number"),
        ({"lmbda": -1.0}, ValueError, "lmbda must be a number >= 0"),
        ({"optimizer": "rmsprop"}, ValueError, "unknown optimiser"),
        ({"validation_data": ([[1.0]],)}, TypeError, "pair"),
    ],
)
def test_bad_training_arguments(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        Network.from_sizes([4, 3, 3]).fit(*data, **kwargs)


def test_xor_is_learned():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = Network.from_sizes([2, 4, 1], "tanh", "sigmoid")  # cross-entropy by default
    assert net.accuracy(X, y) < 1.0
    h = net.fit(X, y, epochs=500, batch_size=4, optimizer=Momentum(0.5, mu=0.9))
    np.testing.assert_array_equal(net.predict(X), y)
    assert h.train_cost[-1] < 0.01


def test_tanh_network_fits_sin():
    x = np.linspace(-np.pi, np.pi, 200)[:, None]
    y = np.sin(x)
    net = Network.from_sizes([1, 20, 1], "tanh", "identity")  # quadratic cost by default
    assert np.mean((net.predict_proba(x) - y) ** 2) > 0.05
    net.fit(x, y, epochs=500, batch_size=20, optimizer=Adam(0.01), monitor_training=False)
    assert np.mean((net.predict_proba(x) - y) ** 2) < 1e-3


def test_watching_adds_callbacks_to_every_fit_inside_the_block_only():
    from deltaprop.training import LambdaCallback, watching

    X, y = np.random.default_rng(0).random((20, 3)), np.arange(20) % 2
    seen: list[int] = []
    watcher = LambdaCallback(on_epoch_end=lambda event: seen.append(event.epoch))
    with watching(watcher):
        for _ in range(2):
            Network.from_sizes([3, 2], seed=0).fit(X, y, epochs=3, batch_size=5)
    Network.from_sizes([3, 2], seed=0).fit(X, y, epochs=3, batch_size=5)
    assert seen == [1, 2, 3, 1, 2, 3]
