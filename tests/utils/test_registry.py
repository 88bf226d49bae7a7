"""One registry rule for every named thing."""

from __future__ import annotations

import pytest

from deltaprop.core import costs, initializers, optimizers, schedules
from deltaprop.core.layers import ACTIVATIONS, LAYERS, activation_class
from deltaprop.utils.registry import Registry, UnknownNameError, normalise


@pytest.mark.parametrize(
    "name",
    [
        "binary-cross-entropy",
        "binary_cross_entropy",
        "Binary Cross Entropy",
        " BINARY  cross-ENTROPY ",
    ],
)
def test_spellings_of_one_name_resolve_alike(name):
    assert type(costs.get(name)) is costs.CrossEntropy


@pytest.mark.parametrize(
    ("registry", "name", "expected"),
    [
        (costs.COSTS, "Log Likelihood", costs.LogLikelihood),
        (costs.COSTS, "MSE", costs.Quadratic),
        (ACTIVATIONS, "Leaky ReLU", ACTIVATIONS["leaky_relu"]),
        (ACTIVATIONS, "leakyrelu", ACTIVATIONS["leaky_relu"]),
        (initializers.INITIALIZERS, "Xavier-Uniform", initializers.XavierUniform),
        (initializers.INITIALIZERS, "glorot", initializers.XavierNormal),
        (optimizers.OPTIMIZERS, "Average Momentum", optimizers.AverageMomentum),
        (schedules.SCHEDULES, "exp", schedules.ExponentialDecay),
        (LAYERS, "Conv2D", LAYERS["conv2d"]),
    ],
)
def test_every_kind_uses_the_rule(registry, name, expected):
    assert registry[name] is expected and name in registry


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (lambda: costs.get("hinge"), "unknown cost 'hinge'; known: .*cross_entropy.*quadratic"),
        (lambda: activation_class("swish"), "unknown activation 'swish'; known: .*relu.*sigmoid"),
        (lambda: initializers.get("orthogonal"), "unknown initialiser 'orthogonal'; known: .*he"),
        (lambda: optimizers.get("rmsprop"), "unknown optimiser 'rmsprop'; known: adam, .*sgd"),
        (lambda: LAYERS["os.system"], "unknown layer 'os.system'; known: .*dense"),
    ],
)
def test_an_unknown_name_lists_the_known_ones(lookup, message):
    with pytest.raises(UnknownNameError, match=message) as info:
        lookup()
    assert isinstance(info.value, ValueError) and isinstance(info.value, KeyError)
    assert not str(info.value).startswith("'")  # not KeyError's quoted form


def test_the_registry_is_a_read_only_mapping_of_canonical_names():
    sizes = Registry("size", {"Small One": 1, "large": 3}, {"tiny": "small-one"})
    assert list(sizes) == ["small_one", "large"] and len(sizes) == 2
    assert sizes["TINY"] == 1 and "tiny" in sizes and 3 not in sizes and "huge" not in sizes
    assert sizes.canonical("Small-One") == "small_one"
    assert normalise("a - b__c") == "a_b_c"
    with pytest.raises(UnknownNameError, match="a size name must be a string"):
        sizes[3]
    with pytest.raises(ValueError, match="alias 'x' names no size"):
        Registry("size", {"a": 1}, {"x": "b"})
