"""Rich display in Jupyter: the HTML reprs and the live plot, with a simulated notebook."""

from __future__ import annotations

import subprocess
import sys
import types
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from deltaprop import Network, gradcheck
from deltaprop.datasets import load
from deltaprop.training import History, LivePlot
from deltaprop.utils.jupyter import in_notebook, svg_curves, table

X, Y = np.random.default_rng(0).random((60, 4)), np.arange(60) % 3


def parsed(fragment: str) -> ET.Element:
    """The HTML as XML: it must be well-formed."""
    return ET.fromstring(f"<div>{fragment}</div>")


def cells(fragment: str) -> list[str]:
    return [c.text or "" for c in parsed(fragment).iter() if c.tag in ("td", "th")]


def test_network_html_is_the_summary_table():
    net = Network.from_sizes([4, 5, 3], "relu")
    html = net._repr_html_()
    assert cells(html)[:4] == ["#", "layer", "output shape", "params"]
    assert "Dense(4, 5)" in cells(html) and "25" in cells(html) and "18" in cells(html)
    assert "43 parameters" in html
    assert repr(net).startswith("Network([Dense(4, 5), ReLU()")  # plain repr unchanged


def test_history_html_has_the_curves_and_every_epoch():
    net = Network.from_sizes([4, 5, 3], seed=0)
    history = net.fit(X, Y, epochs=3, batch_size=10, validation_data=(X, Y))
    html = history._repr_html_()
    root = parsed(html)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}svg")) == 2
    rows = root.findall(".//tbody/tr")
    assert len(rows) == 3 and rows[2][0].text == "3"
    assert float(rows[0][1].text) == pytest.approx(history.train_cost[0], rel=1e-3)
    long = History(
        epoch=list(range(1, 101)),
        train_cost=[1.0] * 100,
        train_accuracy=[None] * 100,
        val_cost=[None] * 100,
        val_accuracy=[None] * 100,
        eta=[0.1] * 100,
        time=[0.0] * 100,
        stop_reason="<stopped> & why",
    )
    shown = parsed(long._repr_html_())
    assert len(shown.findall(".//tbody/tr")) == 41  # first 20, an ellipsis, last 20
    assert "<stopped> & why" in "".join(shown.itertext())


def test_gradcheck_and_dataset_html():
    net = Network.from_sizes([4, 3, 3], seed=0, dtype="float64")
    result = gradcheck(net, X[:5], Y[:5])
    html = result._repr_html_()
    assert "gradient check passed" in html and cells(html).count("ok") == 4
    data = load("mnist-sample", n_train=100, n_test=50)
    text = cells(data._repr_html_())
    assert ["train", "100", "(784,)"] == text[4:7] and "0: 10" in text[7]


def test_table_escapes_and_svg_skips_missing_values():
    assert "&lt;b&gt;" in table(["x"], [["<b>"]])
    assert svg_curves({"a": [None, None]}) == ""
    svg = svg_curves({"a": [3.0, None, float("nan"), 1.0]})
    points = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}polyline").get("points")
    assert len(points.split()) == 2


def test_history_plot_is_a_figure_with_cost_and_accuracy():
    history = Network.from_sizes([4, 3], seed=0).fit(X, Y, epochs=2, validation_data=(X, Y))
    figure = history.plot("run")
    cost, accuracy = figure.axes
    assert cost.get_ylabel() == "cost" and accuracy.get_ylabel() == "accuracy"
    assert len(cost.lines) == len(accuracy.lines) == 2


class FakeHandle:
    def __init__(self, first):
        self.shown = [first]

    def update(self, obj):
        self.shown.append(obj)


def fake_display(handles):
    def display(obj, display_id=False):
        assert display_id is True
        handles.append(FakeHandle(obj))
        return handles[-1]

    return display


def test_live_plot_updates_one_display_after_every_epoch():
    handles: list[FakeHandle] = []
    live = LivePlot(display=fake_display(handles))
    Network.from_sizes([4, 3], seed=0).fit(X, Y, epochs=4, callbacks=[live])
    assert len(handles) == 1 and live.updates == 4
    pictures = handles[0].shown[1:]
    assert all(p._repr_png_().startswith(b"\x89PNG") for p in pictures)
    assert len({p._repr_png_() for p in pictures}) == 4  # each epoch drew a new figure


def test_fit_live_uses_ipython_display_in_a_notebook(monkeypatch):
    handles: list[FakeHandle] = []
    shell = types.SimpleNamespace(kernel=object())
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell
    display_module = types.ModuleType("IPython.display")
    display_module.display = fake_display(handles)
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    assert in_notebook()
    Network.from_sizes([4, 3], seed=0).fit(X, Y, epochs=3, live=True)
    assert len(handles) == 1 and len(handles[0].shown) == 4


def test_outside_jupyter_live_changes_nothing_and_imports_no_ipython():
    code = (
        "import sys, numpy as np\n"
        "from deltaprop import Network\n"
        "from deltaprop.training import LivePlot\n"
        "X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2\n"
        "a = Network.from_sizes([4, 2], seed=0).fit(X, y, epochs=2, live=True, progress=True)\n"
        "b = Network.from_sizes([4, 2], seed=0).fit(X, y, epochs=2)\n"
        "assert a.train_cost == b.train_cost\n"
        "live = LivePlot()\n"
        "Network.from_sizes([4, 2], seed=0).fit(X, y, epochs=1, callbacks=[live])\n"
        "assert live.updates == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipywidgets')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
