"""The digits part: train a preset on the bundled digits, then look inside for one digit.

A drawn digit goes through :func:`deltaprop.datasets.images.mnist_style`, exactly as
``deltaprop predict`` prepares an image; :func:`probe` then traces it through the network:
every layer's output and, for a chosen label, every layer's δ and the first layer's ∂C/∂W.
"""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import numpy as np

from ..core.diagnostics import trace
from ..core.network import Network
from ..core.spec import parse_layers
from ..datasets import load_mnist_sample
from ..datasets.images import BlankImageError, mnist_style, to_gray
from ..training import Callback, TrainingEvent
from . import messages
from .forms import DigitsConfig, FormError
from .runner import Controls, Latest, Publish, Worker

PRESETS = {
    "dense": "dense:100:sigmoid,dense:10:softmax",
    "cnn": "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
}
"""The layer specs of the two presets (the second is the lab's LeNet-style CNN)."""
N_TEST = 1000
SHOWN_UNITS = 16  # first-layer units or filters drawn as images
PASS_THROUGH = ("reshape", "flatten", "dropout")  # layers whose output shows nothing new


def build(config: DigitsConfig) -> Network:
    """The preset's network, seeded."""
    return Network(
        parse_layers(PRESETS[config.preset], 784, image_shape=(28, 28)), seed=config.seed
    )


def image(values: np.ndarray, signed: bool) -> dict[str, Any]:
    """A 2-D array for the page: bytes 0-255 over [lo, hi] (symmetric when ``signed``)."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 1:
        a = a[None, :]
    lo, hi = float(a.min(initial=0.0)), float(a.max(initial=0.0))
    if signed:  # zero in the middle of the colour map, whatever the values
        hi = max(abs(lo), abs(hi)) or 1.0
        lo = -hi
    scaled = (a - lo) / ((hi - lo) or 1.0)
    data = (np.clip(scaled, 0, 1) * 255).round().astype(np.uint8)
    return {
        "h": a.shape[0],
        "w": a.shape[1],
        "lo": lo,
        "hi": hi,
        "signed": signed,
        "data": base64.b64encode(data.tobytes()).decode(),
    }


def maps(values: np.ndarray, signed: bool) -> list[dict[str, Any]]:
    """One example's layer output as images: a feature map per channel, or one strip."""
    v = np.asarray(values)
    if v.ndim == 3:  # (channels, h, w)
        return [image(channel, signed) for channel in v]
    return [image(v.ravel(), signed)]


def first_layer_images(
    network: Network, gradient: np.ndarray | None = None
) -> list[dict[str, Any]]:
    """The first weighted layer's W (or its gradient) per unit: 28x28 weights or k x k filters."""
    layer = next(layer for layer in network.layers if "W" in layer.params)
    W = np.asarray(layer.params["W"] if gradient is None else gradient)
    if W.ndim == 4:  # filters (F, C, kh, kw): the first channel of each
        units = W[:SHOWN_UNITS, 0]
    else:  # dense (784, n_out): one 28x28 picture of the weights into each unit
        units = W[:, :SHOWN_UNITS].T.reshape(-1, 28, 28)
    return [image(u, signed=True) for u in units]


def decode_drawing(png: bytes) -> np.ndarray:
    """A PNG of a drawing as the 28x28 input ``deltaprop predict`` would make of it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as picture:
            gray = to_gray(picture)
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise FormError("image", f"not a readable PNG image ({err})") from None
    try:
        return mnist_style(gray)
    except BlankImageError:
        raise FormError("image", "the canvas is empty: draw a digit first") from None


def check_digit_model(network: Network) -> None:
    """A model for the digits part must read 28x28 images and give 10 classes."""
    n_in = int(np.prod(network.input_shape)) if network.input_shape else 0
    if n_in != 784 or network.n_out != 10:
        raise FormError(
            "model",
            f"the model reads {n_in or 'unknown'} inputs and gives {network.n_out} outputs; "
            "the digits part needs 784 inputs (28x28 pixels) and 10 classes",
        )


def probe(network: Network, x: np.ndarray, label: int | None) -> dict[str, Any]:
    """Prediction, probabilities and every layer's output (and δ for ``label``) for x."""
    t = trace(network, x.reshape(1, 784), None if label is None else [label])
    proba = t.activations[-1][0]
    layers = []
    for i, layer in enumerate(network.layers):
        if layer.name in PASS_THROUGH:
            continue
        delta = t.deltas[i]
        layers.append(
            {
                "name": repr(layer),
                "weighted": bool(layer.params),
                "output": maps(t.activations[i][0], signed=bool(t.activations[i].min() < 0)),
                "delta": None if delta is None else maps(delta[0], signed=True),
            }
        )
    first = next(i for i, layer in enumerate(network.layers) if "W" in layer.params)
    result: dict[str, Any] = {
        "input": image(x.reshape(28, 28), signed=False),
        "probabilities": [float(p) for p in proba],
        "prediction": int(np.argmax(proba)),
        "label": label,
        "layers": layers,
        "grad_W": None,
    }
    if label is not None:
        result["grad_W"] = first_layer_images(network, t.grads[f"layers.{first}.W"])
    return result


