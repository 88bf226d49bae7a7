"""Experiments with convolutional networks: moved digits, transfer, and what layers learn."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ..core.network import Network
from ..core.optimizers import Momentum
from ..core.spec import parse_layers
from ..datasets import Augment, shift
from .base import Outcome, digits, experiment, plot_curves

LENET = "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:{n}:softmax"
SMALL = "conv:8x5x5,pool:2,conv:16x5x5,pool:2,dense:{n}:softmax"


def _cnn(quick: bool, n_classes: int, seed: int) -> Network:
    spec = (SMALL if quick else LENET).format(n=n_classes)
    return Network(parse_layers(spec, 784, image_shape=(28, 28)), seed=seed)


def _moved(X: np.ndarray, pixels: int) -> np.ndarray:
    """The images moved ``pixels`` up and ``pixels`` left."""
    return shift(X.reshape(-1, 28, 28), -pixels, -pixels).reshape(len(X), -1)


@experiment("translation-invariance", "dense network vs CNN on test digits moved 0 to 4 pixels")
def translation_invariance(quick: bool, seed: int) -> Outcome:
    """Dense, augmented dense and CNN accuracy as the test digits move."""
    (X, y), (Xt, yt) = digits(quick, seed, 8000, 2000)
    epochs_cnn, epochs_dense = (2, 5) if quick else (6, 15)
    nets = {
        "dense": (
            Network.from_sizes([784, 100, 10], "relu", "softmax", seed=seed),
            None,
            epochs_dense,
        ),
        "dense + shift augmentation": (
            Network.from_sizes([784, 100, 10], "relu", "softmax", seed=seed),
            Augment(2),
            epochs_dense,
        ),
        "CNN": (_cnn(quick, 10, seed), None, epochs_cnn),
    }
    pixels = list(range(5))
    curves = {}
    for label, (net, augment, epochs) in nets.items():
        lr = 0.05 if label == "CNN" else 0.1
        net.fit(
            X,
            y,
            epochs=epochs,
            batch_size=64,
            optimizer=Momentum(lr, 0.9),
            augment=augment,
            monitor_training=False,
            seed=seed,
        )
        curves[label] = [net.accuracy(_moved(Xt, p), yt) for p in pixels]
    drop = {k: v[0] - v[2] for k, v in curves.items()}
    holds = drop["CNN"] < drop["dense"] - 0.1 and drop["dense + shift augmentation"] < drop["dense"]

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        plot_curves(ax, pixels, curves, "test digits moved this many pixels up and left")
        ax.set_xticks(pixels)

    return Outcome(
        "translation-invariance",
        "a CNN keeps more of its accuracy than a dense network when the digits move",
        holds,
        "accuracy unmoved -> moved 2 pixels: "
        + ", ".join(f"{k} {v[0]:.1%} -> {v[2]:.1%}" for k, v in curves.items()),
        {"pixels": pixels, "test_accuracy": curves},
        draw,
    )


@experiment("transfer-learning", "features of a CNN trained on digits 0-4 reused for 5-9")
def transfer_learning(quick: bool, seed: int) -> Outcome:
    """Frozen CNN features from 0-4 against training from scratch on 5-9."""
    # Transfer needs plentiful source data even when quick: only the networks shrink then.
    (X, y), (Xt, yt) = digits(False, seed, 8000, 2000)
    source = _cnn(quick, 5, seed + 1)
    low = y < 5
    source.fit(
        X[low],
        y[low],
        epochs=2 if quick else 3,
        batch_size=64,
        optimizer=Momentum(0.05, 0.9),
        monitor_training=False,
        seed=seed,
    )
    n_features = next(i for i, la in enumerate(source.layers) if la.name == "flatten") + 1
    features = source.layers[:n_features]
    width = source.features(X[:1], n_features - 1).shape[1]
    head = "dense:5:softmax" if quick else "dense:100:relu,dense:5:softmax"
    high = np.flatnonzero(y >= 5)
    X_eval, y_eval = Xt[yt >= 5], yt[yt >= 5] - 5
    sizes = [5, 20] if quick else [5, 10, 20, 50, 100]
    rounds = 1 if quick else 3
    curves: dict[str, list[float]] = {"transfer (frozen features)": [], "from scratch": []}
    for per_class in sizes:
        results: dict[str, list[float]] = {k: [] for k in curves}
        for r in range(rounds):
            rng = np.random.default_rng(seed * 100 + r)
            pick = np.concatenate(
                [rng.choice(high[y[high] == c], per_class, replace=False) for c in range(5, 10)]
            )
            transfer = Network(
                [*copy.deepcopy(features), *parse_layers(head, width)], seed=seed + r
            ).freeze(slice(0, n_features))
            scratch = _cnn(quick, 5, seed + r)
            for label, net in (("transfer (frozen features)", transfer), ("from scratch", scratch)):
                net.fit(
                    X[pick],
                    y[pick] - 5,
                    epochs=30,
                    batch_size=25,
                    optimizer=Momentum(0.05, 0.9),
                    monitor_training=False,
                    seed=r,
                )
                results[label].append(net.accuracy(X_eval, y_eval))
        for label in curves:
            curves[label].append(float(np.mean(results[label])))
    t, s = curves["transfer (frozen features)"], curves["from scratch"]
    holds = t[0] > s[0]

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        plot_curves(
            ax,
            sizes,
            curves,
            "labelled examples per class of digits 5-9",
            "accuracy on test digits 5-9",
        )
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(k) for k in sizes])

    return Outcome(
        "transfer-learning",
        "with few labels, features learned on digits 0-4 beat training from scratch on 5-9",
        holds,
        ", ".join(
            f"{k} per class: transfer {a:.1%} vs scratch {b:.1%}"
            for k, a, b in zip(sizes, t, s, strict=True)
        ),
        {"per_class": sizes, "test_accuracy": curves, "rounds": rounds},
        draw,
    )


def _smoothness(images: np.ndarray) -> float:
    """Mean correlation of horizontally neighbouring pixels' weights (0 for random weights)."""
    a, b = images[:, :, :-1].ravel(), images[:, :, 1:].ravel()
    return float(np.corrcoef(a, b)[0, 1])


