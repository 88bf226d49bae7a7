"""Experiments about training: costs, activations, initialisation, overfitting, descent, η."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import numpy as np

from ..core.initializers import Normal
from ..core.network import Network
from ..core.optimizers import SGD, Momentum
from ..training import DivergenceError, History
from .base import (
    Outcome,
    curve,
    digits,
    every_epoch,
    experiment,
    integer_epochs,
    percent,
    plot_curves,
)


def _fit(net: Network, data: Any, epochs: int, **kwargs: Any) -> History:
    """Train on the digits, monitoring the held-out test digits every epoch."""
    (X, y), test = data
    return net.fit(X, y, epochs=epochs, validation_data=test, **kwargs)


@experiment("cost-pairs", "sigmoid + quadratic, sigmoid + cross-entropy, softmax + log-likelihood")
def cost_pairs(quick: bool, seed: int) -> Outcome:
    """The three cost/output pairs at the same η on the digits."""
    data = digits(quick, seed)
    epochs = 4 if quick else 15
    pairs = {
        "sigmoid + quadratic": ("sigmoid", "quadratic"),
        "sigmoid + cross-entropy": ("sigmoid", "cross-entropy"),
        "softmax + log-likelihood": ("softmax", "log-likelihood"),
    }
    curves = {}
    for label, (output, cost) in pairs.items():
        net = Network.from_sizes([784, 30, 10], "sigmoid", output, cost, seed=seed)
        h = _fit(net, data, epochs, batch_size=10, eta=0.5, seed=seed, monitor_training=False)
        curves[label] = curve(h.val_accuracy)
    first = {k: v[0] for k, v in curves.items()}
    holds = (
        min(first["sigmoid + cross-entropy"], first["softmax + log-likelihood"])
        > first["sigmoid + quadratic"]
    )

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        plot_curves(ax, range(1, epochs + 1), curves, "epoch")
        integer_epochs(ax)

    return Outcome(
        "cost-pairs",
        "at the same η, the matched pairs (δ = a − y) learn faster than sigmoid + quadratic",
        holds,
        "test accuracy after epoch 1: "
        + ", ".join(f"{k} {v:.1%}" for k, v in first.items())
        + "; after the last: "
        + ", ".join(f"{k} {v[-1]:.1%}" for k, v in curves.items()),
        {"epochs": epochs, "eta": 0.5, "test_accuracy": curves},
        draw,
    )


def _dead_fraction(net: Network, X: np.ndarray) -> float:
    """Fraction of ReLU units in hidden layers that are zero for every example of X."""
    dead, total = 0, 0
    for i, layer in enumerate(net.layers):
        if layer.name == "relu":
            active = (net.features(X, i) > 0).any(axis=0)
            dead += int((~active).sum())
            total += active.size
    return dead / total if total else 0.0


@experiment("activations", "sigmoid, tanh, ReLU, leaky ReLU and maxout in the same deeper network")
def activations(quick: bool, seed: int) -> Outcome:
    """Five hidden activations in the same 784-64-64-64-10 network."""
    data = digits(quick, seed)
    epochs = 3 if quick else 12
    curves, dead = {}, {}
    for act in ("sigmoid", "tanh", "relu", "leaky_relu", "maxout"):
        net = Network.from_sizes([784, 64, 64, 64, 10], act, "softmax", seed=seed, pieces=2)
        h = _fit(net, data, epochs, batch_size=20, eta=0.1, seed=seed, monitor_training=False)
        curves[act] = curve(h.val_accuracy)
        if act == "relu":
            dead[act] = _dead_fraction(net, data[0][0])
    holds = curves["relu"][0] > curves["sigmoid"][0] and curves["tanh"][0] > curves["sigmoid"][0]

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        plot_curves(ax, range(1, epochs + 1), curves, "epoch")
        ax.set_title(
            f"784-64-64-64-10, η = 0.1, batch 20; dead ReLUs after training: {dead['relu']:.0%}",
            fontsize=9,
        )
        integer_epochs(ax)

    return Outcome(
        "activations",
        "in a deeper network tanh and the ReLU family learn faster than sigmoid",
        holds,
        "test accuracy after epoch 1: "
        + ", ".join(f"{k} {v[0]:.1%}" for k, v in curves.items())
        + f"; {dead['relu']:.0%} of the ReLUs are dead",
        {"epochs": epochs, "test_accuracy": curves, "dead_relu_fraction": dead["relu"]},
        draw,
    )


@experiment("initialization", "zeros, N(0, 1), N(0, 1/n_in), Xavier and He initialisation")
def initialization(quick: bool, seed: int) -> Outcome:
    """Five weight initialisations of a 784-100-10 sigmoid network."""
    data = digits(quick, seed)
    epochs = 3 if quick else 12
    inits = {
        "zeros": "zeros",
        "N(0, 1)": Normal(1.0),
        "N(0, 1/n_in)": "lecun_normal",
        "Xavier": "xavier_normal",
        "He": "he_normal",
    }
    curves, costs, spread, identical = {}, {}, {}, {}
    unit_spread: dict[str, list[float]] = {}
    X = data[0][0]
    for label, init in inits.items():
        net = Network.from_sizes([784, 100, 10], "sigmoid", "softmax", init=init, seed=seed)
        z = net.features(X[:500], 0)
        spread[label] = float(z.std())
        unit_spread[label] = []
        h = _fit(
            net,
            data,
            epochs,
            batch_size=10,
            eta=0.1,
            seed=seed,
            monitor_training=False,
            callbacks=[every_epoch(partial(_unit_spread, unit_spread[label]))],
        )
        curves[label], costs[label] = curve(h.val_accuracy), curve(h.val_cost)
        # exact symmetry is an unstable equilibrium: rounding differences between BLAS
        # kernels grow over thousands of steps, so judge it after the first epoch
        identical[label] = unit_spread[label][0] < 1e-4
    holds = (
        identical["zeros"]
        and not identical["N(0, 1/n_in)"]
        and (curves["N(0, 1/n_in)"][0] > curves["N(0, 1)"][0])
    )

    def draw(fig: Any) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        plot_curves(ax1, range(1, epochs + 1), curves, "epoch")
        integer_epochs(ax1)
        ax2.bar(list(spread), list(spread.values()), color="tab:gray")
        ax2.set_ylabel("std of hidden z at initialisation")
        ax2.set_title("N(0, 1) saturates the sigmoids: z spreads over ±20", fontsize=9)

    return Outcome(
        "initialization",
        "zero weights keep every hidden unit identical; N(0, 1/n_in) learns faster than N(0, 1)",
        holds,
        f"zeros: hidden units identical after epoch 1 = {identical['zeros']} (relative spread "
        f"{unit_spread['zeros'][0]:.0e}, {unit_spread['zeros'][-1]:.0e} at the end); test accuracy "
        "after epoch 1: " + ", ".join(f"{k} {v[0]:.1%}" for k, v in curves.items()),
        {
            "test_accuracy": curves,
            "test_cost": costs,
            "hidden_z_std": spread,
            "identical_hidden_units": identical,
            "unit_spread_per_epoch": unit_spread,
        },
        draw,
    )


@experiment("overfitting", "1,000 training digits, many epochs, without and with L2")
def overfitting(quick: bool, seed: int) -> Outcome:
    """1,000 training digits for many epochs, with an L2 sweep."""
    data = digits(quick, seed, 1000, 2000)
    epochs = 60 if quick else 200
    lmbdas = (0.0, 1.0) if quick else (0.0, 0.1, 1.0, 5.0)
    runs = {}
    for lmbda in lmbdas:
        net = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=seed)
        h = _fit(net, data, epochs, batch_size=10, eta=0.5, lmbda=lmbda, seed=seed)
        runs[lmbda] = h
    gap = {lm: curve(h.train_accuracy)[-1] - curve(h.val_accuracy)[-1] for lm, h in runs.items()}
    best = max(lmbdas)
    holds = curve(runs[0.0].train_accuracy)[-1] > 0.99 and gap[best] < gap[0.0]

    def draw(fig: Any) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        for lm, h in runs.items():
            line = ax1.plot(h.epoch, h.train_accuracy, "-", lw=1, label=f"λ = {lm:g} training")
            ax1.plot(
                h.epoch,
                h.val_accuracy,
                "--",
                lw=1,
                color=line[0].get_color(),
                label=f"λ = {lm:g} test",
            )
            ax2.plot(
                h.epoch, h.val_cost, "--", lw=1, color=line[0].get_color(), label=f"λ = {lm:g} test"
            )
        ax1.set_ylabel("accuracy")
        percent(ax1)
        ax2.set_ylabel("cost on test digits (incl. L2 term)")
        for ax in (ax1, ax2):
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)

    return Outcome(
        "overfitting",
        "without regularisation training accuracy reaches ~100% while test accuracy stalls; "
        "L2 narrows the gap",
        holds,
        ", ".join(
            f"λ = {lm:g}: training {h.train_accuracy[-1]:.1%}, test {h.val_accuracy[-1]:.1%}"
            for lm, h in runs.items()
        ),
        {
            f"{lm:g}": {
                "train_accuracy": h.train_accuracy,
                "test_accuracy": h.val_accuracy,
                "test_cost": h.val_cost,
                "train_cost": h.train_cost,
            }
            for lm, h in runs.items()
        },
        draw,
    )


def _unit_spread(spreads: list[float], network: Network, history: History) -> None:
    """How different the first hidden layer's units are: max |W_j − W_0| / max |W|."""
    W = network.layers[0].params["W"]
    spreads.append(float(np.abs(W - W[:, :1]).max() / max(float(np.abs(W).max()), 1e-30)))


