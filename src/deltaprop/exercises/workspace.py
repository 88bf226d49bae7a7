"""A learner's workspace: one file per group of exercises, and the progress made.

``start(folder)`` writes the stubs (a file per topic, each function with its statement as
docstring) and never overwrites a file that exists. Progress (passed or not, the mistake,
hints taken) is kept in ``progress.json`` beside them, so ``list`` and ``hint`` remember.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..utils.fileio import atomic_write
from . import statements
from .feedback import Feedback

PROGRESS = "progress.json"


def file_of(topic: str) -> str:
    """The workspace file of a topic: ``output errors`` → ``output_errors.py``."""
    return topic.replace(" ", "_") + ".py"


def topics() -> dict[str, list[statements.Exercise]]:
    """The exercises grouped by topic, in the order of the course."""
    groups: dict[str, list[statements.Exercise]] = {}
    for exercise in statements.exercises():
        groups.setdefault(exercise.topic, []).append(exercise)
    return groups


def stub_file(topic: str, exercises: list[statements.Exercise]) -> str:
    """The text of a topic's file: imports, then each exercise's stub."""
    header = (
        f'"""Exercises: {topic}. Replace each `raise NotImplementedError` with your '
        f'code,\nthen run `deltaprop exercises check` in this folder."""\n\n'
        "import numpy as np\n"
    )
    return header + "".join(f"\n\n{e.stub()}" for e in exercises)


@dataclass
class Workspace:
    """A folder of exercise files and its progress file."""

    folder: Path

    @property
    def progress_path(self) -> Path:
        return self.folder / PROGRESS

    def progress(self) -> dict[str, dict[str, Any]]:
        """Progress by exercise name: passed, mistake, hints taken, when last checked."""
        try:
            data = json.loads(self.progress_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise ValueError(
                f"{self.progress_path} is not a progress file ({err}); move it "
                "away and check again to start a new one"
            ) from None
        entries = data.get("exercises", {}) if isinstance(data, dict) else {}
        return {
            k: v for k, v in entries.items() if k in statements.EXERCISES and isinstance(v, dict)
        }

    def _save(self, progress: dict[str, dict[str, Any]]) -> None:
        text = json.dumps({"version": 1, "exercises": progress}, indent=1, sort_keys=True)
        with atomic_write(self.progress_path) as handle:
            handle.write(text.encode("utf-8"))

    def record(self, feedback: list[Feedback]) -> None:
        """Keep the verdicts of a check (a stub still to write counts as not started)."""
        progress = self.progress()
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for item in feedback:
            entry = progress.setdefault(item.exercise, {})
            entry.update(
                passed=item.passed,
                mistake=item.mistake,
                checked=now,
                started=item.mistake not in ("not-implemented", "missing"),
            )
        self._save(progress)

    def hint(self, name: str) -> tuple[int, str]:
        """The next rung of the exercise's hint ladder (1 to 4), recorded as taken."""
        exercise = statements.get(name)
        progress = self.progress()
        entry = progress.setdefault(name, {})
        rung = min(int(entry.get("hints", 0)) + 1, len(exercise.hints))
        entry["hints"] = rung
        self._save(progress)
        return rung, exercise.hints[rung - 1]

    def files(self) -> list[Path]:
        """The workspace's exercise files that exist, in course order."""
        return [self.folder / file_of(t) for t in topics() if (self.folder / file_of(t)).exists()]

    def file_for(self, name: str) -> Path:
        """The file that holds exercise ``name``."""
        return self.folder / file_of(statements.get(name).topic)


def start(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """Write the stub files into ``folder``; returns (written, kept because they existed)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for topic, group in topics().items():
        path = root / file_of(topic)
        if path.exists():
            kept.append(path)
            continue
        with atomic_write(path) as handle:
            handle.write(stub_file(topic, group).encode("utf-8"))
        written.append(path)
    return written, kept
