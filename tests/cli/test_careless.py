"""The careless user: every command with out-of-range, wrong-type, empty, huge and wrong-file
values, and the kind of answer each must get.

- ``trains``: it works (exit 0), and what it chose for the user, if anything, is said;
- ``warns``: it works, and stderr (or stdout for a note) names the problem;
- ``refuses``: exit 1 or 2, nothing written, and exactly one line on stderr that names the
  problem (never a traceback; ``--debug`` shows one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from deltaprop import Network, save
from deltaprop.cli import main
from deltaprop.datasets import load_mnist_sample


@dataclass(frozen=True)
class Case:
    argv: str  # {d} is the folder of the files below; {out} a fresh output folder
    kind: str  # trains | warns | refuses
    words: str = ""  # what the answer must say
    env: tuple[tuple[str, str], ...] = ()


QUICK = "--epochs 1 --no-progress --hidden 10"
CASES = {
    # train: numbers out of range, of the wrong type, huge
    "epochs 0": Case(f"train {QUICK} --epochs 0", "refuses", "epochs"),
    "epochs abc": Case("train --epochs abc", "refuses", "invalid int value: 'abc'"),
    "batch 0": Case(f"train {QUICK} --batch-size 0", "refuses", "batch size"),
    "batch huge": Case(f"train {QUICK} --batch-size 1000000000", "warns", "fewer than one batch"),
    "eta 0": Case(f"train {QUICK} --eta 0", "refuses", "eta"),
    "eta -1": Case(f"train {QUICK} --eta -1", "refuses", "eta"),
    "eta nan": Case(f"train {QUICK} --eta nan", "refuses", "eta"),
    "eta inf": Case(f"train {QUICK} --eta inf", "refuses", "eta"),
    "eta huge": Case(f"train {QUICK} --eta 1e6", "warns", "far above the usual"),
    "momentum 1.5": Case(f"train {QUICK} --momentum 1.5", "refuses", "mu"),
    "lmbda -1": Case(f"train {QUICK} --lmbda -1", "refuses", "--lmbda must be >= 0"),
    "hidden 0": Case(f"train {QUICK} --hidden 0", "refuses", "hidden sizes must be positive"),
    "hidden abc": Case("train --hidden abc", "refuses", "hidden sizes must be integers"),
    "hidden empty": Case("train --hidden ,", "refuses", "hidden sizes must be positive"),
    "hidden huge": Case(f"train {QUICK} --hidden 1000000", "refuses", "--max-memory"),
    "hidden enormous": Case(f"train {QUICK} --hidden 100000000", "refuses", "make it smaller"),
    "max memory 0": Case(f"train {QUICK} --max-memory 0", "refuses", "--max-memory must be > 0"),
    "activation": Case(f"train {QUICK} --activation sigmoidd", "refuses", "sigmoid"),
    "output": Case(f"train {QUICK} --output soft", "refuses", "softmax"),
    "cost": Case(f"train {QUICK} --cost hinge", "refuses", "quadratic"),
    "init": Case(f"train {QUICK} --init glorious", "refuses", "xavier"),
    "optimizer": Case(f"train {QUICK} --optimizer adamw", "refuses", "adam"),
    "schedule": Case(f"train {QUICK} --schedule step:x:3", "refuses", "could not convert"),
    "schedule kind": Case(f"train {QUICK} --schedule cosine", "refuses", "step:DROP:EVERY"),
    "layers syntax": Case(f"train {QUICK} --layers dense:abc", "refuses", "dense"),
    "layers no output": Case(f"train {QUICK} --layers dense:100:relu", "refuses", "10 classes"),
    "patience 0": Case(f"train {QUICK} --patience 0", "refuses", "--patience"),
    "threads 0": Case(f"train {QUICK} --threads 0", "refuses", "--threads"),
    "threads env": Case(
        f"train {QUICK}", "refuses", "DELTAPROP_NUM_THREADS", (("DELTAPROP_NUM_THREADS", "abc"),)
    ),
    "dtype": Case(f"train {QUICK} --dtype float16", "refuses", "invalid choice"),
    "validation 1.5": Case(f"train {QUICK} --validation 1.5", "refuses", "--validation"),
    "validation -0.1": Case(f"train {QUICK} --validation -0.1", "refuses", "--validation"),
    "validation all": Case(f"train {QUICK} --validation 8000", "refuses", "validation must leave"),
    "shift huge": Case(f"train {QUICK} --augment-shift 100", "refuses", "out of view"),
    "shift negative": Case(f"train {QUICK} --augment-shift -1", "refuses", ">= 0"),
    "rotate huge": Case(f"train {QUICK} --augment-rotate 500", "refuses", "at most 180"),
    "relu default": Case(f"train {QUICK} --activation relu", "trains", "eta 0.01"),
    # train: files
    "no such data": Case(f"train {QUICK} --dataset {{d}}/missing.csv", "refuses", "unknown data"),
    "empty csv": Case(f"train {QUICK} --dataset {{d}}/empty.csv", "refuses", "empty"),
    "text as data": Case(f"train {QUICK} --dataset {{d}}/notes.txt", "refuses", ".npz"),
    "corrupt npz": Case(f"train {QUICK} --dataset {{d}}/corrupt.npz", "refuses", "not a valid"),
    "nan csv": Case(f"train {QUICK} --dataset {{d}}/nan.csv", "refuses", "line 2, column 2"),
    "nan npz": Case(f"train {QUICK} --dataset {{d}}/nan.npz", "refuses", "row 2, column 5"),
    "label last": Case(f"train {QUICK} --dataset {{d}}/last.csv", "refuses", "--label-column -1"),
    "label column": Case(
        f"train {QUICK} --dataset {{d}}/last.csv --label-column -1", "trains", "divided them by"
    ),
    "label out of file": Case(
        f"train {QUICK} --dataset {{d}}/last.csv --label-column 999", "refuses", "outside"
    ),
    "one class": Case(f"train {QUICK} --dataset {{d}}/one.csv", "refuses", "one class only"),
    "scale choice": Case(f"train {QUICK} --scale 256", "refuses", "invalid choice"),
    "scale named": Case(f"train {QUICK} --scale 255", "refuses", "own .npz and .csv"),
    "out is a file": Case(f"train {QUICK} --out {{d}}/notes.txt", "refuses", "is a file"),
    "out has a run": Case(f"train {QUICK} --out {{d}}/run", "refuses", "--overwrite"),
    # evaluate
    "evaluate missing": Case("evaluate {d}/missing.npz", "refuses", "missing.npz"),
    "evaluate corrupt": Case("evaluate {d}/corrupt.npz", "refuses", "corrupt.npz"),
    "evaluate text": Case("evaluate {d}/notes.txt", "refuses", "notes.txt"),
    "evaluate shift": Case("evaluate {d}/model.npz --shift 30,30", "refuses", "out of view"),
    "evaluate shift abc": Case("evaluate {d}/model.npz --shift a,b", "refuses", "DX,DY"),
    "evaluate data": Case("evaluate {d}/model.npz --dataset {d}/nope.npz", "refuses", "nope.npz"),
    "evaluate other data": Case("evaluate {d}/model.npz --dataset {d}/one.csv", "refuses", "784"),
    # predict
    "predict missing": Case("predict {d}/model.npz {d}/missing.png", "refuses", "missing.png"),
    "predict blank": Case("predict {d}/model.npz {d}/blank.png", "refuses", "blank"),
    "predict ink on glass": Case("predict {d}/model.npz {d}/glass.png", "trains", ""),
    "predict corrupt": Case("predict {d}/model.npz {d}/corrupt.png", "refuses", "not a readable"),
    "predict npy size": Case("predict {d}/model.npz {d}/five.npy", "refuses", "784"),
    "predict npy nan": Case("predict {d}/model.npz {d}/nan.npy", "refuses", "NaN"),
    "predict top 0": Case("predict {d}/model.npz {d}/ink.png --top 0", "refuses", "--top"),
    "predict top abc": Case("predict {d}/model.npz {d}/ink.png --top x", "refuses", "invalid int"),
    "predict no file": Case("predict {d}/model.npz", "refuses", "FILE"),
    # info, export, gradcheck, experiment
    "info missing": Case("info {d}/missing.npz", "refuses", "missing.npz"),
    "info corrupt": Case("info {d}/corrupt.npz", "refuses", "corrupt.npz"),
    "export missing": Case("export {d}/missing.npz {d}/m.onnx", "refuses", "missing.npz"),
    "export to folder": Case("export {d}/model.npz {d}", "refuses", "is a directory"),
    "gradcheck layers": Case("gradcheck --layers dense:x", "refuses", "dense"),
    "gradcheck inputs": Case("gradcheck --inputs 0", "refuses", "--inputs must be at least 1"),
    "gradcheck image abc": Case("gradcheck --image big", "refuses", "ROWSxCOLS"),
    "gradcheck image": Case(
        "gradcheck --layers conv:2x3x3,dense:2 --image 0x0", "refuses", "image"
    ),
    "experiment name": Case("experiment no-such", "refuses", "vanishing-gradient"),
    "exercises target": Case("exercises check no-such-thing", "refuses", "neither an exercise"),
    "exercises empty": Case("exercises check {d}", "refuses", "no exercise files"),
    "exercises hint": Case("exercises hint sigmoid", "refuses", "sigmoid_prime"),
    "exercises train": Case("exercises train softmax", "refuses", "exercises start"),
    "exercises grade": Case("exercises grade {d}/none", "refuses", "not a folder"),
    "exercises grade empty": Case(
        "exercises grade {d}/no-submissions", "refuses", "holds no submissions"
    ),
    # studio (refused before it would serve) and sweep
    "studio port": Case("studio --no-browser --port 0", "refuses", "--port"),
    "studio port abc": Case("studio --no-browser --port http", "refuses", "invalid int"),
    "studio open": Case("studio --no-browser --host 0.0.0.0 --no-token", "refuses", "only on"),
    "studio sessions": Case("studio --no-browser --max-sessions 0", "refuses", "at least 1"),
    "studio model": Case("studio --no-browser --model {d}/corrupt.npz", "refuses", "corrupt.npz"),
    "sweep option": Case("sweep --grid colour=red", "refuses", "not a deltaprop train option"),
    "sweep empty": Case("sweep --grid eta=", "refuses", "eta"),
    "sweep value": Case("sweep --grid eta=0,abc", "refuses", "eta"),
    "sweep random": Case("sweep --grid eta=0.1,0.2 --random 5", "refuses", "--random"),
    "no command": Case("", "refuses", "usage"),
    "unknown command": Case("fly", "refuses", "invalid choice"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("careless")
    save(Network.from_sizes([784, 10, 10], seed=0), d / "model.npz")
    (X, y), _ = load_mnist_sample(300, 10)
    pixels = np.round(X * 16).astype(int)  # whole numbers 0-16, as scikit-learn's digits
    np.savetxt(d / "last.csv", np.column_stack([pixels, y]), fmt="%d", delimiter=",")
    np.savetxt(d / "one.csv", np.column_stack([np.full(300, 3), X[:, :5]]), delimiter=",")
    rows = [f"{label},0.5,0.25" for label in (0, 1, 0, 1)]
    rows[1] = "1,nan,0.25"
    (d / "nan.csv").write_text("\n".join(rows) + "\n")
    bad = X[:20].copy()
    bad[2, 5] = np.nan
    np.savez(d / "nan.npz", X=bad, y=y[:20])
    (d / "empty.csv").write_text("")
    (d / "notes.txt").write_text("not data\n")
    (d / "no-submissions").mkdir()
    (d / "corrupt.npz").write_bytes(b"PK\x03\x04 not a zip at all")
    (d / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    Image.new("L", (100, 100), 255).save(d / "blank.png")
    seven = Image.new("L", (100, 100), 255)
    seven.paste(0, (20, 20, 80, 30))
    seven.paste(0, (60, 30, 70, 85))
    seven.save(d / "ink.png")
    glass = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # black ink on a transparent sheet
    glass.paste((0, 0, 0, 255), (20, 20, 80, 30))
    glass.paste((0, 0, 0, 255), (60, 30, 70, 85))
    glass.save(d / "glass.png")
    np.save(d / "five.npy", np.zeros(5))
    np.save(d / "nan.npy", np.full(784, np.nan))
    (d / "run").mkdir()
    (d / "run" / "model.npz").write_bytes((d / "model.npz").read_bytes())
    return d


def answer(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", list(CASES))
def test_the_careless_user(name, folder, tmp_path, capsys, monkeypatch):
    case = CASES[name]
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    argv = case.argv.format(d=folder).split()
    if argv and argv[0] == "train" and "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    before = sorted(p.name for p in folder.iterdir())
    code, out, err = answer(argv, capsys)
    assert "Traceback" not in out + err
    if case.kind == "refuses":
        lines = [line for line in err.splitlines() if line.strip()]
        assert code in (1, 2), (code, out, err)
        assert len(lines) == 1 and case.words in lines[0], err
        assert not (tmp_path / "out" / "model.npz").exists()
    else:
        assert code == 0, err
        assert case.words in out + err
        if case.kind == "warns":
            assert "warning" in err
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing of the user's touched


def test_debug_shows_the_traceback(folder, capsys):
    with pytest.raises(Exception, match=r"missing\.npz"):
        main(["--debug", "info", str(folder / "missing.npz")])


def test_a_bug_is_still_one_line_and_points_to_debug(monkeypatch, capsys, folder):
    from deltaprop.cli import info

    monkeypatch.setattr(info, "load", lambda path: {}["boom"])  # a KeyError: a bug
    code, _, err = answer(["info", str(folder / "model.npz")], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "internal error: KeyError" in err and "--debug" in err


def test_the_table_covers_every_command():
    from deltaprop.cli import COMMANDS

    commands = {case.argv.split()[0] for case in CASES.values() if case.argv}
    assert {c.__name__.rsplit(".", 1)[-1] for c in COMMANDS} <= commands
    assert len(CASES) >= 80
    assert os.environ.get("DELTAPROP_NUM_THREADS") is None  # the env case did not leak
