"""The text form of a layer stack, as ``--layers`` takes it: :func:`parse_layers`.

(Stacks from layer sizes and the check that shapes chain are in :mod:`deltaprop.core.stacks`.)

Comma-separated tokens, each a layer:

* ``dense:N`` or ``dense:N:ACT``: N fully connected units, optionally followed by an
  activation (``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``identity``, ``softmax``);
* ``maxout:N`` or ``maxout:N:K``: N maxout units of K pieces (default 2);
* ``conv:FxK`` or ``conv:FxKHxKW``: F filters of KxK (or KHxKW) pixels, then ReLU; options
  after more colons: ``sN`` stride N, ``same``/``valid`` or ``pN`` zero padding N, and an
  activation name to use instead of ReLU (``identity`` for none);
* ``pool:K`` (or ``maxpool:K``) and ``avgpool:K``: KxK pooling, stride K, or ``pool:K:sN``;
* ``dropout:P``: dropout with probability P while training;
* ``flatten``, or an activation name on its own, e.g. ``relu``.

Flat inputs of image data are reshaped to (1, rows, cols) before the first ``conv``, and
image-shaped activations are flattened before the first ``dense``.

Example (the LeNet-style CNN of the course):
``conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax``.
"""

from __future__ import annotations

from typing import Any

from .layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    Maxout,
    MaxPool2D,
    Reshape,
    activation_class,
)

_FORMS = (
    "use dense:N[:ACT], maxout:N[:PIECES], conv:FxK[xK][:sN][:same|pN][:ACT], pool:K[:sN], "
    "avgpool:K[:sN], dropout:P, flatten or an activation name"
)


def _int(text: str, token: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"layer {token!r}: {what} must be a whole number, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"layer {token!r}: {what} must be positive, got {value}")
    return value


def _conv(token: str, args: list[str], channels: int, init: Any, bias_init: Any) -> list[Layer]:
    """Conv2D (and its activation, ReLU unless named) from ``conv:FxKH[xKW][:options]``."""
    if not args:
        raise ValueError(f"layer {token!r}: use conv:FxK, e.g. conv:20x5x5")
    dims = [_int(d, token, "filters and kernel sizes") for d in args[0].split("x")]
    if len(dims) not in (2, 3):
        raise ValueError(f"layer {token!r}: use conv:FxK or conv:FxKHxKW")
    filters, kernel = dims[0], (dims[1], dims[-1])
    stride: int = 1
    padding: int | str = 0
    activation = "relu"
    for option in args[1:]:
        if option in ("same", "valid"):
            padding = option
        elif option[:1] == "s" and option[1:].isdigit():
            stride = _int(option[1:], token, "the stride")
        elif option[:1] == "p" and option[1:].isdigit():
            padding = int(option[1:])
        else:
            activation = option
    layers: list[Layer] = [
        Conv2D(channels, filters, kernel, stride, padding, init=init, bias_init=bias_init)
    ]
    if activation not in ("identity", "linear", "none"):
        layers.append(activation_class(activation)())
    return layers


def _pool(token: str, kind: str, args: list[str]) -> Layer:
    if not args or len(args) > 2:
        raise ValueError(f"layer {token!r}: use {kind}:K or {kind}:K:sN")
    size = _int(args[0], token, "the pool size")
    stride = size
    if len(args) == 2:
        if not (args[1][:1] == "s" and args[1][1:].isdigit()):
            raise ValueError(f"layer {token!r}: the stride is written sN, e.g. {kind}:3:s2")
        stride = _int(args[1][1:], token, "the stride")
    return (AvgPool2D if kind == "avgpool" else MaxPool2D)(size, stride)


def parse_layers(
    spec: str,
    input_shape: int | tuple[int, ...],
    *,
    image_shape: tuple[int, ...] | None = None,
    init: Any = None,
    bias_init: Any = 0.0,
) -> list[Layer]:
    """Return the layers described by ``spec`` for inputs of ``input_shape``.

    ``image_shape`` (e.g. (28, 28)) says how flat inputs are laid out as images, for specs
    that start with ``conv`` or ``pool``.

    Examples
    --------
    >>> parse_layers("dense:30:sigmoid,dense:10:softmax", 784)
    [Dense(784, 30), Sigmoid(), Dense(30, 10), Softmax()]
    >>> parse_layers("conv:4x3:same,pool:2,dense:10:softmax", 64, image_shape=(8, 8))
    ... # doctest: +NORMALIZE_WHITESPACE
    [Reshape((1, 8, 8)), Conv2D(1, 4, 3x3, padding='same'), ReLU(), MaxPool2D(2), Flatten(),
     Dense(64, 10), Softmax()]
    """
    tokens = [t.strip() for t in spec.split(",") if t.strip()]
    if not tokens:
        raise ValueError("the layer specification is empty")
    shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
    layers: list[Layer] = []

    def add(*new: Layer) -> None:
        nonlocal shape
        for layer in new:
            shape = layer.output_shape(shape)
            layers.append(layer)

    for token in tokens:
        kind, *args = token.lower().split(":")
        if kind in ("conv", "pool", "maxpool", "avgpool") and len(shape) == 1:
            if image_shape is None:
                raise ValueError(f"layer {token!r} needs image inputs; these are flat vectors")
            image = tuple(image_shape) if len(image_shape) == 3 else (1, *image_shape)
            add(Reshape(image))
        if kind in ("dense", "maxout") and len(shape) > 1:
            add(Flatten())
        try:
            if kind == "dense":
                if len(args) not in (1, 2):
                    raise ValueError(f"layer {token!r}: use dense:N or dense:N:ACTIVATION")
                units = _int(args[0], token, "the number of units")
                add(Dense(shape[0], units, init=init, bias_init=bias_init))
                if len(args) == 2:
                    add(activation_class(args[1])())
            elif kind == "maxout":
                if len(args) not in (1, 2):
                    raise ValueError(f"layer {token!r}: use maxout:N or maxout:N:PIECES")
                units = _int(args[0], token, "the number of units")
                pieces = _int(args[1], token, "the number of pieces") if len(args) == 2 else 2
                add(Maxout(shape[0], units, pieces, init=init, bias_init=bias_init))
            elif kind == "conv":
                add(*_conv(token, args, shape[0], init, bias_init))
            elif kind in ("pool", "maxpool", "avgpool"):
                add(_pool(token, kind, args))
            elif kind == "dropout":
                if len(args) != 1:
                    raise ValueError(f"layer {token!r}: use dropout:P, e.g. dropout:0.5")
                try:
                    p = float(args[0])
                except ValueError:
                    raise ValueError(f"layer {token!r}: P must be a number") from None
                add(Dropout(p))
            elif kind == "flatten" and not args:
                add(Flatten())
            elif not args:
                try:
                    add(activation_class(kind)())
                except ValueError:
                    raise ValueError(f"unknown layer {token!r}; {_FORMS}") from None
            else:
                raise ValueError(f"unknown layer {token!r}; {_FORMS}")
        except ValueError as err:
            message = str(err)
            if token not in message:
                message = f"layer {token!r}: {message}"
            raise ValueError(message) from None
    return layers


def __getattr__(name: str) -> Any:
    """The names that moved to :mod:`deltaprop.core.stacks`, for one release, with a warning."""
    if name in ("chain_shapes", "dense_stack"):
        import warnings

        from . import stacks

        warnings.warn(
            f"deltaprop.core.spec.{name} moved to deltaprop.core.stacks.{name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(stacks, name)
    raise AttributeError(f"module 'deltaprop.core.spec' has no attribute {name!r}")