class DigitStream(Callback):
    """Sends progress and the first layer's weights while training, and each epoch's record."""

    def __init__(self, digits: Digits, interval: float) -> None:
        self.digits, self.interval = digits, interval
        self._last = 0.0

    def on_batch_end(self, event: TrainingEvent) -> None:
        if time.perf_counter() - self._last >= self.interval:
            self._last = time.perf_counter()
            self.digits.publish_progress(event)

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self.digits.publish_epoch(event)


class Digits:
    """The digits part's network: trained here from a preset, or loaded from a file."""

    def __init__(
        self,
        network: Network,
        publish: Publish,
        config: DigitsConfig | None = None,
        *,
        interval: float = 0.5,
    ) -> None:
        self.network, self.publish, self.config = network, publish, config
        self.controls = Controls(playing=True)
        self.latest = Latest(network)
        self._stream = DigitStream(self, interval)
        self.worker = Worker(self._train, self._finished)

    @classmethod
    def trained(cls, config: DigitsConfig, publish: Publish) -> Digits:
        return cls(build(config), publish, config)

    def start(self) -> None:
        """Announce the network; train it if it came from a preset."""
        self.publish(
            {
                "type": messages.DIGITS,
                "summary": self.network.summary(),
                "epochs": self.config.epochs if self.config else 0,
                "weights": self._weights(),
            }
        )
        if self.config is not None:
            self.worker.start()

    def stop(self) -> None:
        self.controls.stop()
        self.worker.join()

    def probe(self, x: np.ndarray, label: int | None) -> dict[str, Any]:
        """Trace ``x`` through the newest snapshot (in a worker thread: it may wait)."""
        return self.latest.read(lambda snapshot: probe(snapshot.network, x, label))

    def _weights(self) -> list[dict[str, Any]]:
        return first_layer_images(self.latest.current.network)  # reads parameters only

    def _train(self) -> None:
        c = self.config
        assert c is not None
        (X, y), test = load_mnist_sample(c.n_train, N_TEST, seed=c.seed)
        self.network.fit(
            X,
            y,
            epochs=c.epochs,
            batch_size=c.batch_size,
            optimizer=c.optimizer,
            eta=c.eta,
            lmbda=c.lmbda,
            validation_data=test,
            seed=c.seed,
            monitor_training=False,
            callbacks=[self.controls, self._stream],
        )

    def publish_progress(self, event: TrainingEvent) -> None:
        self.latest.update(self.network, event.epoch - 1, event.history.to_csv())
        self.publish(
            {
                "type": messages.DIGITS_PROGRESS,
                "epoch": event.epoch,
                "epochs": event.epochs,
                "batch": event.batch,
                "batches": event.batches,
                "weights": self._weights(),
            }
        )

    def publish_epoch(self, event: TrainingEvent) -> None:
        h = event.history
        self.latest.update(self.network, event.epoch, h.to_csv())
        self.publish(
            {
                "type": messages.DIGITS_EPOCH,
                "epoch": event.epoch,
                "epochs": event.epochs,
                "test_cost": h.val_cost[-1],
                "test_accuracy": h.val_accuracy[-1],
                "weights": self._weights(),
            }
        )

    def _finished(self, error: str | None) -> None:
        self.publish({"type": messages.STOPPED, "part": "digits", "error": error})
