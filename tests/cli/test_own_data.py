"""A student's own data through train, evaluate and predict: scaled by one recorded rule.

scikit-learn's 8x8 digits hold whole numbers 0-16. Divided by 255 (the old guess for
"pixels") they trained to 81%; scaled by their real range they train as well as the same
data given as floats, and a model evaluates and predicts new files the way it was trained.
"""

from __future__ import annotations

import os
import re
import stat

import numpy as np
import pytest
from PIL import Image

from deltaprop import data_of, load
from deltaprop.cli import main
from deltaprop.datasets.images import BlankImageError, read_image

sklearn_datasets = pytest.importorskip("sklearn.datasets")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    d = tmp_path_factory.mktemp("digits")
    X, y = sklearn_datasets.load_digits(return_X_y=True)
    np.savetxt(d / "digits.csv", np.column_stack([y, X]), fmt="%d", delimiter=",")
    np.savez(d / "digits.npz", X=X / 16.0, y=y)
    return d


def accuracy(out: str) -> float:
    """The accuracy a command printed last: test accuracy (train) or accuracy (evaluate)."""
    return float(re.findall(r"accuracy:? ([\d.]+)%", out)[-1])


def train(args, capsys):
    assert main(["train", "--hidden", "30", "--epochs", "10", "--no-progress", *args]) == 0
    return capsys.readouterr().out


def test_whole_numbers_0_to_16_are_scaled_by_16_said_and_recorded(digits, tmp_path, capsys):
    out = train(["--dataset", str(digits / "digits.csv"), "--out", str(tmp_path / "csv")], capsys)
    assert f"note: {digits / 'digits.csv'} holds whole numbers 0-16: divided them by 16" in out
    from_csv = accuracy(out)
    out = train(["--dataset", str(digits / "digits.npz"), "--out", str(tmp_path / "npz")], capsys)
    assert "note:" not in out  # floats in [0, 1]: nothing to do, nothing said
    from_npz = accuracy(out)
    assert from_csv > 90 and abs(from_csv - from_npz) < 1.5  # the same data, the same result
    record = data_of(tmp_path / "csv" / "model.npz")
    assert record["scaling"]["divisor"] == 16 and record["path"] == str(digits / "digits.csv")


def test_evaluate_and_predict_follow_the_model_files_rule(digits, tmp_path, capsys, monkeypatch):
    train(["--dataset", str(digits / "digits.csv"), "--out", str(tmp_path / "run")], capsys)
    model = tmp_path / "run" / "model.npz"
    monkeypatch.chdir(tmp_path)  # another folder: the model file finds its data set again
    assert main(["evaluate", str(model)]) == 0
    out = capsys.readouterr().out
    assert "as recorded in the model file" in out and accuracy(out) > 90
    X, _ = sklearn_datasets.load_digits(return_X_y=True)
    np.save(tmp_path / "raw.npy", X[:5])  # raw 0-16 values, as the CSV holds them
    np.save(tmp_path / "scaled.npy", X[:5] / 16)
    assert main(["predict", str(model), str(tmp_path / "raw.npy")]) == 0
    raw = capsys.readouterr().out
    net = load(model)
    expected = net.predict(X[:5] / 16)
    assert [int(line.split(": ")[1].split()[0]) for line in raw.splitlines()] == list(expected)


def test_evaluating_data_scaled_otherwise_warns(digits, tmp_path, capsys):
    train(["--dataset", str(digits / "digits.npz"), "--out", str(tmp_path / "npz")], capsys)
    args = ["evaluate", str(tmp_path / "npz" / "model.npz"), "--dataset"]
    assert main([*args, str(digits / "digits.csv")]) == 0
    err = capsys.readouterr().err
    assert "ranges over 0 to 16, far outside what the model saw (0 to 1)" in err


def test_blank_and_transparent_images(tmp_path):
    ink = Image.new("L", (90, 90), 255)
    ink.paste(0, (20, 15, 70, 25))
    ink.paste(0, (50, 25, 60, 80))
    ink.save(tmp_path / "ink.png")
    glass = Image.new("RGBA", (90, 90), (0, 0, 0, 0))  # the same 7 in black on transparency
    glass.paste((0, 0, 0, 255), (20, 15, 70, 25))
    glass.paste((0, 0, 0, 255), (50, 25, 60, 80))
    glass.save(tmp_path / "glass.png")
    light = Image.new("LA", (90, 90), (0, 0))  # white ink on transparency
    light.paste((255, 255), (20, 15, 70, 25))
    light.paste((255, 255), (50, 25, 60, 80))
    light.save(tmp_path / "light.png")
    expected = read_image(tmp_path / "ink.png")
    assert expected.max() > 0.9
    for name in ("glass.png", "light.png"):
        np.testing.assert_allclose(read_image(tmp_path / name), expected, atol=1e-6)
    Image.new("L", (90, 90), 255).save(tmp_path / "blank.png")
    faint = np.full((90, 90), 250, np.uint8)
    faint[40, 40] = 245  # a speck, 2% darker than the paper
    Image.fromarray(faint).save(tmp_path / "faint.png")
    for name in ("blank.png", "faint.png"):
        with pytest.raises(BlankImageError, match="blank"):
            read_image(tmp_path / name)


def test_a_blank_image_gets_no_prediction_but_the_others_do(tmp_path, capsys):
    from deltaprop import Network, save

    save(Network.from_sizes([784, 10, 10], seed=0), tmp_path / "m.npz")
    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    seven = Image.new("L", (50, 50), 255)
    seven.paste(0, (10, 10, 40, 15))
    seven.save(tmp_path / "seven.png")
    code = main(
        [
            "predict",
            str(tmp_path / "m.npz"),
            str(tmp_path / "blank.png"),
            str(tmp_path / "seven.png"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1 and "blank.png: the image is blank" in err and "no prediction" in err
    assert "blank.png" not in out and out.startswith(f"{tmp_path / 'seven.png'}: ")


def test_written_files_honour_the_umask(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        assert (
            main(
                ["train", "--epochs", "1", "--hidden", "5", "--no-progress", "--out", str(tmp_path)]
            )
            == 0
        )
    finally:
        os.umask(old)
    written = [p for p in tmp_path.iterdir() if p.is_file()]
    assert {p.name for p in written} >= {"model.npz", "history.csv", "checkpoint.npz"}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


def test_a_rerun_is_refused_and_overwrite_replaces(tmp_path, capsys):
    args = ["train", "--epochs", "1", "--hidden", "5", "--no-progress", "--out", str(tmp_path)]
    assert main(args) == 0
    first = (tmp_path / "model.npz").read_bytes()
    assert main([*args, "--seed", "1"]) == 1
    assert "already holds a run" in capsys.readouterr().err
    assert (tmp_path / "model.npz").read_bytes() == first  # untouched
    assert main([*args, "--seed", "1", "--overwrite"]) == 0
    assert (tmp_path / "model.npz").read_bytes() != first


def test_relu_with_the_default_settings_learns(tmp_path, capsys):
    args = [
        "train",
        "--activation",
        "relu",
        "--epochs",
        "3",
        "--no-progress",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "note: eta 0.01, the default for ReLU units" in out
    assert accuracy(out) > 90


def test_subpackages_import_on_first_use():
    import subprocess
    import sys

    code = (
        "import sys, deltaprop; assert 'deltaprop.onnx' not in sys.modules; "
        "print(deltaprop.onnx.load.__name__, deltaprop.sklearn.DeltapropClassifier.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["load", "DeltapropClassifier"], done.stderr
