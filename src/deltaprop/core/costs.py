"""Costs: value C(a, y), derivative ∂C/∂a, and the output error δᴸ of the matched pair.

All values and gradients are of the *mean* cost over the ``n`` rows of a batch: the 1/n of
the mini-batch lives here and nowhere else, so layer gradients are gradients of the mean
cost. Targets ``y`` arrive as a matrix shaped like the output ``a`` (the network turns class
indices into one-hot rows before they get here).

Matched pairs, for which :meth:`Cost.delta` is the output error δᴸ exactly:

* ``Quadratic`` with ``Identity`` (linear output),
* ``CrossEntropy`` with ``Sigmoid``,
* ``LogLikelihood`` with ``Softmax``.

For those the network starts backpropagation from :meth:`Cost.delta` and takes the cost
value from the pre-activation z (:meth:`Cost.value_from_z`), which avoids dividing by
a(1 − a) and taking log(0). Any other pair goes through the general chain rule,
δᴸ = f'(zᴸ) ⊙ ∂C/∂a, e.g. (a − y) ⊙ σ'(z) for sigmoid + quadratic.
"""

from __future__ import annotations

from typing import ClassVar

from ..utils.backend import Array, get_array_module
from ..utils.config import Configurable
from ..utils.registry import Registry
from .layers.activations import Activation, Identity, Sigmoid, Softmax, logsumexp, softplus

__all__ = [
    "COSTS",
    "Cost",
    "CrossEntropy",
    "LogLikelihood",
    "Quadratic",
    "get",
]


def _open_unit(a: Array) -> Array:
    """Clip ``a`` into the open interval (0, 1) at the nearest representable points.

    Only the unmatched path needs this: σ(z) and softmax never reach 0 or 1 in exact
    arithmetic, but in floating point they round there (σ(20) is 1.0 in float32).
    """
    xp = get_array_module(a)
    info = xp.finfo(a.dtype)
    return xp.clip(a, info.tiny, 1 - info.epsneg)


class Cost(Configurable):
    """Base class of the costs; see the module docstring for the conventions.

    Examples
    --------
    A cost of your own gives C (``value``) and ∂C/∂a (``derivative``); δᴸ then follows by the
    chain rule. The mean absolute error, C = 1/n Σₓ Σ_j abs(a_j − y_j):

    >>> import numpy as np
    >>> from deltaprop.core.costs import Cost
    >>> class Absolute(Cost):
    ...     def value(self, a, y):
    ...         return float(np.abs(a - y).sum() / a.shape[0])
    ...
    ...     def derivative(self, a, y):
    ...         return np.sign(a - y) / a.shape[0]
    >>> Absolute().value(np.array([[0.5, 0.0]]), np.array([[1.0, 0.0]]))
    0.5
    """

    pairs_with: ClassVar[type[Activation]]

    def value(self, a: Array, y: Array) -> float:
        """Mean cost over the batch, from the outputs ``a``."""
        raise NotImplementedError

    def value_from_z(self, z: Array, y: Array) -> float:
        """Mean cost from the output layer's pre-activation z, for the matched activation."""
        return self.value(self.pairs_with().f(z), y)

    def derivative(self, a: Array, y: Array) -> Array:
        """∂C/∂a of the mean cost (general chain rule path)."""
        raise NotImplementedError

    def delta(self, z: Array, a: Array, y: Array) -> Array:
        """δᴸ = ∂C/∂zᴸ = (a − y)/n for the matched output activation (a computed stably from z)."""
        return (a - y) / a.shape[0]

    def check_targets(self, y: Array) -> None:
        """Raise ValueError if ``y`` (as a target matrix) is not valid for this cost."""


class Quadratic(Cost):
    r"""Quadratic cost (MSE), C = 1/(2n) Σₓ ‖y − a‖².

    .. math::

       C = \frac{1}{2n} \sum_x \lVert y - a \rVert^2

       \delta^L = a - y \text{ after an identity output}

    Examples
    --------
    >>> from deltaprop import Quadratic
    >>> import numpy as np
    >>> a, y = np.array([[0.5, 0.0]]), np.array([[1.0, 0.0]])
    >>> Quadratic().value(a, y)  # (0.5² + 0²) / 2
    0.125
    """

    name = "quadratic"
    pairs_with = Identity

    def value(self, a: Array, y: Array) -> float:
        diff = a - y
        return float((diff * diff).sum()) / (2 * a.shape[0])

    def derivative(self, a: Array, y: Array) -> Array:
        """∂C/∂a = (a − y)/n."""
        return (a - y) / a.shape[0]


