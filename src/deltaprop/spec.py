"""A readable text form of a layer stack, for the command line.

Comma-separated tokens, each a layer:

* ``dense:N`` or ``dense:N:ACT``: a Dense layer of N units, optionally followed by an
  activation (``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``identity``, ``softmax``);
* ``maxout:N`` or ``maxout:N:K``: N maxout units of K pieces (default 2);
* an activation name on its own, e.g. ``relu``.

Example: ``dense:100:relu,dense:10:softmax`` on 784 inputs is 784-100-10.
"""

from __future__ import annotations

from .layers import Dense, Layer, Maxout, activation_class


def _int(text: str, token: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"layer {token!r}: {what} must be a whole number, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"layer {token!r}: {what} must be positive, got {value}")
    return value


def parse_layers(
    spec: str, n_in: int, *, init: object = None, bias_init: object = 0.0
) -> list[Layer]:
    """Return the layers described by ``spec`` for inputs of ``n_in`` features.

    Examples
    --------
    >>> parse_layers("dense:30:sigmoid,dense:10:softmax", 784)
    [Dense(784, 30), Sigmoid(), Dense(30, 10), Softmax()]
    """
    tokens = [t.strip() for t in spec.split(",") if t.strip()]
    if not tokens:
        raise ValueError("the layer specification is empty")
    layers: list[Layer] = []
    size = n_in
    for token in tokens:
        kind, *args = token.lower().split(":")
        if kind == "dense":
            if len(args) not in (1, 2):
                raise ValueError(f"layer {token!r}: use dense:N or dense:N:ACTIVATION")
            units = _int(args[0], token, "the number of units")
            layers.append(Dense(size, units, init=init, bias_init=bias_init))  # type: ignore[arg-type]
            if len(args) == 2:
                layers.append(activation_class(args[1])())
            size = units
        elif kind == "maxout":
            if len(args) not in (1, 2):
                raise ValueError(f"layer {token!r}: use maxout:N or maxout:N:PIECES")
            units = _int(args[0], token, "the number of units")
            pieces = _int(args[1], token, "the number of pieces") if len(args) == 2 else 2
            layers.append(Maxout(size, units, pieces, init=init, bias_init=bias_init))  # type: ignore[arg-type]
            size = units
        elif not args:
            try:
                layers.append(activation_class(kind)())
            except ValueError:
                raise ValueError(
                    f"unknown layer {token!r}; use dense:N[:ACT], maxout:N[:PIECES] or an "
                    "activation name"
                ) from None
        else:
            raise ValueError(
                f"unknown layer {token!r}; use dense:N[:ACT], maxout:N[:PIECES] or an "
                "activation name"
            )
    return layers
