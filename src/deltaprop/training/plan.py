"""The thread plan of a network: how many threads a batch gets, and the replicas they run on.

Threads are the training loop's and inference's concern, not the network's: the network
and its layers compute, and this module decides, from figures worked out once per
architecture (the layers' multiply-adds and output sizes), how a batch is split
(:func:`deltaprop.training.parallel.shards_for`), whether BLAS's own threads pay
(:func:`deltaprop.training.parallel.blas_threaded`), and builds the replicas the shards run on, as
Chainer's parallel updater builds its model copies itself.
"""

from __future__ import annotations

import contextlib
import copy
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

import numpy as np

from ..core.layers import Layer
from ..utils.backend import get_array_module
from . import parallel

T = TypeVar("T")


class Planned(Protocol):
    """What the plan reads of a network: its layers and one example's input shape."""

    @property
    def layers(self) -> Sequence[Any]:
        """The layers, in order."""

    @property
    def input_shape(self) -> tuple[int, ...] | None:
        """One example's input shape (None where the layers fix none)."""


@dataclass(frozen=True)
class Work:
    """One example's work through a network, the figures the plan is made from."""

    flops: int
    """Multiply-adds of the forward pass (the products)."""
    values: int
    """Values all the layers output: the element-wise work of a pass."""
    largest: int
    """Multiply-adds of the largest layer, whose product decides BLAS's threads."""
    shardable: bool
    """Whether every layer can run in shards (Dropout's generator cannot)."""


_WORK: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], Work]] = weakref.WeakKeyDictionary()


def _shapes(network: Planned) -> Iterator[tuple[Any, tuple[int, ...]]]:
    shape = network.input_shape
    if shape is None:
        return
    for layer in network.layers:
        yield layer, shape
        shape = layer.output_shape(shape)


def layer_flops(layer: Any, input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one example through ``layer``: each weight once per output position.

    A dense or maxout layer uses each weight once; a convolution once per position of its
    output (rows·cols). Element-wise work is not counted: only the products, which dominate.
    """
    shapes = layer.param_shapes()
    if "W" not in shapes:
        return 0
    return int(np.prod(shapes["W"])) * int(np.prod(layer.output_shape(input_shape)[1:]))


def shardable(layer: Any) -> bool:
    """Whether copies of ``layer`` may run shards of a batch on parallel threads.

    Not a layer with state beyond its parameters (dropout's mask generator): shards drawing
    from one generator on several threads would not repeat exactly.
    """
    return type(layer).get_state is Layer.get_state


def layer_replica(layer: Any) -> Any:
    """A copy of ``layer`` sharing its parameters, with its own gradients and caches."""
    twin = copy.copy(layer)
    twin.grads = {k: get_array_module(v).zeros_like(v) for k, v in layer.grads.items()}
    return twin


def work(network: Planned) -> Work:
    """The network's :class:`Work`, worked out once per architecture.

    Every predict and fit asks; the figures change only with the layers or the input
    shape, so they are kept with those as the key (a one-row probe then costs little).
    """
    key = (tuple(map(id, network.layers)), network.input_shape)
    cached = _WORK.get(network)
    if cached is None or cached[0] != key:
        shapes = list(_shapes(network))
        flops = [layer_flops(layer, shape) for layer, shape in shapes]
        values = sum(int(np.prod(layer.output_shape(shape))) for layer, shape in shapes)
        split = all(shardable(layer) for layer in network.layers)
        cached = (key, Work(sum(flops), values, max(flops, default=0), split))
        _WORK[network] = cached
    return cached[1]


def threads_for(network: Planned, rows: int, *, training: bool) -> int:
    """How many threads a batch of ``rows`` gets (:func:`deltaprop.training.parallel.shards_for`).

    Training counts three passes (forward, δ, parameter gradients). A network with a
    layer that cannot run in shards (Dropout) uses one thread.
    """
    return _threads(work(network), rows, training)


def _threads(figures: Work, rows: int, training: bool) -> int:
    if not figures.shardable:
        return 1
    passes = rows * (3 if training else 1)
    return parallel.shards_for(figures.flops * passes, figures.values * passes, rows)


def blas_threaded(network: Planned, rows: int) -> bool:
    """Whether a batch of ``rows`` has products large enough for BLAS's own threads."""
    return parallel.blas_threaded(work(network).largest * rows, rows)


N = TypeVar("N", bound=Planned)


def replica(network: N) -> N:
    """A network sharing this one's parameters, with its own gradients and layer caches."""
    twin: Any = copy.copy(network)
    twin.layers = [layer_replica(layer) for layer in network.layers]
    return twin  # type: ignore[no-any-return]


def map_chunks(network: N, rows: int, chunk: int, work_on: Callable[[N, slice], T]) -> list[T]:
    """``work_on(net, part)`` over ``range(rows)`` in parts of ``chunk`` rows, in order.

    Each thread runs on its own replica of ``network``; small passes hold BLAS to one
    thread for the call only.
    """
    figures = work(network)  # once: a one-row probe pays for nothing else
    rows_at_once = min(chunk, rows)
    k = _threads(figures, rows_at_once, training=False)
    small = k == 1 and not parallel.blas_threaded(figures.largest * rows_at_once, rows_at_once)
    if small and rows <= chunk and parallel.blas_alone(figures.largest * rows):
        return [work_on(network, slice(None))]  # one small pass: no plan to carry out
    nets = [network, *(replica(network) for _ in range(k - 1))]
    with parallel.one_blas_thread() if small else contextlib.nullcontext():
        return parallel.map_rows(rows, chunk, [partial(work_on, net) for net in nets])
