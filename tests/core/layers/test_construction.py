"""What a layer shows (repr, config) and how it refuses bad arguments, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop.core.layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    LeakyReLU,
    Maxout,
    MaxPool2D,
    Reshape,
    Sigmoid,
)


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: Conv2D(1, 20, 5), "Conv2D(1, 20, 5x5)"),
        (lambda: Conv2D(3, 8, (3, 5)), "Conv2D(3, 8, 3x5)"),
        (lambda: Conv2D(1, 4, 3, stride=2), "Conv2D(1, 4, 3x3, stride=2)"),
        (lambda: Conv2D(1, 4, 3, stride=(1, 2)), "Conv2D(1, 4, 3x3, stride=(1, 2))"),
        (lambda: Conv2D(1, 4, 3, stride=(2, 1)), "Conv2D(1, 4, 3x3, stride=(2, 1))"),
        (lambda: Conv2D(1, 4, 3, padding="same"), "Conv2D(1, 4, 3x3, padding='same')"),
        (lambda: Conv2D(1, 4, 3, padding="valid"), "Conv2D(1, 4, 3x3)"),
        (lambda: Conv2D(1, 4, 3, padding=(1, 0)), "Conv2D(1, 4, 3x3, padding=(1, 0))"),
        (lambda: Conv2D(1, 4, 3, padding=(0, 1)), "Conv2D(1, 4, 3x3, padding=(0, 1))"),
        (
            lambda: Conv2D(1, 4, 3, stride=2, padding=1),
            "Conv2D(1, 4, 3x3, stride=2, padding=(1, 1))",
        ),
        (lambda: MaxPool2D(2), "MaxPool2D(2)"),
        (lambda: MaxPool2D(), "MaxPool2D(2)"),
        (lambda: Maxout(4, 3), "Maxout(4, 3, pieces=2)"),
        (lambda: MaxPool2D((2, 3)), "MaxPool2D((2, 3))"),
        (lambda: MaxPool2D(3, stride=2), "MaxPool2D(3, stride=2)"),
        (lambda: AvgPool2D(2, stride=(1, 2)), "AvgPool2D(2, stride=(1, 2))"),
        (lambda: Flatten(), "Flatten()"),
        (lambda: Reshape((1, 28, 28)), "Reshape((1, 28, 28))"),
        (lambda: Dropout(0.25), "Dropout(0.25)"),
        (lambda: Dense(784, 100), "Dense(784, 100)"),
        (lambda: Maxout(4, 3, pieces=5), "Maxout(4, 3, pieces=5)"),
        (lambda: LeakyReLU(0.2), "LeakyReLU(slope=0.2)"),
        (lambda: Sigmoid(), "Sigmoid()"),
    ],
)
def test_repr(make, text):
    assert repr(make()) == text


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Conv2D(0, 4, 3), ValueError, "Conv2D in_channels must be a positive integer"),
        (lambda: Conv2D(1, 0, 3), ValueError, "Conv2D filters must be a positive integer"),
        (lambda: Conv2D(1, 4, 0), ValueError, "Conv2D kernel_size must be a positive integer"),
        (lambda: Conv2D(1, 4, (3, 0)), ValueError, "Conv2D kernel_size must be a positive"),
        (
            lambda: Conv2D(1, 4, (3, 3, 3)),
            ValueError,
            "Conv2D kernel_size must be an int or a pair",
        ),
        (lambda: Conv2D(1, 4, 3, stride=0), ValueError, "Conv2D stride must be a positive integer"),
        (lambda: Conv2D(1, 4, 3, padding="full"), ValueError, "Conv2D padding must be an int, a"),
        (lambda: Conv2D(1, 4, 3, padding=-1), ValueError, r"Conv2D padding must be >= 0, got -1"),
        (lambda: Conv2D(1, 4, 3, padding=(0, -1)), ValueError, "Conv2D padding must be >= 0"),
        (lambda: Conv2D(1, 4, 3, 2, "same"), ValueError, "^Conv2D padding='same' needs stride 1$"),
        (lambda: Conv2D(1, 4, 4, padding="same"), ValueError, "^Conv2D padding='same' needs odd"),
        (lambda: MaxPool2D(0), ValueError, "MaxPool2D size must be a positive integer"),
        (lambda: AvgPool2D(2, stride=0), ValueError, "AvgPool2D stride must be a positive"),
        (lambda: Maxout(4, 3, pieces=0), ValueError, "^Maxout pieces must be a positive integer"),
        (lambda: Maxout(0, 3), ValueError, "^Maxout n_in must be a positive integer"),
        (lambda: Dense(4, 0), ValueError, "^Dense n_out must be a positive integer"),
        (lambda: Reshape(()), ValueError, r"^Reshape shape must be positive sizes, got \(\)"),
        (lambda: Reshape((1, 0)), ValueError, r"^Reshape shape must be positive sizes"),
        (lambda: Dropout(1.0), ValueError, r"^Dropout p must be in \[0, 1\), got 1.0"),
        (lambda: Dropout(-0.1), ValueError, r"^Dropout p must be in \[0, 1\)"),
        (lambda: LeakyReLU(1.0), ValueError, r"^LeakyReLU slope must be in \[0, 1\), got 1.0"),
        (lambda: LeakyReLU(-0.5), ValueError, r"^LeakyReLU slope must be in \[0, 1\)"),
    ],
)
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_boundary_arguments_are_accepted():
    assert Dropout(0.0).p == 0.0 and LeakyReLU(0.0).slope == 0.0
    assert Dropout().p == 0.5 and LeakyReLU().slope == 0.01
    assert Reshape((1,)).shape == (1,)


@pytest.mark.parametrize(
    ("make", "config"),
    [
        (
            lambda: Maxout(4, 3),
            {
                "n_in": 4,
                "n_out": 3,
                "pieces": 2,
                "init": None,
                "bias_init": {"name": "constant", "value": 0.0},
            },
        ),
        (
            lambda: Conv2D(2, 4, 3, padding=(1, 2), init="he"),
            {
                "in_channels": 2,
                "filters": 4,
                "kernel_size": [3, 3],
                "stride": [1, 1],
                "padding": [1, 2],
                "init": {"name": "he_normal"},
                "bias_init": {"name": "constant", "value": 0.0},
            },
        ),
        (lambda: MaxPool2D(3), {"size": [3, 3], "stride": [3, 3]}),
    ],
)
def test_config(make, config):
    layer = make()
    assert layer.get_config() == config
    assert type(layer).from_config(config).get_config() == config


def test_a_named_padding_stays_a_name():
    assert Conv2D(1, 4, 3, padding="same").get_config()["padding"] == "same"


def test_a_shape_that_does_not_fit_is_named():
    conv = Conv2D(3, 4, 5)
    with pytest.raises(ValueError, match=r"expects inputs \(channels=3, rows, cols\), got"):
        conv.output_shape((1, 28, 28))
    with pytest.raises(ValueError, match=r"expects inputs \(channels=3, rows, cols\), got"):
        conv.output_shape((3, 28))
    assert conv.output_shape((3, 5, 5)) == (4, 1, 1)  # the kernel exactly fits
    with pytest.raises(ValueError, match="a 5x5 kernel does not fit a 4x5"):
        conv.output_shape((3, 4, 5))
    with pytest.raises(ValueError, match="a 5x5 kernel does not fit a 5x4"):
        conv.output_shape((3, 5, 4))
    with pytest.raises(
        ValueError, match=r"expects inputs \(n, 3, rows, cols\), got \(2, 1, 8, 8\)"
    ):
        conv.forward(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"Reshape\(\(1, 4\)\) needs 4 values per example"):
        Reshape((1, 4)).output_shape((5,))
    with pytest.raises(ValueError, match=r"does not fit"):
        MaxPool2D(3).output_shape((1, 2, 2))
    with pytest.raises(
        ValueError, match=r"^MaxPool2D\(2\) expects inputs \(channels, rows, cols\)"
    ):
        MaxPool2D(2).output_shape((4, 4))
    with pytest.raises(
        ValueError, match=r"^AvgPool2D\(2\) expects inputs \(n, channels, rows, cols\)"
    ):
        AvgPool2D(2).forward(np.zeros((3, 4, 4)))


def test_a_user_layer_gets_a_repr_from_its_config():
    from deltaprop.core.layers import Layer

    class Scale(Layer):
        name = "scale"

        def __init__(self, factor: float = 2.0, note: str | None = None) -> None:
            super().__init__()
            self.factor, self.note = factor, note

        def get_config(self):
            return {"factor": self.factor, "note": self.note}

    assert repr(Scale()) == "Scale(factor=2.0)"
    assert repr(Scale(3.0, note="x")) == "Scale(factor=3.0, note='x')"


def test_initialisers_reach_every_weighted_layer():
    for layer in (
        Maxout(3, 2, init="zeros", bias_init=0.5),
        Conv2D(1, 2, 3, init=0.25, bias_init=0.5),
    ):
        layer.build(np.random.default_rng(0), np.float64)
        assert np.unique(layer.params["b"]).tolist() == [0.5]
        assert np.unique(layer.params["W"]).tolist() == [0.0 if isinstance(layer, Maxout) else 0.25]


def test_a_user_layer_counts_the_parameters_it_holds():
    """A layer that creates its parameters in build, without declaring param_shapes."""
    from deltaprop.core.layers import Layer

    class Scale(Layer):
        name = "scale"

        def build(self, rng, dtype=np.float32, activation=None):
            self.params = {"s": np.ones(5, dtype)}
            self.grads = {"s": np.zeros(5, dtype)}

        def forward(self, x, *, training=False):
            return x * self.params["s"]

    layer = Scale()
    assert layer.n_params == 0
    layer.build(np.random.default_rng(0))
    assert layer.n_params == 5
