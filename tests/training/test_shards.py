"""Data parallelism: a batch split over threads gives the whole batch's gradient."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from deltaprop import Dense, Identity, Momentum, Network, ReLU, Sigmoid, Softmax
from deltaprop.core.layers import Conv2D, Dropout, Flatten, MaxPool2D, Reshape
from deltaprop.core.spec import parse_layers
from deltaprop.training import parallel, plan
from deltaprop.training.shards import ShardedResult, ShardedStep


@pytest.fixture(autouse=True)
def split_everything(monkeypatch):
    """Every batch, however small, is split over 3 threads."""
    monkeypatch.setattr(parallel, "MIN_SHARD_WORK", 1)
    parallel.set_num_threads(3)
    yield
    parallel.set_num_threads(None)


def mlp(dtype="float64", seed=0):
    return Network([Dense(6, 5), Sigmoid(), Dense(5, 3), Softmax()], seed=seed, dtype=dtype)


def cnn(dtype="float64"):
    layers = [
        Reshape((1, 8, 8)),
        Conv2D(1, 3, 3),
        ReLU(),
        MaxPool2D(2),
        Conv2D(3, 4, 2),
        ReLU(),
        Flatten(),
        Dense(4 * 2 * 2, 3),
        Softmax(),
    ]
    return Network(layers, dtype=dtype)


def data(rng, n, features=6):
    return rng.normal(size=(n, features)), rng.integers(0, 3, n)


@pytest.mark.parametrize("make, features", [(mlp, 6), (cnn, 64)])
@pytest.mark.parametrize("rows", [10, 3, 2])  # shards of 3/3/4 rows, 1 each, and only 2
def test_sharded_gradients_equal_the_whole_batchs(rng, make, features, rows):
    X, y = data(rng, rows, features)
    net = make()
    expected = net.backprop(X, y, lmbda=0.7, n=50)
    expected = {name: g.copy() for name, g in expected.items()}
    cost = net.evaluate(X, y).cost
    with ShardedStep(net, 10) as step:
        assert step.threads == 3
        result = step(net.inputs(X), net.targets(y), lmbda=0.7, n=50)
    assert result.finite
    assert result.cost() == pytest.approx(cost, rel=1e-12)
    for name, _, grad in net.trainable_parameters():
        np.testing.assert_allclose(grad, expected[name], rtol=1e-10, atol=1e-14, err_msg=name)


def test_a_shard_that_diverges_makes_the_step_not_finite(rng):
    X, y = rng.normal(size=(9, 6)), rng.normal(size=(9, 1))
    net = Network([Dense(6, 1), Identity()], dtype="float64")
    net.layers[0].params["W"][:] = 1.0
    X[7] = 1e308  # z = 6e308 overflows in the last of three shards only
    with ShardedStep(net, 9) as step, np.errstate(all="ignore"):
        result = step(net.inputs(X), net.targets(y), lmbda=0.0, n=9)
        assert not result.finite
        assert step(net.inputs(X[:6]), net.targets(y[:6]), lmbda=0.0, n=9).finite


class Fixed:
    def __init__(self, cost, finite=True):
        self._cost, self.finite = cost, finite

    def cost(self):
        return self._cost


def test_sharded_result_weighs_the_shards_costs_by_their_rows():
    result = ShardedResult([Fixed(1.0), Fixed(4.0)], [0.25, 0.75])
    assert result.cost() == pytest.approx(3.25)
    assert result.finite
    assert not ShardedResult([Fixed(1.0), Fixed(1.0, finite=False)], [0.5, 0.5]).finite


def train(X, y, **kwargs):
    net = mlp("float32", seed=3)
    net.fit(X, y, epochs=3, batch_size=16, optimizer=Momentum(0.1, 0.9), **kwargs)
    return np.concatenate([p.ravel() for _, p, _ in net.named_parameters()])


def test_split_training_repeats_bit_for_bit_and_stays_close_to_one_thread(rng):
    X, y = data(rng, 200)
    first, second = train(X, y), train(X, y)
    np.testing.assert_array_equal(first, second)
    parallel.set_num_threads(1)
    alone = train(X, y)
    assert not np.array_equal(first, alone)  # the sums are grouped differently ...
    np.testing.assert_allclose(first, alone, rtol=1e-4, atol=1e-5)  # ... and little else


def test_training_starts_no_thread_that_outlives_it(rng):
    X, y = data(rng, 64)
    before = threading.active_count()
    seen = []
    net = mlp()
    net.fit(X, y, epochs=1, batch_size=32, callbacks=[Probe(seen)])
    assert max(seen) == before + 2
    assert threading.active_count() == before


class Probe:
    """Counts the live threads at every batch."""

    uses_batch_end = True

    def __init__(self, seen):
        self.seen = seen

    def __getattr__(self, name):
        return lambda event: None

    def on_batch_end(self, event):
        self.seen.append(threading.active_count())


def test_frozen_layers_stay_put_when_split(rng):
    X, y = data(rng, 60)
    net = mlp().freeze([0])
    W0 = net.layers[0].params["W"].copy()
    net.fit(X, y, epochs=2, batch_size=20)
    np.testing.assert_array_equal(net.layers[0].params["W"], W0)


def test_dropout_networks_use_one_thread():
    net = Network([Dense(6, 5), Sigmoid(), Dropout(0.5), Dense(5, 3), Softmax()])
    assert plan.threads_for(net, 1000, training=True) == 1
    assert plan.threads_for(mlp(), 1000, training=True) == 3


@pytest.mark.parametrize("make, features", [(mlp, 6), (cnn, 64)])
def test_split_inference_and_evaluation_equal_one_threads(rng, make, features):
    X, y = data(rng, 23, features)
    net = make()
    split = net.features(X, -1, chunk=10), net.evaluate(X, y, chunk=10, lmbda=0.1)
    parallel.set_num_threads(1)
    alone = net.features(X, -1, chunk=10), net.evaluate(X, y, chunk=10, lmbda=0.1)
    np.testing.assert_allclose(split[0], alone[0], rtol=1e-12)
    assert split[1].cost == pytest.approx(alone[1].cost, rel=1e-12)
    assert split[1].accuracy == alone[1].accuracy


def test_replicas_share_parameters_but_not_gradients():
    net = mlp()
    twin = plan.replica(net)
    for (name, p, g), (_, tp, tg) in zip(
        net.named_parameters(), twin.named_parameters(), strict=True
    ):
        assert tp is p, name
        assert tg is not g, name
    net.layers[0].params["W"] += 1.0
    np.testing.assert_array_equal(twin.layers[0].params["W"], net.layers[0].params["W"])


def test_the_work_estimate_counts_the_products_and_the_activations():
    assert plan.work(mlp()).flops == 6 * 5 + 5 * 3
    assert plan.work(mlp()).values == 5 + 5 + 3 + 3
    assert plan.work(cnn()).flops == (9 * 3 * 6 * 6) + (3 * 4 * 4 * 2 * 2) + 16 * 3
    assert plan.work(cnn()).values == 64 + 2 * 108 + 27 + 2 * 16 + 16 + 2 * 3


def test_convolutional_networks_split_and_dense_ones_leave_threads_to_blas(monkeypatch):
    monkeypatch.undo()  # the real thresholds
    parallel.set_num_threads(2)
    lenet = parse_layers(
        "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
        784,
        image_shape=(28, 28),
    )
    net = Network(lenet)
    assert [plan.threads_for(net, b, training=True) for b in (10, 64)] == [1, 2]
    assert plan.threads_for(net, 1000, training=False) == 2
    wide = Network.from_sizes([784, 1600, 10])
    assert plan.threads_for(wide, 1024, training=True) == 1


class BlasProbe(Probe):
    """Records BLAS's thread count at every batch."""

    def on_batch_end(self, event):
        from threadpoolctl import threadpool_info

        self.seen.append({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})


