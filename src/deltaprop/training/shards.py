"""Backpropagation of a mini-batch in shards on several threads (data parallelism).

See :mod:`deltaprop.training.parallel` for when a batch is split and how many threads there are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from ..utils.backend import Array
from . import parallel, plan
from .protocol import StepResult, Trainable


class ShardedResult:
    """The :class:`StepResult` of a split batch: finite if every shard is; the weighted cost."""

    def __init__(self, results: Sequence[StepResult], weights: Sequence[float]) -> None:
        self.results, self.weights = results, weights

    @property
    def finite(self) -> bool:
        return all(result.finite for result in self.results)

    def cost(self) -> float:
        return sum(w * result.cost() for w, result in zip(self.weights, self.results, strict=True))


class ShardedStep:
    """Called like ``network.train_step``: each batch is split over the threads, one shard each.

    ∂C/∂θ = Σᵢ (mᵢ/m) ∂Cᵢ/∂θ: the mean cost of a batch of m rows is the size-weighted mean of
    its shards' mean costs (mᵢ rows each), and so is its gradient. The L2 term λ/n·w, which
    every shard adds, comes through once because the weights sum to 1. Shard 0 runs on the
    network itself, the others on replicas sharing its parameters (:func:`.plan.replica`), so
    after a step the network's gradients hold the whole batch's, ready for the optimiser.

    Use as a context manager around the epochs: the threads live that long. A batch kept
    whole but too small for BLAS's own threads runs with BLAS held to one thread, only while
    an epoch's batches run (:meth:`steps`): between epochs (the History's evaluation of the
    whole data, a paused studio page) BLAS has its threads back, for this fit and any other.
    """

    def __init__(self, network: Trainable, batch_size: int) -> None:
        self.network, self.batch_size = network, batch_size
        self.threads = plan.threads_for(network, batch_size, training=True)
        self._stack = contextlib.ExitStack()
        self._pool: parallel.Pool | None = None
        self._hold_blas = False
        self._nets: list[Trainable] = [network]
        self._grads: list[list[Array]] = []

    def __enter__(self) -> ShardedStep:
        if self.threads > 1:  # the pool holds BLAS to one thread per shard
            self._pool = self._stack.enter_context(parallel.Pool(self.threads))
            self._nets += [plan.replica(self.network) for _ in range(self.threads - 1)]
            self._grads = [[g for _, _, g in net.trainable_parameters()] for net in self._nets]
        else:  # too small for BLAS's threads: held to one while batches run
            self._hold_blas = not plan.blas_threaded(self.network, self.batch_size)
        return self

    def steps(self) -> contextlib.AbstractContextManager[None]:
        """The context of one epoch's batches (BLAS held to one thread if they are small)."""
        return parallel.one_blas_thread() if self._hold_blas else contextlib.nullcontext()

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()
        self._pool = None

    def __call__(self, x: Array, t: Array, *, lmbda: float, n: int) -> StepResult:
        rows = len(x)
        k = min(self.threads, rows)
        if k == 1 or self._pool is None:
            return self.network.train_step(x, t, lmbda=lmbda, n=n)
        shards = parallel.split(rows, k)

        def backprop(job: tuple[Trainable, slice]) -> StepResult:
            net, part = job
            return net.train_step(x[part], t[part], lmbda=lmbda, n=n)

        results = self._pool.map(backprop, list(zip(self._nets, shards, strict=False)))
        weights = [(part.stop - part.start) / rows for part in shards]
        for grads in zip(*self._grads[:k], strict=True):
            total = grads[0]
            total *= weights[0]
            for g, w in zip(grads[1:], weights[1:], strict=True):
                g *= w
                total += g
        return ShardedResult(results, weights)
