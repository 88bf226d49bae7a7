"""Layer stacks: built from layer sizes, and the check that their shapes chain."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from .layers import Activation, Dense, Layer, Maxout, activation_class


def chain_shapes(
    layers: Sequence[Layer], input_shape: Sequence[int] | None
) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
    """Check that each layer's output fits the next one's input; return (input, output) shape.

    Without ``input_shape`` it is taken from the first Dense (or Reshape) layer; a stack that
    fixes no size gives (None, None).
    """
    if input_shape is None:
        first = next((la for la in layers if not isinstance(la, Activation)), None)
        if first is None or not hasattr(first, "n_in"):
            if first is not None and first.name == "conv2d":
                raise ValueError(
                    "a network that starts with Conv2D needs input_shape=(channels, rows, "
                    "cols), or a Reshape layer first"
                )
            return None, None
        input_shape = (first.n_in,)
    shape = start = tuple(int(s) for s in input_shape)
    for i, layer in enumerate(layers):
        try:
            shape = layer.output_shape(shape)
        except ValueError as err:
            raise ValueError(f"layer sizes do not chain at layer {i}: {err}") from None
    return start, shape


def dense_stack(
    sizes: Sequence[int],
    activation: str = "sigmoid",
    output: str = "softmax",
    init: Any = None,
    bias_init: Any = 0.0,
    pieces: int = 2,
) -> list[Layer]:
    """The layers of a fully connected network of these sizes (``Network.from_sizes``).

    ``activation="maxout"`` makes each hidden layer a ``Maxout`` of ``pieces`` pieces.

    Examples
    --------
    >>> dense_stack([2, 4, 1], "tanh", "sigmoid")
    [Dense(2, 4), Tanh(), Dense(4, 1), Sigmoid()]
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs an input and an output size, got {sizes}")
    out_cls = activation_class(output)
    layers: list[Layer] = []
    for n_in, n_out in pairwise(sizes[:-1]):
        if str(activation).lower() == "maxout":
            layers.append(Maxout(n_in, n_out, pieces, init=init, bias_init=bias_init))
        else:
            hidden = activation_class(activation)
            layers += [Dense(n_in, n_out, init=init, bias_init=bias_init), hidden()]
    return [*layers, Dense(sizes[-2], sizes[-1], init=init, bias_init=bias_init), out_cls()]