@pytest.mark.parametrize("batch, during", [(10, {1}), (128, {2})])
def test_small_products_hold_blas_to_one_thread_for_the_fit(monkeypatch, rng, batch, during):
    from threadpoolctl import threadpool_info, threadpool_limits

    monkeypatch.undo()  # the real thresholds: 784-100-10 is left whole, to BLAS
    X, y = rng.random((256, 784)), rng.integers(0, 10, 256)
    net = Network.from_sizes([784, 100, 10])
    seen = []
    with threadpool_limits(2):
        assert plan.threads_for(net, batch, training=True) == 1
        net.fit(
            X, y, epochs=1, batch_size=batch, monitor_training=False, callbacks=[BlasProbe(seen)]
        )
        assert all(s == during for s in seen)
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {2}


def test_blas_threads_need_enough_rows_and_work():
    assert not parallel.blas_threaded(parallel.MIN_BLAS_WORK, parallel.MIN_BLAS_ROWS - 1)
    assert not parallel.blas_threaded(parallel.MIN_BLAS_WORK - 1, parallel.MIN_BLAS_ROWS)
    assert parallel.blas_threaded(parallel.MIN_BLAS_WORK, parallel.MIN_BLAS_ROWS)
    net = Network.from_sizes([784, 100, 10])
    assert [plan.blas_threaded(net, rows) for rows in (10, 64, 128)] == [False, False, True]


