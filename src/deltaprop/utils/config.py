"""Objects described by their constructor arguments (Keras's get_config idea)."""

from __future__ import annotations

from typing import Any


class Configurable:
    """Base for objects that ``get_config()`` describes and ``cls(**config)`` rebuilds."""

    name = ""

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as JSON-ready data."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