@experiment("hidden-features", "first-layer weights of a dense network and CNN filters, as images")
def hidden_features(quick: bool, seed: int) -> Outcome:
    """Trained first-layer weights and filters drawn as images."""
    (X, y), (Xt, yt) = digits(quick, seed, 8000, 2000)
    dense = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=seed)
    before = _smoothness(dense.layers[0].params["W"].T.reshape(-1, 28, 28))
    dense.fit(
        X,
        y,
        epochs=3 if quick else 15,
        batch_size=10,
        eta=0.5,
        seed=seed,
        monitor_training=False,
        lmbda=5.0,
    )
    weights = dense.layers[0].params["W"].T.reshape(-1, 28, 28)
    after = _smoothness(weights)
    cnn = _cnn(quick, 10, seed)
    cnn.fit(
        X,
        y,
        epochs=1 if quick else 4,
        batch_size=64,
        optimizer=Momentum(0.05, 0.9),
        monitor_training=False,
        seed=seed,
    )
    filters = cnn.layers[1].params["W"][:, 0]
    acc = {"dense": dense.accuracy(Xt, yt), "cnn": cnn.accuracy(Xt, yt)}
    holds = after > before + 0.2

    def draw(fig: Any) -> None:
        grid = fig.add_gridspec(1, 2, width_ratios=[3, 2])
        left = grid[0].subgridspec(5, 6)
        for k in range(30):
            ax = fig.add_subplot(left[k // 6, k % 6])
            w = weights[k]
            ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
            ax.axis("off")
        right = grid[1].subgridspec(4, 5)
        for k in range(min(20, len(filters))):
            ax = fig.add_subplot(right[k // 5, k % 5])
            f = filters[k]
            ax.imshow(f, cmap="RdBu_r", vmin=-abs(f).max(), vmax=abs(f).max())
            ax.axis("off")

    return Outcome(
        "hidden-features",
        "trained first-layer weights form smooth stroke-like patterns "
        "(left: dense units, right: CNN filters)",
        holds,
        f"correlation of neighbouring weights: {before:.2f} at initialisation, {after:.2f} after "
        f"training (test accuracy: dense {acc['dense']:.1%}, CNN {acc['cnn']:.1%})",
        {
            "neighbour_correlation": {"initial": before, "trained": after},
            "test_accuracy": acc,
            "dense_weights": weights,
            "cnn_filters": filters,
        },
        draw,
    )
