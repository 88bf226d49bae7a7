"""TrainConfig: the command's flags as data, both ways, and train(config) is the command."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from deltaprop.cli import main
from deltaprop.cli.flags import config_from, standalone_parser
from deltaprop.recipe import TrainConfig, train

CHANGED = TrainConfig(
    dataset="fashion-mnist", data_dir="/data", scale="minmax", label_column=-1,
    hidden=(100, 30), activation="relu", output="sigmoid", layers="dense:10:softmax",
    cost="quadratic", init="he", bias_init=0.1, optimizer="adam", eta=0.003, momentum=0.8,
    batch_size=32, epochs=7, lmbda=5.0, schedule="step:0.5:10", patience=3, seed=4,
    dtype="float64", max_memory=8.0, threads=2, validation=0.2, augment_shift=2,
    augment_rotate=10.0, out="elsewhere", checkpoint="c.npz", resume=True, overwrite=True,
    progress=False,
)  # fmt: skip


def test_every_field_differs_in_the_example_so_the_round_trip_covers_them_all():
    default = TrainConfig()
    same = [
        f.name
        for f in dataclasses.fields(TrainConfig)
        if getattr(CHANGED, f.name) == getattr(default, f.name)
    ]
    assert same == []


def test_argv_and_the_commands_parser_say_the_same_thing():
    assert config_from(standalone_parser().parse_args(CHANGED.argv())) == CHANGED
    assert TrainConfig().argv() == []
    assert config_from(standalone_parser().parse_args([])) == TrainConfig()


def test_from_strings_reads_values_as_the_command_reads_flags():
    config = TrainConfig.from_strings(
        {
            "hidden": "100,30",
            "eta": "0.5",
            "patience": "None",
            "resume": "true",
            "label_column": "-1",
        }
    )
    assert (config.hidden, config.eta, config.patience, config.resume) == (
        (100, 30),
        0.5,
        None,
        True,
    )
    assert config.label_column == -1
    assert TrainConfig.from_strings({"label_column": "digit"}).label_column == "digit"
    for values, words in [
        ({"colour": "red"}, "not a deltaprop train option"),
        ({"epochs": "many"}, "epochs: invalid int value: 'many'"),
        ({"hidden": "0"}, "hidden sizes must be positive"),
        ({"schedule": "cosine"}, "step:DROP:EVERY"),
        ({"resume": "maybe"}, "true or false"),
    ]:
        with pytest.raises(ValueError, match=words):
            TrainConfig.from_strings(values)


def test_train_of_a_config_is_the_command_to_the_last_bit(tmp_path, capsys):
    config = TrainConfig(hidden=(20,), epochs=2, eta=0.5, progress=False, out=str(tmp_path / "py"))
    result = train(config, log=lambda line: None)
    assert main(["train", *dataclasses.replace(config, out=str(tmp_path / "cli")).argv()]) == 0
    command = json.loads((tmp_path / "cli" / "history.json").read_text())
    assert command["val_cost"] == result.history.val_cost
    assert f"test accuracy: {result.test.accuracy:.2%}" in capsys.readouterr().out
    recorded = json.loads((tmp_path / "py" / "config.json").read_text())
    assert TrainConfig(**{**recorded, "hidden": tuple(recorded["hidden"])}) == config


def test_the_library_imports_nothing_of_the_command_line():
    code = (
        "import sys, deltaprop.sweep, deltaprop.recipe, deltaprop.experiments; "
        "print(sorted(m for m in sys.modules if m.startswith('deltaprop.cli')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
