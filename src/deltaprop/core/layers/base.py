"""The layer interface shared by every layer: forward and backward side by side."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ...utils.backend import Array, asarray, get_array_module
from .. import initializers

InitSpec = str | float | initializers.Initializer | dict[str, Any]


class Layer:
    """A step of the network: ``a = forward(x)`` and ``delta_prev = backward(delta)``.

    Batches are rows: ``x`` has shape ``(n, ...)`` with one example per row. A layer owns its
    parameters (``params``) and the gradients of the mean cost with respect to them
    (``grads``, same keys and shapes, written in place by :meth:`backward`, so an optimiser
    may keep the arrays). Parameters named in ``regularized`` are the ones the L2 term of
    :meth:`deltaprop.Network.cost` penalises; biases never are.

    Examples
    --------
    A layer of your own: forward keeps what backward needs, backward returns δ of its input.

    >>> from deltaprop import Layer
    >>> import numpy as np
    >>> class Double(Layer):
    ...     def forward(self, x, *, training=False):
    ...         return 2 * x
    ...
    ...     def backward(self, delta):
    ...         return 2 * delta
    >>> Double().backward(np.ones((1, 2))).tolist()
    [[2.0, 2.0]]
    """

    name: ClassVar[str] = ""
    regularized: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self.trainable = True  # False: a frozen layer passes δ on but its parameters stay

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shapes of the parameters the layer holds once built (known before building)."""
        return {}

    def build(
        self, rng: np.random.Generator, dtype: Any = np.float32, activation: str | None = None
    ) -> None:
        """Create the parameters (``activation`` names the layer that follows, for defaults)."""

    @property
    def built(self) -> bool:
        """Whether the parameters exist (always true for a parameter-free layer)."""
        return True

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Return the shape of one output example, or raise ValueError if the input can't fit."""
        return input_shape

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """Return the layer's output for a batch ``x``."""
        raise NotImplementedError

    def backward(self, delta: Array) -> Array:
        """Given δ = ∂C/∂(output), store parameter gradients and return ∂C/∂(input)."""
        raise NotImplementedError

    def backward_params(self, delta: Array) -> None:
        """Store the parameter gradients only: used where no layer below needs δ_prev."""
        self.backward(delta)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as JSON-ready data."""
        return {}

    def get_state(self) -> dict[str, Any]:
        """State beyond the parameters that a checkpoint must keep (JSON-ready).

        For example the generator of dropout masks; most layers have none.
        """
        return {}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`get_state` returned."""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """Build a layer from :meth:`get_config`'s output."""
        return cls(**config)

    @property
    def n_params(self) -> int:
        """Number of scalar parameters (those it holds, or will hold once built)."""
        if self.params:
            return int(sum(p.size for p in self.params.values()))
        return int(sum(np.prod(shape) for shape in self.param_shapes().values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"


class WeightedLayer(Layer):
    """A layer with weights ``W`` and biases ``b`` drawn from initialisers when it is built.

    A network builds its layers from its seed. A layer used on its own builds itself from the
    first input it sees (seed 0, the input's dtype); call :meth:`build` first to choose.
    """

    regularized = ("W",)

    def __init__(self, *, init: InitSpec | None = None, bias_init: InitSpec = 0.0) -> None:
        super().__init__()
        # None: chosen at build time from the activation that follows (He or Xavier).
        self.init = None if init is None else initializers.get(init)
        self.bias_init = initializers.get(bias_init)

    @property
    def fans(self) -> tuple[int, int]:
        """(fan-in, fan-out): the inputs feeding one output unit and the outputs one input feeds."""
        raise NotImplementedError

    def build(
        self, rng: np.random.Generator, dtype: Any = np.float32, activation: str | None = None
    ) -> None:
        """Draw W from the weight initialiser and b from the bias initialiser."""
        init = self.init if self.init is not None else initializers.default_for(activation)
        shapes = self.param_shapes()
        n_in, n_out = self.fans
        W = init(shapes["W"], n_in, n_out, rng)
        b = self.bias_init(shapes["b"], n_in, n_out, rng)
        self.params = {"W": asarray(W, dtype), "b": asarray(b, dtype)}
        self.grads = {k: get_array_module(v).zeros_like(v) for k, v in self.params.items()}

    @property
    def built(self) -> bool:
        return bool(self.params)

    def ensure_built(self, x: Array) -> None:
        """Build from the first input if no network has built the layer (seed 0, x's dtype)."""
        if not self.params:
            dtype = x.dtype if x.dtype.kind == "f" else np.float64
            self.build(np.random.default_rng(0), dtype)

    def init_config(self) -> dict[str, Any]:
        """The initialisers as JSON-ready data, for :meth:`get_config`."""
        return {
            "init": None if self.init is None else initializers.config_of(self.init),
            "bias_init": initializers.config_of(self.bias_init),
        }
