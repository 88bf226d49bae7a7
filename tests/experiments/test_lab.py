"""Every experiment of the lab, in quick mode: its claim shows and its files are written."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from deltaprop import experiments
from deltaprop.cli import main

NAMES = [
    "learning-slowdown",
    "cost-pairs",
    "activations",
    "vanishing-gradient",
    "initialization",
    "overfitting",
    "gradient-descent",
    "learning-rate",
    "gradient-check",
    "translation-invariance",
    "transfer-learning",
    "hidden-features",
]


def test_all_twelve_are_registered():
    assert list(experiments.EXPERIMENTS) == NAMES


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    return {name: experiments.run(name, out, quick=True) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_quick_run_shows_its_claim_and_writes_files(outcomes, name):
    outcome = outcomes[name]
    assert outcome.holds, f"{name}: {outcome.conclusion}"
    record = json.loads(outcome.json.read_text())
    assert record["name"] == name and record["holds"] is True and record["quick"] is True
    assert record["conclusion"] == outcome.conclusion and record["data"]
    with Image.open(outcome.png) as png:
        assert png.format == "PNG" and png.size[0] >= 800
        assert np.asarray(png.convert("L")).std() > 5  # something is drawn


def test_claims_checked_from_the_numbers(outcomes):
    """A few claims restated from the recorded numbers, as the issue words them."""
    slow = outcomes["learning-slowdown"].data
    assert (
        slow["cross-entropy from w=b=2.0"]["cost"][30] < slow["quadratic from w=b=2.0"]["cost"][30]
    )
    speeds = outcomes["vanishing-gradient"].data["sigmoid, 4 hidden layers"]["speeds"][0]
    assert speeds[0] < speeds[-1]  # the first hidden layer learns slowest at initialisation
    assert outcomes["initialization"].data["identical_hidden_units"]["zeros"] is True
    over = outcomes["overfitting"].data
    gap = {lm: r["train_accuracy"][-1] - r["test_accuracy"][-1] for lm, r in over.items()}
    assert gap["1"] < gap["0"]
    moved = outcomes["translation-invariance"].data["test_accuracy"]
    assert moved["CNN"][0] - moved["CNN"][2] < moved["dense"][0] - moved["dense"][2]


def test_unknown_experiment():
    with pytest.raises(ValueError, match="unknown experiment 'gravity'"):
        experiments.run("gravity", None)


def test_cli_list_and_run(tmp_path, capsys):
    assert main(["experiment", "list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in NAMES)
    assert main(["experiment", "learning-slowdown", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "learning-slowdown: shows that" in out
    assert (tmp_path / "learning-slowdown.png").is_file()
    assert main(["experiment", "gravity"]) == 1
    assert "unknown experiment" in capsys.readouterr().err
