"""``deltaprop exercises``: the learner's flow and a teacher's grading, through the command."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from deltaprop.exercises.workspace import PROGRESS

RIGHT_SIGMOID_PRIME = "    a = 1 / (1 + np.exp(-z))\n    return a * (1 - a)\n"
OVERFLOWING_SOFTMAX = "    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n"


def deltaprop(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deltaprop", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def _fill(path: Path, *bodies: str) -> None:
    text = path.read_text()
    for body in bodies:
        text = text.replace("    raise NotImplementedError\n", body, 1)
    path.write_text(text)


def test_start_edit_check_hint_list(tmp_path):
    ws = tmp_path / "ws"
    started = deltaprop("exercises", "start", str(ws), cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert (ws / "activations.py").exists() and (ws / "capstone.py").exists()
    fresh = deltaprop("exercises", "check", cwd=ws)
    assert fresh.returncode == 1
    assert "· sigmoid_prime: not started" in fresh.stdout and "0 of 15 passed" in fresh.stdout

    _fill(ws / "activations.py", RIGHT_SIGMOID_PRIME, OVERFLOWING_SOFTMAX)
    checked = deltaprop("exercises", "check", "activations.py", cwd=ws)
    assert "✓ sigmoid_prime: right" in checked.stdout
    assert "✗ softmax: not right yet (overflow)" in checked.stdout
    assert "1 of 2 passed" in checked.stdout

    first = deltaprop("exercises", "hint", "softmax", cwd=ws)
    second = deltaprop("exercises", "hint", "softmax", cwd=ws)
    assert "hint 1 of 4 (the idea)" in first.stdout
    assert "hint 2 of 4 (the equation)" in second.stdout

    listed = deltaprop("exercises", "list", cwd=ws)
    assert "1 of 15 exercises passed" in listed.stdout
    lines = {line.split()[1].split("(")[0]: line for line in listed.stdout.splitlines()[1:]}
    assert lines["sigmoid_prime"].lstrip().startswith("✓")
    assert "overflow, 2 hint(s)" in lines["softmax"]
    assert "not started" in lines["backprop"]
    assert (ws / PROGRESS).exists()

    again = deltaprop("exercises", "start", str(ws), cwd=tmp_path)
    assert "kept" in again.stdout and RIGHT_SIGMOID_PRIME in (ws / "activations.py").read_text()


def test_check_one_exercise_by_name_and_train_it(tmp_path):
    ws = tmp_path / "ws"
    deltaprop("exercises", "start", str(ws), cwd=tmp_path)
    _fill(ws / "activations.py", "    return 1 / (1 + np.exp(-z))\n")  # σ, not σ′
    named = deltaprop("exercises", "check", "sigmoid_prime", cwd=ws)
    assert "(returns-sigma)" in named.stdout and "softmax" not in named.stdout
    trained = deltaprop("exercises", "train", "sigmoid_prime", cwd=ws)
    assert trained.returncode == 1
    assert "first difference before training: δ of layer 0" in trained.stdout
    assert (ws / "sigmoid_prime-training.png").stat().st_size > 10_000


SUBMISSIONS = {
    "ada.py": "import numpy as np\n\ndef sigmoid_prime(z):\n"
    + RIGHT_SIGMOID_PRIME
    + "\ndef sgd_step(w, grad, eta):\n    return w - eta * grad\n",
    "bob.py": "import numpy as np\n\ndef sigmoid_prime(z):\n    return z * (1 - z)\n"
    "\ndef sgd_step(w, grad, eta):\n    return w + eta * grad\n",
    "cy/answers.py": "import numpy as np\n\ndef sigmoid_prime(z):\n    return z * (1 - z)\n",
    "loops.py": "def sigmoid_prime(z):\n    while True:\n        pass\n",
    "hangs_at_import.py": "while True:\n    pass\n\ndef sgd_step(w, grad, eta):\n    return w\n",
    "hungry.py": "import numpy as np\n\ndef sigmoid_prime(z):\n    keep = []\n"
    "    while True:\n        keep.append(np.ones(10**7))\n",
    "quits.py": "import os\n\ndef sigmoid_prime(z):\n    os._exit(0)\n",
    "chatty.py": "def sigmoid_prime(z):\n    while True:\n        print('x' * 1000)\n",
    "typo.py": "def sigmoid_prime(z)\n    return z\n",
}


@pytest.fixture
def class_folder(tmp_path):
    folder = tmp_path / "submissions"
    for name, text in SUBMISSIONS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_grade_a_class_with_submissions_that_misbehave(class_folder, tmp_path):
    out = tmp_path / "grades"
    graded = deltaprop(
        "exercises",
        "grade",
        str(class_folder),
        "--out",
        str(out),
        "--timeout",
        "3",
        "--memory",
        "200",
        cwd=tmp_path,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {
        "ada",
        "bob",
        "cy",
        "loops",
        "hangs_at_import",
        "hungry",
        "quits",
        "chatty",
        "typo",
    }
    assert rows["ada"]["sigmoid_prime"] == "passed" and rows["ada"]["passed"] == "2"
    assert rows["ada"]["softmax"] == "not attempted"
    assert rows["bob"]["sigmoid_prime"] == "used-z-for-a" and rows["bob"]["sgd_step"] == "sign"
    assert rows["cy"]["sigmoid_prime"] == "used-z-for-a"
    assert rows["loops"]["sigmoid_prime"] == "timed-out"
    assert rows["hangs_at_import"]["sgd_step"] == "timed-out"
    assert rows["hungry"]["sigmoid_prime"] == "memory"
    assert rows["quits"]["sigmoid_prime"] == "exited"
    assert rows["chatty"]["sigmoid_prime"] == "output-limit"
    assert rows["typo"]["sigmoid_prime"] == "does-not-import"
    with open(out / "mistakes.csv") as handle:
        mistakes = list(csv.DictReader(handle))
    assert mistakes[0] == {"exercise": "sigmoid_prime", "mistake": "used-z-for-a", "students": "2"}
    assert all(m["mistake"] not in ("timed-out", "memory") for m in mistakes)
    assert (out / "mistakes.png").stat().st_size > 5_000
    assert "sigmoid_prime: used-z-for-a (2 of 9)" in graded.stdout

    again = deltaprop("exercises", "grade", str(class_folder), "--out", str(out), cwd=tmp_path)
    assert again.returncode == 1 and "nothing overwritten" in again.stderr


def test_check_watch_checks_again_when_a_file_is_saved(tmp_path):
    import time

    ws = tmp_path / "ws"
    deltaprop("exercises", "start", str(ws), cwd=tmp_path)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "deltaprop", "exercises", "check", "activations.py", "--watch"],
        cwd=ws,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "watching for changes" not in seen and time.monotonic() < deadline:
            seen += watcher.stdout.readline()
        _fill(ws / "activations.py", RIGHT_SIGMOID_PRIME)
        while "✓ sigmoid_prime: right" not in seen and time.monotonic() < deadline:
            seen += watcher.stdout.readline()
        assert "checking again" in seen and "✓ sigmoid_prime: right" in seen
    finally:
        watcher.terminate()
        watcher.wait(10)
        watcher.stdout.close()
