"""``deltaprop exercises``: write the maths yourself, have it checked, trained and graded."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from .common import EXIT_ERROR


def add_parser(sub: Any) -> None:
    """Register the command and its actions."""
    command = sub.add_parser(
        "exercises",
        help="the course's exercises: write sigma', delta, backprop yourself; get them checked",
        description="Write the course's maths yourself. 'start DIR' writes the stubs, 'check' "
        "names what is wrong (in a child process with a time and memory limit), 'hint NAME' "
        "gives the next hint, 'train NAME' trains your function in a real network beside the "
        "reference, 'list' shows your progress, 'grade' grades a class's submissions.",
    )
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the exercises, with your progress")
    listing.add_argument("--dir", default=".", help="workspace folder (default: here)")
    begin = actions.add_parser("start", help="write a workspace of stubs into DIR")
    begin.add_argument("dir", help="folder to create (existing files are kept)")
    check = actions.add_parser("check", help="check a workspace, a file or one exercise")
    check.add_argument(
        "target",
        nargs="?",
        default=".",
        help="a workspace folder, a .py file or an exercise name (default: here)",
    )
    check.add_argument("--dir", default=".", help="workspace of an exercise NAME")
    check.add_argument("--watch", action="store_true", help="check again whenever a file is saved")
    check.add_argument("--timeout", type=float, default=20.0, help="seconds per file")
    check.add_argument(
        "--memory",
        type=int,
        default=1024,
        metavar="MB",
        help="memory your code may take (default 1024)",
    )
    hint = actions.add_parser("hint", help="the next hint of an exercise (recorded)")
    hint.add_argument("name")
    hint.add_argument("--dir", default=".", help="workspace folder (default: here)")
    train = actions.add_parser("train", help="train your function in a real network")
    train.add_argument("name")
    train.add_argument("--dir", default=".", help="workspace folder (default: here)")
    train.add_argument("--epochs", type=int, default=3)
    train.add_argument("--out", default=None, help="figure file (default NAME-training.png)")
    grade = actions.add_parser("grade", help="grade a class: one folder or .py file a student")
    grade.add_argument("submissions", help="folder of submissions")
    grade.add_argument(
        "--out",
        default="grades",
        help="folder for grades.csv, mistakes.csv, mistakes.png (default grades)",
    )
    grade.add_argument("--timeout", type=float, default=20.0, help="seconds per file")
    grade.add_argument(
        "--memory",
        type=int,
        default=1024,
        metavar="MB",
        help="memory each submission may take (default 1024)",
    )
    grade.add_argument("--overwrite", action="store_true", help="replace earlier grades")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    return {
        "list": _list,
        "start": _start,
        "check": _check,
        "hint": _hint,
        "train": _train,
        "grade": _grade,
    }[args.action](args)


def _list(args: argparse.Namespace) -> int:
    from ..exercises import exercises
    from ..exercises.workspace import Workspace, file_of

    progress = Workspace(Path(args.dir)).progress()
    done = sum(bool(p.get("passed")) for p in progress.values())
    print(f"{done} of {len(exercises())} exercises passed (workspace {args.dir})")
    for exercise in exercises():
        entry = progress.get(exercise.name, {})
        mark = "✓" if entry.get("passed") else ("✗" if entry.get("started") else "·")
        state = (
            "passed"
            if entry.get("passed")
            else (entry.get("mistake") or "")
            if entry.get("started")
            else "not started"
        )
        hints = f", {entry['hints']} hint(s)" if entry.get("hints") else ""
        print(f" {mark} {exercise.signature:44s} {file_of(exercise.topic):22s} {state}{hints}")
    return 0


def _start(args: argparse.Namespace) -> int:
    from ..exercises.workspace import start

    written, kept = start(args.dir)
    for path in written:
        print(f"wrote {path}")
    for path in kept:
        print(f"kept {path} (it exists; nothing overwritten)")
    print(f"next: edit the files, then `deltaprop exercises check {args.dir}`")
    return 0


def _targets(args: argparse.Namespace) -> tuple[Path, list[tuple[Path, list[str] | None]]]:
    """The workspace and the (file, exercise names) to check."""
    from ..exercises import EXERCISES
    from ..exercises.workspace import Workspace

    target = Path(args.target)
    if args.target in EXERCISES:
        workspace = Workspace(Path(args.dir))
        return workspace.folder, [(workspace.file_for(args.target), [args.target])]
    if target.is_dir():
        return target, [(path, None) for path in Workspace(target).files()]
    if target.suffix == ".py" and target.is_file():
        return target.parent, [(target, None)]
    raise ValueError(f"{args.target!r} is neither an exercise name, a .py file nor a folder")


def _check_once(args: argparse.Namespace) -> int:
    from ..exercises.files import check_file
    from ..exercises.workspace import Workspace

    folder, targets = _targets(args)
    if not targets:
        raise ValueError(f"no exercise files in {folder}: `deltaprop exercises start` writes them")
    results = []
    for path, names in targets:
        if not path.exists():
            raise ValueError(f"{path} does not exist: `deltaprop exercises start` writes it")
        results += check_file(path, names, timeout=args.timeout, memory=args.memory * 2**20)
    for feedback in results:
        if feedback.mistake in ("not-implemented", "missing"):
            print(f"· {feedback.exercise}: not started (still the stub)")
        else:
            print(feedback if not feedback.passed else _passed_line(feedback))
    Workspace(folder).record(results)
    passed = sum(f.passed for f in results)
    print(f"{passed} of {len(results)} passed")
    return 0 if passed == len(results) else EXIT_ERROR


def _passed_line(feedback: Any) -> str:
    note = f"\n  Note: {feedback.note}" if feedback.note else ""
    return f"✓ {feedback.headline}{note}"


def _check(args: argparse.Namespace) -> int:
    code = _check_once(args)
    if not args.watch:
        return code
    targets = _targets(args)[1]
    print("watching for changes (Ctrl-C to stop)")
    stamps = {p: p.stat().st_mtime_ns for p, _ in targets if p.exists()}
    while True:
        time.sleep(0.5)
        now = {p: p.stat().st_mtime_ns for p, _ in targets if p.exists()}
        if now != stamps:
            stamps = now
            print(f"\n--- {time.strftime('%H:%M:%S')}: checking again")
            code = _check_once(args)


def _hint(args: argparse.Namespace) -> int:
    from ..exercises import get
    from ..exercises.workspace import Workspace

    exercise = get(args.name)
    rung, text = Workspace(Path(args.dir)).hint(args.name)
    names = ("the idea", "the equation", "the shapes", "a skeleton")
    print(f"{exercise.name}, hint {rung} of {len(exercise.hints)} ({names[rung - 1]}):")
    print("\n".join(f"  {line}" for line in text.splitlines()))
    return 0


def _train(args: argparse.Namespace) -> int:
    from ..exercises import get
    from ..exercises.training import train_file
    from ..exercises.workspace import Workspace
    from ..files.plots import save_png

    get(args.name)
    path = Workspace(Path(args.dir)).file_for(args.name)
    if not path.exists():
        raise ValueError(f"{path} does not exist: `deltaprop exercises start` writes it")
    trained = train_file(args.name, path, epochs=args.epochs)
    print(trained)
    out = Path(args.out or f"{args.name}-training.png")
    if trained.reference.cost:
        save_png(trained.figure(), out)
        print(f"figure: {out}")
    return 0 if trained.same else EXIT_ERROR


def _grade(args: argparse.Namespace) -> int:
    from ..exercises.grading import OUTPUTS, grade, write

    out = Path(args.out)
    existing = [out / name for name in OUTPUTS if (out / name).exists()]
    if existing and not args.overwrite:
        raise ValueError(
            f"{existing[0]} exists; nothing overwritten (--overwrite to replace, or another --out)"
        )
    if not Path(args.submissions).is_dir():
        raise ValueError(f"{args.submissions} is not a folder of submissions")
    from ..exercises.grading import submissions

    if not submissions(args.submissions):
        raise ValueError(
            f"{args.submissions} holds no submissions: one folder or .py file a student"
        )
    grades = grade(
        args.submissions, timeout=args.timeout, memory=args.memory * 2**20, progress=print
    )
    print(grades.summary())
    for path in write(grades, out):
        print(f"wrote {path}")
    return 0
