"""Checkpoints: a resumed run equals an uninterrupted one; the file is checked like a model."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import SGD, Adam, AverageMomentum, LambdaCallback, Momentum, Nesterov, Network


def _interrupt_after(epochs):
    def stop(event):
        if len(event.history) == epochs:
            raise KeyboardInterrupt

    return LambdaCallback(on_epoch_end=stop)


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda: SGD(0.3),
        lambda: Momentum(0.1, 0.9),
        lambda: Nesterov(0.1, 0.9),
        lambda: AverageMomentum(0.3, 0.8),
        lambda: Adam(0.01),
    ],
    ids=["sgd", "momentum", "nesterov", "average", "adam"],
)
def test_resumed_run_equals_an_uninterrupted_one(tmp_path, rng, make_optimizer):
    X = rng.normal(size=(120, 5))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    kwargs = dict(
        epochs=6,
        batch_size=16,
        validation_data=(X[:30], y[:30]),
        seed=4,
        lmbda=0.5,
        log=lambda _: None,
    )

    def make():
        return Network.from_sizes([5, 8, 2], "tanh", "softmax", seed=2)

    full = make()
    h_full = full.fit(X, y, optimizer=make_optimizer(), **kwargs)

    ck = tmp_path / "ck.npz"
    part = make()
    h_part = part.fit(
        X, y, optimizer=make_optimizer(), checkpoint=ck, callbacks=[_interrupt_after(2)], **kwargs
    )
    assert len(h_part) == 2 and "interrupted" in h_part.stop_reason

    resumed = make()  # a fresh process would start like this
    h_res = resumed.fit(X, y, optimizer=make_optimizer(), checkpoint=ck, resume=True, **kwargs)
    for (name, p, _), (_, q, _) in zip(
        full.named_parameters(), resumed.named_parameters(), strict=True
    ):
        np.testing.assert_array_equal(p, q, err_msg=name)
    assert h_res.epoch == h_full.epoch
    for key in ("train_cost", "train_accuracy", "val_cost", "val_accuracy", "eta"):
        assert getattr(h_res, key) == getattr(h_full, key), key


def test_checkpoint_is_written_before_the_first_epoch(tmp_path, rng):
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    ck = tmp_path / "ck.npz"
    Network.from_sizes([3, 2]).fit(
        X,
        y,
        epochs=1,
        checkpoint=ck,
        callbacks=[LambdaCallback(on_batch_end=_raise)],
        log=lambda _: None,
    )
    from deltaprop import load_checkpoint

    state = load_checkpoint(ck, Network.from_sizes([3, 2]))
    assert state.epoch == 0 and state.history.epoch == []


def _raise(*args):
    raise KeyboardInterrupt


def test_resume_refuses_a_different_network_or_optimiser(tmp_path, rng):
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    ck = tmp_path / "ck.npz"
    Network.from_sizes([3, 4, 2]).fit(X, y, epochs=1, checkpoint=ck, optimizer="momentum")
    with pytest.raises(ValueError, match="checkpoint of a different network"):
        Network.from_sizes([3, 5, 2]).fit(
            X, y, epochs=2, checkpoint=ck, resume=True, optimizer="momentum"
        )
    with pytest.raises(ValueError, match="written with optimiser 'momentum', not 'adam'"):
        Network.from_sizes([3, 4, 2]).fit(
            X, y, epochs=2, checkpoint=ck, resume=True, optimizer="adam"
        )


def test_resume_without_a_checkpoint_starts_fresh(tmp_path, rng):
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    h = Network.from_sizes([3, 2]).fit(
        X, y, epochs=2, checkpoint=tmp_path / "none.npz", resume=True
    )
    assert h.epoch == [1, 2] and (tmp_path / "none.npz").exists()


def test_a_resumed_dropout_network_equals_an_uninterrupted_one(tmp_path, rng):
    """The masks' generators are part of the checkpoint, so the masks after resuming match."""
    from deltaprop import Dense, Softmax
    from deltaprop.core.layers import Dropout, ReLU

    X, y = rng.normal(size=(80, 5)), rng.integers(0, 3, 80)

    def make():
        layers = [Dense(5, 16), ReLU(), Dropout(0.3), Dense(16, 16), ReLU(), Dropout(0.3)]
        return Network([*layers, Dense(16, 3), Softmax()], seed=7)

    kwargs = dict(epochs=4, batch_size=8, optimizer="momentum", log=lambda _: None)
    full = make()
    full.fit(X, y, **kwargs)
    ck = tmp_path / "ck.npz"
    make().fit(X, y, checkpoint=ck, callbacks=[_interrupt_after(2)], **kwargs)
    resumed = make()
    resumed.fit(X, y, checkpoint=ck, resume=True, **kwargs)
    for (name, p, _), (_, q, _) in zip(
        full.named_parameters(), resumed.named_parameters(), strict=True
    ):
        np.testing.assert_array_equal(p, q, err_msg=name)
