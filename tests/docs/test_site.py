"""The documentation site builds with warnings as errors and documents every public name.

The site is built once per session (``sphinx-build -W --keep-going``, about half a minute)
into a temporary folder; the tests then read what was built: its inventory
(``objects.inv``), its command-line page, its exercise page and its static files.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

pytest.importorskip("sphinx")  # in the dev extra; .ci/run always has it


def _docs_extension():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "deltaprop_docs", DOCS / "_ext" / "deltaprop_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXT = _docs_extension()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stderr.strip() == "", done.stderr[-4000:]  # not one warning
    return out / "html"


def inventory(site: Path) -> dict[str, set[str]]:
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as stream:
        loaded = InventoryFile.load(stream, "", lambda base, uri: uri)
    data = loaded.data if hasattr(loaded, "data") else loaded  # Sphinx 8.2+ wraps it
    return {kind: set(names) for kind, names in data.items()}


ROLE = {
    "module": {"py:module"},
    "class": {"py:class", "py:exception"},
    "function": {"py:function"},
    "data": {"py:data", "py:attribute"},
}


def missing_entries(inv: dict[str, set[str]], entries) -> list[str]:  # type: ignore[no-untyped-def]
    """The public names whose documented name is in none of the inventory's fitting kinds."""
    return [
        f"{module}.{name} (as {full})"
        for module, name, what, full in entries
        if not any(full in inv.get(kind, ()) for kind in ROLE[what])
    ]


def test_the_site_builds_without_a_warning(site):
    # the command the README gives is the one built here (less -q and the folders)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m sphinx -W --keep-going -b html docs docs/_build/html" in readme
    assert (site / "index.html").exists()
    for page in ("getting-started", "course", "guide/index", "cli", "changelog", "contributing"):
        assert (site / f"{page}.html").exists(), page


def test_every_public_name_has_an_api_entry(site):
    inv = inventory(site)
    entries = list(EXT.entries())
    assert len(entries) > 150
    assert missing_entries(inv, entries) == []
    # the check can fail: an inventory without one class's entry is caught
    dense = "deltaprop.Dense"
    assert dense in inv["py:class"]
    without = {kind: names - {dense} for kind, names in inv.items()}
    assert missing_entries(without, entries) != []


def test_every_module_that_declares_a_public_api_is_documented():
    import deltaprop

    declared = set()
    for info in pkgutil.walk_packages(deltaprop.__path__, "deltaprop."):
        if "._" in info.name or info.name.startswith("deltaprop.cli"):
            continue
        module = importlib.import_module(info.name)
        if "__all__" in vars(module) and module.__name__ == info.name:
            declared.add(info.name)
    # modules whose __all__ only lists what their package re-exports
    re_exported = {"deltaprop.files.serialization", "deltaprop.exercises.training"}
    internal = {"deltaprop.exercises.wrong"}  # the catalogue of wrong answers: the judge's
    assert declared - set(EXT.PUBLIC_MODULES) - re_exported - internal == set()


def test_every_public_class_and_function_has_an_example():
    no_example = [
        full
        for module, name, what, full in EXT.entries()
        if what in ("class", "function")
        and full == f"{module}.{name}"
        and ">>>" not in (inspect.getdoc(getattr(importlib.import_module(module), name)) or "")
    ]
    assert no_example == []


def test_the_command_line_page_has_every_command_and_flag(site):
    from deltaprop.cli import build_parser

    page = re.sub(r"<[^>]+>", "", (site / "cli.html").read_text(encoding="utf-8"))

    def walk(parser: argparse.ArgumentParser, prog: str):  # type: ignore[no-untyped-def]
        for action in parser._actions:  # argparse's public-in-practice list of arguments
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, f"{prog} {name}")
            elif action.option_strings and action.help != argparse.SUPPRESS:
                yield prog, max(action.option_strings, key=len)

    flags = list(walk(build_parser(), "deltaprop"))
    assert len(flags) > 90
    missing = [f"{prog} {flag}" for prog, flag in flags if flag not in page]
    assert missing == []
    for command in ("train", "evaluate", "exercises grade", "sweep", "studio"):
        assert f"deltaprop {command}" in page


def test_the_exercise_page_states_every_exercise_and_gives_no_solution(site):
    from deltaprop.exercises import exercises, solutions

    page = (site / "_gen" / "exercises.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    for exercise in exercises():
        assert exercise.name in text
    answers = [
        line.strip()
        for line in inspect.getsource(solutions).splitlines()
        if line.strip().startswith("return ") and len(line.strip()) > 20
    ]
    assert answers, "the reference solutions should have return lines to look for"
    assert [line for line in answers if line in text] == []


def test_the_site_fetches_nothing_from_the_internet(site):
    assert (site / "_static" / "mathjax").is_dir()  # MathJax is served from the site
    pages = [site / "index.html", site / "guide" / "networks.html"]
    pages += list((site / "_gen" / "api" / "generated").glob("deltaprop.Dense.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', html) == [], page


def test_the_notebooks_are_rendered_with_their_outputs(site):
    for notebook in sorted((DOCS / "notebooks").glob("*.ipynb")):
        html = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert "cell_output" in html, notebook.stem
    # a figure the notebook drew is in the page
    assert "<img" in (site / "notebooks" / "06_convolutions.html").read_text(encoding="utf-8")


# made by the library and handed to the user, who reads their fields rather than passing them
HANDED_BACK = {"DivergenceError", "GradCheckResult", "History", "TrainingEvent", "ModelFileError"}


def test_every_top_level_callable_documents_its_parameters():
    import deltaprop

    undocumented = []
    for name in deltaprop.__all__:
        obj = getattr(deltaprop, name)
        if name in HANDED_BACK or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        parameters = [p for p in inspect.signature(obj).parameters if p not in ("self", "network")]
        doc = inspect.getdoc(obj) or ""
        if parameters and "Parameters\n----------" not in doc:
            undocumented.append(name)
    assert undocumented == []


def test_every_public_function_documents_its_parameters():
    undocumented = []
    for module, name, what, full in EXT.entries():
        if what != "function" or full != f"{module}.{name}":
            continue
        obj = getattr(importlib.import_module(module), name)
        doc = inspect.getdoc(obj) or ""
        if inspect.signature(obj).parameters and "Parameters\n----------" not in doc:
            undocumented.append(full)
    assert undocumented == []
