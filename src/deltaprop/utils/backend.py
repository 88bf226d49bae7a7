"""The one place that knows which array module does the arithmetic.

Layer code calls :func:`get_array_module` on its input and uses only NumPy-API calls on
the module it gets back, so a GPU array module with the NumPy API (CuPy) can drop in here
without touching any layer.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Union

import numpy as np

try:  # optional GPU backend; never required
    import cupy  # type: ignore[import-not-found]

    gpu_available = True
except ImportError:  # the normal case on a CPU machine
    cupy = None
    gpu_available = False

Array = Union[np.ndarray, Any]  # noqa: UP007 (a runtime alias must work on Python 3.10)
"""Type alias for an array of the active backend (NumPy, or CuPy when used)."""

DEFAULT_DTYPE = np.dtype(np.float32)
"""Default floating-point type of parameters and activations; gradient checks use float64."""

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def get_array_module(*arrays: Any) -> ModuleType:
    """Return the array module (``numpy`` or ``cupy``) that the given arrays live in."""
    if cupy is not None:
        return cupy.get_array_module(*arrays)
    return np


def resolve_dtype(dtype: Any = None) -> np.dtype:
    """Return a supported float dtype (float32 or float64); ``None`` means the default."""
    resolved = DEFAULT_DTYPE if dtype is None else np.dtype(dtype)
    if resolved not in _FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64, got {resolved}")
    return resolved


def asarray(x: Any, dtype: Any = None, xp: ModuleType | None = None) -> Array:
    """Return ``x`` as an array of the given backend (NumPy by default) and dtype."""
    module = np if xp is None else xp
    return module.asarray(x, dtype=dtype)


def to_numpy(x: Any) -> np.ndarray:
    """Return ``x`` as a NumPy array on the host (a no-op for NumPy arrays)."""
    if cupy is not None and isinstance(x, cupy.ndarray):
        return cupy.asnumpy(x)
    return np.asarray(x)
