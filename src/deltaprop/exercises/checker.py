"""``check(name, fn)``: run a learner's function on designed inputs and name its mistake.

The learner's function runs in a child process (:mod:`.sandbox`); the judge, here, runs
only the reference and the catalogue of known-wrong answers (:mod:`.wrong`) on the same
inputs. A mistake is named, in order, by: what the code did (raised, returned None, the
wrong type, dtype or shape, looped, printed without end), the catalogue (a known-wrong
variant that gives the learner's answers on every input), and the relations of
:mod:`.compare` (a factor n, −1, σ′(z), overflow at large |z|).
"""

from __future__ import annotations

import copy
import functools
import inspect
import traceback
import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from . import compare, inputs, sandbox, statements
from .compare import Problem
from .feedback import Feedback
from .solutions import REFERENCES
from .statements import Exercise
from .wrong import CATALOGUE, Wrong

TIMEOUT = 10.0


def call(fn: Callable[..., Any], exercise: Exercise, case: inputs.Case) -> dict[str, Any]:
    """Call ``fn`` on a copy of the case's arguments; what happened, as JSON-able data.

    This runs in the child process: it is the only place the learner's code is called.
    """
    args = copy.deepcopy(case.args)
    before = copy.deepcopy(args)
    report: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            report["value"] = sandbox.encode(fn(*[args[p] for p in exercise.parameters]))
        except BaseException as err:
            frames = traceback.extract_tb(err.__traceback__)[1:]
            text = "".join(traceback.format_list(frames) + traceback.format_exception_only(err))
            report["raised"] = {
                "type": type(err).__name__,
                "message": str(err)[:500],
                "traceback": text[-4000:],
            }
    report["warnings"] = sorted({str(w.message) for w in caught})[:5]
    report["changed"] = [
        p
        for p in exercise.parameters
        if isinstance(before[p], np.ndarray) and not _unchanged(args[p], before[p])
    ]
    return report


def _unchanged(after: Any, before: np.ndarray) -> bool:
    if not isinstance(after, np.ndarray) or after.shape != before.shape:
        return False
    return bool(np.allclose(after, before, rtol=1e-12, atol=1e-15, equal_nan=True))


def _outcome(fn: Callable[..., Any], args: dict[str, Any], exercise: Exercise) -> Any:
    """A variant's (our own code's) answer, or the type of what it raised."""
    try:
        with np.errstate(all="ignore"):
            return fn(*[copy.deepcopy(args[p]) for p in exercise.parameters])
    except Exception as err:
        return _Raised(type(err).__name__)


class _Raised:
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Raised) and other.type_name == self.type_name

    __hash__ = None  # type: ignore[assignment]


@functools.lru_cache(maxsize=64)
def _judged(name: str, seed: int) -> tuple[list[inputs.Case], list[Any], list[list[Any]]]:
    """The cases, the reference's answers and every catalogued variant's answers."""
    exercise = statements.get(name)
    cases = inputs.cases_for(name, exercise.parameters, seed)
    expected = [_outcome(REFERENCES[name], case.args, exercise) for case in cases]
    variants = [[_outcome(w.fn, case.args, exercise) for case in cases] for w in CATALOGUE[name]]
    return cases, expected, variants


def judged_cases(name: str, seed: int = 0) -> list[inputs.Case]:
    """The inputs exercise ``name`` is checked on (probes included), in order."""
    return _judged(name, seed)[0]


def _learner_answers(reports: list[dict[str, Any]]) -> list[Any]:
    return [
        _Raised(r["raised"]["type"]) if "raised" in r else sandbox.decode(r["value"])
        for r in reports
    ]


def _matches(learner: list[Any], variant: list[Any]) -> bool:
    compared = False
    for mine, theirs in zip(learner, variant, strict=False):
        if isinstance(mine, _Raised) or isinstance(theirs, _Raised):
            if not (isinstance(mine, _Raised) and mine == theirs):
                return False
            continue
        if not compare.same(mine, theirs):
            return False
        compared = True
    return compared


def _named(name: str, learner: list[Any], variants: list[list[Any]]) -> Wrong | None:
    for wrong, answers in zip(CATALOGUE[name], variants, strict=False):
        if _matches(learner, answers):
            return wrong
    return None


