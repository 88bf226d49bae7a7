"""Threads: how many deltaprop uses, and a small pool that runs shards of a batch on them.

NumPy releases the GIL inside matrix products, copies and ufunc loops over large arrays, so
the shards of one mini-batch, each backpropagated on its own Python thread, run on several
cores at once (data parallelism). While they do, BLAS is held to one thread per call: shards
that each asked BLAS for every core would fight over them (measured: 2 shards with 2-thread
BLAS trained a CNN 1.5x *slower* than 1 thread).

Handing work to a thread costs tens of microseconds (waking it, passing the GIL at every
NumPy call), so only batches with much element-wise work are split, and only when they are
large: see ``shards_for``. Dense networks leave their threads to BLAS.

How many threads: :func:`set_num_threads`, else the environment variable
``DELTAPROP_NUM_THREADS``, else as many as BLAS may use (read through threadpoolctl, so
``threadpoolctl.threadpool_limits(1)`` or ``OPENBLAS_NUM_THREADS=1`` make deltaprop
single-threaded too). Without threadpoolctl (the ``threads`` extra) BLAS cannot be held to
one thread per shard, and deltaprop uses one thread.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np

from ..utils.validation import check_positive_int

__all__ = [
    "get_num_threads",
    "one_blas_thread",
    "set_num_threads",
    "threads_from_environment",
]

T = TypeVar("T")

MIN_SHARD_WORK = 60_000_000
"""Multiply-adds a shard must hold to be worth a thread (about 1 ms of products).

Calibrated on the 2-core benchmark machine: the LeNet-style CNN's batch of 10 (49 M
multiply-adds forward and backward) trained slower split in two, its batch of 32 (157 M)
1.2-1.5x faster and its batch of 64 (313 M) 1.5x faster.
"""

ELEMENTWISE_SHARE = 0.005
"""Activations per multiply-add below which a network is left to BLAS's own threads.

BLAS threads its products well (its threads spin while they wait, so they wake in
microseconds); our threads pay off only where much of the work is element-wise, which NumPy
runs on one core. A dense network has few activations per multiply-add (784-100-10: 0.3%)
and trained 1.5-1.7x faster at large batches on 2 BLAS threads but no faster split in shards;
the LeNet-style CNN (2%) gained more from shards than from BLAS's threads.
"""

MIN_BLAS_ROWS = 64
MIN_BLAS_WORK = 8_000_000
"""Below this many rows, or multiply-adds in the largest product of a batch, BLAS is held to
one thread even when more are allowed: on the 2-core benchmark machine, products of 10 or
32 rows (784-100-10 at batch 10, 784-256-128-10 at batch 32, 784-1600-10 at batch 10) ran
1.2-3x *slower* on 2 BLAS threads than on 1, while 128 rows of 784-100-10 (10 M) ran 1.2x
faster.
"""

_chosen: int | None = None
_controller: Any = False  # not looked up yet


def _blas() -> Any:
    """threadpoolctl's controller of the loaded BLAS libraries, or None without threadpoolctl."""
    global _controller
    if _controller is False:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controller = None
        else:
            _controller = ThreadpoolController().select(user_api="blas")
    return _controller


def set_num_threads(n: int | None) -> None:
    """Use ``n`` threads from now on (None: back to the default, see the module docstring).

    Results are bit-identical run to run for a given thread count; between thread counts
    they differ in the last bits, because the gradients of the shards are summed.

    Parameters
    ----------
    n : int or None
        The number of threads (at least 1), or None for as many as BLAS may use.

    Examples
    --------
    >>> from deltaprop import set_num_threads
    >>> set_num_threads(1)  # the same results on every machine
    >>> set_num_threads(None)  # back to the default
    """
    global _chosen
    if n is not None:
        n = check_positive_int(n, "number of threads")
        if n > 1 and _blas() is None:
            raise ImportError(
                "deltaprop needs threadpoolctl to use several threads: "
                "pip install 'deltaprop[threads]'"
            )
    _chosen = n


