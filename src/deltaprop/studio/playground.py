"""The 2-D playground: a toy data set, a small network, and what it computes over the plane.

A frame is what the page draws: the decision boundary (the probability of class 1 on a
grid over [-1, 1]²), each hidden unit's output on a coarser grid, and the weights. Every
epoch also sends a record of the costs and each hidden layer's speed of learning ‖δ‖.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import numpy as np

from ..core.diagnostics import layer_speeds, trace
from ..core.network import Network
from ..datasets import toy
from ..training import Callback, TrainingEvent
from . import messages
from .forms import OUTPUTS, PlaygroundConfig
from .runner import TURNS, Controls, Latest, Publish, Worker

MAX_EPOCHS = 10_000
UNIT_GRID = 24
SPEED_PROBE = 500  # training points used to measure ‖δ‖ each epoch


def build(config: PlaygroundConfig) -> Network:
    """The network of the form: 2 inputs, the hidden layers, the chosen output and cost."""
    output, cost, n_out = OUTPUTS[config.output]
    init = None if config.init == "default" else config.init
    sizes = [2, *config.hidden, n_out]
    return Network.from_sizes(
        sizes, config.activation, output, cost, init=init, seed=config.seed, dtype="float64"
    )


def data(config: PlaygroundConfig) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The form's toy data set, split into training and test points."""
    return toy(
        config.dataset,
        config.points,
        noise=config.noise,
        test_fraction=config.test_fraction,
        seed=config.data_seed,
    )


def plane(size: int) -> np.ndarray:
    """Grid points over [-1, 1]², row by row from the top (x₂ = 1) as an image is drawn."""
    ticks = np.linspace(-1, 1, size)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def pixels(values: np.ndarray, lo: float, hi: float) -> str:
    """Values mapped linearly from [lo, hi] to bytes 0-255, base64-encoded for the page."""
    scaled = (np.asarray(values, dtype=np.float64) - lo) / (hi - lo or 1.0)
    return base64.b64encode((np.clip(scaled, 0, 1) * 255).round().astype(np.uint8)).decode()


def class1_probability(network: Network, X: np.ndarray) -> np.ndarray:
    """P(class 1 | x): the single sigmoid output, or the second softmax output."""
    a = network.predict_proba(X)
    return a[:, -1]


def hidden_outputs(network: Network, X: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's outputs on X: what the next weighted layer receives."""
    weighted = [i for i, layer in enumerate(network.layers) if layer.params]
    activations = trace(network, X).activations
    return [activations[i - 1] for i in weighted[1:]]


def weights(network: Network) -> list[list[list[float]]]:
    """Each weighted layer's W as (n_in, n_out) lists (maxout: the mean of its pieces)."""
    found = []
    for layer in network.layers:
        if "W" in layer.params:
            W = np.asarray(layer.params["W"])
            found.append(np.round(W.mean(axis=0) if W.ndim == 3 else W, 4).tolist())
    return found


def frame(network: Network, grid: int) -> dict[str, Any]:
    """What the page draws of the network now."""
    units = []
    for outputs in hidden_outputs(network, plane(UNIT_GRID)):
        scale = float(np.abs(outputs).max()) or 1.0
        units.append([pixels(outputs[:, j], -scale, scale) for j in range(outputs.shape[1])])
    return {
        "grid": grid,
        "boundary": pixels(class1_probability(network, plane(grid)), 0.0, 1.0),
        "unit_grid": UNIT_GRID,
        "units": units,
        "weights": weights(network),
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


class Stream(Callback):
    """Sends each epoch's record, and a frame when the page can use one, then paces."""

    def __init__(
        self, playground: Playground, frame_interval: float, epoch_interval: float
    ) -> None:
        self.playground = playground
        self.frame_interval, self.epoch_interval = frame_interval, epoch_interval
        self._last_frame = self._last_epoch = 0.0

    def on_epoch_end(self, event: TrainingEvent) -> None:
        now = time.perf_counter()
        wants_frame = (
            now - self._last_frame >= self.frame_interval
            or not self.playground.controls.playing
            or event.epoch == event.epochs
        )
        if wants_frame:
            self._last_frame = now
        self.playground.publish_epoch(event, with_frame=wants_frame)
        rest = self.epoch_interval - (time.perf_counter() - self._last_epoch)
        if rest > 0:  # a watchable pace, and time for the server between epochs
            TURNS.give()
            time.sleep(rest)
        self._last_epoch = time.perf_counter()


class Playground:
    """One playground run: data, network and a paused training thread."""

    def __init__(
        self,
        config: PlaygroundConfig,
        publish: Publish,
        *,
        grid: int = 100,
        frame_interval: float = 1 / 30,
        epoch_interval: float = 1 / 60,
    ) -> None:
        self.config, self.publish, self.grid = config, publish, grid
        (self.X, self.y), (self.X_test, self.y_test) = data(config)
        self.network = build(config)
        self.controls = Controls()
        self.latest = Latest(self.network)
        self._stream = Stream(self, frame_interval, epoch_interval)
        self.worker = Worker(self._train, self._finished)

    def start(self) -> None:
        """Send the untrained state, then wait for play or step."""
        self.publish(
            {
                "type": messages.PLAYGROUND,
                "points": np.round(self.X, 4).tolist(),
                "labels": self.y.tolist(),
                "test_points": np.round(self.X_test, 4).tolist(),
                "test_labels": self.y_test.tolist(),
                "sizes": [2, *self.config.hidden, OUTPUTS[self.config.output][2]],
                "record": self._record(0, None, None, None, None),
                "frame": frame(self.network, self.grid),
            }
        )
        self.worker.start()

    def stop(self) -> None:
        self.controls.stop()
        self.worker.join()

    def _train(self) -> None:
        c = self.config
        self.network.fit(
            self.X,
            self.y,
            epochs=MAX_EPOCHS,
            batch_size=c.batch_size,
            optimizer=c.optimizer,
            eta=c.eta,
            lmbda=c.lmbda,
            validation_data=(self.X_test, self.y_test),
            seed=c.seed,
            callbacks=[self.controls, self._stream],
        )

    def _record(
        self, epoch: int, train_cost: Any, test_cost: Any, train_acc: Any, test_acc: Any
    ) -> dict[str, Any]:
        probe = slice(0, SPEED_PROBE)
        speeds = layer_speeds(self.network, self.X[probe], self.y[probe])
        return {
            "epoch": epoch,
            "train_cost": _finite(train_cost),
            "test_cost": _finite(test_cost),
            "train_accuracy": _finite(train_acc),
            "test_accuracy": _finite(test_acc),
            "speeds": [_finite(s) for s in speeds],
        }

    def publish_epoch(self, event: TrainingEvent, *, with_frame: bool) -> None:
        """Send the epoch just ended (called by :class:`Stream` in the training thread)."""
        h = event.history
        message: dict[str, Any] = {
            "type": messages.EPOCH,
            "record": self._record(
                event.epoch,
                h.train_cost[-1],
                h.val_cost[-1],
                h.train_accuracy[-1],
                h.val_accuracy[-1],
            ),
            "playing": self.controls.playing,
        }
        if with_frame:
            message["frame"] = frame(self.network, self.grid)
            self.latest.update(self.network, event.epoch, h.to_csv())
        self.publish(message)

    def _finished(self, error: str | None) -> None:
        self.publish({"type": messages.STOPPED, "part": "playground", "error": error})
