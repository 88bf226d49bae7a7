"""The text form of layer stacks used by the command line."""

from __future__ import annotations

import pytest

from deltaprop import Network
from deltaprop.core.layers import AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D, Reshape
from deltaprop.core.spec import parse_layers


def test_lenet_spec():
    layers = parse_layers(
        "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
        784,
        image_shape=(28, 28),
    )
    names = [type(la).__name__ for la in layers]
    assert names == [
        "Reshape",
        "Conv2D",
        "ReLU",
        "MaxPool2D",
        "Conv2D",
        "ReLU",
        "MaxPool2D",
        "Flatten",
        "Dense",
        "ReLU",
        "Dense",
        "Softmax",
    ]
    assert layers[4].in_channels == 20 and layers[8].n_in == 40 * 4 * 4
    net = Network(layers)
    assert net.input_shape == (784,) and net.output_shape == (10,)


def test_conv_options():
    conv, act, pool, avg, drop = parse_layers(
        "conv:8x3x5:s2:p1:tanh,maxpool:3:s1,avgpool:2,dropout:0.25", (3, 16, 16)
    )
    assert isinstance(conv, Conv2D) and conv.kernel_size == (3, 5) and conv.stride == (2, 2)
    assert conv.pad == (1, 1) and type(act).__name__ == "Tanh"
    assert isinstance(pool, MaxPool2D) and pool.size == (3, 3) and pool.stride == (1, 1)
    assert isinstance(avg, AvgPool2D) and isinstance(drop, Dropout) and drop.p == 0.25
    same = parse_layers("conv:4x3:same:identity", (1, 5, 5))
    assert len(same) == 1 and same[0].padding == "same"


def test_flatten_is_inserted_before_dense_and_explicit_flatten_works():
    layers = parse_layers("conv:2x3,flatten,dense:4", 36, image_shape=(6, 6))
    assert [type(la) for la in layers] == [Reshape, Conv2D, type(layers[2]), Flatten, Dense]
    layers = parse_layers("pool:2,dense:3", (1, 4, 4))
    assert isinstance(layers[1], Flatten) and layers[2].n_in == 4


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("", "empty"),
        ("dense:ten", "must be a whole number"),
        ("dense:0", "must be positive"),
        ("dense:5:swish", "unknown activation 'swish'"),
        ("conv:3", "use conv:FxK or conv:FxKHxKW"),
        ("conv:3x3:s0", "the stride must be positive"),
        ("pool:2:2", "written sN"),
        ("dropout:half", "P must be a number"),
        ("dropout:1.5", r"\[0, 1\)"),
        ("lstm:20", "unknown layer 'lstm:20'"),
        ("conv:4x9", "does not fit"),
    ],
)
def test_bad_specs_name_the_token(spec, match):
    with pytest.raises(ValueError, match=match):
        parse_layers(spec, 64, image_shape=(8, 8))


def test_conv_on_flat_data_without_an_image_shape():
    with pytest.raises(ValueError, match="needs image inputs"):
        parse_layers("conv:2x3", 64)


def test_the_stack_builders_moved_to_stacks_and_the_old_names_warn():
    import deltaprop.core.spec
    from deltaprop.core import stacks

    with pytest.warns(DeprecationWarning, match="moved to deltaprop.core.stacks.dense_stack"):
        old = deltaprop.core.spec.dense_stack
    assert old is stacks.dense_stack
    with pytest.raises(AttributeError):
        deltaprop.core.spec.no_such_name  # noqa: B018
