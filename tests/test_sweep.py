"""Sweeps on a two-worker Dask LocalCluster (127.0.0.1): results, faults and resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from deltaprop import load  # noqa: E402
from deltaprop.recipe import TrainConfig  # noqa: E402
from deltaprop.sweep import SweepError, parse_grid, sweep, train, trials  # noqa: E402

BASE = TrainConfig(epochs=1, seed=0)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local:
        yield local


def alone(trial, folder: Path) -> Path:
    """The trial run as plain ``deltaprop train`` (one BLAS thread, as in the sweep)."""
    train(trial, folder).check_returncode()
    return folder


def same_run(a: Path, b: Path) -> bool:
    ha, hb = (json.loads((p / "history.json").read_text()) for p in (a, b))
    ma, mb = load(a / "model.npz"), load(b / "model.npz")
    same_params = all(
        np.array_equal(p, q)
        for (_, p, _), (_, q, _) in zip(ma.named_parameters(), mb.named_parameters(), strict=True)
    )
    keys = ("train_cost", "val_cost", "val_accuracy")
    return same_params and all(ha[k] == hb[k] for k in keys)


@pytest.mark.parametrize(
    ("specs", "words"),
    [
        (["speed=1,2"], "not a deltaprop train option"),
        (["eta="], "empty value"),
        (["eta"], "NAME=VALUE"),
        (["eta=fast"], "invalid float value: 'fast'"),
        (["eta=-1"], "eta"),
        (["epochs=0,2"], "epochs"),
        (["hidden=10,0"], "hidden sizes must be positive"),
        (["activation=swish"], "swish"),
        (["schedule=cosine"], "step:DROP:EVERY"),
        (["out=elsewhere"], "not a deltaprop train option"),
    ],
)
def test_bad_grids_are_refused_before_anything_starts(specs, words, tmp_path):
    with pytest.raises(SweepError, match=words):
        trials(parse_grid(specs), BASE)
    with pytest.raises(SweepError, match="nothing to sweep"):
        parse_grid([])


def test_random_search_draws_the_same_trials_for_the_same_seed():
    grid = parse_grid(["eta=0.01,0.1,1", "lmbda=0,1,5", "hidden=30;100,30"])
    assert len(trials(grid)) == 18
    first, again = trials(grid, random=4, seed=1), trials(grid, random=4, seed=1)
    assert first == again and len(first) == 4 and first != trials(grid, random=4, seed=2)
    assert trials(grid)[-1].params["hidden"] == "100,30"
    with pytest.raises(SweepError, match="--random must be from 1 to 18"):
        trials(grid, random=19)


def test_a_grid_sweep_matches_serial_runs_and_records_a_diverging_trial(cluster, tmp_path):
    lines: list[str] = []
    grid = {"eta": ["0.05", "50"], "output": ["softmax", "identity"]}
    records = sweep(
        grid, tmp_path / "s", epochs=1, scheduler=cluster.scheduler_address, log=lines.append
    )
    assert len(records) == 4
    failed = [r for r in records if r["status"] == "failed"]
    assert len(failed) >= 1 and all("diverged" in r["error"] for r in failed)
    assert (tmp_path / "s" / "results.csv").read_text().count("\n") == 5
    assert (tmp_path / "s" / "sweep.png").exists()
    assert any(line.startswith("best:") for line in lines)
    command = next(line for line in lines if line.startswith("reproduce it with:"))
    assert "deltaprop train --eta 0.05 --epochs 1 --out" in command  # softmax: the default
    best = next(t for t in trials(grid, BASE) if t.params == {"eta": "0.05", "output": "softmax"})
    assert same_run(tmp_path / "s" / "trials" / best.id, alone(best, tmp_path / "alone"))


def test_interrupted_sweep_resumes_to_the_same_results(cluster, tmp_path):
    grid = ["--grid", "hidden=5,10,20,40"]
    command = [
        sys.executable,
        "-m",
        "deltaprop",
        "sweep",
        *grid,
        "--epochs",
        "1",
        "--scheduler",
        cluster.scheduler_address,
    ]
    whole = subprocess.run(
        [*command, "--out", str(tmp_path / "whole")], capture_output=True, text=True, check=True
    )
    assert "4 to run" in whole.stdout
    cut = [*command, "--out", str(tmp_path / "cut")]
    with subprocess.Popen(cut, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if line.startswith("[1/4 finished"):
                process.send_signal(signal.SIGINT)  # Ctrl-C
                break
        process.stdout.read()
        assert process.wait(60) == 130
    kept = [p for p in (tmp_path / "cut" / "trials").iterdir() if not p.name.startswith(".")]
    assert 1 <= len(kept) < 4
    again = subprocess.run(
        [*command, "--out", str(tmp_path / "cut")], capture_output=True, text=True, check=True
    )
    # a trial the cluster was already running when Ctrl-C came may have finished meanwhile
    counts = re.search(r"(\d) already finished, (\d) to run", again.stdout)
    finished, left = int(counts[1]), int(counts[2])
    assert finished >= len(kept) and left >= 1 and finished + left == 4
    assert (tmp_path / "cut" / "results.csv").read_text() == (
        tmp_path / "whole" / "results.csv"
    ).read_text()


def test_a_worker_killed_mid_trial_costs_only_that_trial(tmp_path):
    grid, base = {"hidden": ["15", "25"]}, TrainConfig(epochs=2)
    ours = {f"trial-{t.id}" for t in trials(grid, base)}
    outcome: list = []

    def run(address: str) -> None:
        try:
            outcome.append(
                sweep(grid, tmp_path / "s", base=base, scheduler=address, log=lambda line: None)
            )
        except Exception as err:  # reported by the assertion below
            outcome.append(err)

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        runner = threading.Thread(target=run, args=(cluster.scheduler_address,))
        runner.start()
        busy = None
        while busy is None:
            time.sleep(0.05)
            busy = next((w for w, keys in client.processing().items() if ours & set(keys)), None)
        time.sleep(1.0)  # inside the trial
        pid = client.run(os.getpid, workers=[busy])[busy]
        os.kill(pid, signal.SIGKILL)
        runner.join(180)
    assert len(outcome) == 1 and isinstance(outcome[0], list), outcome
    assert all(r["status"] == "ok" for r in outcome[0])
    for trial in trials(grid, base):
        assert same_run(
            tmp_path / "s" / "trials" / trial.id, alone(trial, tmp_path / f"alone-{trial.id}")
        )


def test_only_sweep_passes_unknown_flags_on(capsys):
    from deltaprop.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--no-such-flag"])
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err
    assert main(["sweep", "--grid", "eta=-1", "--epochs", "1"]) == 1
    assert "deltaprop sweep: error: trial {'eta': '-1'}" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a flag train does not know, passed on by the sweep
        main(["sweep", "--grid", "eta=0.1", "--no-such-flag"])
    assert "deltaprop train: error: unrecognized arguments: --no-such-flag" in (
        capsys.readouterr().err
    )


def test_ctrl_c_on_a_local_cluster_says_one_thing_and_no_worker_speaks(tmp_path):
    command = [sys.executable, "-m", "deltaprop", "sweep", "--grid", "hidden=5,10,20,40,80,160"]
    command += ["--epochs", "2", "--workers", "2", "--out", str(tmp_path / "s")]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        for line in process.stdout:
            if line.startswith("[1/6 finished"):
                os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
                break
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted: " in out and "run the same command again" in out
    assert "Traceback" not in err and "CancelledError" not in err, err
