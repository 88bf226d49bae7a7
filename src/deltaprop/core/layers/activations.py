"""Activation functions as parameter-free layers, plus the stable helpers costs reuse.

Each layer keeps its input ``z`` and output ``a`` from the last forward pass, because its
derivative is cheapest to write in terms of one of them (σ' = a(1 − a), tanh' = 1 − a²).
"""

from __future__ import annotations

from typing import Any

from ...utils.backend import Array, get_array_module
from ...utils.registry import Registry
from .base import Layer


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), computed as ½(1 + tanh(z/2)), which cannot overflow."""
    xp = get_array_module(z)
    a = xp.tanh(z * 0.5)
    a *= 0.5
    a += 0.5
    return a


def softplus(z: Array) -> Array:
    """softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)), without overflow."""
    xp = get_array_module(z)
    return xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


def logsumexp(z: Array) -> Array:
    """Ln Σ_j e^(z_j) along the last axis, shifted by max_j z_j so nothing overflows."""
    xp = get_array_module(z)
    m = z.max(axis=-1, keepdims=True)
    return (m + xp.log(xp.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


def softmax(z: Array) -> Array:
    """softmax(z)_j = e^(z_j) / Σ_k e^(z_k), shifted by max_k z_k so nothing overflows."""
    xp = get_array_module(z)
    e = xp.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


class Activation(Layer):
    """Base of the element-wise activation layers: a = f(z), δ_prev = δ ⊙ f'(z).

    Examples
    --------
    An activation of your own gives f and δ ⊙ f′(z) (here the softsign, f(z) = z / (1 + abs(z))):

    >>> import numpy as np
    >>> from deltaprop.core.layers import Activation
    >>> class Softsign(Activation):
    ...     def f(self, z):
    ...         return z / (1 + np.abs(z))
    ...
    ...     def df(self, delta):
    ...         return delta / (1 + np.abs(self.z)) ** 2
    >>> layer = Softsign()
    >>> layer.forward(np.array([[1.0, -3.0]])).tolist()
    [[0.5, -0.75]]
    >>> layer.backward(np.array([[1.0, 1.0]])).tolist()
    [[0.25, 0.0625]]
    """

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """A = f(z)."""
        self.z = x
        self.a = self.f(x)
        return self.a

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ ⊙ f'(z)."""
        return self.df(delta)

    def f(self, z: Array) -> Array:
        """The activation function itself."""
        raise NotImplementedError

    def df(self, delta: Array) -> Array:
        """Return δ ⊙ f'(z) for the stored ``z`` and ``a``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    r"""Logistic sigmoid, a = σ(z); σ'(z) = a(1 − a).

    .. math::

       a = \sigma(z) = 1 / (1 + e^{-z})

       \sigma'(z) = a (1 - a)

    Examples
    --------
    >>> from deltaprop import Sigmoid
    >>> import numpy as np
    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[0.0]])).tolist()
    [[0.5]]
    >>> layer.backward(np.array([[1.0]])).tolist()  # σ'(0) = 1/4
    [[0.25]]
    """

    name = "sigmoid"

    def f(self, z: Array) -> Array:
        return sigmoid(z)

    def df(self, delta: Array) -> Array:
        return delta * self.a * (1 - self.a)


class Tanh(Activation):
    r"""Hyperbolic tangent, a = tanh(z); tanh'(z) = 1 − a².

    .. math::

       a = \tanh z

       \tanh' z = 1 - a^2

    Examples
    --------
    >>> from deltaprop import Tanh
    >>> import numpy as np
    >>> layer = Tanh()
    >>> layer.forward(np.array([[0.0]])).tolist()
    [[0.0]]
    >>> layer.backward(np.array([[1.0]])).tolist()  # 1 − tanh²(0)
    [[1.0]]
    """

    name = "tanh"

    def f(self, z: Array) -> Array:
        return get_array_module(z).tanh(z)

    def df(self, delta: Array) -> Array:
        return delta * (1 - self.a * self.a)


class ReLU(Activation):
    r"""Rectified linear unit, a = max(z, 0); the derivative is 1 for z > 0, else 0.

    .. math::

       a = \max(z, 0)

       f'(z) = [z > 0]

    Examples
    --------
    >>> from deltaprop import ReLU
    >>> import numpy as np
    >>> ReLU().forward(np.array([[-1.0, 0.0, 2.0]])).tolist()
    [[0.0, 0.0, 2.0]]
    """

    name = "relu"

    def f(self, z: Array) -> Array:
        return get_array_module(z).maximum(z, 0)

    def df(self, delta: Array) -> Array:
        return delta * (self.z > 0)


class LeakyReLU(Activation):
    r"""Leaky ReLU, a = z for z > 0 and slope·z otherwise.

    .. math::

       a = z \text{ for } z > 0

       a = s z \text{ otherwise}

    Parameters
    ----------
    slope : float, default 0.01
        The slope α for negative z.

    Examples
    --------
    >>> from deltaprop import LeakyReLU
    >>> import numpy as np
    >>> LeakyReLU(slope=0.1).forward(np.array([[-2.0, 3.0]])).tolist()
    [[-0.2, 3.0]]
    """

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__()
        if not 0 <= slope < 1:
            raise ValueError(f"LeakyReLU slope must be in [0, 1), got {slope!r}")
        self.slope = float(slope)

    def f(self, z: Array) -> Array:
        return get_array_module(z).where(z > 0, z, z * self.slope)

    def df(self, delta: Array) -> Array:
        return get_array_module(delta).where(self.z > 0, delta, delta * self.slope)

    def get_config(self) -> dict[str, Any]:
        return {"slope": self.slope}

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"


class Identity(Activation):
    r"""Identity (linear output), a = z.

    .. math::

       a = z

       f'(z) = 1

    Examples
    --------
    >>> from deltaprop import Identity
    >>> import numpy as np
    >>> Identity().forward(np.array([[-2.0, 3.0]])).tolist()
    [[-2.0, 3.0]]
    """

    name = "identity"

    def f(self, z: Array) -> Array:
        return z

    def df(self, delta: Array) -> Array:
        return delta


class Softmax(Activation):
    r"""Softmax over the features of each example; δ_prev = a ⊙ (δ − Σ_j δ_j a_j).

    .. math::

       a_j = e^{z_j} / \sum_k e^{z_k}

       \delta_{prev} = a \odot (\delta - \sum_j \delta_j a_j)

    Examples
    --------
    >>> from deltaprop import Softmax
    >>> import numpy as np
    >>> a = Softmax().forward(np.array([[0.0, np.log(3.0)]]))
    >>> a.round(4).tolist()  # e^z normalised: 1/4 and 3/4
    [[0.25, 0.75]]
    """

    name = "softmax"

    def f(self, z: Array) -> Array:
        return softmax(z)

    def df(self, delta: Array) -> Array:
        return self.a * (delta - (delta * self.a).sum(axis=-1, keepdims=True))


ACTIVATIONS: Registry[type[Activation]] = Registry(
    "activation",
    {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax)},
    {"linear": "identity", "none": "identity", "leakyrelu": "leaky_relu"},
)


def activation_class(name: str) -> type[Activation]:
    """Return the activation class registered under ``name`` (see :mod:`deltaprop.utils.registry`).

    Maxout is not here: it is a layer with weights (:class:`deltaprop.core.layers.Maxout`).

    Parameters
    ----------
    name : str
        An activation's name, in any case or spelling the registry accepts.

    Returns
    -------
    type
        The :class:`Activation` subclass.

    Examples
    --------
    >>> from deltaprop.core.layers import activation_class
    >>> activation_class("Leaky ReLU").__name__
    'LeakyReLU'
    """
    return ACTIVATIONS[name]
