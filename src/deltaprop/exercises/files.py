"""Checking the exercises written in a file: the file is imported in a child process.

Importing a learner's file runs the learner's code, so it happens in the child with the
calls (:mod:`.sandbox`): a file that loops at import, exits, does not parse or prints
without end is reported, and its exercises are marked as not checked.
"""

from __future__ import annotations

import runpy
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import checker, sandbox, statements
from .feedback import Feedback


def _work(path: Path, names: Sequence[str], seed: int) -> Callable[[Callable], None]:
    cases = {name: checker.judged_cases(name, seed) for name in names}

    def work(send: Callable[[dict[str, Any]], None]) -> None:
        try:
            namespace = runpy.run_path(str(path), run_name="__learner__")
        except BaseException as err:
            frames = traceback.extract_tb(err.__traceback__)[1:]
            text = "".join(traceback.format_list(frames) + traceback.format_exception_only(err))
            send({"load_error": f"{type(err).__name__}: {err}"[:500], "traceback": text[-4000:]})
            return
        for name in names:
            fn = namespace.get(name)
            if not callable(fn):
                send({"exercise": name, "missing": True})
                continue
            exercise = statements.get(name)
            for case in cases[name]:
                send({"exercise": name, **checker.call(fn, exercise, case)})

    return work


def defined_in(path: Path) -> list[str]:
    """The exercises a file defines a function for (read from its text, not run)."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return [
            name
            for name in statements.EXERCISES
            if f"def {name}(" in path.read_text(encoding="utf-8", errors="replace")
        ]
    found = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return [name for name in statements.EXERCISES if name in found]


FILE_TIMEOUT = 20.0


def check_file(
    path: str | Path,
    names: Sequence[str] | None = None,
    *,
    timeout: float = FILE_TIMEOUT,
    memory: int = sandbox.MEMORY,
    seed: int = 0,
) -> list[Feedback]:
    """Check every exercise defined in the file at ``path`` (or only ``names``).

    One child process imports the file and runs all its functions, in ``timeout`` seconds
    for the whole file. Returns one :class:`Feedback` per exercise, in course order.
    """
    path = Path(path)
    names = list(names) if names is not None else defined_in(path)
    if not names:
        return []
    run = sandbox.isolated(_work(path, names, seed), timeout=timeout, memory=memory)
    if not run.messages and run.ended != "done":  # stopped while importing the file
        return [_unchecked(name, run.ended, "", "", run) for name in names]
    if run.messages and "load_error" in run.messages[0]:
        error = run.messages[0]
        return [
            _unchecked(
                name,
                "does-not-import",
                f"{path.name} could not be imported: {error['load_error']}",
                error.get("traceback", ""),
                run,
            )
            for name in names
        ]
    by_name: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    missing = set()
    for message in run.messages:
        name = message.pop("exercise", None)
        if name not in by_name:
            continue
        if message.get("missing"):
            missing.add(name)
        else:
            by_name[name].append(message)
    feedback = []
    stopped = False
    for name in names:
        total = len(checker.judged_cases(name, seed))
        if name in missing:
            feedback.append(
                _unchecked(name, "missing", f"{path.name} defines no function {name}.", "", run)
            )
        elif stopped:
            feedback.append(
                _unchecked(
                    name,
                    "not-checked",
                    "Not checked: the file's child process was stopped on an earlier exercise.",
                    "",
                    run,
                )
            )
        else:
            stopped = len(by_name[name]) < total
            feedback.append(checker.judge(statements.get(name), by_name[name], run, seed, timeout))
    return feedback


def _unchecked(name: str, mistake: str, message: str, trace: str, run: sandbox.Run) -> Feedback:
    total = len([c for c in checker.judged_cases(name, 0) if not c.probe])
    base = Feedback(name, passed=False, cases_total=total, output=run.output)
    if run.ended != "done" and not run.messages:
        mistake, message = run.ended, f"{message} {run.detail}".strip()
        if run.ended == "timed-out":
            message = "Importing the file did not finish in time (an endless loop at import?)."
    return replace(
        base,
        mistake=mistake,
        message=message,
        traceback=trace,
        hint="Keep only function definitions (and imports) at the top of the file.",
    )
