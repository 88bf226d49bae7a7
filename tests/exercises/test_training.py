"""train_with: the learner's function in a real network, beside the reference."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Dense, Network, Sigmoid
from deltaprop.core import costs, layers, optimizers
from deltaprop.datasets import load
from deltaprop.exercises import train_with
from deltaprop.exercises.solutions import REFERENCES
from deltaprop.exercises.wrong import CATALOGUE


def _wrong(name, mistake):
    return next(w.fn for w in CATALOGUE[name] if w.mistake == mistake)


def test_the_reference_trains_to_the_curve_of_a_plain_deltaprop_fit():
    trained = train_with("cross_entropy_delta", REFERENCES["cross_entropy_delta"])
    data = load("mnist-sample", n_train=2000, n_test=500, dtype="float64")
    net = Network(
        [Dense(784, 30), Sigmoid(), Dense(30, 10), Sigmoid()],
        "cross_entropy",
        seed=0,
        dtype="float64",
    )
    history = net.fit(
        *data.train, epochs=3, batch_size=10, eta=0.5, seed=0, validation_data=data.test
    )
    assert trained.same, str(trained)
    assert trained.reference.accuracy[1:] == pytest.approx(history.val_accuracy, abs=1e-12)
    assert trained.learner.accuracy == pytest.approx(trained.reference.accuracy, abs=1e-12)
    assert trained.reference.accuracy[-1] > 0.8


@pytest.mark.parametrize(
    ("name", "mistake", "epoch", "where"),
    [
        ("sigmoid_prime", "returns-sigma", 0, "δ of layer 0"),  # the hidden δ, before training
        ("quadratic_delta", "missing-sigma-prime", 0, "δ of layer 2"),  # δᴸ itself
        ("sgd_step", "sign", 1, "δ of layer 2"),  # the same δ until the first steps
        ("backprop", "extra-sigma-prime", 0, "∂C/∂layers.2"),
        ("numerical_gradient", "one-sided", 0, "∂C/∂layers"),
    ],
)
def test_a_wrong_function_trains_differently_and_says_where_delta_first_differs(
    name, mistake, epoch, where
):
    trained = train_with(name, _wrong(name, mistake))
    assert not trained.same and not trained.error
    assert trained.differs_at is not None
    assert trained.differs_at[0] == epoch
    assert trained.differs_at[1].startswith(where), trained.differs_at
    if name != "numerical_gradient":  # one-sided differences still learn the same
        assert trained.learner.accuracy != pytest.approx(trained.reference.accuracy, abs=1e-3)
    assert f"after epoch {epoch}" in str(trained) or "before training" in str(trained)


def _library_methods():
    owners = [
        layers.Sigmoid,
        layers.Softmax,
        layers.Dense,
        layers.Conv2D,
        layers.MaxPool2D,
        costs.Quadratic,
        costs.CrossEntropy,
        costs.LogLikelihood,
        optimizers.SGD,
        optimizers.Momentum,
        Network,
    ]
    return {(o.__name__, k): v for o in owners for k, v in vars(o).items()}


def test_nothing_of_deltaprop_stays_patched_when_the_learner_function_raises():
    before = _library_methods()

    def broken(z):
        raise ZeroDivisionError("the learner's bug")

    trained = train_with("sigmoid_prime", broken)
    assert "ZeroDivisionError: the learner's bug" in trained.error
    assert len(trained.learner.accuracy) == 1  # before training; no epoch got through
    assert _library_methods() == before
    net = Network.from_sizes([4, 3, 2], seed=0)
    assert np.isfinite(net.forward(np.ones((1, 4)))).all()


def test_a_learner_function_that_hangs_is_stopped():
    def forever(delta, a_prev, W):
        while True:
            pass

    trained = train_with("dense_backward", forever, timeout=3)
    assert "did not finish within 3 s" in trained.error


def test_the_figure_shows_both_curves_and_marks_the_epoch():
    trained = train_with("sgd_step", _wrong("sgd_step", "sign"))
    figure = trained.figure()
    _cost, accuracy = figure.axes
    assert len(accuracy.lines) == 3  # reference, yours, the epoch where δ differs
    assert [line.get_label() for line in accuracy.lines[:2]] == ["reference", "yours"]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REFERENCES))
def test_every_reference_trains_exactly_as_the_reference_network(name):
    trained = train_with(name, REFERENCES[name])
    assert trained.same, str(trained)
