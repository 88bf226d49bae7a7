"""``train_with(name, fn)``: the learner's function trained in a real network.

Both networks start from the same seed and see the same batches. After every epoch (and
before the first) each network's δ on a fixed probe batch is recorded; the first epoch and
layer where the learner's δ leaves the reference's, in backpropagation order (output
first), says where the learner's maths first changes the network. For ``backprop`` and
``numerical_gradient``, which compute whole gradients, the gradients are compared instead.

The training runs in a child process (:mod:`.sandbox`): the learner's code never runs in
the caller's, and nothing of deltaprop is patched (:mod:`.plugged` builds subclasses).
"""

from __future__ import annotations

import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import sandbox, statements
from .differ import first_difference
from .plugged import CONV, networks

DENSE_TRAIN, CNN_TRAIN = 2000, 1000
"""Training digits by default: the CNN's steps cost more, and 1,000 show its curve."""
TOLERANCE = 1e-6
"""Relative difference of δ (largest entry) from which two networks differ."""


@dataclass
class Curve:
    """Test cost and accuracy after each epoch (index 0: before training).

    Examples
    --------
    >>> from deltaprop.exercises import Curve
    >>> curve = Curve(cost=[2.3, 0.4], accuracy=[0.1, 0.9])  # before training, after epoch 1
    >>> curve.accuracy[-1]
    0.9
    """

    cost: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


@dataclass
class Trained:
    """The learner's network and the reference, trained side by side.

    Examples
    --------
    >>> from deltaprop.exercises import Trained
    >>> from deltaprop.exercises.solutions import sigmoid_prime
    >>> trained = train_with("sigmoid_prime", sigmoid_prime, epochs=1)
    >>> trained.differs_at is None, len(trained.learner.accuracy)
    (True, 2)
    """

    exercise: str
    reference: Curve
    learner: Curve
    differs_at: tuple[int, str, float] | None = None
    """(epoch, layer, relative difference) where δ first differs; None if never."""
    error: str = ""
    """What stopped the learner's network, if something did."""
    output: str = ""
    seconds: float = 0.0

    @property
    def same(self) -> bool:
        return self.differs_at is None and not self.error

    def __str__(self) -> str:
        lines = [
            f"{self.exercise}: your function trained in a real network, beside the "
            "reference (same seed, same batches)"
        ]
        for label, curve in (("reference", self.reference), ("yours", self.learner)):
            accuracy = ", ".join(f"{a:.1%}" for a in curve.accuracy)
            lines.append(f"  {label:9s} test accuracy by epoch: {accuracy}")
        if self.differs_at:
            epoch, layer, size = self.differs_at
            when = "before training" if epoch == 0 else f"after epoch {epoch}"
            lines.append(
                f"  first difference {when}: {layer} (largest difference {size:.2g} times "
                "the reference's largest entry)"
            )
        elif not self.error:
            lines.append("  δ of every layer matches the reference's at every epoch")
        if self.exercise == "conv2d_backward":
            lines.append(
                "  (the convolution is the network's first layer: its dx feeds no "
                "layer, so only dW and db train here; check() tests dx)"
            )
        if self.error:
            lines.append(f"  your network stopped: {self.error}")
        return "\n".join(lines)

    def figure(self) -> Any:
        """Both learning curves, the epoch where δ first differs marked (matplotlib)."""
        from ..files.plots import new_figure

        fig = new_figure(8, 3.2)
        cost, accuracy = fig.subplots(1, 2)
        for curve, label, style in (
            (self.reference, "reference", "-"),
            (self.learner, "yours", "--"),
        ):
            cost.plot(range(len(curve.cost)), curve.cost, style, marker="o", label=label)
            accuracy.plot(
                range(len(curve.accuracy)), curve.accuracy, style, marker="o", label=label
            )
        if self.differs_at:
            for axis in (cost, accuracy):
                axis.axvline(self.differs_at[0], color="#b3261e", lw=0.8, ls=":")
            accuracy.annotate(
                f" δ first differs: {self.differs_at[1]}",
                (self.differs_at[0], 0.93),
                color="#b3261e",
                fontsize=8,
            )
        cost.set(xlabel="epoch", ylabel="test cost", title=f"{self.exercise}: cost")
        values = [c for c in self.reference.cost + self.learner.cost if np.isfinite(c) and c > 0]
        if values and max(values) > 100 * min(values):
            cost.set_yscale("log")
        accuracy.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="accuracy")
        accuracy.legend(loc="lower right")
        for axis in (cost, accuracy):
            axis.set_xticks(range(max(len(self.reference.cost), len(self.learner.cost))))
        return fig

    def _repr_html_(self) -> str:
        import base64
        from html import escape

        from ..utils.jupyter import figure_png

        html = f"<pre>{escape(str(self))}</pre>"
        if self.reference.cost:
            png = base64.b64encode(figure_png(self.figure()).data).decode("ascii")
            html += f'<img src="data:image/png;base64,{png}" alt="learning curves">'
        return html

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "reference": vars(self.reference),
            "learner": vars(self.learner),
            "differs_at": self.differs_at,
            "error": self.error,
            "seconds": self.seconds,
        }


