"""The folders show the tiers; the module paths of before still work for one release."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import deltaprop
from deltaprop.utils.moved import MOVED, SHADOWED

PACKAGE = Path(deltaprop.__file__).parent


def test_the_top_of_the_package_holds_folders_and_two_single_module_applications():
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "sklearn.py", "sweep.py"]
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert {"utils", "core", "training", "files", "datasets"} <= folders


@pytest.mark.parametrize("old", sorted(set(MOVED) - set(SHADOWED)))
def test_an_old_module_path_warns_and_gives_the_same_module(old):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {MOVED[old]}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])


def test_an_old_path_inside_a_moved_package_and_from_imports_work():
    sys.modules.pop("deltaprop.layers.conv", None)
    with pytest.warns(DeprecationWarning, match="deltaprop.layers.conv moved"):
        from deltaprop.layers.conv import Conv2D
    assert Conv2D is deltaprop.core.layers.Conv2D


def test_the_public_names_of_the_package_are_where_they_were():
    from deltaprop import Dense, Network, costs, parallel

    assert Network.__module__ == "deltaprop.core.network"
    assert Dense is deltaprop.core.layers.Dense
    assert costs is deltaprop.core.costs and parallel is deltaprop.training.parallel


def test_the_old_gradcheck_path_leaves_the_gradcheck_function_in_place():
    import deltaprop.gradcheck
    from deltaprop.gradcheck import gradcheck_layer

    from deltaprop import gradcheck

    assert callable(gradcheck) and gradcheck is deltaprop.core.gradcheck.gradcheck
    assert gradcheck_layer is deltaprop.core.gradcheck.gradcheck_layer
