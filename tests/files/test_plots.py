"""Figures are written as decodable PNGs from a History and a confusion matrix."""

from __future__ import annotations

import numpy as np
from PIL import Image

from deltaprop import History
from deltaprop.files.plots import plot_confusion, plot_history


def test_learning_curve_png(tmp_path):
    h = History(
        epoch=[1, 2, 3],
        train_cost=[1.0, 0.5, 0.3],
        train_accuracy=[0.5, 0.8, 0.9],
        val_cost=[1.1, 0.7, 0.6],
        val_accuracy=[0.45, 0.7, 0.75],
        eta=[0.1] * 3,
        time=[0.1] * 3,
    )
    plot_history(h, tmp_path / "curve.png", title="t")
    with Image.open(tmp_path / "curve.png") as png:
        assert png.format == "PNG" and png.size[0] > 500
        pixels = np.asarray(png.convert("L"))
    assert pixels.std() > 10  # not a blank image


def test_learning_curve_without_validation_or_accuracy(tmp_path):
    h = History(
        epoch=[1, 2],
        train_cost=[1.0, 0.5],
        train_accuracy=[None, None],
        val_cost=[None, None],
        val_accuracy=[None, None],
        eta=[0.1] * 2,
        time=[0.1] * 2,
    )
    plot_history(h, tmp_path / "curve.png")
    with Image.open(tmp_path / "curve.png") as png:
        png.verify()


def test_confusion_png(tmp_path):
    plot_confusion(np.array([[5, 1], [2, 7]]), ["cat", "dog"], tmp_path / "c.png")
    with Image.open(tmp_path / "c.png") as png:
        png.verify()
