"""Comparing a learner's answer with the reference, and the relations that name a mistake.

:func:`problem` says whether an answer is right and, if not, what kind of wrong it is
(wrong type, shape, dtype, values, not finite). :func:`relation` then looks for a simple
relation between the learner's values and the right ones (a factor n, −1, σ′(z), a
transpose) that names a mistake nobody put in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import Case

RTOL = 1e-6


@dataclass(frozen=True)
class Problem:
    """What is wrong with an answer: a kind, the part it is in, and the arrays compared."""

    kind: str
    detail: str
    part: str = ""
    got: np.ndarray | None = None
    expected: np.ndarray | None = None


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    """Equal up to rounding: relative 1e-6, absolute 1e-8 of the largest expected value."""
    if got.shape != expected.shape:
        return False
    scale = max(float(np.abs(expected).max(initial=0.0)), 1e-4)
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, expected, rtol=RTOL, atol=1e-8 * scale, equal_nan=True))


def same(a: Any, b: Any) -> bool:
    """Whether two answers agree (arrays close, NaN equal to NaN, sequences part by part)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return (
            a.dtype.kind in "fiub"
            and b.dtype.kind in "fiub"
            and close(a.astype(np.float64), b.astype(np.float64))
        )
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    return type(a) is type(b) and a == b


def _kind_of(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    return f"a {type(value).__name__}"


def problem(got: Any, expected: Any, part: str = "", names: tuple[str, ...] = ()) -> Problem | None:
    """None if ``got`` is right, else what is wrong with it (the first wrong part).

    ``names`` name the parts of a tuple answer (``dW``, ``db``, ...).
    """
    where = f"{part}: " if part else ""
    if got is None:
        return Problem(
            "returned-none",
            f"{where}got None: the function returns nothing (a missing `return`?)",
            part,
        )
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            want = f"{len(expected)} values" if isinstance(expected, tuple) else "a list"
            return Problem(
                "wrong-type",
                f"{where}expected {want}, got {_kind_of(got)}"
                + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""),
                part,
            )
        for index, (g, e) in enumerate(zip(got, expected, strict=False)):
            name = (
                names[index]
                if index < len(names)
                else (f"{part}[{index}]" if part else f"[{index}]")
            )
            found = problem(g, e, name)
            if found:
                return found
        return None
    if not isinstance(got, np.ndarray):
        return Problem(
            "wrong-type",
            f"{where}expected a NumPy array of shape "
            f"{expected.shape}, got {_kind_of(got)}: {str(got)[:80]}",
            part,
        )
    if got.dtype.kind not in "f" or got.dtype != np.float64:
        return Problem(
            "wrong-dtype",
            f"{where}expected float64 values, got {got.dtype} "
            "(the checks, like gradient checks, need float64)",
            part,
            got if got.dtype.kind in "fiub" else None,
            expected,
        )
    if got.shape != expected.shape:
        if got.ndim == 2 and got.shape == expected.T.shape and close(got.T, expected):
            return Problem(
                "not-transposed",
                f"{where}shape {got.shape} is the transpose of "
                f"the expected {expected.shape}, and its transpose is right",
                part,
                got,
                expected,
            )
        return Problem(
            "wrong-shape",
            f"{where}expected shape {expected.shape}, got {got.shape}",
            part,
            got,
            expected,
        )
    bad = ~np.isfinite(got) & np.isfinite(expected)
    if bad.any():
        return Problem(
            "not-finite",
            f"{where}{int(bad.sum())} entries are NaN or inf where the right values are finite",
            part,
            got,
            expected,
        )
    if not close(got, expected):
        return Problem("wrong-values", f"{where}the values differ", part, got, expected)
    return None


def worst(found: Problem, case: Case) -> str:
    """Point at the entry that is most wrong (with its z for an element-wise answer)."""
    got, expected = found.got, found.expected
    if got is None or expected is None or got.shape != expected.shape or not got.size:
        return ""
    with np.errstate(all="ignore"):
        error = np.where(np.isfinite(got), np.abs(got - expected), np.inf)
    index = np.unravel_index(int(np.nanargmax(error)), got.shape)
    at = ", ".join(map(str, index))
    z = ""
    if case.z is not None and case.z.shape == got.shape:
        z = f" (z = {case.z[index]:.6g})"
    text = f"at [{at}]{z}: expected {expected[index]:.6g}, yours {got[index]:.6g}"
    if got.size <= 12:
        for label, values in (("expected", expected), ("yours   ", got)):
            shown = np.array2string(values, precision=4).replace("\n", "\n" + " " * 13)
            text += f"\n    {label} {shown}"
    return text


RELATIONS = {
    "not-averaged": "Yours is n = {n} times the right answer: the 1/n of the mean cost "
    "C = (1/n) Σₓ Cₓ is missing.",
    "averaged-twice": "Yours is the right answer divided by n = {n} again: the mean cost "
    "has one 1/n, and it is applied once (at δᴸ).",
    "sign": "Yours is minus the right answer: the sign is flipped.",
    "doubled": "Yours is twice the right answer: a factor 2 too many.",
    "halved": "Yours is half the right answer: a factor 2 missing.",
    "missing-sigma-prime": "Yours times σ′(z) is the right answer: the factor σ′(z) is missing.",
    "extra-sigma-prime": "Yours is the right answer times σ′(z): a factor σ′(z) too many.",
    "overflow": "Yours is NaN or inf only where |z| is large: something overflows (e^(−z) "
    "or e^z for |z| near 1000). Rewrite it in a form that stays finite.",
}


def relation(found: Problem, case: Case) -> str | None:
    """The mistake a simple relation between the values names, or None."""
    got, expected = found.got, found.expected
    if got is None or expected is None or got.shape != expected.shape:
        return None
    if found.kind == "not-finite":
        bad = ~np.isfinite(got)
        if case.z is not None and case.z.shape == got.shape and np.all(np.abs(case.z[bad]) >= 30):
            return "overflow"
        return None
    if not np.all(np.isfinite(got)):
        return None
    factors = {"sign": -1.0, "doubled": 2.0, "halved": 0.5}
    if case.n > 1:
        factors = {"not-averaged": float(case.n), "averaged-twice": 1.0 / case.n, **factors}
    for mistake, factor in factors.items():
        if close(got, expected * factor):
            return mistake
    sp = case.sigma_prime
    if sp is not None and sp.shape == got.shape:
        if close(got * sp, expected):
            return "missing-sigma-prime"
        if close(got, expected * sp):
            return "extra-sigma-prime"
    return None
