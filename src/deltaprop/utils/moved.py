"""The module paths of before the layout by tiers, kept for one release with a warning.

``import deltaprop.costs`` (and ``from deltaprop import costs``) still give the module,
now :mod:`deltaprop.core.costs`, and say where it lives; the module is the same object, so
nothing is imported twice.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import Any

FOLDERS = {
    "core": (
        "costs",
        "initializers",
        "optimizers",
        "schedules",
        "metrics",
        "network",
        "stacks",
        "spec",
        "gradcheck",
        "diagnostics",
        "layers",
    ),
    "files": ("archive", "serialization", "plots"),
    "utils": ("backend", "validation", "config", "registry", "fileio", "table", "jupyter"),
    "training": ("parallel",),
    "recipe": ("footprint",),
}
MOVED = {
    f"deltaprop.{name}": f"deltaprop.{folder}.{name}"
    for folder, names in FOLDERS.items()
    for name in names
}
MOVED["deltaprop.results"] = "deltaprop.core.network"  # Evaluation and BatchResult


def new_name(old: str) -> str | None:
    """Where the module ``old`` (or one inside a moved package) lives now, if it moved."""
    for before, after in MOVED.items():
        if old == before or old.startswith(before + "."):
            return after + old[len(before) :]
    return None


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.target}; the old path goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """The module ran already, under its new name."""


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds the old paths of moved modules and hands back the modules themselves."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        target_name = new_name(fullname)
        if target_name is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(target_name))


SHADOWED = ("deltaprop.gradcheck",)
"""Old paths whose name on the package is not the module (``deltaprop.gradcheck`` is the
function): they are put in ``sys.modules`` at once, without a warning, because importing
them through the finder would set the package's attribute to the module."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once), and the shadowed old paths in place."""
    for old in SHADOWED:
        sys.modules.setdefault(old, importlib.import_module(MOVED[old]))
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedModules())  # before the path finder, which would load
        # a second copy of a module inside a moved package under its old name
