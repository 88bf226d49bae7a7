"""Network: a sequence of layers plus a cost; forward propagation and backpropagation of δ."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from . import costs
from .backend import Array, resolve_dtype, to_numpy
from .layers import Activation, Dense, Layer, Maxout, activation_class
from .validation import check_inputs, check_non_negative, labels_of, target_matrix

if TYPE_CHECKING:
    from .training import History


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
        self.input_shape, self.output_shape = self._check_chain(input_shape)
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
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs an input and an output size, got {sizes}")
        out_cls = activation_class(output)
        layers: list[Layer] = []
        for n_in, n_out in pairwise(sizes[:-1]):
            if str(activation).lower() == "maxout":
                layers.append(Maxout(n_in, n_out, pieces, init=init, bias_init=bias_init))
            else:
                layers += [
                    Dense(n_in, n_out, init=init, bias_init=bias_init),
                    activation_class(activation)(),
                ]
        layers += [Dense(sizes[-2], sizes[-1], init=init, bias_init=bias_init), out_cls()]
        return cls(layers, cost, seed=seed, dtype=dtype)

    def _check_chain(
        self, input_shape: Sequence[int] | None
    ) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
        """Check that each layer's output fits the next one's input; return the end shapes."""
        if input_shape is None:
            first = next((la for la in self.layers if not isinstance(la, Activation)), None)
            if first is None or not hasattr(first, "n_in"):
                if first is not None and first.name == "conv2d":
                    raise ValueError(
                        "a network that starts with Conv2D needs input_shape=(channels, rows, "
                        "cols), or a Reshape layer first"
                    )
                return None, None
            input_shape = (first.n_in,)
        shape = tuple(int(s) for s in input_shape)
        start_shape = shape
        for i, layer in enumerate(self.layers):
            try:
                shape = layer.output_shape(shape)
            except ValueError as err:
                raise ValueError(f"layer sizes do not chain at layer {i}: {err}") from None
        return start_shape, shape

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

    def forward(self, X: Any, *, training: bool = False) -> Array:
        """Return the network's output a for inputs X, shape (n, n_out)."""
        return self._forward(check_inputs(X, self.input_shape, self.dtype), training)

    def features(self, X: Any, layer: int, *, chunk: int = 1000) -> np.ndarray:
        """Return the activations of layer ``layer`` (an index; -1 is the output) for X.

        A trained network used this way is a feature extractor (transfer learning).
        """
        x = check_inputs(X, self.input_shape, self.dtype)
        index = range(len(self.layers))[layer]
        parts = [
            to_numpy(self._forward(x[lo : lo + chunk], upto=index))
            for lo in range(0, len(x), chunk)
        ]
        return np.concatenate(parts)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the outputs (class probabilities for a softmax or sigmoid output)."""
        return self.features(X, -1)

    def predict(self, X: Any) -> np.ndarray:
        """Return the predicted class: argmax of the outputs, or a > 0.5 for a single output."""
        return _classes(self.predict_proba(X))

    # -- cost and accuracy ----------------------------------------------------------------

    def _targets(self, y: Any, n: int) -> np.ndarray:
        """Validate ``y`` and return it as an (n, n_out) target matrix."""
        t = target_matrix(y, n, self.n_out, self.dtype)
        self.cost_function.check_targets(t)
        return t

    @property
    def _paired(self) -> bool:
        """Whether the output activation is the cost's matched one, so δᴸ = a − y."""
        return isinstance(self.layers[-1], self.cost_function.pairs_with)

    def _data_cost(self, a: Array, y: Array) -> float:
        """Mean cost of the last forward pass (from z when the pair is matched: stable)."""
        return self._cost_of(self.layers[-1].z if self._paired else a, y)  # type: ignore[attr-defined]

    def _l2_term(self, lmbda: float, n: int) -> float:
        """λ/(2n) Σ w² over the regularised parameters (weights, never biases)."""
        if lmbda == 0:
            return 0.0
        total = sum(
            float((p * p).sum())
            for layer in self.layers
            for key, p in layer.params.items()
            if key in layer.regularized
        )
        return lmbda / (2 * n) * total

    def _evaluate(
        self,
        x: Array,
        y: Array,
        lmbda: float = 0.0,
        n: int | None = None,
        chunk: int = 1000,
        training: bool = False,
    ) -> tuple[float, float | None]:
        """Return (cost with the L2 term, accuracy or None) of validated data, in chunks."""
        labels = labels_of(to_numpy(y))
        total, correct = 0.0, 0
        for lo in range(0, len(x), chunk):
            xc, yc = x[lo : lo + chunk], y[lo : lo + chunk]
            a = self._forward(xc, training)
            total += self._data_cost(a, yc) * len(xc)
            if labels is not None:
                correct += int((_classes(to_numpy(a)) == labels[lo : lo + chunk]).sum())
        cost = total / len(x) + self._l2_term(lmbda, n or len(x))
        return cost, (correct / len(x) if labels is not None else None)

    def cost(self, X: Any, y: Any, *, lmbda: float = 0.0, n: int | None = None) -> float:
        """C = mean data cost + λ/(2n) Σ w², the cost that training minimises.

        ``n`` is the training-set size in the L2 term (the course notes' convention); by
        default the number of rows of ``X``.
        """
        x = check_inputs(X, self.input_shape, self.dtype)
        lmbda = check_non_negative(lmbda, "lmbda")
        return self._evaluate(x, self._targets(y, len(x)), lmbda, n)[0]

    def accuracy(self, X: Any, y: Any) -> float:
        """Fraction of examples whose predicted class equals the label."""
        x = check_inputs(X, self.input_shape, self.dtype)
        accuracy = self._evaluate(x, self._targets(y, len(x)))[1]
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
        lmbda: float = 0.0,
        n: int | None = None,
        first: int | None = None,
    ) -> Array:
        """Forward then backward on a validated batch; fill the layers' grads.

        Gradients are of the mean cost over the batch plus λ/(2n) Σ w². Backpropagation
        stops at layer ``first`` (by default the first layer with parameters), since nothing
        below it needs δ. Returns what the cost is computed from (see :meth:`_cost_of`).
        """
        a = self._forward(x, training=True)
        last = self.layers[-1]
        if first is None:
            first = self._first_learning_layer(trainable_only=False)
        if self._paired:  # δᴸ = (a − y)/n directly: no division by a(1 − a), no log(0)
            out = last.z  # type: ignore[attr-defined]
            delta = self.cost_function.delta(out, a, y)
        else:  # general chain rule δᴸ = f'(zᴸ) ⊙ ∂C/∂a
            out = a
            delta = last.backward(self.cost_function.derivative(a, y))
        for i in range(len(self.layers) - 2, first - 1, -1):
            if i == first:
                self.layers[i].backward_params(delta)
            else:
                delta = self.layers[i].backward(delta)
        if lmbda:
            scale = lmbda / (n or len(x))
            for layer in self.layers:
                for key in layer.regularized:
                    layer.grads[key] += scale * layer.params[key]
        return out

    def _cost_of(self, out: Array, y: Array) -> float:
        """Mean data cost from what :meth:`_backprop` returned (zᴸ for a matched pair, else a)."""
        if self._paired:
            return self.cost_function.value_from_z(out, y)
        return self.cost_function.value(out, y)

    def _first_learning_layer(self, trainable_only: bool) -> int:
        """Index of the first layer whose parameter gradients are wanted (len - 1 if none)."""
        for i, layer in enumerate(self.layers[:-1]):
            if layer.params and (layer.trainable or not trainable_only):
                return i
        return len(self.layers) - 1

    def backprop(
        self, X: Any, y: Any, *, lmbda: float = 0.0, n: int | None = None
    ) -> dict[str, Array]:
        """Return ∂C/∂θ for every parameter θ, keyed by name (``"layers.0.W"``, ...).

        C is the mean cost over the rows of ``X`` plus λ/(2n) Σ w² (``n`` as in
        :meth:`cost`).
        """
        x = check_inputs(X, self.input_shape, self.dtype)
        t = self._targets(y, len(x))
        self._backprop(x, t, check_non_negative(lmbda, "lmbda"), n)
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

    def named_parameters(self) -> Iterator[tuple[str, Array, Array]]:
        """Yield ``(name, parameter, gradient)`` triples, e.g. ``("layers.0.W", W, dW)``."""
        for i, layer in enumerate(self.layers):
            for key, param in layer.params.items():
                yield f"layers.{i}.{key}", param, layer.grads[key]

    # -- training -------------------------------------------------------------------------

    def fit(self, X: Any, y: Any, **kwargs: Any) -> History:
        """Train the network; see :func:`deltaprop.training.fit` for the options."""
        from .training import fit

        return fit(self, X, y, **kwargs)

    # -- description ----------------------------------------------------------------------

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return sum(layer.n_params for layer in self.layers)

    def summary(self) -> str:
        """Return a table of the layers, their output shapes and parameter counts."""
        rows = [("#", "layer", "output shape", "params")]
        shape = self.input_shape
        for i, layer in enumerate(self.layers):
            shape = layer.output_shape(shape) if shape is not None else None
            rows.append((str(i), repr(layer), str(shape), f"{layer.n_params:,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        lines = [
            "  ".join(
                c.ljust(w) if j < 3 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in rows
        ]
        rule = "-" * len(lines[0])
        return "\n".join(
            [
                lines[0],
                rule,
                *lines[1:],
                rule,
                f"total parameters: {self.n_params:,}   cost: {self.cost_function!r}   "
                f"dtype: {self.dtype}",
            ]
        )

    def __repr__(self) -> str:
        return f"Network({self.layers!r}, cost={self.cost_function!r}, dtype='{self.dtype}')"

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
    def from_config(cls, config: dict[str, Any]) -> Network:
        """Build a network from :meth:`get_config`'s output (names resolve via registries only)."""
        from .layers import LAYERS

        try:
            specs = config["layers"]
            layers = []
            for spec in specs:
                name = spec["class"]
                if name not in LAYERS:
                    raise ValueError(f"unknown layer class {name!r}")
                layer = LAYERS[name].from_config(dict(spec["config"]))
                layer.trainable = bool(spec.get("trainable", True))
                layers.append(layer)
            return cls(
                layers,
                config["cost"],
                seed=config.get("seed", 0),
                dtype=config["dtype"],
                input_shape=config.get("input_shape"),
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"invalid network configuration: {err!r}") from None

    def astype(self, dtype: Any) -> Network:
        """Return a copy of the network whose parameters have the given dtype."""
        net = copy.deepcopy(self)
        net.dtype = resolve_dtype(dtype)
        for layer in net.layers:
            layer.params = {k: v.astype(net.dtype) for k, v in layer.params.items()}
            layer.grads = {k: v.astype(net.dtype) for k, v in layer.grads.items()}
        return net


def _classes(a: np.ndarray) -> np.ndarray:
    """Predicted classes from outputs: argmax, or a > 0.5 for a single output."""
    if a.shape[1] == 1:
        return (a[:, 0] > 0.5).astype(np.int64)
    return a.argmax(axis=1)