GENERIC = {
    "not-implemented": (
        "The function still raises NotImplementedError: it is the stub.",
        "Replace `raise NotImplementedError` with your code.",
    ),
    "returned-none": (
        "The function returns None: it needs a `return`.",
        "End the function with `return` and the result.",
    ),
    "wrong-type": (
        "The function returns the wrong kind of value.",
        "Return NumPy arrays (np.asarray turns a list into one).",
    ),
    "wrong-dtype": ("The result is not float64.", "Compute with floats: np.float64."),
    "wrong-shape": ("The result has the wrong shape.", "Compare the shapes in the statement."),
    "not-transposed": ("A transpose is missing.", "Check which side each factor goes on."),
    "input-modified": (
        "The function changed an argument in place; the caller (a network "
        "keeping z for its backward pass) would then see wrong values.",
        "Compute into new arrays instead of writing into the arguments.",
    ),
    "not-finite": (
        "The result has NaN or inf where the right one is finite.",
        "Look for a division by zero or an exp that overflows.",
    ),
    "raised": (
        "The function raised an error on this input (traceback below).",
        "Check the shapes: print(x.shape) for each argument and each step.",
    ),
    "memory": (
        "It ran out of memory: it asked for more than the checker allows (1 GiB unless "
        "told otherwise).",
        "Nothing here needs more than a few arrays the size of the inputs.",
    ),
    "output-limit": (
        f"It printed more than {sandbox.OUTPUT // 2**20} MB and was stopped.",
        "Remove the print in the loop.",
    ),
    "exited": (
        "It ended the Python process (sys.exit or exit()).",
        "Return the result instead of exiting.",
    ),
}


def _explain(
    mistake: str | None,
    kind: str,
    exercise: Exercise,
    wrong: Wrong | None,
    case: inputs.Case,
    detail: str,
    n: int,
) -> tuple[str, str]:
    if wrong is not None:
        text, hint = wrong.message, wrong.hint
    elif mistake in compare.RELATIONS:
        text, hint = compare.RELATIONS[mistake].format(n=case.n), exercise.hints[1]
    elif kind in GENERIC:
        text, hint = GENERIC[kind]
    else:
        text = (
            "The values are not the ones the equation gives, and this is not a mistake "
            "the checker knows by name."
        )
        hint = exercise.hints[1]
    lines = [
        text,
        f"Equation: {exercise.equation}",
        f"Smallest input that shows it (input {n}): {case.about}",
    ]
    if detail:
        lines.append(f"  {detail}")
    return "\n".join(lines), hint


def judge(
    exercise: Exercise,
    reports: list[dict[str, Any]],
    run: sandbox.Run | None = None,
    seed: int = 0,
    timeout: float = TIMEOUT,
) -> Feedback:
    """The verdict on the learner's reports (one per case, in order) from the child."""
    cases, expected, variants = _judged(exercise.name, seed)
    learner = _learner_answers(reports)
    base = Feedback(
        exercise.name,
        passed=False,
        cases_run=sum(not c.probe for c in cases[: len(reports)]),
        cases_total=sum(not c.probe for c in cases),
        output=run.output if run else "",
    )
    for index, (case, report) in enumerate(zip(cases, reports, strict=False)):
        if case.probe:
            continue
        found = _problem(exercise, report, learner[index], expected[index])
        if found is None:
            continue
        wrong = _named(exercise.name, learner, variants)
        mistake = (
            wrong.mistake if wrong else (compare.relation(found, case) or _kind_mistake(found.kind))
        )
        detail = found.detail
        where = compare.worst(found, case)
        if where:
            detail += f"; {where}"
        message, hint = _explain(mistake, found.kind, exercise, wrong, case, detail, index + 1)
        raised = report.get("raised", {})
        if found.kind == "not-implemented":  # the stub as it was handed out: nothing to show
            message, raised = f"{GENERIC['not-implemented'][0]}\nEquation: {exercise.equation}", {}
        return replace(
            base,
            passed=False,
            mistake=mistake,
            message=message,
            hint=hint,
            traceback=raised.get("traceback", ""),
        )
    if len(reports) < len(cases):
        return _stopped(exercise, cases[len(reports)], run, timeout, base)
    noted = sorted({w for r in reports for w in r.get("warnings", [])})
    note = ""
    if noted:
        note = (
            f"NumPy warned while running your function ({'; '.join(noted)}). The "
            "results are right, but a formula that never overflows is more stable "
            "(see the equation's hint)."
        )
    tried = "\n".join(f"  {c.about}" for c in cases if not c.probe)
    return replace(base, passed=True, note=note, message=f"Checked on:\n{tried}")


