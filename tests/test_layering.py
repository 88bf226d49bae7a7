"""No module reaches into another module's private names (``obj._name``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "deltaprop"
OWN = {"self", "cls"}
DOCUMENTED = {"os._exit"}  # public and documented despite the underscore (ends a forked child)


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_reach(tree: ast.AST) -> list[str]:
    """``x._name`` where x is not self/cls/super(), or ``from m import _name`` anywhere (in a
    function too): a reach into someone else's privates."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [
                f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import {a.name}"
                for a in node.names
                if private(a.name)
            ]
            continue
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            continue
        target = node.value
        if isinstance(target, ast.Name) and target.id in OWN:
            continue
        if isinstance(target, ast.Call) and getattr(target.func, "id", "") == "super":
            continue
        if ast.unparse(node) in DOCUMENTED:
            continue
        found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_no_private_reach(path):
    reaches = private_reach(ast.parse(path.read_text()))
    assert not reaches, reaches


def test_the_check_sees_a_reach():
    assert private_reach(ast.parse("network._backprop(x)")) == ["line 1: network._backprop"]
    assert private_reach(ast.parse("self._x = super()._y + obj.__class__")) == []
    inside = "def f():\n    from ..plots import _figure, new_figure\n"
    assert private_reach(ast.parse(inside)) == ["line 2: from ..plots import _figure"]
    assert private_reach(ast.parse("from __future__ import annotations")) == []
