"""One sigmoid neuron: why the cross-entropy cost avoids the learning slowdown."""

from __future__ import annotations

from typing import Any

from ..core.layers import Dense, Sigmoid
from ..core.network import Network
from ..training import LambdaCallback, TrainingEvent
from .base import Outcome, experiment


def _train_neuron(cost: str, start: float, epochs: int) -> tuple[list[float], list[float]]:
    """x = 1, y = 0, w = b = start, η = 0.15: the output a and the cost after every step."""
    net = Network([Dense(1, 1, init=start, bias_init=start), Sigmoid()], cost=cost, dtype="float64")
    outputs = [float(net.forward([[1.0]])[0, 0])]
    costs = [net.cost([[1.0]], [[0.0]])]

    def record(event: TrainingEvent) -> None:
        outputs.append(float(net.forward([[1.0]])[0, 0]))
        costs.append(net.cost([[1.0]], [[0.0]]))

    net.fit(
        [[1.0]],
        [[0.0]],
        epochs=epochs,
        batch_size=1,
        eta=0.15,
        monitor_training=False,
        callbacks=[LambdaCallback(on_epoch_end=record)],
    )
    return outputs, costs


@experiment(
    "learning-slowdown", "one sigmoid neuron: quadratic vs cross-entropy cost, good and bad starts"
)
def learning_slowdown(quick: bool, seed: int) -> Outcome:
    """One sigmoid neuron, x = 1, y = 0, learning from a good and a saturated start."""
    epochs = 300
    runs = {
        f"{cost} from w=b={start}": _train_neuron(cost, start, epochs)
        for start in (0.6, 2.0)
        for cost in ("quadratic", "cross-entropy")
    }
    after = 30
    bad_q = runs["quadratic from w=b=2.0"][0][after]
    bad_ce = runs["cross-entropy from w=b=2.0"][0][after]
    good_q = runs["quadratic from w=b=0.6"][0][after]
    holds = bad_ce < 0.5 * bad_q and bad_q > 0.9 and good_q < 0.5
    data = {name: {"output": o, "cost": c} for name, (o, c) in runs.items()}

    def draw(fig: Any) -> None:
        axes = fig.subplots(1, 2, sharey=True)
        for ax, start in zip(axes, (0.6, 2.0), strict=True):
            for cost, style in (("quadratic", "-"), ("cross-entropy", "--")):
                ax.plot(runs[f"{cost} from w=b={start}"][0], style, label=cost)
            ax.set_title(
                f"start w = b = {start} (output {runs[f'quadratic from w=b={start}'][0][0]:.2f})"
            )
            ax.set_xlabel("epoch (one step each)")
            ax.axvline(after, color="grey", lw=0.5)
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("output a (target 0)")
        axes[0].legend()

    return Outcome(
        "learning-slowdown",
        "with quadratic cost a badly wrong neuron starts learning slowly; "
        "with cross-entropy it does not",
        holds,
        f"after {after} steps from w = b = 2 the output is {bad_q:.3f} with quadratic cost but "
        f"{bad_ce:.3f} with cross-entropy (from w = b = 0.6 quadratic reaches {good_q:.3f})",
        data,
        draw,
    )
