"""Hyperparameter sweeps: many ``deltaprop train`` runs on Dask, from one laptop to a cluster.

A trial is a :class:`~deltaprop.recipe.TrainConfig`: the sweep's fixed values plus one
value of each swept field, and so a ``deltaprop train`` command line (``config.argv()``).
Each trial runs as that very command (a subprocess on a Dask worker,
BLAS limited to one thread), so its result equals ``deltaprop train`` run alone with the
same flags, bit for bit. A trial writes into a temporary folder that is renamed to
``OUT/trials/ID/`` when it ends, so a trial is there whole or not at all: running the same
sweep again skips the finished ones (resume), and a worker that dies costs only its trial,
which the scheduler reruns elsewhere. Needs the ``sweep`` extra (``dask[distributed]``).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import itertools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from .files.plots import plot_sweep
from .recipe import TrainConfig, check_args
from .utils.fileio import atomic_write

__all__ = [
    "METRICS",
    "SweepError",
    "Trial",
    "best_of",
    "parse_grid",
    "run_trial",
    "sweep",
]

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NOT_SWEPT = {"out", "checkpoint", "resume", "overwrite", "progress"}
METRICS = ("val_accuracy", "val_cost", "train_accuracy", "train_cost")


@dataclass(frozen=True)
class Trial:
    """One point of the sweep: its swept values and the run it is.

    Examples
    --------
    >>> from deltaprop.sweep import Trial
    >>> trial = trials({"eta": ["0.1", "0.5"]})[0]
    >>> trial.params, trial.config.eta
    ({'eta': '0.1'}, 0.1)
    """

    id: str
    params: dict[str, str]
    config: TrainConfig

    @property
    def argv(self) -> tuple[str, ...]:
        """Its ``deltaprop train`` flags."""
        return tuple(self.config.argv())

    def command(self, out: str) -> str:
        """The command line that runs this trial alone."""
        return " ".join(["deltaprop", "train", *self.argv, "--out", out])


class SweepError(ValueError):
    """A sweep that cannot start: a bad grid, an unknown option, a value train rejects.

    Examples
    --------
    >>> from deltaprop.sweep import SweepError
    >>> try:
    ...     parse_grid(["eta"])
    ... except SweepError as error:
    ...     print(type(error).__name__)
    SweepError
    """


def _text(value: Any) -> str:
    """A grid value as ``deltaprop train`` would read it (``(100, 30)`` is ``100,30``)."""
    return ",".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)


def parse_grid(specs: Sequence[str]) -> dict[str, list[str]]:
    """``["eta=0.01,0.1", "hidden=100,30;50"]`` → ``{"eta": ["0.01", "0.1"], ...}``.

    Values are separated by commas, or by semicolons when a value itself holds commas
    (``hidden=100,30;50`` sweeps 100-30 against 50).

    Parameters
    ----------
    specs : sequence of str
        ``NAME=VALUES`` strings, as ``--grid`` takes them.

    Returns
    -------
    dict
        Each name with its values, as text.

    Examples
    --------
    >>> from deltaprop.sweep import parse_grid
    >>> parse_grid(["eta=0.01,0.1", "hidden=100,30;50"])
    {'eta': ['0.01', '0.1'], 'hidden': ['100,30', '50']}
    """
    grid: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip().lstrip("-").replace("-", "_")
        if not sep or not name:
            raise SweepError(f"--grid {spec!r}: write NAME=VALUE,VALUE,...")
        items = [v.strip() for v in values.split(";" if ";" in values else ",")]
        if not all(items):
            raise SweepError(f"--grid {spec!r}: empty value in the list")
        if name in grid:
            raise SweepError(f"--grid {name} is given twice")
        grid[name] = items
    if not grid:
        raise SweepError("nothing to sweep: give at least one --grid NAME=VALUES")
    return grid


def trials(
    grid: dict[str, list[str]],
    base: TrainConfig | None = None,
    *,
    random: int | None = None,
    seed: int = 0,
) -> list[Trial]:
    """Every combination of the grid (or ``random`` of them, drawn with ``seed``), checked.

    Each trial is ``base`` with the combination's values, read as ``deltaprop train`` reads
    its flags and checked as it checks them before loading data; the first bad one raises
    :class:`SweepError`.
    """
    base = base or TrainConfig()
    known = {f.name for f in fields(TrainConfig)} - NOT_SWEPT
    for name in grid:
        if name not in known:
            raise SweepError(
                f"--grid {name}: not a deltaprop train option; known: {', '.join(sorted(known))}"
            )
    combos = list(itertools.product(*grid.values()))
    if random is not None:
        if not 0 < random <= len(combos):
            raise SweepError(f"--random must be from 1 to {len(combos)} (the grid's size)")
        picked = np.random.default_rng(seed).choice(len(combos), random, replace=False)
        combos = [combos[i] for i in sorted(picked)]
    found = []
    for combo in combos:
        params = dict(zip(grid, combo, strict=True))
        try:
            config = TrainConfig.from_strings(params, base)
            check_args(config, warn=lambda line: None)
        except (ValueError, TypeError) as err:
            raise SweepError(f"trial {params}: {err}") from None
        key = json.dumps(config.argv()).encode()
        digest = hashlib.sha1(key, usedforsecurity=False).hexdigest()[:10]
        found.append(Trial("t" + digest, params, config))
    return found


def train(trial: Trial, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run the trial's ``deltaprop train`` command into ``folder``, BLAS on one thread."""
    command = [sys.executable, "-m", "deltaprop", "train", *trial.argv, "--out", str(folder)]
    return subprocess.run(
        [*command, "--no-progress"],
        capture_output=True,
        text=True,
        env={**os.environ, **ONE_THREAD},
    )


