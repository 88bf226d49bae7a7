"""The studio's speed: playground updates per second, and one drawn digit through the CNN.

``python -m bench.studio`` measures, server-side and without the page's pacing,
(1) how many playground updates (one epoch of training, then a frame: the decision
boundary on a 100x100 grid, every hidden unit's map and the weights, serialised to JSON)
run per second at the default settings, and (2) how long the digits part takes, for one
drawn digit on the LeNet-style CNN preset, to prepare the drawing, predict, and compute
every layer's activations, every layer's δ and the first layer's ∂C/∂W (JSON included).
It rewrites the "Studio" section of RESULTS.md. Targets: >= 10 updates/s, < 50 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench.run import machine, write_section
from deltaprop.datasets import load_mnist_sample
from deltaprop.studio.digits import Digits, decode_drawing
from deltaprop.studio.forms import Caps, DigitsConfig, PlaygroundConfig, playground
from deltaprop.studio.playground import Playground

RESULTS = Path(__file__).with_name("RESULTS.md")


def playground_rate(epochs: int) -> tuple[float, float]:
    """Updates per second (median of thirds of the run) and the mean message size (kB)."""
    stamps: list[float] = []
    sizes: list[int] = []
    done = threading.Event()

    def publish(message: dict) -> None:
        sizes.append(len(json.dumps(message)))
        if message["type"] == "epoch":
            stamps.append(time.perf_counter())
            if len(stamps) == epochs:
                done.set()

    config = playground({}, Caps())
    assert config == PlaygroundConfig()
    run = Playground(config, publish, grid=100, frame_interval=0.0, epoch_interval=0.0)
    run.start()
    run.controls.play()
    done.wait()
    run.stop()
    third = epochs // 3
    rates = [third / (stamps[i + third - 1] - stamps[i - 1]) for i in (1, third, 2 * third)]
    return statistics.median(rates), statistics.mean(sizes[1:]) / 1000


def digit_latency(repeats: int) -> tuple[float, float]:
    """Median and 90th percentile (ms) of one drawn digit through the trained CNN preset."""
    config = DigitsConfig(preset="cnn", n_train=500, epochs=1, batch_size=50)
    digits = Digits.trained(config, lambda message: None)
    digits.start()
    digits.worker.join(600)
    drawing = canvas_png(7)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        x = decode_drawing(drawing)
        json.dumps(digits.probe(x, label=7))
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[int(0.9 * len(times))]


def blas_threads() -> int:
    """The BLAS thread count the measurements ran with."""
    from threadpoolctl import threadpool_info

    return max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1)


def canvas_png(label: int) -> bytes:
    """A test digit enlarged to the page's 280x280 canvas, as the page sends it."""
    _, (X, y) = load_mnist_sample(100, 500, seed=1)
    image = X[np.flatnonzero(y == label)[0]].reshape(28, 28)
    buffer = io.BytesIO()
    Image.fromarray((np.kron(image, np.ones((10, 10))) * 255).astype(np.uint8)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.studio", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rate, kilobytes = playground_rate(30 if args.quick else 600)
    median, p90 = digit_latency(5 if args.quick else 100)
    m = machine()
    section = [
        f"## Studio ({time.strftime('%Y-%m-%d')}, `python -m bench.studio`)",
        "",
        f"Machine: {m['cpu']}; {m['blas']}, {blas_threads()} threads; {m['versions']}.",
        "",
        "| case | result | target | met? |",
        "|---|---|---|---|",
        f"| playground updates per second at default settings (epoch + 100x100 boundary "
        f"frame + JSON, {kilobytes:.0f} kB each) | {rate:.0f} /s | >= 10 /s | "
        f"{'yes' if rate >= 10 else 'no'} |",
        f"| one drawn digit on the CNN preset: preparation, prediction, every layer's "
        f"activations and δ, ∂C/∂W, JSON | median {median:.1f} ms, 90th percentile "
        f"{p90:.1f} ms | < 50 ms | {'yes' if p90 < 50 else 'no'} |",
        "",
        "The page paces the playground to 60 epochs and 30 frames a second, so a learner can "
        "watch; these figures are what the server can do without that pacing.",
        "",
    ]
    write_section(args.out, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
