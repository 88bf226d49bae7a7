"""What the checker tells a learner: passed or not, the mistake's name, why, and a hint."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


def _short(line: str, width: int = 160) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


@dataclass(frozen=True)
class Feedback:
    """The verdict on one exercise.

    ``mistake`` is a short id (``averaged-twice``, ``not-transposed``, ``overflow``, ...),
    None when the answer passed or the mistake is not one the checker can name.
    ``message`` says what is wrong in the notes' notation, the equation it breaks and the
    smallest input that shows it; ``note`` is a remark on a passing answer (stability);
    ``traceback`` and ``output`` are what the learner's code raised and printed.

    Examples
    --------
    >>> from deltaprop.exercises import Feedback, check
    >>> feedback = check("sigmoid_prime", lambda z: z * (1 - z))  # σ′ written with z for a
    >>> feedback.passed, feedback.mistake
    (False, 'used-z-for-a')
    """

    exercise: str
    passed: bool
    mistake: str | None = None
    message: str = ""
    hint: str = ""
    note: str = ""
    traceback: str = ""
    output: str = ""
    cases_run: int = 0
    cases_total: int = 0

    @property
    def headline(self) -> str:
        if self.passed:
            return f"{self.exercise}: right, on all {self.cases_total} inputs"
        what = f" ({self.mistake})" if self.mistake else ""
        ran = ""
        if self.cases_run < self.cases_total:
            ran = f"; checked on {self.cases_run} of {self.cases_total} inputs"
        return f"{self.exercise}: not right yet{what}{ran}"

    def __str__(self) -> str:
        lines = [("✓ " if self.passed else "✗ ") + self.headline]
        lines += [f"  {line}" for line in self.message.splitlines()]
        if self.note:
            lines += [f"  Note: {line}" for line in self.note.splitlines()]
        if self.hint:
            lines.append(f"  Hint: {self.hint}")
        if self.output:
            lines.append("  Your code printed:")
            lines += [f"    {_short(line)}" for line in self.output.splitlines()[:20]]
        if self.traceback:
            lines.append("  Traceback (below the diagnosis):")
            lines += [f"    {line}" for line in self.traceback.splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b3261e"
        parts = [
            f'<div><b style="color:{colour}">{"✓" if self.passed else "✗"} '
            f"{escape(self.headline)}</b>"
        ]
        if self.message:
            parts.append(f"<pre style='white-space:pre-wrap'>{escape(self.message)}</pre>")
        if self.note:
            parts.append(f"<p><i>Note:</i> {escape(self.note)}</p>")
        if self.hint:
            parts.append(f"<p><i>Hint:</i> {escape(self.hint)}</p>")
        for title, text in (("What your code printed", self.output), ("Traceback", self.traceback)):
            if text:
                parts.append(
                    f"<details><summary>{title}</summary><pre>{escape(text)}</pre></details>"
                )
        return "".join(parts) + "</div>"

    def to_dict(self) -> dict[str, object]:
        """The verdict as plain data (for progress files and grades)."""
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "mistake": self.mistake,
            "message": self.message,
            "hint": self.hint,
            "note": self.note,
            "cases_run": self.cases_run,
            "cases_total": self.cases_total,
        }