def run_trial(trial: Trial, out: str) -> dict[str, Any]:
    """Run one trial as ``deltaprop train`` (on a worker); return its result record.

    Parameters
    ----------
    trial : Trial
        The trial.
    out : str
        The sweep's folder; the trial writes into ``out/trials/ID``.

    Returns
    -------
    dict
        Its values, status (``ok`` or ``failed``), error, epochs, seconds and figures.

    Examples
    --------
    >>> from deltaprop.sweep import run_trial
    >>> import tempfile
    >>> trial = trials({"eta": ["0.1"]}, base=TrainConfig(hidden=(10,), epochs=1))[0]
    >>> record = run_trial(trial, tempfile.mkdtemp())
    >>> record["status"], record["val_accuracy"] > 0.5
    ('ok', True)
    """
    final = Path(out) / "trials" / trial.id
    if (final / "result.json").exists():
        return json.loads((final / "result.json").read_text())
    work = final.with_name(f".{trial.id}.{uuid.uuid4().hex[:8]}")
    start = time.perf_counter()
    done = train(trial, work)
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "id": trial.id,
        **trial.params,
        "status": "ok",
        "error": "",
        "epochs": 0,
        "seconds": round(time.perf_counter() - start, 2),
    }
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        result.update(status="failed", error=lines[-1] if lines else f"exit {done.returncode}")
    if (work / "history.json").exists():
        history = json.loads((work / "history.json").read_text())
        result["epochs"] = len(history["epoch"])
        for metric in METRICS:
            values = [v for v in history[metric] if v is not None]
            result[metric] = values[-1] if values else None
    with atomic_write(work / "result.json") as handle:
        handle.write(json.dumps(result, indent=1).encode())
    (work / "trial.json").write_text(json.dumps({"params": trial.params, "argv": trial.argv}))
    try:
        work.rename(final)
    except OSError:  # the same trial finished elsewhere first (a rerun): keep that one
        shutil.rmtree(work, ignore_errors=True)
    return result


