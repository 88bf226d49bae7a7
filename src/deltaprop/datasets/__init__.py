"""Data sets: the bundled MNIST digits, and splitting helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .mnist import load_mnist_sample
from .split import stratified_split

DATASETS: dict[str, Callable[..., Any]] = {"mnist-sample": load_mnist_sample}


def load(name: str, **kwargs: Any) -> Any:
    """Load a named data set, e.g. ``load("mnist-sample")``; see ``DATASETS`` for the names."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name](**kwargs)


__all__ = ["DATASETS", "load", "load_mnist_sample", "stratified_split"]
