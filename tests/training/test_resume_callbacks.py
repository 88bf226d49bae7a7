"""Resuming with callbacks that keep state ends bit-identical to the uninterrupted run.

EarlyStopping keeps its best value, that value's epoch and the best parameters; the
rising-cost warning its starting cost and whether it has spoken. They used to live only in
memory, so a run interrupted after epoch 3 and resumed ran 7 epochs instead of 5 and ended
with other weights. Now each callback's state is in the checkpoint.
"""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Callback, EarlyStopping, Network
from deltaprop.cli import main
from deltaprop.datasets import load_mnist_sample
from deltaprop.training import RisingCostWarning

(X, Y), VALIDATION = load_mnist_sample(300, 200, seed=0)


class Interrupt(Callback):
    """Ctrl-C at the end of one epoch (after the other callbacks have taken it in)."""

    def __init__(self, after: int | None) -> None:
        self.after = after

    def on_epoch_end(self, event):
        if event.epoch == self.after:
            raise KeyboardInterrupt


class CountEpochs(Callback):
    """A user's callback with state: it takes part through get_state and set_state."""

    def __init__(self) -> None:
        self.seen = 0

    def on_epoch_end(self, event):
        self.seen += 1
        if self.seen == 4:
            event.stop("four epochs seen")

    def get_state(self):
        return {"seen": self.seen}

    def set_state(self, state):
        self.seen = state["seen"]


def fit(path, callbacks, resume=False, epochs=30):
    net = Network.from_sizes([784, 20, 10], seed=0, dtype="float64")
    history = net.fit(
        X, Y, epochs=epochs, batch_size=10, optimizer="momentum", eta=0.1,
        validation_data=VALIDATION, checkpoint=path, resume=resume, callbacks=callbacks,
        log=lambda line: None,
    )  # fmt: skip
    return net, history


def same(a, b):
    return all(
        np.array_equal(p, q)
        for (_, p, _), (_, q, _) in zip(a.named_parameters(), b.named_parameters(), strict=True)
    )


def test_early_stopping_resumed_at_every_epoch_ends_as_the_uninterrupted_run(tmp_path):
    whole, history = fit(tmp_path / "whole.npz", [EarlyStopping("val_cost", 3)])
    epochs = len(history)
    assert history.stop_reason.startswith("early stopping") and epochs < 30
    for k in range(1, epochs):
        path = tmp_path / f"cut{k}.npz"
        stopping = EarlyStopping("val_cost", 3)
        _, cut = fit(path, [stopping, Interrupt(k)])
        assert cut.stop_reason.startswith("interrupted") and len(cut) == k - 1 + 1
        resumed, again = fit(path, [EarlyStopping("val_cost", 3)], resume=True)
        assert len(again) == epochs and again.stop_reason == history.stop_reason, k
        assert again.val_cost == history.val_cost
        assert same(resumed, whole), f"interrupted after epoch {k}"


def test_a_users_callback_takes_part_and_order_of_others_does_not_matter(tmp_path):
    whole, history = fit(tmp_path / "w.npz", [CountEpochs(), EarlyStopping("val_cost", 3)])
    assert history.stop_reason == "four epochs seen"
    fit(tmp_path / "c.npz", [CountEpochs(), EarlyStopping("val_cost", 3), Interrupt(2)])
    resumed, again = fit(
        tmp_path / "c.npz", [CountEpochs(), EarlyStopping("val_cost", 3)], resume=True
    )
    assert len(again) == 4 and same(resumed, whole)
    _, reversed_history = fit(tmp_path / "r.npz", [EarlyStopping("val_cost", 3), CountEpochs()])
    assert reversed_history.val_cost == history.val_cost


def test_the_rising_cost_warning_keeps_its_start_and_speaks_once(tmp_path):
    warning = RisingCostWarning(X, Y)
    warning.start, warning.warned = 1.25, True
    fresh = RisingCostWarning(X, Y)
    fresh.set_state(warning.get_state())
    assert (fresh.start, fresh.warned) == (1.25, True)


def test_a_corrupt_callback_state_is_a_clear_error(tmp_path):
    from deltaprop import ModelFileError
    from deltaprop.files.archive import ArchiveReader, write_archive

    path = tmp_path / "c.npz"
    fit(path, [EarlyStopping("val_cost", 3), Interrupt(3)])
    meta = dict(ArchiveReader(path, "deltaprop-checkpoint").meta)
    with np.load(path, allow_pickle=False) as members:
        arrays = {k: members[k] for k in members.files if k != "__meta__"}
    record = meta["callbacks"]["EarlyStopping#0"]
    record["arrays"]["param0"] = [[3], "<f8"]  # a shape that is not the saved array's
    meta.pop("checksum"), meta.pop("version")
    write_archive(path, meta, arrays)
    with pytest.raises((ModelFileError, ValueError), match="callback"):
        fit(path, [EarlyStopping("val_cost", 3)], resume=True)


def test_the_command_line_resumes_patience_exactly(tmp_path, capsys):
    from deltaprop import load

    def train(epochs, out, *more):
        flags = ["--hidden", "20", "--patience", "2", "--eta", "0.5", "--validation", "200"]
        argv = ["train", *flags, "--epochs", str(epochs), "--no-progress", "--out", str(out)]
        assert main([*argv, *more]) == 0
        lines = capsys.readouterr().out.splitlines()
        return [line for line in lines if line.startswith("early stopping")]

    stopped = train(25, tmp_path / "whole")
    assert stopped  # it does stop early
    assert train(2, tmp_path / "cut") == []  # the same run, cut after two epochs
    assert train(25, tmp_path / "cut", "--resume") == stopped
    whole, cut = load(tmp_path / "whole" / "model.npz"), load(tmp_path / "cut" / "model.npz")
    assert same(whole, cut)
