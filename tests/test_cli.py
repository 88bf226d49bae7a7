"""python -m deltaprop: trains on the bundled digits and prints the test accuracy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deltaprop.cli import main


def test_main_trains_and_reports(capsys):
    assert main(["--epochs", "2", "--hidden", "20", "--validation", "500"]) == 0
    out = capsys.readouterr().out
    assert "Dense(784, 20)" in out and "epoch 2/2" in out
    accuracy = float(out.strip().splitlines()[-1].split()[-1].rstrip("%"))
    assert accuracy > 85


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "epochs must be a positive integer"),
        (["--eta", "-1"], "eta must be a positive number"),
        (["--activation", "swish"], "unknown activation"),
        (["--validation", "9000"], "--validation must be in"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_bad_hidden_sizes(capsys):
    with pytest.raises(SystemExit):
        main(["--hidden", "10,x"])
    assert "hidden sizes must be integers" in capsys.readouterr().err


def test_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "deltaprop", "--help"], capture_output=True, text=True, check=True
    )
    assert "bundled MNIST digits" in done.stdout