def _elapsed(stamps: list[float], start: float, network: Network, history: History) -> None:
    stamps.append(time.perf_counter() - start)


def _last_cost(costs: list[float], network: Network, history: History) -> None:
    costs.append(curve(history.train_cost)[-1])


@experiment("gradient-descent", "batch vs mini-batch vs stochastic descent; momentum vs none")
def gradient_descent(quick: bool, seed: int) -> Outcome:
    """Batch, mini-batch and stochastic descent, and momentum."""
    data = digits(quick, seed, 2000, 1000)
    (X, y), _ = data
    epochs = 4 if quick else 10
    setups = {
        "batch (n)": (len(X), SGD(0.5)),
        "mini-batch (20)": (20, SGD(0.1)),
        "stochastic (1)": (1, SGD(0.01)),
        "mini-batch (20) + momentum 0.9": (20, Momentum(0.1, 0.9)),  # the same η as without
    }
    runs: dict[str, dict[str, Any]] = {}
    for label, (batch, opt) in setups.items():
        net = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=seed)
        stamps: list[float] = []
        start = time.perf_counter()
        h = net.fit(
            X,
            y,
            epochs=epochs,
            batch_size=batch,
            optimizer=opt,
            seed=seed,
            callbacks=[every_epoch(partial(_elapsed, stamps, start))],
        )
        updates = [e * -(-len(X) // batch) for e in h.epoch]
        runs[label] = {"cost": curve(h.train_cost), "updates": updates, "seconds": stamps}
    final = {k: v["cost"][-1] for k, v in runs.items()}
    holds = final["mini-batch (20)"] < final["batch (n)"] and (
        final["mini-batch (20) + momentum 0.9"] < final["mini-batch (20)"]
    )

    def draw(fig: Any) -> None:
        ax1, ax2 = fig.subplots(1, 2, sharey=True)
        for label, r in runs.items():
            ax1.plot(r["updates"], r["cost"], "-o", ms=3, label=label)
            ax2.plot(r["seconds"], r["cost"], "-o", ms=3, label=label)
        ax1.set_xscale("log")
        ax1.set_xlabel("updates (log scale)")
        ax2.set_xlabel("seconds")
        ax1.set_ylabel("training cost")
        for ax in (ax1, ax2):
            ax.set_yscale("log")
            ax.grid(alpha=0.3)
        ax1.legend(fontsize=8)

    return Outcome(
        "gradient-descent",
        "per epoch, mini-batches beat one batch step, and momentum speeds mini-batch descent up",
        holds,
        f"training cost after {epochs} epochs: "
        + ", ".join(f"{k} {v:.3f}" for k, v in final.items()),
        runs,
        draw,
    )


@experiment("learning-rate", "cost against epoch for too small, good and too large η")
def learning_rate(quick: bool, seed: int) -> Outcome:
    """A sweep of η over three orders of magnitude."""
    data = digits(quick, seed, 2000, 1000)
    epochs = 8 if quick else 30
    etas = (0.025, 0.25, 2.5, 25.0)
    runs: dict[float, list[float]] = {}
    for eta in etas:
        net = Network.from_sizes([784, 30, 10], "sigmoid", "sigmoid", "quadratic", seed=seed)
        costs: list[float] = []
        try:
            _fit(
                net,
                data,
                epochs,
                batch_size=10,
                eta=eta,
                seed=seed,
                callbacks=[every_epoch(partial(_last_cost, costs))],
            )
        except DivergenceError:
            costs.append(float("nan"))
        runs[eta] = costs
    final = {eta: (c[-1] if np.isfinite(c[-1]) else np.inf) for eta, c in runs.items()}
    best = min(final, key=lambda eta: final[eta])
    # the smallest η is slow, the largest does not descend (diverges or stays near its start)
    holds = (
        best in etas[1:-1] and final[etas[0]] > final[best] and (final[etas[-1]] > 2 * final[best])
    )

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        for eta, c in runs.items():
            ax.plot(range(1, len(c) + 1), c, "-o", ms=3, label=f"η = {eta:g}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training cost (quadratic)")
        ax.set_yscale("log")
        integer_epochs(ax)
        ax.grid(alpha=0.3)
        ax.legend()

    return Outcome(
        "learning-rate",
        "too small an η learns slowly, too large an η fails to descend; a middle η does best",
        holds,
        f"training cost after {epochs} epochs: "
        + ", ".join(f"η = {eta:g}: {c:.4f}" for eta, c in final.items()),
        {str(eta): c for eta, c in runs.items()},
        draw,
    )
