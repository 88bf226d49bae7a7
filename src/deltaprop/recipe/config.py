"""A training run as data: :class:`TrainConfig`, one field per ``deltaprop train`` flag.

The command line builds one from its arguments, a sweep from its grid, and
:func:`deltaprop.recipe.train` carries it out. Its text forms (``from_strings`` for the
values of a grid, ``argv`` for the command that repeats it) are the command's own, so a
config and the command line say the same thing.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, fields
from typing import Any

from ..core import schedules


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run is made of; the names are ``deltaprop train``'s flags.

    Examples
    --------
    >>> config = TrainConfig(hidden=(30,), eta=0.5, epochs=3)
    >>> config.argv()
    ['--hidden', '30', '--eta', '0.5', '--epochs', '3']
    >>> TrainConfig.from_strings({"hidden": "100,30", "lmbda": "5"}).hidden
    (100, 30)
    """

    dataset: str = "mnist-sample"
    data_dir: str | None = None
    scale: str = "auto"
    label_column: int | str = 0
    hidden: tuple[int, ...] = (100,)
    activation: str = "sigmoid"
    output: str = "softmax"
    layers: str | None = None
    cost: str | None = None
    init: str | None = None
    bias_init: float = 0.0
    optimizer: str = "momentum"
    eta: float | None = None  # None: 0.1, or 0.01 for ReLU units (said in one line)
    momentum: float = 0.9
    batch_size: int = 10
    epochs: int = 20
    lmbda: float = 0.0
    schedule: str | None = None  # constant, step:DROP:EVERY or exp:GAMMA
    patience: int | None = None
    seed: int = 0
    dtype: str = "float32"
    max_memory: float = 4.0
    threads: int | None = None
    validation: float = 0.1
    augment_shift: int = 0
    augment_rotate: float = 0.0
    out: str = "deltaprop-run"
    checkpoint: str | None = None
    resume: bool = False
    overwrite: bool = False
    progress: bool = True

    @classmethod
    def from_strings(cls, values: dict[str, str], base: TrainConfig | None = None) -> TrainConfig:
        """``base`` (or the defaults) with ``values`` given as text, as a grid gives them.

        Raises ValueError naming the field for an unknown name or a value of the wrong kind.
        """
        types = typing.get_type_hints(cls)
        known = {f.name for f in fields(cls)}
        changes: dict[str, Any] = {}
        for name, text in values.items():
            if name not in known:
                raise ValueError(
                    f"{name}: not a deltaprop train option; known: {', '.join(sorted(known))}"
                )
            changes[name] = from_text(name, str(text), types[name])
        return dataclasses.replace(base or cls(), **changes)

    def argv(self) -> list[str]:
        """The ``deltaprop train`` flags that make this config, in field order.

        Only the fields that differ from the defaults are given.
        """
        default = TrainConfig()
        out: list[str] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            flag = f"--{f.name.replace('_', '-')}"
            if isinstance(value, bool):
                out.append(flag if value else f"--no-{f.name.replace('_', '-')}")
            elif isinstance(value, tuple):
                out += [flag, ",".join(str(v) for v in value)]
            else:
                out += [flag, str(value)]
        return out

    def schedule_object(self) -> schedules.Schedule | None:
        """The learning-rate schedule the ``schedule`` text names (None: constant η)."""
        return None if self.schedule is None else parse_schedule(self.schedule)


def from_text(name: str, text: str, kind: Any) -> Any:
    """One field's value from its text form (as ``deltaprop train`` reads its flags)."""
    options = typing.get_args(kind)
    if type(None) in options and text.lower() in ("none", ""):
        return None
    if kind is bool:
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"{name} must be true or false, got {text!r}")
        return text.lower() in ("true", "1", "yes")
    if kind == tuple[int, ...]:
        return parse_sizes(text)
    if name == "schedule":
        parse_schedule(text)  # checked now, kept as text
        return text
    for option in [t for t in options if t is not type(None)] or [kind]:
        try:
            if option is int and not text.lstrip("-").isdigit():
                continue
            return option(text)
        except (TypeError, ValueError):
            continue
    raise ValueError(f"{name}: invalid {_kind_name(kind)} value: {text!r}")


def _kind_name(kind: Any) -> str:
    options = [t for t in typing.get_args(kind) if t is not type(None)] or [kind]
    return " or ".join(getattr(t, "__name__", str(t)) for t in options)


def parse_sizes(text: str) -> tuple[int, ...]:
    """Hidden sizes from text: ``100`` or ``100,30``.

    Parameters
    ----------
    text : str
        Comma-separated positive integers.

    Returns
    -------
    tuple of int
        The sizes.

    Examples
    --------
    >>> from deltaprop.recipe import parse_sizes
    >>> parse_sizes("100,30")
    (100, 30)
    """
    try:
        values = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise ValueError(f"hidden sizes must be integers like 100 or 100,30: {text!r}") from None
    if not values or any(s <= 0 for s in values):
        raise ValueError(f"hidden sizes must be positive: {text!r}")
    return values


def parse_schedule(text: str) -> schedules.Schedule:
    """A schedule from text: ``constant``, ``step:DROP:EVERY`` or ``exp:GAMMA``.

    Parameters
    ----------
    text : str
        ``constant``, ``step:DROP:EVERY`` or ``exp:GAMMA``.

    Returns
    -------
    Schedule
        The schedule.

    Examples
    --------
    >>> from deltaprop.recipe import parse_schedule
    >>> parse_schedule("step:0.5:10"), parse_schedule("exp:0.95")
    (StepDecay(drop=0.5, every=10), ExponentialDecay(gamma=0.95))
    """
    kind, *args = text.split(":")
    if kind == "constant" and not args:
        return schedules.Constant()
    if kind == "step" and len(args) == 2:
        return schedules.StepDecay(float(args[0]), int(args[1]))
    if kind in ("exp", "exponential") and len(args) == 1:
        return schedules.ExponentialDecay(float(args[0]))
    raise ValueError(f"use constant, step:DROP:EVERY or exp:GAMMA, not {text!r}")
