"""Pages of the site written from the code, so that they cannot drift from it.

At ``config-inited``, before Sphinx looks for source files, this writes into ``docs/_gen/``:

- ``api/<module>.rst`` for every module of :data:`PUBLIC_MODULES`: its docstring and an
  autosummary table of its public names (``__all__``). Each object has one page, under the
  first module in the list that exports it; the other modules link to that page.
- ``exercises.md``: each exercise's statement, equation, shapes and hints (never the
  solution), from :func:`deltaprop.exercises.exercises`.
- ``lab/<name>.md`` and ``lab/index.md``: each lab experiment with its figure and its
  recorded conclusion, from ``docs/lab/<name>.json`` (written by ``deltaprop experiment``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

DOCS = Path(__file__).resolve().parent.parent
OUT = DOCS / "_gen"

#: The modules whose ``__all__`` is deltaprop's public API, in the order of the reference.
PUBLIC_MODULES = (
    "deltaprop",
    "deltaprop.core.network",
    "deltaprop.core.layers",
    "deltaprop.core.costs",
    "deltaprop.core.optimizers",
    "deltaprop.core.schedules",
    "deltaprop.core.initializers",
    "deltaprop.core.metrics",
    "deltaprop.training",
    "deltaprop.training.parallel",
    "deltaprop.datasets",
    "deltaprop.recipe",
    "deltaprop.experiments",
    "deltaprop.exercises",
    "deltaprop.sklearn",
    "deltaprop.onnx",
    "deltaprop.sweep",
    "deltaprop.studio",
    "deltaprop.utils.registry",
)


#: The documented full name of every public object, by ``id``; filled by :func:`generate`.
HOMES: dict[int, str] = {}


def kind(obj: Any) -> str:
    """The Python domain's object type of ``obj``: module, class, function or data."""
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return "function"
    return "data"


def public_names(module: ModuleType) -> list[str]:
    """``module.__all__``; every public module must declare one."""
    names = getattr(module, "__all__", None)
    if names is None:
        raise RuntimeError(f"{module.__name__} is in PUBLIC_MODULES but has no __all__")
    return list(names)


def homes() -> dict[int, str]:
    """The documented full name of every public class, function and module, by ``id``.

    A module is documented under its own name; a class or function under the first public
    module that exports it, which is how users are shown to import it.
    """
    home: dict[int, str] = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        home.setdefault(id(module), module_name)
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module):
            obj = getattr(module, name)
            if kind(obj) == "module" and id(obj) not in home:
                raise RuntimeError(f"{module_name}.{name} is a module not in PUBLIC_MODULES")
            if kind(obj) != "data":
                home.setdefault(id(obj), f"{module_name}.{name}")
    return home


def entries() -> Iterator[tuple[str, str, str, str]]:
    """``(module, name, kind, documented full name)`` for every public name."""
    home = homes()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module):
            obj = getattr(module, name)
            what = kind(obj)
            full = home.get(id(obj), f"{module_name}.{name}") if what != "data" else ""
            yield module_name, name, what, full or f"{module_name}.{name}"


def underline(title: str, char: str = "=") -> str:
    """A reST title."""
    return f"{title}\n{char * len(title)}\n"


def api_page(module_name: str, rows: list[tuple[str, str, str]]) -> str:
    """The reST page of one public module."""
    own = [name for name, what, full in rows if full == f"{module_name}.{name}"]
    elsewhere = [(name, what, full) for name, what, full in rows if name not in own]
    own_objects = [name for name in own if rows_kind(rows, name) != "module"]
    lines = [
        underline(f"``{module_name}``"),
        f".. automodule:: {module_name}\n   :no-members:\n",
        f".. currentmodule:: {module_name}\n",
    ]
    if own_objects:
        lines.append(".. autosummary::\n   :toctree: generated\n   :nosignatures:\n")
        lines += [f"   {name}" for name in own_objects]
        lines.append("")
    if elsewhere:
        lines.append(".. rubric:: Also exported here\n")
        role = {"module": "mod", "class": "class", "function": "func", "data": "data"}
        lines += [f"- ``{name}``: :{role[what]}:`{full}`" for name, what, full in elsewhere]
        lines.append("")
    return "\n".join(lines) + "\n"


def rows_kind(rows: list[tuple[str, str, str]], name: str) -> str:
    """The kind of the public name ``name`` among ``rows``."""
    return next(what for n, what, _ in rows if n == name)


def write_api(out: Path) -> None:
    """The API reference: one page per public module and an index."""
    by_module: dict[str, list[tuple[str, str, str]]] = {m: [] for m in PUBLIC_MODULES}
    for module_name, name, what, full in entries():
        by_module[module_name].append((name, what, full))
    out.mkdir(parents=True, exist_ok=True)
    for module_name, rows in by_module.items():
        (out / f"{module_name}.rst").write_text(api_page(module_name, rows), encoding="utf-8")
    toc = "\n".join(f"   {m}" for m in PUBLIC_MODULES)
    (out / "index.rst").write_text(
        underline("API reference")
        + "\nEvery public name of deltaprop, generated from its docstring. Each class and\n"
        "function has one page, under the module users import it from; the examples on\n"
        "these pages are doctests run by the test suite.\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{toc}\n",
        encoding="utf-8",
    )


