"""What the page may ask for: each form field checked, with the studio's caps.

Everything from the page arrives as JSON; a bad value raises :class:`FormError` naming the
field, which the server answers with 400 and the page shows beside that field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..core.initializers import INITIALIZERS
from ..core.optimizers import OPTIMIZERS
from ..datasets import TOY
from ..experiments import EXPERIMENTS
from ..utils.registry import UnknownNameError

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "maxout")
OUTPUTS = {
    "sigmoid+cross_entropy": ("sigmoid", "cross_entropy", 1),
    "softmax+log_likelihood": ("softmax", "log_likelihood", 2),
    "sigmoid+quadratic": ("sigmoid", "quadratic", 1),
}
"""Output activation, cost and number of output units; the last pair is the unmatched one."""
PRESETS = ("dense", "cnn")


LABELS = {
    "eta": "η (learning rate)",
    "lmbda": "λ (L2 regularisation)",
    "batch_size": "batch size",
    "hidden": "hidden layers",
    "points": "number of points",
    "test_fraction": "test fraction",
    "data_seed": "data seed",
    "n_train": "training digits",
    "init": "initialisation",
}


class FormError(ValueError):
    """A value from the page that cannot be used; ``field`` names the form field.

    ``status`` is the HTTP status of the answer: 400, or 413 for a body over its cap.
    """

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def named(field: str) -> str:
    """The field as the page labels it, to start a message."""
    label = LABELS.get(field, field.replace("_", " "))
    return label[0].upper() + label[1:] if label[0].isascii() else label  # η stays η


@dataclass(frozen=True)
class Caps:
    """Limits that keep one page from exhausting the machine.

    Examples
    --------
    >>> from deltaprop.studio import Caps
    >>> caps = Caps(sessions=30, sessions_per_client=2)
    >>> caps.sessions, caps.idle_seconds
    (30, 3600.0)
    """

    sessions: int = 8
    sessions_per_client: int = 8
    idle_seconds: float = 3600.0
    points: int = 2_000
    hidden_layers: int = 6
    width: int = 16
    digits: int = 8_000
    digit_epochs: int = 50
    params: int = 2_000_000
    upload_bytes: int = 50 * 2**20
    grid: int = 100


@dataclass(frozen=True)
class PlaygroundConfig:
    """A 2-D problem and a network to learn it (the playground's form)."""

    dataset: str = "xor"
    noise: float = 0.05
    points: int = 400
    test_fraction: float = 0.5
    data_seed: int = 0
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    output: str = "sigmoid+cross_entropy"
    init: str = "default"
    optimizer: str = "sgd"
    eta: float = 0.3
    batch_size: int = 10
    lmbda: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class DigitsConfig:
    """Training on the bundled digits (the digits form)."""

    preset: str = "dense"
    n_train: int = 2_000
    epochs: int = 10
    optimizer: str = "sgd"
    eta: float = 0.1
    batch_size: int = 10
    lmbda: float = 0.0
    seed: int = 0


def number(
    form: dict[str, Any], field: str, default: float, lo: float, hi: float, *, above: bool = False
) -> float:
    """A finite number in [lo, hi] (or (lo, hi] with ``above``)."""
    value = form.get(field, default)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise FormError(field, f"{named(field)} must be a number, got {value!r}") from None
    low_ok = x > lo if above else x >= lo
    if not (math.isfinite(x) and low_ok and x <= hi):
        bound = f"> {lo:g}" if above else f">= {lo:g}"
        raise FormError(field, f"{named(field)} must be {bound} and <= {hi:g}, got {value!r}")
    return x


def whole(form: dict[str, Any], field: str, default: int, lo: int, hi: int) -> int:
    """A whole number in [lo, hi]."""
    x = number(form, field, default, lo, hi)
    if x != int(x):
        raise FormError(field, f"{named(field)} must be a whole number, got {form.get(field)!r}")
    return int(x)


def choice(form: dict[str, Any], field: str, default: str, names: Any) -> str:
    """One of ``names`` (a Registry's spellings are accepted and made canonical)."""
    value = form.get(field, default)
    if not isinstance(value, str):
        raise FormError(field, f"{named(field)} must be a name, got {value!r}")
    canonical = getattr(names, "canonical", None)
    if canonical is not None:
        try:
            return str(canonical(value))
        except UnknownNameError as err:
            raise FormError(field, str(err)) from None
    if value not in names:
        raise FormError(field, f"{named(field)}: unknown {value!r}; known: {', '.join(names)}")
    return value


def widths(
    form: dict[str, Any], field: str, default: tuple[int, ...], caps: Caps
) -> tuple[int, ...]:
    """Hidden-layer widths: a list of whole numbers, or text like ``"4, 4"``."""
    value = form.get(field, list(default))
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise FormError(field, f"{named(field)} must be a list of layer widths, got {value!r}")
    if len(items) > caps.hidden_layers:
        raise FormError(field, f"At most {caps.hidden_layers} hidden layers, got {len(items)}")
    for item in items:
        text = str(item).strip() if isinstance(item, (int, str)) else ""
        if not text.isdigit() or not 1 <= int(text) <= caps.width:
            raise FormError(
                field, f"Hidden layers must each have from 1 to {caps.width} units, got {item!r}"
            )
    return tuple(int(item) for item in items)


def playground(form: dict[str, Any], caps: Caps) -> PlaygroundConfig:
    """Check the playground form; raise FormError on the first bad field."""
    d = PlaygroundConfig()
    hidden = widths(form, "hidden", d.hidden, caps)
    points = whole(form, "points", min(d.points, caps.points), 10, caps.points)
    config = PlaygroundConfig(
        dataset=choice(form, "dataset", d.dataset, TOY),
        noise=number(form, "noise", d.noise, 0, 0.5),
        points=points,
        test_fraction=number(form, "test_fraction", d.test_fraction, 0.1, 0.9),
        data_seed=whole(form, "data_seed", d.data_seed, 0, 2**31 - 1),
        hidden=hidden,
        activation=choice(form, "activation", d.activation, ACTIVATIONS),
        output=choice(form, "output", d.output, OUTPUTS),
        init=_init(form, d.init),
        optimizer=choice(form, "optimizer", d.optimizer, OPTIMIZERS),
        eta=number(form, "eta", d.eta, 0, 10, above=True),
        batch_size=whole(form, "batch_size", d.batch_size, 1, points),
        lmbda=number(form, "lmbda", d.lmbda, 0, 100),
        seed=whole(form, "seed", d.seed, 0, 2**31 - 1),
    )
    return config


def digits(form: dict[str, Any], caps: Caps) -> DigitsConfig:
    """Check the digits form; raise FormError on the first bad field."""
    d = DigitsConfig()
    n_train = whole(form, "n_train", min(d.n_train, caps.digits), 100, caps.digits)
    return DigitsConfig(
        preset=choice(form, "preset", d.preset, PRESETS),
        n_train=n_train,
        epochs=whole(form, "epochs", d.epochs, 1, caps.digit_epochs),
        optimizer=choice(form, "optimizer", d.optimizer, OPTIMIZERS),
        eta=number(form, "eta", d.eta, 0, 10, above=True),
        batch_size=whole(form, "batch_size", d.batch_size, 1, n_train),
        lmbda=number(form, "lmbda", d.lmbda, 0, 100),
        seed=whole(form, "seed", d.seed, 0, 2**31 - 1),
    )


def experiment(form: dict[str, Any]) -> tuple[str, bool]:
    """The lab form: an experiment's name and whether to run it quick."""
    name = choice(form, "name", "", EXPERIMENTS)
    quick = form.get("quick", True)
    if not isinstance(quick, bool):
        raise FormError("quick", f"Quick must be true or false, got {quick!r}")
    return name, quick


def label(form: dict[str, Any]) -> int | None:
    """The true label picked for a drawn digit, if any."""
    if form.get("label") is None:
        return None
    return whole(form, "label", 0, 0, 9)


def _init(form: dict[str, Any], default: str) -> str:
    if form.get("init", default) == "default":
        return "default"
    return choice(form, "init", default, INITIALIZERS)
