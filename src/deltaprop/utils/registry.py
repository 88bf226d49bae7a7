"""One registry for every kind of named thing: costs, activations, initialisers, optimisers, ...

Names are looked up after one normalisation rule, so ``"binary-cross-entropy"``,
``"binary_cross_entropy"`` and ``"Binary Cross Entropy"`` are the same name; an unknown name
gets an error that lists the known ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

__all__ = ["Registry", "UnknownNameError"]

T = TypeVar("T")


class UnknownNameError(ValueError, KeyError):
    """A name that no registry entry (or alias) matches; the message lists the known names.

    Examples
    --------
    >>> from deltaprop.utils.registry import UnknownNameError
    >>> from deltaprop.core.costs import get
    >>> try:
    ...     get("hinge")
    ... except UnknownNameError as error:
    ...     print(isinstance(error, ValueError))
    True
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def normalise(name: str) -> str:
    """Lower case, with runs of spaces, hyphens and underscores turned into one underscore.

    Examples
    --------
    >>> normalise("Binary Cross-Entropy")
    'binary_cross_entropy'
    """
    return re.sub(r"[\s_-]+", "_", str(name).strip().lower())


class Registry(Mapping[str, T], Generic[T]):
    """A read-only mapping from canonical names to entries, with aliases.

    Parameters
    ----------
    kind : str
        What the entries are, for error messages ("cost", "optimiser", ...).
    entries : mapping
        Canonical name -> entry.
    aliases : mapping, optional
        Other name -> canonical name.

    Examples
    --------
    >>> sizes = Registry("size", {"small": 1, "large": 3}, {"tiny": "small"})
    >>> sizes["Tiny"], "LARGE" in sizes, list(sizes)
    (1, True, ['small', 'large'])
    """

    def __init__(
        self, kind: str, entries: Mapping[str, T], aliases: Mapping[str, str] = {}
    ) -> None:
        self.kind = kind
        self._entries = {normalise(k): v for k, v in entries.items()}
        self._aliases = {normalise(k): normalise(v) for k, v in aliases.items()}
        for alias, target in self._aliases.items():
            if target not in self._entries:
                raise ValueError(f"alias {alias!r} names no {kind} ({target!r})")

    def canonical(self, name: str) -> str:
        """Return the canonical name for ``name`` or raise :class:`UnknownNameError`."""
        if not isinstance(name, str):
            raise UnknownNameError(f"a {self.kind} name must be a string, got {name!r}")
        key = normalise(name)
        key = self._aliases.get(key, key)
        if key not in self._entries:
            known = ", ".join(sorted({*self._entries, *self._aliases}))
            raise UnknownNameError(f"unknown {self.kind} {name!r}; known: {known}")
        return key

    def __getitem__(self, name: str) -> T:
        return self._entries[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = normalise(name)
        return self._aliases.get(key, key) in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {sorted(self._entries)})"