def get_num_threads() -> int:
    """The number of threads deltaprop may use now (see the module docstring).

    Examples
    --------
    >>> from deltaprop import get_num_threads
    >>> from deltaprop import set_num_threads
    >>> set_num_threads(1)
    >>> get_num_threads()
    1
    >>> set_num_threads(None)
    """
    if _chosen is not None:
        return _chosen
    env = threads_from_environment()  # checked even where BLAS is not threaded: one rule
    blas = _blas()
    if blas is None:
        return 1
    if env is not None:
        return env
    if _blas_users:  # our own hold on BLAS must not shrink the plan of a fit beside it
        return _blas_before
    return _blas_threads(blas)


def threads_from_environment() -> int | None:
    """``DELTAPROP_NUM_THREADS`` as a number (None when unset); a ValueError if it is not one.

    Examples
    --------
    >>> import os
    >>> os.environ["DELTAPROP_NUM_THREADS"] = "2"
    >>> threads_from_environment()
    2
    >>> del os.environ["DELTAPROP_NUM_THREADS"]
    """
    env = os.environ.get("DELTAPROP_NUM_THREADS", "").strip()
    if not env:
        return None
    if not env.isdigit() or int(env) < 1:
        raise ValueError(f"DELTAPROP_NUM_THREADS must be a positive integer, got {env!r}")
    return int(env)


def _blas_threads(blas: Any) -> int:
    """The thread count BLAS is allowed now (the largest, if several BLAS are loaded)."""
    return max((lib.num_threads for lib in blas.lib_controllers), default=1)


