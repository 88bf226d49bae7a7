"""The user's own .npz and .csv files."""

from __future__ import annotations

import re

import numpy as np
import pytest

from deltaprop import datasets
from deltaprop.datasets import read_csv, read_npz


def test_npz_with_and_without_a_test_set(tmp_path, rng):
    X, y = rng.normal(size=(50, 3)), np.repeat([0, 1], 25)
    np.savez(tmp_path / "a.npz", X=X, y=y)
    data = datasets.load(str(tmp_path / "a.npz"), test_fraction=0.2)
    assert len(data.train[0]) == 40 and len(data.test[0]) == 10
    assert np.bincount(data.test[1]).tolist() == [5, 5]  # stratified
    assert data.classes == ["0", "1"]
    np.savez(tmp_path / "b.npz", X=X, y=y, X_test=X[:7], y_test=y[:7])
    data = datasets.load(str(tmp_path / "b.npz"))
    assert len(data.train[0]) == 50 and len(data.test[0]) == 7


def test_npz_errors(tmp_path):
    np.savez(tmp_path / "noy.npz", X=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="missing array 'y'"):
        read_npz(tmp_path / "noy.npz")
    np.savez(tmp_path / "len.npz", X=np.zeros((3, 2)), y=np.zeros(4))
    with pytest.raises(ValueError, match="X has 3 rows but y has 4"):
        read_npz(tmp_path / "len.npz")
    np.savez(tmp_path / "obj.npz", X=np.array([object()]), y=np.zeros(1))
    with pytest.raises(ValueError, match=r"not a valid .npz"):
        read_npz(tmp_path / "obj.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"not a valid .npz"):
        read_npz(tmp_path / "junk.npz")


def test_csv_with_header_and_regression_targets(tmp_path):
    (tmp_path / "a.csv").write_text("label,x1,x2\n1,0.5,2\n0,1.5,3\n1,2.5,4\n")
    X, y = read_csv(tmp_path / "a.csv")
    np.testing.assert_array_equal(X, [[0.5, 2], [1.5, 3], [2.5, 4]])
    assert y.tolist() == [1, 0, 1] and y.dtype == np.int64
    X, y = read_csv(tmp_path / "a.csv", label_column="x2")
    assert y.tolist() == [2, 3, 4] and X.shape == (3, 2)
    (tmp_path / "b.csv").write_text("0.5,1\n0.25,2\n")
    X, y = read_csv(tmp_path / "b.csv")
    assert y.dtype == np.float64 and y.tolist() == [0.5, 0.25]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3\n4,5\n", "line 2: 2 cells, expected 3 (ragged rows)"),
        ("label,a\n1,2\n0,x\n", "line 3, column 2: not a number: 'x'"),
        ("1,2\n,3\n", "line 2, column 1: missing label"),
        ("1,2\n3, \n", "line 2, column 2: empty cell"),
        ("", "the file is empty"),
        ("label,a\n", "no data rows"),
    ],
)
def test_csv_errors_name_the_line(tmp_path, text, message):
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(ValueError, match=re.escape(message)):
        read_csv(tmp_path / "bad.csv")


def test_unknown_file_type(tmp_path):
    (tmp_path / "data.txt").write_text("1,2")
    with pytest.raises(ValueError, match="unknown data file type"):
        datasets.load(str(tmp_path / "data.txt"))
