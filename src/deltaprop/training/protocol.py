"""What the training loop needs from a network: the seam between network and training.

The loop is written against this protocol, not the ``Network`` class, so it sits below the
network in the import graph and ``Network.fit`` can simply be :func:`deltaprop.training.fit`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from ..utils.backend import Array


@runtime_checkable
class StepResult(Protocol):
    """What one training step leaves behind (see ``Network.train_step``).

    Examples
    --------
    :meth:`deltaprop.Network.train_step` returns one:

    >>> import numpy as np
    >>> from deltaprop.training import StepResult
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> result = net.train_step(np.zeros((3, 4)), net.targets(np.array([0, 1, 0])))
    >>> isinstance(result, StepResult), result.finite
    (True, True)
    """

    @property
    def finite(self) -> bool:
        """Whether the network's output was finite."""

    def cost(self) -> float:
        """The batch's mean data cost before the update."""


@runtime_checkable
class Evaluated(Protocol):
    """Cost and accuracy of a data set (see ``Network.evaluate``).

    Examples
    --------
    :meth:`deltaprop.Network.evaluate` returns one:

    >>> import numpy as np
    >>> from deltaprop.training import Evaluated
    >>> from deltaprop import Network
    >>> figures = Network.from_sizes([4, 3, 2]).evaluate(np.zeros((3, 4)), np.array([0, 1, 0]))
    >>> isinstance(figures, Evaluated)
    True
    """

    @property
    def cost(self) -> float:
        """C, with the L2 term if asked for."""

    @property
    def accuracy(self) -> float | None:
        """Fraction classified correctly, or None for real-valued targets."""


@runtime_checkable
class Trainable(Protocol):
    """A network as the training loop sees it; :class:`deltaprop.Network` is one.

    Its ``layers`` and ``input_shape`` are what the thread plan reads
    (``deltaprop.training.plan``): threads are the loop's concern, not the network's.

    Examples
    --------
    >>> from deltaprop.training import Trainable
    >>> from deltaprop import Network
    >>> isinstance(Network.from_sizes([4, 3, 2]), Trainable)
    True
    """

    @property
    def layers(self) -> Sequence[Any]:
        """The layers, in order."""

    @property
    def input_shape(self) -> tuple[int, ...] | None:
        """One example's input shape (None where the layers fix none)."""

    def inputs(self, X: Any) -> Array:
        """X checked and converted to the network's dtype."""

    def targets(self, y: Any, n: int | None = None) -> Array:
        """y checked and converted to an (n, n_out) target matrix."""

    def train_step(
        self, x: Array, t: Array, *, lmbda: float = 0.0, n: int | None = None
    ) -> StepResult:
        """Backpropagate one checked batch, filling the trainable parameters' gradients."""

    def evaluate(self, X: Any, y: Any, *, lmbda: float = 0.0, n: int | None = None) -> Evaluated:
        """Cost and accuracy of (X, y)."""

    def named_parameters(self) -> Iterator[tuple[str, Array, Array]]:
        """(name, parameter, gradient) of every parameter."""

    def trainable_parameters(self) -> Iterator[tuple[str, Array, Array]]:
        """(name, parameter, gradient) of the parameters that training updates."""

    def get_config(self) -> dict[str, Any]:
        """The architecture as JSON-ready data."""

    def layer_states(self) -> list[dict[str, Any]]:
        """The layers' state beyond their parameters (e.g. dropout generators)."""

    def set_layer_states(self, states: Sequence[dict[str, Any]]) -> None:
        """Restore what :meth:`layer_states` returned."""