class CrossEntropy(Cost):
    r"""Cross-entropy of sigmoid outputs, C = −1/n Σₓ Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)].

    .. math::

       C = -\frac{1}{n} \sum_x \sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]

       \delta^L = a - y \text{ after a sigmoid}

    Examples
    --------
    >>> from deltaprop import CrossEntropy
    >>> import numpy as np
    >>> a, y = np.array([[0.9, 0.2]]), np.array([[1.0, 0.0]])
    >>> round(CrossEntropy().value(a, y), 4)  # -(ln 0.9 + ln 0.8)
    0.3285
    """

    name = "cross_entropy"
    pairs_with = Sigmoid

    def value(self, a: Array, y: Array) -> float:
        xp = get_array_module(a)
        a = _open_unit(a)
        return -float((y * xp.log(a) + (1 - y) * xp.log1p(-a)).sum()) / a.shape[0]

    def value_from_z(self, z: Array, y: Array) -> float:
        """C = 1/n Σ [softplus(z) − y·z].

        Because ln σ(z) = −softplus(−z) and ln(1 − σ(z)) = −softplus(z).
        """
        return float((softplus(z) - y * z).sum()) / z.shape[0]

    def derivative(self, a: Array, y: Array) -> Array:
        """∂C/∂a = (a − y) / (a(1 − a)) / n."""
        a = _open_unit(a)
        return (a - y) / (a * (1 - a)) / a.shape[0]

    def check_targets(self, y: Array) -> None:
        if not bool(((y >= 0) & (y <= 1)).all()):
            raise ValueError("cross-entropy targets must lie in [0, 1]")


class LogLikelihood(Cost):
    r"""Log-likelihood (categorical cross-entropy) of softmax outputs, C = −1/n Σₓ ln a_y.

    .. math::

       C = -\frac{1}{n} \sum_x \ln a_y

       \delta^L = a - y \text{ after a softmax}

    Examples
    --------
    >>> from deltaprop import LogLikelihood
    >>> import numpy as np
    >>> a = np.array([[0.5, 0.25, 0.25]])
    >>> round(LogLikelihood().value(a, np.array([[1.0, 0.0, 0.0]])), 4)  # -ln 0.5
    0.6931
    """

    name = "log_likelihood"
    pairs_with = Softmax

    def value(self, a: Array, y: Array) -> float:
        xp = get_array_module(a)
        return -float((y * xp.log(_open_unit(a))).sum()) / a.shape[0]

    def value_from_z(self, z: Array, y: Array) -> float:
        """C = 1/n Σₓ Σ_j y_j (logsumexp(z) − z_j): ln softmax via log-sum-exp."""
        return float((y * (logsumexp(z)[:, None] - z)).sum()) / z.shape[0]

    def derivative(self, a: Array, y: Array) -> Array:
        """∂C/∂a_j = −y_j / a_j / n."""
        return -y / _open_unit(a) / a.shape[0]

    def check_targets(self, y: Array) -> None:
        xp = get_array_module(y)
        if not bool((y >= 0).all()) or not bool(xp.allclose(y.sum(axis=1), 1, atol=1e-5)):
            raise ValueError(
                "log-likelihood targets must be class indices or one-hot rows (rows of "
                "non-negative numbers that sum to 1)"
            )


COSTS: Registry[type[Cost]] = Registry(
    "cost",
    {cls.name: cls for cls in (Quadratic, CrossEntropy, LogLikelihood)},
    {
        "mse": "quadratic",
        "crossentropy": "cross_entropy",
        "binary_cross_entropy": "cross_entropy",
        "loglikelihood": "log_likelihood",
        "nll": "log_likelihood",
        "categorical_cross_entropy": "log_likelihood",
    },
)
MATCHED_COST: dict[type, str] = {
    Identity: "quadratic",
    Sigmoid: "cross_entropy",
    Softmax: "log_likelihood",
}


def get(spec: str | Cost) -> Cost:
    """Return a cost from its name (e.g. ``"cross-entropy"``, ``"mse"``) or an instance.

    Parameters
    ----------
    spec : str or Cost
        A name (``quadratic``, ``cross-entropy``, ``log-likelihood`` and their aliases) or
        an instance, returned as it is.

    Returns
    -------
    Cost
        The cost.

    Examples
    --------
    >>> from deltaprop.core.costs import get
    >>> get("cross-entropy")
    CrossEntropy()
    >>> get("Log Likelihood")
    LogLikelihood()
    """
    if isinstance(spec, Cost):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"cost must be a name or a Cost instance, got {spec!r}")
    return COSTS[spec]()
