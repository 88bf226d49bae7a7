"""Optimisers: update rules over (name, parameter, gradient) triples, in place.

They know nothing about layers or costs: the gradient they get already holds the L2 term
(see :meth:`deltaprop.Network.cost`), so plain SGD on it is weight decay. State such as
velocities is keyed by the parameter's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..utils.backend import Array, get_array_module
from ..utils.config import Configurable
from ..utils.registry import Registry
from ..utils.validation import check_positive

Triple = tuple[str, Array, Array]


__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "AverageMomentum",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "get",
]


class Optimizer(Configurable):
    """Base class: ``step(triples)`` updates every parameter from its gradient, in place.

    Examples
    --------
    An optimiser of your own implements ``update`` for one parameter, in place:

    >>> import numpy as np
    >>> from deltaprop.core.optimizers import Optimizer
    >>> class SignSGD(Optimizer):
    ...     def update(self, name, w, g):
    ...         w -= self.eta * np.sign(g)
    >>> w = np.array([1.0, 1.0])
    >>> SignSGD(eta=0.5).step([("w", w, np.array([3.0, -0.1]))])
    >>> w.tolist()
    [0.5, 1.5]
    """

    def __init__(self, eta: float = 0.1) -> None:
        self.eta = check_positive(eta, "learning rate eta")
        self.state: dict[str, dict[str, Array]] = {}
        self._scratch_arrays: dict[str, Array] = {}

    def step(self, triples: Iterable[Triple]) -> None:
        """Apply one update to every (name, parameter, gradient) triple."""
        for name, w, g in triples:
            self.update(name, w, g)

    def update(self, name: str, w: Array, g: Array) -> None:
        """Update one parameter in place."""
        raise NotImplementedError

    def _buffer(self, name: str, key: str, like: Array) -> Array:
        """Return the named state buffer of a parameter, zero-initialised on first use."""
        slot = self.state.setdefault(name, {})
        if key not in slot:
            slot[key] = get_array_module(like).zeros_like(like)
        return slot[key]

    def _scratch(self, name: str, like: Array) -> Array:
        """A reusable work array shaped like the parameter (not part of the saved state).

        Writing η·g into it with ``out=`` instead of evaluating ``eta * g`` avoids a fresh
        temporary per step; for large parameters each such allocation is a new memory
        mapping that page-faults on first touch, which cost more than the arithmetic.
        """
        buf = self._scratch_arrays.get(name)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._scratch_arrays[name] = get_array_module(like).empty_like(like)
        return buf

    def get_config(self) -> dict[str, Any]:
        return {"eta": self.eta}

    def scalars(self) -> dict[str, Any]:
        """Return the scalar state (the current η, step counts) for a checkpoint."""
        return {"eta": self.eta}

    def load_state(self, scalars: dict[str, Any], state: dict[str, dict[str, Array]]) -> None:
        """Restore what :meth:`scalars` and ``state`` held when a checkpoint was written."""
        self.eta = float(scalars["eta"])
        self.state = {name: dict(slots) for name, slots in state.items()}


class SGD(Optimizer):
    r"""Plain gradient descent, w ← w − η·g.

    .. math::

       w \leftarrow w - \eta g

    Parameters
    ----------
    eta : float, default 0.1
        The learning rate η.

    Examples
    --------
    >>> from deltaprop import SGD
    >>> import numpy as np
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    >>> SGD(eta=0.1).step([("w", w, g)])  # w - 0.1 g, in place
    >>> w.tolist()
    [0.95, 2.05]
    """

    name = "sgd"

    def update(self, name: str, w: Array, g: Array) -> None:
        step = get_array_module(w).multiply(g, self.eta, out=self._scratch(name, w))
        w -= step


class Momentum(Optimizer):
    r"""Classical momentum (the course notes' form), v ← μv − η·g, w ← w + v.

    .. math::

       v \leftarrow \mu v - \eta g

       w \leftarrow w + v

    Parameters
    ----------
    eta : float, default 0.1
        The learning rate η.
    mu : float, default 0.9
        The momentum coefficient μ in [0, 1): how much of the velocity is kept each step.

    Examples
    --------
    >>> from deltaprop import Momentum
    >>> import numpy as np
    >>> w, g = np.array([1.0]), np.array([1.0])
    >>> opt = Momentum(eta=0.1, mu=0.9)
    >>> for _ in range(2):
    ...     opt.step([("w", w, g)])  # v: -0.1, then -0.19
    >>> round(float(w[0]), 6)
    0.71
    """

    name = "momentum"

    def __init__(self, eta: float = 0.1, mu: float = 0.9) -> None:
        super().__init__(eta)
        self.mu = _fraction(mu, "momentum mu")

    def update(self, name: str, w: Array, g: Array) -> None:
        v = self._buffer(name, "v", w)
        v *= self.mu
        v -= get_array_module(w).multiply(g, self.eta, out=self._scratch(name, w))
        w += v

    def get_config(self) -> dict[str, Any]:
        return {"eta": self.eta, "mu": self.mu}


class Nesterov(Momentum):
    r"""Nesterov momentum, v ← μv − η·g, w ← w + μv − η·g.

    .. math::

       v \leftarrow \mu v - \eta g

       w \leftarrow w + \mu v - \eta g

    This is the look-ahead form rewritten in terms of the gradient at the current w
    (Sutskever et al. 2013, Bengio et al. 2013), so it still needs only (w, g) pairs.

    Parameters
    ----------
    eta : float, default 0.1
        The learning rate η.
    mu : float, default 0.9
        The momentum coefficient μ in [0, 1).

    Examples
    --------
    >>> from deltaprop import Nesterov
    >>> import numpy as np
    >>> w, g = np.array([1.0]), np.array([1.0])
    >>> Nesterov(eta=0.1, mu=0.9).step([("w", w, g)])  # v = -0.1; w + 0.9 v - 0.1 g
    >>> round(float(w[0]), 6)
    0.81
    """

    name = "nesterov"

    def update(self, name: str, w: Array, g: Array) -> None:
        xp = get_array_module(w)
        v, tmp = self._buffer(name, "v", w), self._scratch(name, w)
        v *= self.mu
        v -= xp.multiply(g, self.eta, out=tmp)
        w -= tmp
        w += xp.multiply(v, self.mu, out=tmp)


class AverageMomentum(Optimizer):
    r"""Momentum as an exponential average of gradients, v ← βv + (1 − β)g, w ← w − η·v.

    .. math::

       v \leftarrow \beta v + (1 - \beta) g

       w \leftarrow w - \eta v

    Parameters
    ----------
    eta : float, default 0.1
        The learning rate η.
    beta : float, default 0.9
        The weight β of the running average in [0, 1).

    Examples
    --------
    >>> from deltaprop import AverageMomentum
    >>> import numpy as np
    >>> w, g = np.array([1.0]), np.array([1.0])
    >>> opt = AverageMomentum(eta=0.1, beta=0.9)
    >>> opt.step([("w", w, g)])  # v = 0.1 g, w = 1 - 0.1 v
    >>> round(float(w[0]), 6)
    0.99
    """

    name = "average_momentum"

    def __init__(self, eta: float = 0.1, beta: float = 0.9) -> None:
        super().__init__(eta)
        self.beta = _fraction(beta, "momentum beta")

    def update(self, name: str, w: Array, g: Array) -> None:
        xp = get_array_module(w)
        v, tmp = self._buffer(name, "v", w), self._scratch(name, w)
        v *= self.beta
        v += xp.multiply(g, 1 - self.beta, out=tmp)
        w -= xp.multiply(v, self.eta, out=tmp)

    def get_config(self) -> dict[str, Any]:
        return {"eta": self.eta, "beta": self.beta}


class Adam(Optimizer):
    r"""Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε), bias-corrected.

    .. math::

       m \leftarrow \beta_1 m + (1 - \beta_1) g

       v \leftarrow \beta_2 v + (1 - \beta_2) g^2

       w \leftarrow w - \eta \hat m / (\sqrt{\hat v} + \epsilon)

    Parameters
    ----------
    eta : float, default 0.001
        The learning rate η.
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the running averages of g and g².
    eps : float, default 1e-8
        Added to √v̂ so that the step stays finite.

    Examples
    --------
    >>> from deltaprop import Adam
    >>> import numpy as np
    >>> w, g = np.array([1.0]), np.array([4.0])
    >>> Adam(eta=0.01).step([("w", w, g)])  # the first step is about eta, whatever g's size
    >>> round(float(w[0]), 6)
    0.99
    """

    name = "adam"

    def __init__(
        self, eta: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(eta)
        self.beta1 = _fraction(beta1, "Adam beta1")
        self.beta2 = _fraction(beta2, "Adam beta2")
        self.eps = check_positive(eps, "Adam eps")
        self.t = 0

    def step(self, triples: Iterable[Triple]) -> None:
        self.t += 1
        super().step(triples)

    def scalars(self) -> dict[str, Any]:
        return {**super().scalars(), "t": self.t}

    def load_state(self, scalars: dict[str, Any], state: dict[str, dict[str, Array]]) -> None:
        super().load_state(scalars, state)
        self.t = int(scalars["t"])

    def update(self, name: str, w: Array, g: Array) -> None:
        xp = get_array_module(w)
        m = self._buffer(name, "m", w)
        v = self._buffer(name, "v", w)
        tmp = self._scratch(name, w)
        m *= self.beta1
        m += xp.multiply(g, 1 - self.beta1, out=tmp)
        v *= self.beta2
        xp.multiply(g, g, out=tmp)
        tmp *= 1 - self.beta2
        v += tmp
        # m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); w ← w − η·m̂/(√v̂ + ε), all through one buffer
        xp.multiply(v, 1 / (1 - self.beta2**self.t), out=tmp)
        xp.sqrt(tmp, out=tmp)
        tmp += self.eps
        xp.divide(m, tmp, out=tmp)
        tmp *= self.eta / (1 - self.beta1**self.t)
        w -= tmp

    def get_config(self) -> dict[str, Any]:
        return {"eta": self.eta, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


def _fraction(value: Any, what: str) -> float:
    """Return ``value`` if it is a number in [0, 1), else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{what} must be a number in [0, 1), got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")
    return float(value)


OPTIMIZERS: Registry[type[Optimizer]] = Registry(
    "optimiser", {cls.name: cls for cls in (SGD, Momentum, Nesterov, AverageMomentum, Adam)}
)


def get(spec: str | Optimizer, eta: float | None = None, **kwargs: Any) -> Optimizer:
    """Return an optimiser from an instance or a name (``"sgd"``, ``"momentum"``, ...).

    Parameters
    ----------
    spec : str or Optimizer
        A name (``sgd``, ``momentum``, ``nesterov``, ``average-momentum``, ``adam``) or an
        instance, returned as it is.
    eta : float, optional
        The learning rate; by default the optimiser's own.
    **kwargs
        Its other parameters, e.g. ``mu=0.5``.

    Returns
    -------
    Optimizer
        The optimiser.

    Examples
    --------
    >>> from deltaprop.core.optimizers import get
    >>> get("momentum", eta=0.05)
    Momentum(eta=0.05, mu=0.9)
    """
    if isinstance(spec, Optimizer):
        if eta is not None or kwargs:
            raise ValueError("give eta and options either to the optimiser or to fit, not both")
        return spec
    cls = OPTIMIZERS[spec]
    if eta is not None:
        kwargs["eta"] = eta
    return cls(**kwargs)
