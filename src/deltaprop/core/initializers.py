"""Weight and bias initialisers.

Each initialiser draws on the host from an explicit :class:`numpy.random.Generator`, so a
seed fixes every parameter whatever the backend. ``n_in`` and ``n_out`` are the fan-in and
fan-out of the layer (for a convolution: channels × kernel area and filters × kernel area).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils.config import Configurable
from ..utils.registry import Registry

Shape = tuple[int, ...]


__all__ = [
    "INITIALIZERS",
    "Constant",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "LecunNormal",
    "Normal",
    "Uniform",
    "XavierNormal",
    "XavierUniform",
    "Zeros",
    "default_for",
    "get",
]


class Initializer(Configurable):
    """Base class: ``init(shape, n_in, n_out, rng)`` returns a float64 host array.

    Examples
    --------
    An initialiser of your own returns the array for a shape and the layer's fans:

    >>> import numpy as np
    >>> from deltaprop.core.initializers import Initializer
    >>> class Ones(Initializer):
    ...     def __call__(self, shape, n_in, n_out, rng):
    ...         return np.ones(shape)
    >>> Ones()((2,), 3, 2, np.random.default_rng(0)).tolist()
    [1.0, 1.0]
    """

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        """Return a new array of the given shape."""
        raise NotImplementedError


class Zeros(Initializer):
    """w = 0: every unit of a layer starts identical (the symmetry problem).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import Zeros
    >>> Zeros()((2, 2), 2, 2, np.random.default_rng(0)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """

    name = "zeros"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return np.zeros(shape)


class Constant(Initializer):
    """w = value, e.g. a small positive bias such as 0.1 for ReLU units.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import Constant
    >>> Constant(0.1)((3,), 2, 3, np.random.default_rng(0)).tolist()
    [0.1, 0.1, 0.1]
    """

    name = "constant"

    def __init__(self, value: float = 0.0) -> None:
        self.value = float(value)

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return np.full(shape, self.value)

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class Normal(Initializer):
    """w ~ N(mean, std²); std=1 is the "large" initialisation of the course notes.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import Normal
    >>> w = Normal(std=1.0)((1000, 100), 1000, 100, np.random.default_rng(0))
    >>> round(float(w.std()), 1)
    1.0
    """

    name = "normal"

    def __init__(self, std: float = 1.0, mean: float = 0.0) -> None:
        if not std >= 0:
            raise ValueError(f"std must be >= 0, got {std}")
        self.std = float(std)
        self.mean = float(mean)

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.mean, self.std, size=shape)

    def get_config(self) -> dict[str, Any]:
        return {"std": self.std, "mean": self.mean}


class Uniform(Initializer):
    """w ~ U(−limit, +limit).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import Uniform
    >>> w = Uniform(limit=0.05)((100, 10), 100, 10, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= 0.05)
    True
    """

    name = "uniform"

    def __init__(self, limit: float = 0.05) -> None:
        if not limit >= 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        self.limit = float(limit)

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(-self.limit, self.limit, size=shape)

    def get_config(self) -> dict[str, Any]:
        return {"limit": self.limit}


class XavierNormal(Initializer):
    """w ~ N(0, 2/(n_in + n_out)) (Glorot & Bengio).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import XavierNormal
    >>> w = XavierNormal()((600, 400), 600, 400, np.random.default_rng(0))
    >>> round(float(w.std() ** 2 * 1000), 1)  # variance 2 / (n_in + n_out)
    2.0
    """

    name = "xavier_normal"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=shape)


class XavierUniform(Initializer):
    """w ~ U(±√(6/(n_in + n_out))) (Glorot & Bengio).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import XavierUniform
    >>> w = XavierUniform()((600, 400), 600, 400, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= np.sqrt(6 / 1000))
    True
    """

    name = "xavier_uniform"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=shape)


class HeNormal(Initializer):
    """w ~ N(0, 2/n_in) (He et al., for the ReLU family).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import HeNormal
    >>> w = HeNormal()((784, 100), 784, 100, np.random.default_rng(0))
    >>> round(float(w.std() ** 2 * 784), 1)  # variance 2 / n_in
    2.0
    """

    name = "he_normal"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=shape)


class HeUniform(Initializer):
    """w ~ U(±√(6/n_in)) (He et al., for the ReLU family).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import HeUniform
    >>> w = HeUniform()((784, 100), 784, 100, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= np.sqrt(6 / 784))
    True
    """

    name = "he_uniform"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        limit = np.sqrt(6.0 / n_in)
        return rng.uniform(-limit, limit, size=shape)


class LecunNormal(Initializer):
    """w ~ N(0, 1/n_in): the course notes' "1/√n_in" initialisation.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.initializers import LecunNormal
    >>> w = LecunNormal()((784, 100), 784, 100, np.random.default_rng(0))
    >>> round(float(w.std() ** 2 * 784), 1)  # variance 1 / n_in
    1.0
    """

    name = "lecun_normal"

    def __call__(self, shape: Shape, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, np.sqrt(1.0 / n_in), size=shape)


INITIALIZERS: Registry[type[Initializer]] = Registry(
    "initialiser",
    {
        cls.name: cls
        for cls in (
            Zeros,
            Constant,
            Normal,
            Uniform,
            XavierNormal,
            XavierUniform,
            HeNormal,
            HeUniform,
            LecunNormal,
        )
    },
    {
        "glorot_normal": "xavier_normal",
        "glorot_uniform": "xavier_uniform",
        "xavier": "xavier_normal",
        "glorot": "xavier_normal",
        "he": "he_normal",
        "lecun": "lecun_normal",
        "1/sqrt(n_in)": "lecun_normal",
    },
)

_RELU_FAMILY = {"relu", "leaky_relu"}


def get(spec: str | float | Initializer | dict[str, Any]) -> Initializer:
    """Resolve an initialiser from a name, a number (a constant), an instance or a config.

    Parameters
    ----------
    spec : str, float, Initializer or dict
        A name (``he_normal``, ``xavier``, ...), a number (a constant), an instance or a
        ``get_config`` dict.

    Returns
    -------
    Initializer
        The initialiser.

    Examples
    --------
    >>> get("he")
    HeNormal()
    >>> get(0.1)
    Constant(value=0.1)
    """
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, bool):
        raise TypeError(f"cannot use {spec!r} as an initialiser")
    if isinstance(spec, (int, float)):
        return Constant(float(spec))
    if isinstance(spec, dict):
        config = dict(spec)
        name = config.pop("name", None)
        return INITIALIZERS[name](**config)
    if isinstance(spec, str):
        return INITIALIZERS[spec]()
    raise TypeError(
        f"cannot use {spec!r} as an initialiser: give a name, a number or an Initializer"
    )


def config_of(init: Initializer) -> dict[str, Any]:
    """Return a JSON-ready description of an initialiser: its name plus its arguments."""
    return {"name": init.name, **init.get_config()}


def default_for(activation: str | None) -> Initializer:
    """Return the default weight initialiser for a layer followed by ``activation``.

    He for the ReLU family, Xavier (normal) otherwise.

    Parameters
    ----------
    activation : str or None
        The activation after the layer (None: none).

    Returns
    -------
    Initializer
        :class:`HeNormal` or :class:`XavierNormal`.

    Examples
    --------
    >>> from deltaprop.core.initializers import default_for
    >>> default_for("relu"), default_for("sigmoid")
    (HeNormal(), XavierNormal())
    """
    if activation is not None and activation in _RELU_FAMILY:
        return HeNormal()
    return XavierNormal()