@contextlib.contextmanager
def client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: on ``scheduler``, or on a LocalCluster of one-thread processes."""
    from dask.distributed import Client, LocalCluster

    address = scheduler or os.environ.get("DELTAPROP_SCHEDULER")
    if address:
        with Client(address) as remote:
            yield remote
        return
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,  # Ctrl-C cancels trials: no line of noise per trial
    )
    with cluster, Client(cluster) as local:
        local.register_plugin(ignore_interrupt())
        yield local


def ignore_interrupt() -> Any:
    """A Dask worker plugin: the local workers leave Ctrl-C to the sweep, which cancels them.

    Ctrl-C reaches every process of the terminal's group; without this, each local worker
    would print its own KeyboardInterrupt traceback over the sweep's one-line message.
    """
    from dask.distributed import WorkerPlugin

    class IgnoreInterrupt(WorkerPlugin):  # type: ignore[misc]
        name = "deltaprop-ignore-interrupt"

        def setup(self, worker: Any) -> None:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)

    return IgnoreInterrupt()


def sweep(
    grid: dict[str, Sequence[Any]],
    out: str | Path = "sweep",
    *,
    base: TrainConfig | None = None,
    random: int | None = None,
    seed: int = 0,
    scheduler: str | None = None,
    workers: int | None = None,
    log: Callable[[str], None] = print,
    **fixed: Any,
) -> list[dict[str, Any]]:
    """Run every trial of the grid on Dask; write ``results.csv``, ``results.json``, a figure.

    ``grid`` maps :class:`~deltaprop.recipe.TrainConfig` fields (``deltaprop train``'s
    options) to their values (``{"eta": [0.01, 0.1]}``); every trial is ``base`` with the
    ``fixed`` fields (``epochs=5``) and one value of each swept field.
    ``scheduler`` (or ``DELTAPROP_SCHEDULER``) is an existing Dask cluster's address; by
    default a LocalCluster uses ``workers`` processes (the machine's cores). With a remote
    cluster, ``out`` must be a folder every worker can write. Returns the result records.

    Parameters
    ----------
    grid : dict
        :class:`~deltaprop.recipe.TrainConfig` fields mapped to the values to try.
    out : str or Path, default "sweep"
        Folder of the trials and the results; an interrupted sweep resumes there.
    base : TrainConfig, optional
        The run every trial starts from.
    random : int, optional
        Try this many points of the grid drawn at random instead of all of it.
    seed : int, default 0
        Seed of that draw.
    scheduler : str, optional
        Address of a Dask scheduler; by default a local cluster on 127.0.0.1.
    workers : int, optional
        Worker processes of the local cluster; by default one per core.
    log : callable, default print
        Receives the progress lines.
    **fixed
        Fields set for every trial, e.g. ``epochs=5``.

    Returns
    -------
    list of dict
        One record per trial: its values, status, error and figures.

    Examples
    --------
    Two trials of one epoch each on a local Dask cluster (a few seconds):

    >>> from deltaprop.sweep import sweep
    >>> import tempfile
    >>> records = sweep(
    ...     {"eta": [0.1, 0.5]}, tempfile.mkdtemp(), base=TrainConfig(hidden=(10,), epochs=1),
    ...     workers=1, log=lambda line: None,
    ... )  # doctest: +SKIP
    >>> sorted(record["eta"] for record in records)  # doctest: +SKIP
    ['0.1', '0.5']
    """
    try:
        start = dataclasses.replace(base or TrainConfig(), **fixed)
    except TypeError as err:
        raise SweepError(f"not a deltaprop train option: {err}") from None
    planned = trials(
        {k: [_text(v) for v in vs] for k, vs in grid.items()}, start, random=random, seed=seed
    )
    out = Path(out).resolve()
    (out / "trials").mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    todo = [t for t in planned if not (out / "trials" / t.id / "result.json").exists()]
    for t in planned:
        if t not in todo:
            results[t.id] = json.loads((out / "trials" / t.id / "result.json").read_text())
    log(f"sweep: {len(planned)} trials, {len(results)} already finished, {len(todo)} to run")
    if todo:
        from dask.distributed import as_completed

        with client(scheduler, workers) as dask_client:
            futures = [
                dask_client.submit(run_trial, t, str(out), key=f"trial-{t.id}", pure=False)
                for t in todo
            ]
            try:
                for future in as_completed(futures):
                    record = future.result()
                    results[record["id"]] = record
                    running = sum(len(keys) for keys in dask_client.processing().values())
                    log(progress_line(results, len(planned), running))
            except KeyboardInterrupt:
                dask_client.cancel(futures)
                log(
                    f"interrupted: {len(results)} finished trials kept in {out / 'trials'}; "
                    "run the same command again to run the rest"
                )
                raise
    records = [results[t.id] for t in planned]
    write_results(records, list(grid), out)
    best = best_of(records)
    if best is not None:
        trial = next(t for t in planned if t.id == best["id"])
        log(f"best: {best['id']} {trial.params} validation accuracy {best['val_accuracy']:.2%}")
        log(f"reproduce it with: {trial.command(str(out / 'best'))}")
    return records


def best_of(records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The finished trial with the highest validation accuracy.

    Parameters
    ----------
    records : sequence of dict
        Trial records, as :func:`sweep` returns them.

    Returns
    -------
    dict or None
        The best finished one, or None if none finished.

    Examples
    --------
    >>> from deltaprop.sweep import best_of
    >>> records = [
    ...     {"id": "a", "status": "ok", "val_accuracy": 0.91},
    ...     {"id": "b", "status": "ok", "val_accuracy": 0.95},
    ...     {"id": "c", "status": "failed", "val_accuracy": None},
    ... ]
    >>> best_of(records)["id"]
    'b'
    """
    scored = [r for r in records if r["status"] == "ok" and r.get("val_accuracy") is not None]
    return max(scored, key=lambda r: r["val_accuracy"], default=None)


def progress_line(results: dict[str, dict[str, Any]], total: int, running: int) -> str:
    """Finished, running, waiting and failed counts, and the best so far."""
    failed = sum(r["status"] != "ok" for r in results.values())
    best = best_of(list(results.values()))
    shown = f"best {best['val_accuracy']:.2%} ({best['id']})" if best else "no result yet"
    return (
        f"[{len(results)}/{total} finished, {total - len(results)} left, {failed} failed] {shown}"
    )


def write_results(records: Sequence[dict[str, Any]], swept: Sequence[str], out: Path) -> None:
    """results.csv and results.json (atomically), and the figure.

    results.csv leaves out the seconds each trial took, so a resumed sweep ends with the
    same file as an uninterrupted one; results.json has them.
    """
    columns = ["id", *swept, "status", *METRICS, "epochs", "error"]
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    with atomic_write(out / "results.csv") as handle:
        handle.write(text.getvalue().encode())
    with atomic_write(out / "results.json") as handle:
        handle.write(json.dumps(list(records), indent=1).encode())
    with contextlib.suppress(ImportError):  # the figure needs matplotlib
        plot_sweep(records, swept, out / "sweep.png")