def shards_for(products: float, elementwise: float, rows: int) -> int:
    """How many threads a batch of ``rows`` examples should be split over.

    ``products`` counts the multiply-adds of its matrix products and ``elementwise`` the
    values its layers output. A batch that is mostly products stays whole, for BLAS to
    thread (:data:`ELEMENTWISE_SHARE`); otherwise as many threads as allowed, but no more
    than one per :data:`MIN_SHARD_WORK` of products and one per row. The choice depends only
    on the shape and the thread count, so runs repeat exactly.
    """
    if elementwise < ELEMENTWISE_SHARE * products:
        return 1
    return max(1, min(get_num_threads(), rows, int(products // MIN_SHARD_WORK)))


BLAS_ALONE_BELOW = 4 * 65_536
"""OpenBLAS runs a product of fewer multiply-adds on one thread by itself
(GEMM_MULTITHREAD_THRESHOLD x SMP_THRESHOLD_MIN): holding it to one would only cost the
limit's ~20 us, four times a one-row forward pass of 784-100-10."""


def blas_alone(product: float) -> bool:
    """Whether BLAS computes a product of this many multiply-adds on one thread anyway."""
    return product < BLAS_ALONE_BELOW


def blas_threaded(product: float, rows: int) -> bool:
    """Whether BLAS should use its threads for products of ``rows`` rows.

    ``product`` is the multiply-adds of the largest; see :data:`MIN_BLAS_WORK`.
    """
    return rows >= MIN_BLAS_ROWS and product >= MIN_BLAS_WORK


def split(rows: int, shards: int) -> list[slice]:
    """``shards`` contiguous, nearly equal slices covering ``range(rows)``."""
    edges = [rows * i // shards for i in range(shards + 1)]
    return [slice(lo, hi) for lo, hi in itertools.pairwise(edges)]


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limit: Any = None
_blas_before = 1  # BLAS's thread count before the first block held it


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Hold BLAS to one thread in the block (blocks in several threads share the limit).

    The limit is process-wide, so the first block sets it and the last one restores it; a
    block that restored it while another still ran would leave that one oversubscribed.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.training.parallel import one_blas_thread
    >>> a = np.ones((100, 100))
    >>> with one_blas_thread():
    ...     product = a @ a  # BLAS on one thread here
    >>> float(product[0, 0])
    100.0
    """
    global _blas_users, _blas_limit, _blas_before
    with _blas_lock:
        _blas_users += 1
        blas = _blas()
        if _blas_users == 1 and blas is not None:
            _blas_before = _blas_threads(blas)
            _take_control(blas)
            _blas_limit = blas.limit(limits=1)
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_limit is not None:
                _take_control(_blas())
                _blas_limit.restore_original_limits()
                _take_control(_blas(), release=True)
                _blas_limit = None


def _take_control(blas: Any, release: bool = False) -> None:
    """Let this thread set OpenBLAS's thread count (``release``: let any thread do it again).

    threadpoolctl lets only one thread, the first to set a limit, change OpenBLAS's shared
    pool, and others "silently do nothing"; a thread that once set a limit and never let go
    would otherwise keep a fit in another thread (the studio's) from holding BLAS to one
    thread, and so from repeating its results exactly.
    """
    for lib in blas.lib_controllers:
        clear = getattr(lib, "clear_controlling_thread", None)
        if clear is not None:
            clear(force=not release)


class Pool:
    """``size`` threads, the caller's among them, that run one function over a few items.

    Use as a context manager: the worker threads start on entry and are joined on exit, and
    BLAS is held to one thread per call in between (when ``size`` > 1).
    """

    def __init__(self, size: int) -> None:
        self.size = check_positive_int(size, "pool size")
        self._inboxes: list[queue.SimpleQueue[Any]] = []
        self._outbox: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Pool:
        if self.size > 1:
            self._stack.enter_context(one_blas_thread())
        for i in range(self.size - 1):
            inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
            thread = threading.Thread(
                target=self._serve, args=(inbox,), name=f"deltaprop-shard-{i + 1}", daemon=True
            )
            thread.start()
            self._inboxes.append(inbox)
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        for inbox in self._inboxes:
            inbox.put(None)
        for thread in self._threads:
            thread.join()
        self._inboxes, self._threads = [], []
        self._stack.close()

    def _serve(self, inbox: queue.SimpleQueue[Any]) -> None:
        while (job := inbox.get()) is not None:
            index, fn, item, errstate = job
            try:
                with np.errstate(**errstate):  # NumPy's error settings are per thread
                    self._outbox.put((index, True, fn(item)))
            except BaseException as err:  # handed to the caller, which re-raises it
                self._outbox.put((index, False, err))

    def map(self, fn: Callable[[Any], T], items: Sequence[Any]) -> list[T]:
        """``[fn(item) for item in items]``, item i on thread i (the first on the caller's).

        There must be at most ``size`` items. The first exception raised is re-raised here,
        after every item has finished.
        """
        if len(items) > self.size:
            raise ValueError(f"{len(items)} items for a pool of {self.size} threads")
        errstate = np.geterr()
        for i, item in enumerate(items[1:]):
            self._inboxes[i].put((i + 1, fn, item, errstate))
        results: list[Any] = [None] * len(items)
        errors: list[BaseException] = []
        try:
            results[0] = fn(items[0])
        except BaseException as err:
            errors.append(err)
        for _ in items[1:]:
            index, ok, value = self._outbox.get()
            if ok:
                results[index] = value
            else:
                errors.append(value)
        if errors:
            raise errors[0]
        return results


def map_rows(rows: int, chunk: int, workers: Sequence[Callable[[slice], T]]) -> list[T]:
    """``worker(part)`` over consecutive parts of ``range(rows)``, results in order.

    The rows go ``chunk`` at a time; each chunk is split among the workers, one thread each
    (one worker: no threads at all). Workers are usually the same method of replicas of
    one network, so that their caches do not collide.
    """
    starts = range(0, rows, chunk)
    if len(workers) == 1:
        return [workers[0](slice(lo, min(lo + chunk, rows))) for lo in starts]
    out: list[T] = []
    with Pool(len(workers)) as pool:
        for lo in starts:
            parts = split(min(chunk, rows - lo), len(workers))
            jobs = [
                (worker, slice(lo + p.start, lo + p.stop))
                for worker, p in zip(workers, parts, strict=True)
                if p.stop > p.start
            ]
            out += pool.map(lambda job: job[0](job[1]), jobs)
    return out
