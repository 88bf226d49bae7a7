"""Network: a sequence of layers plus a cost; forward propagation and backpropagation of δ.

The whole of :class:`Network` is here: its arithmetic (forward, cost, backpropagation),
what it says about itself (summary, architecture as data, a retyped copy) and the results
it hands back (:class:`Evaluation`, :class:`BatchResult`). Threads are not its concern
(``deltaprop.training.plan``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

import numpy as np

from .. import training
from ..training import plan
from ..utils.backend import Array, resolve_dtype, to_numpy
from ..utils.jupyter import table
from ..utils.registry import UnknownNameError
from ..utils.table import format_table
from ..utils.validation import check_inputs, check_non_negative, labels_of, target_matrix
from . import costs
from .layers import LAYERS, Activation, Layer
from .stacks import chain_shapes, dense_stack

__all__ = ["BatchResult", "Evaluation", "Network"]

T = TypeVar("T")


class Evaluation(NamedTuple):
    """Cost (with the L2 term, if asked) and accuracy (None for real-valued targets).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.network import Evaluation
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> X, y = np.random.default_rng(0).random((5, 4)), np.array([0, 1, 1, 0, 1])
    >>> figures = net.evaluate(X, y)
    >>> 0 <= figures.accuracy <= 1, figures.cost > 0
    (True, True)
    """

    cost: float
    accuracy: float | None


class BatchResult:
    """What :meth:`Network.train_step` leaves: is the output finite, and the cost on request.

    The cost of a batch is computed only when asked for (a callback or the divergence
    message wants it); checking that the output is finite is much cheaper.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.network import BatchResult
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> X, y = np.random.default_rng(0).random((5, 4)), np.array([0, 1, 1, 0, 1])
    >>> result = net.train_step(X, net.targets(y))
    >>> result.finite, result.cost() > 0
    (True, True)
    """

    __slots__ = ("_cost_of", "_out", "_t")

    def __init__(self, cost_of: Callable[[Array, Array], float], out: Array, t: Array) -> None:
        self._cost_of, self._out, self._t = cost_of, out, t

    @property
    def finite(self) -> bool:
        """Whether every output is finite (each cost is finite wherever its input is)."""
        return bool(np.isfinite(self._out).all())

    def cost(self) -> float:
        """The batch's mean data cost, before the update."""
        return self._cost_of(self._out, self._t)