def _data(cnn: bool, n_train: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ..datasets import load

    data = load("mnist-sample", n_train=n_train, n_test=500, dtype="float64")
    (X, y), (Xt, yt) = data.train, data.test
    if cnn:
        # A faint fixed noise (below 1e-3) so that no two entries of a pooling window tie:
        # at a tie max has no derivative, and any split of δ would be an equally right answer.
        rng = np.random.default_rng(0)
        X = (X + rng.uniform(0, 1e-3, X.shape)).reshape(-1, 1, 28, 28)
        Xt = (Xt + rng.uniform(0, 1e-3, Xt.shape)).reshape(-1, 1, 28, 28)
    return X, y, Xt, yt


def _deltas(net: Any, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    found: list[np.ndarray] = []
    net.backprop(X, y, deltas=found)
    return [np.array(d) for d in found]


def _recorder(
    net: Any, Xt: np.ndarray, yt: np.ndarray, curve: Curve, deltas: list[list[np.ndarray]]
) -> Any:
    from ..training import Callback

    probe = (Xt[:100], yt[:100])

    class Record(Callback):
        def on_epoch_end(self, event: Any) -> None:
            record()

    def record() -> None:
        curve.cost.append(float(net.cost(Xt, yt)))
        curve.accuracy.append(float(net.accuracy(Xt, yt)))
        deltas.append(_deltas(net, *probe))

    record()
    return Record()


def _fit_side_by_side(
    name: str, fn: Callable[..., Any], epochs: int, n_train: int, seed: int
) -> dict[str, Any]:
    setup = networks(name, fn, n_train)
    X, y, Xt, yt = _data(setup.cnn, n_train)
    curves = {"reference": Curve(), "learner": Curve()}
    deltas: dict[str, list[list[np.ndarray]]] = {"reference": [], "learner": []}
    error = ""
    for side, net, extra in (
        ("reference", setup.reference, {}),
        ("learner", setup.learner, setup.learner_fit),
    ):
        kwargs = {"epochs": epochs, "batch_size": 10, "seed": seed, **setup.fit, **extra}
        try:
            recorder = _recorder(net, Xt, yt, curves[side], deltas[side])
            net.fit(X, y, callbacks=[recorder], **kwargs)
        except Exception as err:
            if side == "reference":
                raise
            error = f"{type(err).__name__}: {err}"[:500]
    layers = setup.reference.layers
    differs = first_difference(  # δ = ∂C/∂z, compared where z is made: at the weighted layers
        deltas["reference"],
        deltas["learner"],
        TOLERANCE,
        lambda i: f"δ of layer {i}, {layers[i]!r}" if layers[i].params else None,
    )
    return {
        "reference": vars(curves["reference"]),
        "learner": vars(curves["learner"]),
        "differs_at": differs,
        "error": error,
    }


def train_with(
    name: str,
    fn: Callable[..., Any],
    *,
    epochs: int = 3,
    n_train: int | None = None,
    seed: int = 0,
    timeout: float = 120.0,
    memory: int = 2 * sandbox.MEMORY,
) -> Trained:
    """Train the learner's ``fn`` for exercise ``name`` in a real network beside the reference.

    The delta and dense exercises go into the 784-30-10 sigmoid network on the bundled
    digits, the step exercises into its optimiser, the convolution exercises into a small
    CNN; ``backprop`` and ``numerical_gradient`` drive a loop of their own (see
    ``deltaprop.exercises.loops``). ``n_train`` digits are trained on (by default 2,000,
    1,000 for the CNN). Returns both learning curves and where δ first differs.

    Parameters
    ----------
    name : str
        The exercise.
    fn : callable
        The learner's function.
    epochs : int, default 3
        Epochs both networks train.
    n_train : int, optional
        Digits trained on (by default 2,000, 1,000 for the CNN).
    seed : int, default 0
        Seed of both networks and of their batches.
    timeout : float, default 120.0
        Seconds the child process may run.
    memory : int, default 2 GiB
        Bytes of address space it may take.

    Returns
    -------
    Trained
        Both learning curves and where δ (or the gradient) first differs.

    Examples
    --------
    >>> trained = train_with("sgd_step", lambda w, grad, eta: w - eta * grad, epochs=1)
    >>> trained.same, trained.differs_at
    (True, None)
    """
    return _trained(name, lambda: fn, epochs, n_train, seed, timeout, memory)


def train_file(
    name: str,
    path: str | Path,
    *,
    epochs: int = 3,
    n_train: int | None = None,
    seed: int = 0,
    timeout: float = 120.0,
    memory: int = 2 * sandbox.MEMORY,
) -> Trained:
    """:func:`train_with` for the function ``name`` of a learner's file, imported in the child."""

    def load() -> Callable[..., Any]:
        namespace = runpy.run_path(str(path), run_name="__learner__")
        if not callable(namespace.get(name)):
            raise LookupError(f"{Path(path).name} defines no function {name}")
        return namespace[name]  # type: ignore[no-any-return]

    return _trained(name, load, epochs, n_train, seed, timeout, memory)


def _trained(
    name: str,
    load: Callable[[], Callable[..., Any]],
    epochs: int,
    n_train: int | None,
    seed: int,
    timeout: float,
    memory: int,
) -> Trained:
    statements.get(name)
    from .loops import LOOPS

    runner = LOOPS.get(name, _fit_side_by_side)

    def work(send: Callable[[dict[str, Any]], None]) -> None:
        size = n_train or (CNN_TRAIN if name in CONV else DENSE_TRAIN)
        send(runner(name, load(), epochs, size, seed))

    run = sandbox.isolated(work, timeout=timeout, memory=memory)
    if not run.messages:
        stopped = {"timed-out": f"it did not finish within {timeout:g} s"}.get(
            run.ended, run.detail or run.ended
        )
        return Trained(
            name, Curve(), Curve(), error=stopped, output=run.output, seconds=run.seconds
        )
    result = run.messages[0]
    differs = result["differs_at"]
    return Trained(
        name,
        Curve(**result["reference"]),
        Curve(**result["learner"]),
        tuple(differs) if differs else None,  # type: ignore[arg-type]
        result["error"],
        run.output,
        run.seconds,
    )


__all__ = ["Curve", "Trained", "train_file", "train_with"]
