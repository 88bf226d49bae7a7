"""Show the code: the deltaprop script that builds and trains what the page shows.

Each script calls the same library functions as the studio with the form's values, so
running it for the same number of epochs gives the same network, parameter for parameter.
"""

from __future__ import annotations

import json

from .digits import N_TEST, PRESETS
from .forms import OUTPUTS, DigitsConfig, PlaygroundConfig


def q(text: str) -> str:
    """A string literal as ruff would format it (double quotes)."""
    return json.dumps(text)


def _fit_arguments(c: PlaygroundConfig | DigitsConfig, epochs: int, validation: str) -> str:
    return (
        f"    epochs={epochs},\n"
        f"    batch_size={c.batch_size},\n"
        f"    optimizer={q(c.optimizer)},\n"
        f"    eta={c.eta!r},\n"
        f"    lmbda={c.lmbda!r},\n"
        f"    validation_data={validation},\n"
        f"    seed={c.seed},\n"
    )


def playground_script(c: PlaygroundConfig, epochs: int) -> str:
    """The playground's data, network and training as a script."""
    output, cost, n_out = OUTPUTS[c.output]
    init = "" if c.init == "default" else f"    init={q(c.init)},\n"
    return (
        '"""The deltaprop studio playground, as code: the same data, network and training."""\n'
        "\n"
        "from deltaprop import Network\n"
        "from deltaprop.datasets import toy\n"
        "\n"
        f"(X, y), (X_test, y_test) = toy(\n"
        f"    {q(c.dataset)}, {c.points}, noise={c.noise!r}, test_fraction={c.test_fraction!r},"
        f" seed={c.data_seed}\n"
        ")\n"
        "net = Network.from_sizes(\n"
        f"    {[2, *c.hidden, n_out]},\n"
        f"    {q(c.activation)},\n"
        f"    {q(output)},\n"
        f"    {q(cost)},\n"
        f"{init}"
        f"    seed={c.seed},\n"
        '    dtype="float64",\n'
        ")\n"
        "history = net.fit(\n"
        "    X,\n"
        "    y,\n"
        f"{_fit_arguments(c, epochs, '(X_test, y_test)')}"
        ")\n"
        'print(f"test cost {history.val_cost[-1]:.4f}, '
        'test accuracy {history.val_accuracy[-1]:.1%}")\n'
    )


def digits_script(c: DigitsConfig, epochs: int) -> str:
    """The digits part's preset and training as a script."""
    return (
        '"""The deltaprop studio digits part, as code: the same preset and training."""\n'
        "\n"
        "from deltaprop import Network, save\n"
        "from deltaprop.datasets import load_mnist_sample\n"
        "from deltaprop.core.spec import parse_layers\n"
        "\n"
        f"(X, y), test = load_mnist_sample({c.n_train}, {N_TEST}, seed={c.seed})\n"
        f"layers = parse_layers({q(PRESETS[c.preset])}, 784, image_shape=(28, 28))\n"
        f"net = Network(layers, seed={c.seed})\n"
        "history = net.fit(\n"
        "    X,\n"
        "    y,\n"
        f"{_fit_arguments(c, epochs, 'test')}"
        "    monitor_training=False,\n"
        ")\n"
        'print(f"test accuracy {history.val_accuracy[-1]:.1%}")\n'
        'save(net, "digits-model.npz")\n'
    )
