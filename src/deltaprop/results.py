"""Deprecated: :class:`Evaluation` and :class:`BatchResult` are in :mod:`deltaprop.network`.

Kept for one release; importing it warns.
"""

import warnings

from .network import BatchResult, Evaluation

warnings.warn(
    "deltaprop.results is deprecated: import Evaluation and BatchResult from deltaprop.network",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["BatchResult", "Evaluation"]