class Network:
    """A feedforward network: layers applied in order, trained against a cost.

    Parameters
    ----------
    layers : sequence of Layer
        E.g. ``[Dense(784, 100), Sigmoid(), Dense(100, 10), Softmax()]``.
    cost : str or Cost, optional
        By default the cost matched to the output activation: log-likelihood after
        ``Softmax``, cross-entropy after ``Sigmoid``, quadratic otherwise.
    seed : int, default 0
        Seeds the initialisation of every parameter.
    dtype : {"float32", "float64"}, default float32
        Type of parameters and activations; gradient checks need float64.
    input_shape : tuple of int, optional
        Shape of one input example, e.g. (1, 28, 28) for a network that starts with a
        ``Conv2D``; by default taken from the first ``Dense`` (or ``Reshape``) layer.

    Examples
    --------
    >>> from deltaprop import Network, Dense, Sigmoid, Softmax
    >>> net = Network([Dense(4, 3), Sigmoid(), Dense(3, 2), Softmax()], cost="log-likelihood")
    >>> net.n_params
    23
    >>> net.predict([[0.0, 1.0, 0.5, 0.2]]).shape
    (1,)
    """

    def __init__(
        self,
        layers: Sequence[Layer],
        cost: str | costs.Cost | None = None,
        *,
        seed: int = 0,
        dtype: Any = None,
        input_shape: Sequence[int] | None = None,
    ) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("a network needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                hint = " (for layer sizes use Network.from_sizes)" if isinstance(layer, int) else ""  # type: ignore[unreachable]
                raise TypeError(f"layer {i} is {layer!r}, not a Layer{hint}")
        self.layers = layers
        self.dtype = resolve_dtype(dtype)
        self.seed = seed
        if cost is None:
            cost = costs.MATCHED_COST.get(type(layers[-1]), "quadratic")
        self.cost_function = costs.get(cost)
        self.input_shape, self.output_shape = chain_shapes(layers, input_shape)
        rng = np.random.default_rng(seed)
        for i, layer in enumerate(layers):
            if not layer.built:
                nxt = layers[i + 1] if i + 1 < len(layers) else None
                layer.build(rng, self.dtype, nxt.name if isinstance(nxt, Activation) else None)

    @classmethod
    def from_sizes(
        cls,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output: str = "softmax",
        cost: str | costs.Cost | None = None,
        *,
        init: Any = None,
        bias_init: Any = 0.0,
        pieces: int = 2,
        seed: int = 0,
        dtype: Any = None,
    ) -> Network:
        """Build the common fully connected network from its layer sizes.

        ``Network.from_sizes([784, 100, 10], "relu", "softmax")`` gives
        ``[Dense(784, 100), ReLU(), Dense(100, 10), Softmax()]`` with log-likelihood.
        ``activation="maxout"`` makes each hidden layer a ``Maxout`` with ``pieces`` pieces.

        Examples
        --------
        >>> Network.from_sizes([2, 4, 1], "tanh", "sigmoid").layers
        [Dense(2, 4), Tanh(), Dense(4, 1), Sigmoid()]
        """
        layers = dense_stack(sizes, activation, output, init, bias_init, pieces)
        return cls(layers, cost, seed=seed, dtype=dtype)

    # -- forward --------------------------------------------------------------------------

    @property
    def n_out(self) -> int:
        """Number of outputs per example."""
        if self.output_shape is None:
            raise ValueError("the network's output size is unknown (no layer fixes it)")
        return int(np.prod(self.output_shape))

    def _forward(self, x: Array, training: bool = False, upto: int | None = None) -> Array:
        """A = layer_L(... layer_1(x)) on a validated batch (or only up to layer ``upto``)."""
        for layer in self.layers[: None if upto is None else upto + 1]:
            x = layer.forward(x, training=training)
        return x

    def inputs(self, X: Any) -> Array:
        """Return X checked and converted to the network's dtype.

        X must be numeric and finite, one example per row, of the network's input shape.
        Integers above 1 (e.g. 0-255 pixels) get a warning: scale them to [0, 1].
        """
        return check_inputs(X, self.input_shape, self.dtype)

    def targets(self, y: Any, n: int | None = None) -> np.ndarray:
        """Return y checked and as an (n, n_out) target matrix (class indices become one-hot)."""
        t = target_matrix(y, len(y) if n is None else n, self.n_out, self.dtype)
        self.cost_function.check_targets(t)
        return t

    def forward(self, X: Any, *, training: bool = False) -> Array:
        """Return the network's output a for inputs X, shape (n, n_out)."""
        return self._forward(self.inputs(X), training)

    def features(self, X: Any, layer: int, *, chunk: int = 1000) -> np.ndarray:
        """Return the activations of layer ``layer`` (an index; -1 is the output) for X.

        A trained network used this way is a feature extractor (transfer learning).
        """
        x = self.inputs(X)
        index = range(len(self.layers))[layer]
        parts = self._map_chunks(len(x), chunk, self._forward_part, x, index)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _forward_part(self, x: Array, upto: int, part: slice) -> np.ndarray:
        """The activations of layer ``upto`` for the rows ``part`` of a checked ``x``."""
        return to_numpy(self._forward(x[part], upto=upto))

    def _map_chunks(self, rows: int, chunk: int, work: Callable[..., T], *args: Any) -> list[T]:
        """``work(*args, part)`` over ``range(rows)`` in parts, in order.

        ``work`` is a method of this network; how many threads and replicas run it is the
        thread plan's to decide (:func:`deltaprop.training.plan.map_chunks`).
        """
        name = work.__name__
        return plan.map_chunks(self, rows, chunk, lambda net, part: getattr(net, name)(*args, part))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the outputs (class probabilities for a softmax or sigmoid output)."""
        return self.features(X, -1)

    def predict(self, X: Any) -> np.ndarray:
        """Return the predicted class: argmax of the outputs, or a > 0.5 for a single output."""
        return _classes(self.predict_proba(X))

    # -- cost and accuracy ----------------------------------------------------------------

    @property
    def _paired(self) -> bool:
        """Whether the output activation is the cost's matched one (:mod:`deltaprop.core.costs`)."""
        return isinstance(self.layers[-1], self.cost_function.pairs_with)

    def _cost_of(self, out: Array, t: Array) -> float:
        """Mean data cost of the last forward pass: ``out`` is what :meth:`_output` returned."""
        if self._paired:
            return self.cost_function.value_from_z(out, t)
        return self.cost_function.value(out, t)

    def _output(self, a: Array) -> Array:
        """What the cost is computed from: zᴸ for a matched pair (stable), else a."""
        return self.layers[-1].z if self._paired else a  # type: ignore[attr-defined]

    def _l2_term(self, lmbda: float, n: int) -> float:
        """The L2 term of :meth:`cost`."""
        if lmbda == 0:
            return 0.0
        total = sum(
            float((p * p).sum())
            for layer in self.layers
            for key, p in layer.params.items()
            if key in layer.regularized
        )
        return lmbda / (2 * n) * total

    def evaluate(
        self,
        X: Any,
        y: Any,
        *,
        lmbda: float = 0.0,
        n: int | None = None,
        training: bool = False,
        chunk: int = 1000,
    ) -> Evaluation:
        """Return the cost C of :meth:`cost` and the accuracy (None for real targets) on (X, y).

        ``training=True`` evaluates in training mode (dropout active, as backprop sees it).
        The data is processed ``chunk`` rows at a time.
        """
        x = self.inputs(X)
        t = self.targets(y, len(x))
        lmbda = check_non_negative(lmbda, "lmbda")
        labels = labels_of(t)
        scores = self._map_chunks(len(x), chunk, self._score_part, x, t, labels, training)
        cost = sum(c for c, _ in scores) / len(x) + self._l2_term(lmbda, n or len(x))
        correct = sum(h for _, h in scores)
        return Evaluation(cost, correct / len(x) if labels is not None else None)

    def _score_part(
        self, x: Array, t: Array, labels: np.ndarray | None, training: bool, part: slice
    ) -> tuple[float, int]:
        """(total data cost, examples classified correctly) of the rows ``part``."""
        a = self._forward(x[part], training)
        cost = self._cost_of(self._output(a), t[part]) * len(a)
        hits = 0 if labels is None else int((_classes(to_numpy(a)) == labels[part]).sum())
        return cost, hits

    def cost(self, X: Any, y: Any, *, lmbda: float = 0.0, n: int | None = None) -> float:
        """C = C₀ + λ/(2n) Σ w², the cost that training minimises.

        C₀ is the mean data cost over the rows of X (:mod:`deltaprop.core.costs`). The L2 term
        sums over the weights only, never the biases; ``n`` is the size of the training set
        (the course notes' convention), by default the number of rows of X. Its gradient,
        λ/n·w, is what :meth:`backprop` adds to ∂C₀/∂w; every other mention of L2 in
        deltaprop refers here.
        """
        return self.evaluate(X, y, lmbda=lmbda, n=n).cost

    def accuracy(self, X: Any, y: Any) -> float:
        """Fraction of examples whose predicted class equals the label."""
        accuracy = self.evaluate(X, y).accuracy
        if accuracy is None:
            raise ValueError(
                "accuracy needs class labels (indices, one-hot rows or 0/1), not real targets"
            )
        return accuracy

    # -- backpropagation ------------------------------------------------------------------

    def _backprop(
        self,
        x: Array,
        y: Array,
        lmbda: float,
        n: int | None,
        first: int,
        deltas: list[Array] | None = None,
    ) -> Array:
        """Forward then backward on a validated batch; fill the grads of layers ``first`` on.

        Nothing below layer ``first`` needs δ, so backpropagation stops there. Returns what
        the cost is computed from (:meth:`_output`); ``deltas`` receives each δ on its way.
        """
        a = self._forward(x, training=True)
        last = self.layers[-1]
        if self._paired:  # δᴸ straight from zᴸ: no division by a(1 − a), no log(0)
            delta = self.cost_function.delta(last.z, a, y)  # type: ignore[attr-defined]
        else:  # the general chain rule through the output activation
            delta = last.backward(self.cost_function.derivative(a, y))
        for i in range(len(self.layers) - 2, first - 1, -1):
            if deltas is not None:
                deltas.insert(0, delta)
            if i == first:
                self.layers[i].backward_params(delta)
            else:
                delta = self.layers[i].backward(delta)
        if lmbda:  # the gradient of the L2 term of :meth:`cost`
            scale = lmbda / (n or len(x))
            for layer in self.layers:
                for key in layer.regularized:
                    layer.grads[key] += scale * layer.params[key]
        return self._output(a)

    def _first_learning_layer(self, trainable_only: bool) -> int:
        """Index of the first layer whose parameter gradients are wanted (len - 1 if none)."""
        for i, layer in enumerate(self.layers[:-1]):
            if layer.params and (layer.trainable or not trainable_only):
                return i
        return len(self.layers) - 1

    def train_step(
        self, x: Array, t: Array, *, lmbda: float = 0.0, n: int | None = None
    ) -> BatchResult:
        """Backpropagate one batch: fill the gradients of the trainable layers' parameters.

        ``x`` and ``t`` must already be checked (:meth:`inputs`, :meth:`targets`): this is the
        inner step of the training loop. Gradients are of the cost C of :meth:`cost` over the
        batch, with ``n`` the training-set size. Frozen layers pass δ on but get no gradient.
        """
        out = self._backprop(x, t, lmbda, n, self._first_learning_layer(trainable_only=True))
        return BatchResult(self._cost_of, out, t)

    def backprop(
        self,
        X: Any,
        y: Any,
        *,
        lmbda: float = 0.0,
        n: int | None = None,
        deltas: list[Array] | None = None,
    ) -> dict[str, Array]:
        """Return ∂C/∂θ for every parameter θ, keyed by name (``"layers.0.W"``, ...).

        C is the cost of :meth:`cost` over the rows of X (frozen layers included). A list
        passed as ``deltas`` is filled with the error flowing backward: ``deltas[i]`` is
        ∂C/∂(output of layer i) for every layer below the last, i.e. δⁱ = ∂C/∂zⁱ for a
        weighted layer followed by its activation.
        """
        x = self.inputs(X)
        t = self.targets(y, len(x))
        lmbda = check_non_negative(lmbda, "lmbda")
        first = 0 if deltas is not None else self._first_learning_layer(trainable_only=False)
        self._backprop(x, t, lmbda, n, first, deltas)
        return {name: grad for name, _, grad in self.named_parameters()}

    def trainable_parameters(self) -> Iterator[tuple[str, Array, Array]]:
        """Like :meth:`named_parameters`, without the layers that are frozen."""
        for i, layer in enumerate(self.layers):
            if layer.trainable:
                for key, param in layer.params.items():
                    yield f"layers.{i}.{key}", param, layer.grads[key]

    def freeze(self, layers: slice | Sequence[int]) -> Network:
        """Stop training the chosen layers (their δ still flows through); return self."""
        chosen = (
            self.layers[layers] if isinstance(layers, slice) else [self.layers[i] for i in layers]
        )
        for layer in chosen:
            layer.trainable = False
        return self

    def layer_states(self) -> list[dict[str, Any]]:
        """Each layer's state beyond its parameters (see ``Layer.get_state``), for checkpoints."""
        return [layer.get_state() for layer in self.layers]

    def set_layer_states(self, states: Sequence[dict[str, Any]]) -> None:
        """Restore what :meth:`layer_states` returned."""
        if len(states) != len(self.layers):
            raise ValueError(f"{len(states)} layer states for {len(self.layers)} layers")
        for layer, state in zip(self.layers, states, strict=True):
            if state:
                layer.set_state(state)

    def named_parameters(self) -> Iterator[tuple[str, Array, Array]]:
        """Yield ``(name, parameter, gradient)`` triples, e.g. ``("layers.0.W", W, dW)``."""
        for i, layer in enumerate(self.layers):
            for key, param in layer.params.items():
                yield f"layers.{i}.{key}", param, layer.grads[key]

    # -- what a network says about itself -------------------------------------------------

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
    def from_config(cls, config: Any, *, max_params: int | None = None) -> Network:
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
            return cls(
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

    def astype(self, dtype: Any) -> Network:
        """Return a copy of the network whose parameters have the given dtype."""
        net = copy.deepcopy(self)
        net.dtype = resolve_dtype(dtype)
        for layer in net.layers:
            layer.params = {k: v.astype(net.dtype) for k, v in layer.params.items()}
            layer.grads = {k: v.astype(net.dtype) for k, v in layer.grads.items()}
        return net

    # -- training -------------------------------------------------------------------------

    fit = training.fit


def _classes(a: np.ndarray) -> np.ndarray:
    """Predicted classes from outputs: argmax, or a > 0.5 for a single output."""
    if a.shape[1] == 1:
        return (a[:, 0] > 0.5).astype(np.int64)
    return a.argmax(axis=1)