class EpochBlasProbe(Probe):
    """BLAS's thread counts at every epoch's start and end (outside the batches)."""

    def on_batch_end(self, event) -> None:
        pass

    def on_epoch_begin(self, event) -> None:
        self._look()

    def on_epoch_end(self, event) -> None:
        self._look()

    def _look(self) -> None:
        from threadpoolctl import threadpool_info

        self.seen.append({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})


def test_blas_has_its_threads_back_between_the_epochs_of_a_small_batch_fit(monkeypatch, rng):
    """A fit held BLAS to one thread for its whole length, pauses included: a studio page
    paused on a small playground kept every other fit of the server on one BLAS thread."""
    from threadpoolctl import threadpool_limits

    monkeypatch.undo()
    X, y = rng.random((256, 784)), rng.integers(0, 10, 256)
    net = Network.from_sizes([784, 100, 10])
    during, between = [], []
    with threadpool_limits(2):
        net.fit(
            X, y, epochs=3, batch_size=10, monitor_training=False,
            callbacks=[BlasProbe(during), EpochBlasProbe(between)],
        )  # fmt: skip
    assert during and all(s == {1} for s in during)
    assert len(between) == 6 and all(s == {2} for s in between)


def test_a_fit_beside_another_fit_in_another_thread_ends_as_it_does_alone(rng):
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    X, y = data(rng, 60, 64)

    def train(make, features, out=None, wait=None):
        net = make()
        if wait is not None:
            wait.wait()
        net.fit(X[:, :features], y, epochs=3, batch_size=20, eta=0.3, seed=1)
        weights = [p.copy() for _, p, _ in net.named_parameters()]
        if out is not None:
            out.append(weights)
        return weights

    with threadpool_limits(2):
        alone = [train(mlp, 6), train(cnn, 64)]
        together: list[list] = [[], []]
        start = threading.Barrier(2)
        threads = [
            threading.Thread(target=train, args=(make, f, together[i], start))
            for i, (make, f) in enumerate([(mlp, 6), (cnn, 64)])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert blas() == {2}  # no limit outlives the fits that set it
    for mine, reference in zip(together, alone, strict=True):
        assert len(mine) == 1
        assert all(np.array_equal(a, b) for a, b in zip(mine[0], reference, strict=True))


def test_threads_are_the_plans_concern_not_the_networks():
    from deltaprop.core.layers import Conv2D, Dense, Dropout, Layer
    from deltaprop.training import Trainable

    for name in ("threads_for", "blas_threaded", "replica", "flops", "activation_size"):
        assert not hasattr(Network, name), name
    for layer in (Layer, Dense, Conv2D, Dropout):
        for name in ("flops", "replica", "shardable"):
            assert not hasattr(layer, name), (layer, name)
    assert not plan.shardable(Dropout(0.5)) and plan.shardable(Dense(2, 3))
    assert {"threads_for", "blas_threaded", "replica"}.isdisjoint(vars(Trainable))