def write_exercises(path: Path) -> None:
    """One page with every exercise's statement: the learner's side of the exercises."""
    from deltaprop.exercises import exercises

    lines = [
        "# The exercises\n",
        "Fifteen functions to write, from σ′(z) to backpropagation. Start them with "
        "`deltaprop exercises start` or in the notebooks of `notebooks/exercises/`, and "
        "have them checked with `deltaprop exercises check` or "
        "{func}`deltaprop.exercises.check` (see {doc}`/exercises`). Each hint ladder goes "
        "from the idea to a skeleton; no solution is given here.\n",
    ]
    topic = None
    for number, exercise in enumerate(exercises(), start=1):
        if exercise.topic != topic:
            topic = exercise.topic
            lines.append(f"## {topic.capitalize()}\n")
        lines += [
            f"### {number}. `{exercise.signature}`\n",
            f"{exercise.statement}\n",
            f"```text\n{exercise.equation}\n```\n",
            f"*Shapes*: {exercise.shapes}\n",
            "<details><summary>Hints</summary>\n",
        ]
        lines += [f"{rung}. {hint_text(hint)}\n" for rung, hint in enumerate(exercise.hints, 1)]
        lines.append("</details>\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def hint_text(hint: str) -> str:
    """A hint as Markdown; the skeleton rung keeps its lines."""
    if "\n" in hint:  # the skeleton rung: keep its lines
        return (
            "\n\n   ```text\n" + "\n".join(f"   {line}" for line in hint.splitlines()) + "\n   ```"
        )
    return hint


def write_lab(out: Path) -> None:
    """A gallery page per lab experiment: its claim, figure and recorded conclusion."""
    from deltaprop.experiments import EXPERIMENTS

    out.mkdir(parents=True, exist_ok=True)
    names = list(EXPERIMENTS)
    for name, experiment in EXPERIMENTS.items():
        record = json.loads((DOCS / "lab" / f"{name}.json").read_text(encoding="utf-8"))
        verdict = "holds" if record["holds"] else "does not hold"
        about = inspect.getdoc(experiment.fn) or experiment.summary
        (out / f"{name}.md").write_text(
            f"# {name}\n\n"
            f"*{experiment.summary}*\n\n"
            f"{about}\n\n"
            f"![{name}](../../lab/{name}.png)\n\n"
            f"**Claim**: {record['claim']}. **Verdict**: it {verdict} (seed {record['seed']}).\n\n"
            f"**Conclusion**: {record['conclusion']}.\n\n"
            f"Run it yourself: `deltaprop experiment {name}` (add `--quick` for a run in "
            "seconds); in Python, {func}`deltaprop.experiments.run`.\n",
            encoding="utf-8",
        )
    cards = "\n".join(
        f"- [![{n}](../../lab/{n}.png)]({n}.md)\n  **{n}**: {EXPERIMENTS[n].summary}" for n in names
    )
    toc = "\n".join(names)
    (out / "index.md").write_text(
        "# The lab\n\n"
        "Twelve experiments, each a claim of the course tested on real digits, with the\n"
        "figure and the conclusion recorded by `deltaprop experiment NAME`.\n\n"
        f"{cards}\n\n```{{toctree}}\n:hidden:\n\n{toc}\n```\n",
        encoding="utf-8",
    )


def generate(app: Any = None, config: Any = None) -> None:
    """Write every generated page afresh into ``docs/_gen``."""
    shutil.rmtree(OUT, ignore_errors=True)
    HOMES.clear()
    HOMES.update(homes())  # for the reference resolver, worked out once per build
    write_api(OUT / "api")
    write_exercises(OUT / "exercises.md")
    write_lab(OUT / "lab")


def documented_name(target: str) -> str | None:
    """The documented full name of the deltaprop object ``target`` names, if it has one.

    Docstrings name things as their own module sees them (``fit``, ``Checkpoint``,
    ``deltaprop.training.fit``); this finds the one page each object has.
    """
    if not target.startswith("deltaprop."):
        return None
    module_name, _, attribute = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return None
    return HOMES.get(id(obj))


def resolve(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a Python reference the plain lookup missed: by the object, then by suffix."""
    if node.get("refdomain") != "py" or node.get("deltaprop_retried"):
        return None
    domain = env.get_domain("py")
    node["deltaprop_retried"] = True
    target = node["reftarget"]
    full = documented_name(target)
    if full is None and not target.startswith("deltaprop."):
        # a name relative to its module: the unique documented object whose name ends so
        node["refspecific"] = True
        full = target
    if full is None:
        return None
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], full, node, contnode
    )


def skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> Any:
    """Leave out scikit-learn's generated metadata-routing methods (``set_fit_request``)."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Any) -> dict[str, Any]:
    """Register the page writer and the reference resolver with Sphinx."""
    # before the source files are found and autosummary reads the API pages written here
    app.connect("config-inited", generate)
    app.connect("missing-reference", resolve)
    app.connect("autodoc-skip-member", skip_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
