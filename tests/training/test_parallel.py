"""Threads: how many, how a batch is split, and the pool that runs the shards."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from deltaprop.training import parallel


@pytest.fixture(autouse=True)
def default_threads():
    yield
    parallel.set_num_threads(None)


def blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.mark.parametrize("rows", [1, 2, 7, 64, 1000])
@pytest.mark.parametrize("shards", [1, 2, 3, 8])
def test_split_covers_the_rows_in_order_in_nearly_equal_parts(rows, shards):
    parts = parallel.split(rows, shards)
    assert len(parts) == shards
    assert [i for p in parts for i in range(rows)[p]] == list(range(rows))
    sizes = [p.stop - p.start for p in parts]
    assert max(sizes) - min(sizes) <= 1


def test_thread_count_follows_blas_then_the_environment_then_the_setting(monkeypatch):
    monkeypatch.delenv("DELTAPROP_NUM_THREADS", raising=False)
    with threadpool_limits(1):
        assert parallel.get_num_threads() == 1
    with threadpool_limits(2):
        assert parallel.get_num_threads() == 2
        monkeypatch.setenv("DELTAPROP_NUM_THREADS", "3")
        assert parallel.get_num_threads() == 3
        parallel.set_num_threads(5)
        assert parallel.get_num_threads() == 5
        parallel.set_num_threads(None)
        assert parallel.get_num_threads() == 3


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_a_bad_thread_count_is_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        parallel.set_num_threads(bad)


def test_shards_grow_with_the_work_up_to_the_threads_and_the_rows(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_SHARD_WORK", 100)
    parallel.set_num_threads(4)
    assert parallel.shards_for(99, 99, rows=64) == 1
    assert parallel.shards_for(250, 250, rows=64) == 2
    assert parallel.shards_for(10_000, 10_000, rows=64) == 4
    assert parallel.shards_for(10_000, 10_000, rows=3) == 3
    parallel.set_num_threads(1)
    assert parallel.shards_for(10_000, 10_000, rows=64) == 1


def test_work_that_is_mostly_products_is_left_to_blas(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_SHARD_WORK", 100)
    parallel.set_num_threads(4)
    share = parallel.ELEMENTWISE_SHARE
    assert parallel.shards_for(10_000, 10_000 * share * 0.99, rows=64) == 1
    assert parallel.shards_for(10_000, 10_000 * share, rows=64) == 4


def test_pool_runs_items_in_order_on_distinct_threads_and_stops_them():
    before = threading.active_count()
    with parallel.Pool(3) as pool:
        assert threading.active_count() == before + 2
        out = pool.map(lambda i: (i * i, threading.get_ident()), [1, 2, 3])
        assert [v for v, _ in out] == [1, 4, 9]
        assert out[0][1] == threading.get_ident()
        assert len({ident for _, ident in out}) == 3
        assert pool.map(lambda i: -i, [5]) == [-5]  # fewer items than threads
        with pytest.raises(ValueError, match="4 items for a pool of 3"):
            pool.map(abs, [1, 2, 3, 4])
    assert threading.active_count() == before


def test_pool_holds_blas_to_one_thread_per_shard_and_restores_it():
    with threadpool_limits(2):
        with parallel.Pool(2):
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {2}
        with parallel.Pool(1):  # nothing to share: BLAS keeps its threads
            assert set(blas_threads()) == {2}


def test_a_worker_exception_reaches_the_caller_after_every_item_finished():
    finished = []

    def work(i):
        if i == 1:
            raise KeyError("shard 1 failed")
        finished.append(i)
        return i

    with parallel.Pool(3) as pool:
        with pytest.raises(KeyError, match="shard 1 failed"):
            pool.map(work, [0, 1, 2])
        assert sorted(finished) == [0, 2]
        assert pool.map(work, [0, 2]) == [0, 2]  # the pool still works


def test_workers_use_the_callers_numpy_error_settings():
    big = np.float32(3e38)
    with parallel.Pool(2) as pool:
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            pool.map(lambda v: v * np.float32(10), [np.float32(1), big])
        with np.errstate(over="ignore"):
            out = pool.map(lambda v: v * np.float32(10), [np.float32(1), big])
        assert np.isinf(out[1])


def test_overlapping_pools_share_the_blas_limit_and_the_last_restores_it():
    # Pools of fits running side by side (e.g. two studio sessions) overlap like this.
    with threadpool_limits(2):
        first = parallel.Pool(2).__enter__()
        second = parallel.Pool(2).__enter__()
        first.__exit__(None, None, None)
        assert set(blas_threads()) == {1}  # the second still runs
        second.__exit__(None, None, None)
        assert set(blas_threads()) == {2}


def test_a_fit_in_another_thread_can_hold_blas_after_the_main_thread_set_it():
    # threadpoolctl lets only the thread that set OpenBLAS's limit first change it, until
    # it lets go; a library call in the main thread may never let go.
    from threadpoolctl import ThreadpoolController

    main_limit = ThreadpoolController().select(user_api="blas").limit(limits=2)
    seen = []

    def fit_elsewhere():
        with parallel.one_blas_thread():
            seen.append(blas_threads())

    other = threading.Thread(target=fit_elsewhere)
    other.start()
    other.join()
    assert seen == [[1] * len(seen[0])]
    assert set(blas_threads()) == {2}
    main_limit.restore_original_limits()


def test_a_fit_beside_one_that_holds_blas_plans_with_the_real_thread_count():
    with threadpool_limits(2), parallel.one_blas_thread():
        assert set(blas_threads()) == {1}
        assert parallel.get_num_threads() == 2


@pytest.mark.parametrize("bad", ["0", "two", "-1", "1.5"])
def test_a_bad_thread_count_in_the_environment_is_named(monkeypatch, bad):
    monkeypatch.setenv("DELTAPROP_NUM_THREADS", bad)
    with pytest.raises(ValueError, match="DELTAPROP_NUM_THREADS must be a positive integer"):
        parallel.get_num_threads()
