"""What training a network will take, worked out before anything is allocated.

A network of a million hidden units builds 785 million weights; one of a hundred million
cannot be built at all. :func:`footprint` counts, from the layers' shapes alone, the memory
a training run holds (parameters, their gradients, the optimiser's state, a batch's
activations and δ) and the disk a checkpoint takes, so that a command can refuse in one
line instead of filling the memory or the disk.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.layers import Layer
from ..core.stacks import chain_shapes

STATE_SLOTS = {"sgd": 0, "momentum": 1, "nesterov": 1, "average_momentum": 1, "adam": 2}
"""Arrays of the parameters' size each optimiser keeps (velocity; Adam's two moments)."""
ACTIVATION_COPIES = 3
"""Per layer output and example, a forward and backward pass keep about three arrays: its
input cached for the backward pass, its output, and δ."""


@dataclass(frozen=True)
class Footprint:
    """Parameters, bytes of memory while training, bytes of a checkpoint on disk."""

    params: int
    memory: int
    checkpoint: int

    def describe(self) -> str:
        """E.g. ``785,000,010 parameters: about 9.4 GB of memory, 6.3 GB per checkpoint``."""
        return (
            f"{self.params:,} parameters: about {gigabytes(self.memory)} of memory to train, "
            f"{gigabytes(self.checkpoint)} per checkpoint"
        )


def footprint(
    layers: Sequence[Layer],
    input_shape: Sequence[int] | None,
    batch_size: int,
    dtype: Any = np.float32,
    optimizer: str = "momentum",
) -> Footprint:
    """The footprint of training ``layers`` (built or not) on batches of ``batch_size``.

    Examples
    --------
    >>> from deltaprop.core.spec import parse_layers
    >>> f = footprint(parse_layers("dense:100:sigmoid,dense:10:softmax", 784), (784,), 10)
    >>> f.params, f.memory > 3 * 4 * f.params
    (79510, True)
    """
    itemsize = np.dtype(dtype).itemsize
    shape, _ = chain_shapes(layers, input_shape)
    params = sum(
        int(np.prod(s, dtype=np.int64)) for layer in layers for s in layer.param_shapes().values()
    )
    values = 0
    for layer in layers:
        if shape is None:
            break
        shape = layer.output_shape(shape)
        values += int(np.prod(shape, dtype=np.int64))
    slots = STATE_SLOTS.get(optimizer, 1)
    memory = itemsize * (params * (2 + slots) + ACTIVATION_COPIES * values * batch_size)
    return Footprint(params, memory, itemsize * params * (1 + slots))


def available_memory() -> int | None:
    """Bytes of memory free for a new process now (None where it cannot be read)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def gigabytes(n: int) -> str:
    """Bytes as a short figure: ``9.4 GB``, ``312 MB``, ``117 kB``."""
    if n >= 1e9:
        return f"{n / 1e9:.1f} GB"
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"
