"""Grading a class: every submission checked in its own child process, then tabulated.

A submission is a folder (every ``.py`` file in it) or a single ``.py`` file, named after
its student. Each file is imported and run only in a child process with limits, so a
submission that hangs, crashes, prints without end, eats memory or does not import gets a
row that says so, and the others are graded. The grader writes ``grades.csv`` (a row per
student: each exercise's verdict), ``mistakes.csv`` (how many students made each named
mistake) and ``mistakes.png`` (the most frequent, as bars).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..utils.fileio import atomic_write
from . import sandbox, statements
from .feedback import Feedback
from .files import FILE_TIMEOUT, check_file

NOT_ATTEMPTED = "not attempted"
OUTPUTS = ("grades.csv", "mistakes.csv", "mistakes.png")
RUN_PROBLEMS = frozenset(
    {"timed-out", "exited", "killed", "memory", "output-limit", "does-not-import", "not-checked"}
)
"""Verdicts about how the code ran, not about its maths: in the grades, not the mistakes."""


@dataclass
class Grades:
    """The verdict of every student on every exercise."""

    verdicts: dict[str, dict[str, Feedback]] = field(default_factory=dict)

    def cell(self, student: str, exercise: str) -> str:
        """``passed``, the mistake's id, or ``not attempted``."""
        verdict = self.verdicts[student].get(exercise)
        if verdict is None or verdict.mistake in ("missing", "not-implemented"):
            return NOT_ATTEMPTED
        return "passed" if verdict.passed else (verdict.mistake or "wrong (unnamed)")

    def passed(self, student: str) -> int:
        return sum(v.passed for v in self.verdicts[student].values())

    def mistakes(self) -> Counter[tuple[str, str]]:
        """(exercise, mistake) → number of students who made it."""
        counts: Counter[tuple[str, str]] = Counter()
        for student in self.verdicts:
            for exercise in statements.EXERCISES:
                cell = self.cell(student, exercise)
                if cell not in ("passed", NOT_ATTEMPTED) and cell not in RUN_PROBLEMS:
                    counts[exercise, cell] += 1
        return counts

    def grades_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "passed", *statements.EXERCISES])
        for student in self.verdicts:
            writer.writerow(
                [
                    student,
                    self.passed(student),
                    *(self.cell(student, e) for e in statements.EXERCISES),
                ]
            )
        return out.getvalue()

    def mistakes_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["exercise", "mistake", "students"])
        for (exercise, mistake), count in self.mistakes().most_common():
            writer.writerow([exercise, mistake, count])
        return out.getvalue()

    def summary(self, top: int = 5) -> str:
        students = len(self.verdicts)
        lines = [
            f"{students} submissions graded; exercises passed per student: "
            + ", ".join(f"{s} {self.passed(s)}" for s in self.verdicts)
        ]
        common = self.mistakes().most_common(top)
        if common:
            lines.append("most frequent named mistakes:")
            lines += [
                f"  {exercise}: {mistake} ({count} of {students})"
                for (exercise, mistake), count in common
            ]
        return "\n".join(lines)

    def figure(self, top: int = 12):  # type: ignore[no-untyped-def]
        """The most frequent mistakes as horizontal bars (matplotlib)."""
        from ..files.plots import new_figure

        common = self.mistakes().most_common(top)[::-1]
        fig = new_figure(7, 0.4 * max(len(common), 3) + 1)
        axis = fig.subplots()
        axis.barh([f"{e}: {m}" for (e, m), _ in common], [c for _, c in common], color="#b3261e")
        axis.set(
            xlabel="students", title=f"Most frequent mistakes ({len(self.verdicts)} submissions)"
        )
        axis.xaxis.get_major_locator().set_params(integer=True)
        return fig


def submissions(folder: str | Path) -> dict[str, list[Path]]:
    """Each student's files: a sub-folder's ``.py`` files, or a ``.py`` file of its own."""
    found: dict[str, list[Path]] = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            found[entry.name] = sorted(p for p in entry.rglob("*.py") if p.is_file())
        elif entry.suffix == ".py":
            found[entry.stem] = [entry]
    return found


def grade(
    folder: str | Path,
    *,
    timeout: float = FILE_TIMEOUT,
    memory: int = sandbox.MEMORY,
    progress: Callable[[str], None] | None = None,
) -> Grades:
    """Check every submission in ``folder``, each file in its own child process."""
    grades = Grades()
    for student, paths in submissions(folder).items():
        verdicts: dict[str, Feedback] = {}
        for path in paths:
            for verdict in check_file(path, timeout=timeout, memory=memory):
                earlier = verdicts.get(verdict.exercise)
                if earlier is None or earlier.mistake in ("missing", "not-implemented"):
                    verdicts[verdict.exercise] = verdict
        grades.verdicts[student] = verdicts
        if progress:
            progress(f"{student}: {sum(v.passed for v in verdicts.values())} passed")
    return grades


def write(grades: Grades, out: str | Path) -> list[Path]:
    """Write grades.csv, mistakes.csv and mistakes.png into ``out``."""
    from ..files.plots import save_png

    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("grades.csv", grades.grades_csv()),
        ("mistakes.csv", grades.mistakes_csv()),
    ):
        with atomic_write(root / name) as handle:
            handle.write(text.encode("utf-8"))
        written.append(root / name)
    save_png(grades.figure(), root / "mistakes.png")
    return [*written, root / "mistakes.png"]
