"""How a network describes itself: its summary, its architecture as data, a retyped copy.

A part of :class:`deltaprop.Network` kept apart so that ``network.py`` holds the arithmetic
(forward, cost, backpropagation) and this module what is said about it.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .backend import resolve_dtype
from .costs import Cost
from .jupyter import table
from .layers import LAYERS, Layer
from .registry import UnknownNameError
from .table import format_table


class Described:
    """Summary, ``repr``, ``get_config``/``from_config`` and ``astype`` of a network."""

    layers: list[Layer]
    cost_function: Cost
    dtype: np.dtype
    seed: int
    input_shape: tuple[int, ...] | None

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return sum(layer.n_params for layer in self.layers)

    def summary_rows(self) -> list[tuple[str, str, str, str]]:
        """(index, layer, output shape, parameter count) of every layer, as text."""
        rows, shape = [], self.input_shape
        for i, layer in enumerate(self.layers):
            shape = layer.output_shape(shape) if shape is not None else None
            rows.append((str(i), repr(layer), str(shape), f"{layer.n_params:,}"))
        return rows

    def summary(self) -> str:
        """Return a table of the layers, their output shapes and parameter counts."""
        return format_table(
            [("#", "layer", "output shape", "params"), *self.summary_rows()],
            right=1,
            footer=f"total parameters: {self.n_params:,}   cost: {self.cost_function!r}   "
            f"dtype: {self.dtype}",
        )

    def __repr__(self) -> str:
        return f"Network({self.layers!r}, cost={self.cost_function!r}, dtype='{self.dtype}')"

    def _repr_html_(self) -> str:
        """Jupyter's view: :meth:`summary` as an HTML table."""
        caption = f"{self.n_params:,} parameters, cost {self.cost_function!r}, {self.dtype}"
        return table(("#", "layer", "output shape", "params"), self.summary_rows(), caption)

    def get_config(self) -> dict[str, Any]:
        """Return the architecture as JSON-ready data (layers by registered name, cost, dtype)."""
        return {
            "layers": [
                {"class": layer.name, "config": layer.get_config(), "trainable": layer.trainable}
                for layer in self.layers
            ],
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "cost": self.cost_function.name,
            "dtype": str(self.dtype),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: Any, *, max_params: int | None = None) -> Any:
        """Build a network from :meth:`get_config`'s output (names resolve via registries only).

        ``max_params`` refuses a larger architecture before any parameter is allocated.
        """
        try:
            layers = []
            for spec in config["layers"]:
                layer = LAYERS[spec["class"]].from_config(dict(spec["config"]))
                layer.trainable = bool(spec.get("trainable", True))
                layers.append(layer)
            size = sum(layer.n_params for layer in layers)
            if max_params is not None and size > max_params:
                raise ValueError(f"the architecture has {size:,} parameters, over {max_params:,}")
            return cls(  # type: ignore[call-arg]
                layers,
                config["cost"],
                seed=config.get("seed", 0),
                dtype=config["dtype"],
                input_shape=config.get("input_shape"),
            )
        except UnknownNameError:
            raise
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"invalid network configuration: {err!r}") from None

    def astype(self, dtype: Any) -> Any:
        """Return a copy of the network whose parameters have the given dtype."""
        net = copy.deepcopy(self)
        net.dtype = resolve_dtype(dtype)
        for layer in net.layers:
            layer.params = {k: v.astype(net.dtype) for k, v in layer.params.items()}
            layer.grads = {k: v.astype(net.dtype) for k, v in layer.grads.items()}
        return net
