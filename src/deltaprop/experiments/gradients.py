"""Experiments about gradients: how fast each layer learns, and checking backprop numerically."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import numpy as np

from ..core.diagnostics import layer_speeds
from ..core.gradcheck import numerical_gradient, rel_error
from ..core.network import Network
from .base import Outcome, digits, every_epoch, experiment


def _record_speeds(
    speeds: list[list[float]], probe: tuple[np.ndarray, np.ndarray], network: Network, history: Any
) -> None:
    speeds.append(layer_speeds(network, *probe))


@experiment("vanishing-gradient", "the speed of learning of each hidden layer in deep networks")
def vanishing_gradient(quick: bool, seed: int) -> Outcome:
    """‖δ‖ per hidden layer for 2 to 4 sigmoid (and ReLU) hidden layers."""
    (X, y), _ = digits(quick, seed, 2000, 500)
    probe = (X[:1000], y[:1000])
    epochs = 2 if quick else 10
    runs: dict[str, dict[str, Any]] = {}
    for act, init in (("sigmoid", None), ("relu", "he_normal")):
        for hidden in (2, 3, 4):
            label = f"{act}, {hidden} hidden layers"
            net = Network.from_sizes(
                [784, *([30] * hidden), 10], act, "softmax", init=init, bias_init=0.0, seed=seed
            )
            speeds = [layer_speeds(net, *probe)]
            net.fit(
                X,
                y,
                epochs=epochs,
                batch_size=10,
                eta=0.1,
                seed=seed,
                monitor_training=False,
                callbacks=[every_epoch(partial(_record_speeds, speeds, probe))],
            )
            runs[label] = {"speeds": speeds}
    deep = runs["sigmoid, 4 hidden layers"]["speeds"][0]
    relu = runs["relu, 4 hidden layers"]["speeds"][0]
    ratio_sigmoid, ratio_relu = deep[0] / deep[-1], relu[0] / relu[-1]
    holds = ratio_sigmoid < 0.25 and ratio_relu > ratio_sigmoid

    def draw(fig: Any) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        for label, r in runs.items():
            s = r["speeds"][0]
            ax1.plot(
                range(1, len(s) + 1), s, "-o" if "sigmoid" in label else "--s", ms=4, label=label
            )
        ax1.set_yscale("log")
        ax1.set_xlabel("hidden layer (1 = nearest the input)")
        ax1.set_ylabel("‖δ‖ = speed of learning, at initialisation")
        ax1.grid(alpha=0.3)
        ax1.legend(fontsize=7)
        speeds = np.array(runs["sigmoid, 4 hidden layers"]["speeds"])
        for layer in range(speeds.shape[1]):
            ax2.plot(
                range(len(speeds)), speeds[:, layer], "-o", ms=3, label=f"hidden layer {layer + 1}"
            )
        ax2.set_yscale("log")
        ax2.set_xlabel("epoch")
        ax2.set_title("sigmoid, 4 hidden layers, during training", fontsize=9)
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=7)

    return Outcome(
        "vanishing-gradient",
        "in deep sigmoid networks the early layers learn much more slowly than the later ones",
        holds,
        f"at initialisation, first/last hidden layer speed: {ratio_sigmoid:.3f} with 4 sigmoid "
        f"layers, {ratio_relu:.3f} with 4 ReLU layers (He initialisation)",
        runs,
        draw,
    )


@experiment("gradient-check", "backprop against the numerical gradient: errors and times")
def gradient_check(quick: bool, seed: int) -> Outcome:
    """Backprop against central differences for every parameter."""
    (X, y), _ = digits(quick, seed, 100, 10)
    sizes = [784, 10, 10] if quick else [784, 30, 10]
    net = Network.from_sizes(sizes, "sigmoid", "softmax", seed=seed, dtype="float64", bias_init=0.1)
    x, t = X[:10].astype(np.float64), net.targets(y[:10])
    start = time.perf_counter()
    analytic = {k: g.copy() for k, g in net.backprop(x, t).items()}
    t_backprop = time.perf_counter() - start

    def J() -> float:
        return net.evaluate(x, t, chunk=len(x)).cost

    errors, t_numeric = {}, 0.0
    for name, param, _ in net.named_parameters():
        start = time.perf_counter()
        numeric = numerical_gradient(J, param, np.arange(param.size), 1e-6)
        t_numeric += time.perf_counter() - start
        errors[name] = rel_error(analytic[name].ravel(), numeric)
    holds = max(errors.values()) < 1e-6 and t_numeric > 100 * t_backprop

    def draw(fig: Any) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        ax1.bar(list(errors), list(errors.values()), color="tab:blue")
        ax1.axhline(1e-6, color="red", lw=1, ls="--", label="tolerance 1e-6")
        ax1.set_yscale("log")
        ax1.set_ylabel("relative error, backprop vs central differences")
        ax1.legend()
        ax2.bar(["backprop", "numerical"], [t_backprop, t_numeric], color=["tab:green", "tab:red"])
        ax2.set_yscale("log")
        ax2.set_ylabel("seconds for all gradients (10 examples)")
        ax2.set_title(
            f"{net.n_params:,} parameters: numerical needs 2 forward passes each", fontsize=9
        )

    return Outcome(
        "gradient-check",
        "backprop agrees with central differences and is far cheaper, so it is what learns",
        holds,
        f"largest relative error {max(errors.values()):.1e}; backprop {t_backprop * 1e3:.2f} ms vs "
        f"numerical {t_numeric:.2f} s ({t_numeric / t_backprop:,.0f}x) for {net.n_params:,} "
        "parameters",
        {
            "relative_error": errors,
            "seconds_backprop": t_backprop,
            "seconds_numerical": t_numeric,
            "parameters": net.n_params,
        },
        draw,
    )