def _kind_mistake(kind: str) -> str | None:
    return None if kind in ("wrong-values", "not-finite") else kind


def _problem(
    exercise: Exercise, report: dict[str, Any], answer: Any, expected: Any
) -> Problem | None:
    if "raised" in report:
        raised = report["raised"]
        kind = {
            "NotImplementedError": "not-implemented",
            "MemoryError": "memory",
            "SystemExit": "exited",
        }.get(raised["type"], "raised")
        if raised["type"] == "OSError" and "File too large" in raised["message"]:
            kind = "output-limit"  # Python ignores SIGXFSZ: printing past the limit raises
        return Problem(kind, f"it raised {raised['type']}: {raised['message']}")
    found = compare.problem(answer, expected, names=exercise.outputs)
    if found is None:
        changed = [p for p in report.get("changed", []) if p not in exercise.may_modify]
        if changed:
            return Problem("input-modified", f"{', '.join(changed)} changed during the call")
    return found


def _stopped(
    exercise: Exercise,
    case: inputs.Case,
    run: sandbox.Run | None,
    timeout: float,
    base: Feedback,
) -> Feedback:
    ended = run.ended if run else "exited"
    detail = run.detail if run else ""
    text = {
        "timed-out": f"It did not finish within {timeout:g} s (an endless loop?)",
        "output-limit": f"It was stopped: {detail}",
        "killed": f"It was stopped: {detail} (out of memory?)",
    }.get(ended, f"It stopped the checker's child process: {detail}")
    message = f"{text}, on the input {case.about}."
    return replace(base, passed=False, mistake=ended, message=message, hint=exercise.hints[2])


def check(
    name: str, fn: Any, *, timeout: float = TIMEOUT, memory: int = sandbox.MEMORY, seed: int = 0
) -> Feedback:
    """Check a learner's ``fn`` for exercise ``name``; never raises for what ``fn`` does.

    ``fn`` runs in a child process with ``timeout`` seconds and ``memory`` bytes.

    Parameters
    ----------
    name : str
        The exercise (:func:`exercises` lists them).
    fn : callable
        The learner's function, with the exercise's signature.
    timeout : float, default 10.0
        Seconds the child process may run.
    memory : int, default 1 GiB
        Bytes of address space it may take.
    seed : int, default 0
        Seed of the designed random inputs.

    Returns
    -------
    Feedback
        Passed or not, the mistake's id, a message in the notes' notation and a hint.

    Examples
    --------
    >>> import numpy as np
    >>> print(check("sgd_step", lambda w, grad, eta: w + eta * grad).mistake)
    sign
    """
    exercise = statements.get(name)
    base = Feedback(
        name, passed=False, cases_total=sum(not c.probe for c in _judged(name, seed)[0])
    )
    if not callable(fn):
        return replace(
            base,
            passed=False,
            mistake="not-callable",
            message=f"{fn!r} is not a function; write `def {exercise.signature}:`",
        )
    try:
        inspect.signature(fn).bind(*exercise.parameters)
    except TypeError:
        return replace(
            base,
            passed=False,
            mistake="wrong-signature",
            message=f"It cannot be called as {exercise.signature}.",
            hint=f"def {exercise.signature}:",
        )
    except ValueError:
        pass  # a builtin or C function without a signature: let the call decide
    cases = _judged(name, seed)[0]

    def work(send: Callable[[dict[str, Any]], None]) -> None:
        for case in cases:
            send(call(fn, exercise, case))

    try:
        run = sandbox.isolated(work, timeout=timeout, memory=memory)
    except sandbox.SandboxUnavailable as err:
        return replace(base, mistake="no-sandbox", message=f"Not checked: {err}.")
    return judge(exercise, run.messages, run, seed, timeout)
