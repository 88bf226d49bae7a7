"""The deltaprop command, end to end through subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from deltaprop import load
from deltaprop.cli import main
from deltaprop.datasets import load_mnist_sample

SMALL = ["--hidden", "20", "--epochs", "1", "--no-progress"]


def run(*args, check_rc=0, cwd=None):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "deltaprop", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    if check_rc is not None:
        assert done.returncode == check_rc, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    done = run("train", *SMALL, "--out", str(out))
    return out, done.stdout


def test_train_writes_model_history_and_plot(trained):
    out, stdout = trained
    assert "epoch 1/1" in stdout and "val acc" in stdout
    accuracy = float(stdout.split("test accuracy:")[1].split("%")[0])
    assert accuracy > 85
    for name in (
        "model.npz",
        "history.json",
        "history.csv",
        "learning_curve.png",
        "checkpoint.npz",
        "config.json",
    ):
        assert (out / name).is_file(), name
    history = json.loads((out / "history.json").read_text())
    assert history["epoch"] == [1] and 0.8 < history["val_accuracy"][0] <= 1
    assert (out / "history.csv").read_text().splitlines()[0].startswith("epoch,train_cost")
    with Image.open(out / "learning_curve.png") as png:
        png.verify()  # decodes as a PNG
        assert png.format == "PNG"
    assert json.loads((out / "config.json").read_text())["hidden"] == [20]


def test_evaluate_and_shifted_evaluate(trained):
    out, stdout = trained
    plain = run("evaluate", str(out / "model.npz"), "--plot", str(out / "confusion.png")).stdout
    accuracy = float(plain.split("accuracy ")[1].split("%")[0])
    trained_accuracy = float(stdout.split("test accuracy:")[1].split("%")[0])
    assert accuracy == pytest.approx(trained_accuracy, abs=0.01)
    assert "per-class accuracy" in plain and "confusion matrix" in plain
    with Image.open(out / "confusion.png") as png:
        png.verify()
    shifted = run("evaluate", str(out / "model.npz"), "--shift", "2,2").stdout
    assert "moved 2 right and 2 down" in shifted
    assert float(shifted.split("accuracy ")[1].split("%")[0]) < accuracy - 20  # dense nets break
    up_left = run("evaluate", str(out / "model.npz"), "--shift", "-2,-2").stdout
    assert "moved 2 left and 2 up" in up_left


def test_predict_a_png_and_an_npy(trained, tmp_path):
    out, _ = trained
    net = load(out / "model.npz")
    _, (X, y) = load_mnist_sample()
    proba = net.predict_proba(X)
    i = int(np.flatnonzero((proba.argmax(1) == y) & (proba.max(1) > 0.99))[0])
    # the digit as a person might draw it: dark ink on white paper, 56x56 pixels
    picture = 255 - (X[i].reshape(28, 28) * 255).astype(np.uint8)
    Image.fromarray(picture).resize((56, 56)).save(tmp_path / "digit.png")
    np.save(tmp_path / "digits.npy", X[[i, i + 1]])
    done = run(
        "predict", str(out / "model.npz"), str(tmp_path / "digit.png"), str(tmp_path / "digits.npy")
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path / 'digit.png'}: {y[i]}  (")
    assert lines[1].startswith(f"{tmp_path / 'digits.npy'}[0]: {y[i]}")
    assert len(lines) == 3 and "%" in lines[2]


def test_train_a_cnn_from_the_command_line(tmp_path):
    spec = "conv:6x5x5,pool:2,conv:8x3x3,pool:2,dense:10:softmax"
    done = run(
        "train",
        "--layers",
        spec,
        "--epochs",
        "1",
        "--batch-size",
        "32",
        "--eta",
        "0.05",
        "--no-progress",
        "--out",
        str(tmp_path),
    )
    assert "Conv2D(1, 6, 5x5)" in done.stdout and "MaxPool2D(2)" in done.stdout
    assert float(done.stdout.split("test accuracy:")[1].split("%")[0]) > 80
    info = run("info", str(tmp_path / "model.npz")).stdout
    assert "Conv2D(6, 8, 3x3)" in info
    shifted = run("evaluate", str(tmp_path / "model.npz"), "--shift", "-2,-2").stdout
    assert "moved 2 left and 2 up" in shifted
    check = run("gradcheck", "--layers", "conv:3x3:same,pool:2,dense:3:softmax", "--image", "6x6")
    assert "passed" in check.stdout


def test_info_and_gradcheck(trained):
    out, _ = trained
    info = run("info", str(out / "model.npz")).stdout
    assert "Dense(784, 20)" in info and "total parameters: 15,910" in info
    check = run("gradcheck", "--layers", "dense:4:relu,maxout:3:2,dense:2:sigmoid").stdout
    assert "passed" in check and "layers.2.W" in check


@pytest.mark.parametrize(
    ("args", "message", "rc"),
    [
        (["train", "--epochs", "0"], "epochs must be a positive integer", 1),
        (["train", "--eta", "-1"], "eta must be a positive number", 1),
        (["train", "--activation", "swish"], "unknown activation 'swish'", 1),
        (["train", "--epochs", "x"], "invalid int value: 'x'", 2),
        (["train", "--layers", "dense:ten"], "must be a whole number", 1),
        (["train", "--schedule", "cosine"], "use constant, step:DROP:EVERY or exp:GAMMA", 2),
        (["train", "--dataset", "cifar"], "unknown data set 'cifar'", 1),
        (["evaluate", "missing.npz"], "missing.npz: cannot read", 1),
        (["evaluate", "model.npz", "--shift", "2"], "expected DX,DY", 2),
        (["predict"], "the following arguments are required", 2),
        (["info", "notes.txt"], "not a deltaprop file", 1),
        (["bogus"], "invalid choice: 'bogus'", 2),
    ],
)
def test_bad_arguments_and_files_give_one_line(tmp_path, args, message, rc):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "model.npz").write_bytes(os.urandom(100))
    done = run(*args, check_rc=rc, cwd=tmp_path)
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_corrupt_model_file(tmp_path):
    (tmp_path / "model.npz").write_bytes(os.urandom(500))
    done = run("evaluate", str(tmp_path / "model.npz"), check_rc=1)
    assert "not a deltaprop file" in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_saves_a_checkpoint_and_resume_matches_an_uninterrupted_run(tmp_path):
    args = ["train", "--hidden", "10", "--epochs", "8", "--no-progress", "--seed", "3"]
    full = tmp_path / "full"
    run(*args, "--out", str(full))
    part = tmp_path / "part"
    proc = subprocess.Popen(
        [sys.executable, "-m", "deltaprop", *args, "--out", str(part)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for line in proc.stdout:
        if line.startswith("epoch 2/8"):
            proc.send_signal(signal.SIGINT)
            break
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stdout + stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    assert (part / "checkpoint.npz").is_file() and not (part / "model.npz").exists()
    done = run(*args, "--out", str(part), "--resume")
    assert "resuming from" in done.stdout
    a, b = load(full / "model.npz"), load(part / "model.npz")
    for (name, p, _), (_, q, _) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p, q, err_msg=name)
    history = json.loads((part / "history.json").read_text())
    assert history["epoch"] == list(range(1, 9))
    assert history["val_cost"] == json.loads((full / "history.json").read_text())["val_cost"]


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "train" in capsys.readouterr().err


def test_8bit_pixels_in_a_user_file_are_scaled_and_said_so(tmp_path):
    (X, y), _ = load_mnist_sample(2000, 10)
    np.savez(tmp_path / "digits.npz", X=np.round(X * 255).astype(np.uint8), y=y)
    data = ["--dataset", str(tmp_path / "digits.npz"), "--out", str(tmp_path)]
    done = run("train", "--hidden", "20", "--epochs", "3", "--no-progress", *data)
    notes = [line for line in done.stdout.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {data[1]} holds whole numbers 0-255: divided them by 255 (--scale to change)"
    ]
    assert float(done.stdout.split("test accuracy:")[1].split("%")[0]) > 80
    assert "warning" not in done.stderr


def test_tiny_data_sets_get_clear_warnings(tmp_path):
    rows = ["1,0.1,0.2,0.3", "0,0.9,0.8,0.7", "1,0.2,0.1,0.3", "0,0.8,0.9,0.6", "1,0.3,0.2,0.1"]
    (tmp_path / "tiny.csv").write_text("\n".join(rows) + "\n")
    done = run(
        "train", "--dataset", str(tmp_path / "tiny.csv"), "--hidden", "3", "--epochs", "2",
        "--no-progress", "--out", str(tmp_path / "run"),
    )  # fmt: skip
    assert "fewer than one batch of 10" in done.stderr
    assert "only 1 test example: the test accuracy will say little" in done.stderr
    assert "(1 examples)" not in done.stdout and "(1 example" not in done.stderr


def test_a_learning_rate_far_too_large_is_pointed_out_once(tmp_path):
    done = run(
        "train", "--hidden", "20", "--epochs", "5", "--eta", "1000", "--no-progress",
        "--out", str(tmp_path),
    )  # fmt: skip
    warnings = [line for line in done.stdout.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, done.stdout
    assert "above its value before training" in warnings[0]
    assert "eta = 1000 is probably too large; try a lower one, e.g. 100" in warnings[0]


def test_a_sound_run_prints_no_warning(trained):
    _, stdout = trained
    assert "warning" not in stdout


def test_names_on_the_command_line_follow_the_registry_rule(capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", "--optimizer", "RMSprop"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown optimiser 'RMSprop'; known: adam, average_momentum, momentum, nesterov" in err
    from deltaprop.cli import build_parser

    args = build_parser().parse_args(["train", "--optimizer", "Average Momentum"])
    assert args.optimizer == "average_momentum"


def test_threads_can_be_chosen_and_a_bad_count_is_refused(tmp_path):
    done = run("train", *SMALL, "--threads", "0", "--out", str(tmp_path / "a"), check_rc=None)
    assert done.returncode != 0
    assert "--threads must be a positive integer" in done.stderr
    assert not (tmp_path / "a").exists()
    one = run("train", *SMALL, "--threads", "1", "--out", str(tmp_path / "b"))
    assert "test accuracy" in one.stdout
