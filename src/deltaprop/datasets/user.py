"""The user's own data: ``.npz`` files with arrays X and y, and ``.csv`` files."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import numpy as np


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Read X, y (and optionally X_test, y_test) from an .npz file, never unpickling objects.

    Parameters
    ----------
    path : str or Path
        An ``.npz`` file with arrays ``X`` and ``y``, optionally ``X_test`` and ``y_test``.

    Returns
    -------
    dict
        The arrays by name.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import read_npz
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.npz"
    >>> np.savez(path, X=np.zeros((3, 2)), y=np.array([0, 1, 0]))
    >>> sorted(read_npz(path))
    ['X', 'y']
    """
    path = Path(path)
    try:
        data = path.read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except OSError as err:
        raise ValueError(f"{path}: cannot read: {err.strerror or err}") from None
    except (ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: not a valid .npz file of arrays ({err})") from None
    for key in ("X", "y"):
        if key not in arrays:
            raise ValueError(f"{path}: missing array {key!r}; the file has {sorted(arrays)}")
    for x_key, y_key in (("X", "y"), ("X_test", "y_test")):
        if x_key in arrays and y_key in arrays and len(arrays[x_key]) != len(arrays[y_key]):
            raise ValueError(
                f"{path}: {x_key} has {len(arrays[x_key])} rows but {y_key} has "
                f"{len(arrays[y_key])}"
            )
    return arrays


def read_csv(path: str | Path, label_column: int | str = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Read a CSV file of one label column plus feature columns into (X, y).

    A first row that is not numeric is taken as a header; ``label_column`` is then a column
    index or a header name. Ragged rows, non-numeric cells and missing labels are errors
    that name the line.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    label_column : int or str, default 0
        The label's column: its index or its header name.

    Returns
    -------
    (X, y)
        Features as a float array and labels.

    Raises
    ------
    ValueError
        For a ragged row, a non-numeric cell or a missing label, naming the line.

    Examples
    --------
    >>> from deltaprop.datasets import read_csv
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = path.write_text("label,x1,x2\n1,0.5,0.25\n0,1.0,0.0\n")
    >>> X, y = read_csv(path)
    >>> X.tolist(), y.tolist()
    ([[0.5, 0.25], [1.0, 0.0]], [1, 0])
    """
    path = Path(path)
    try:
        with path.open(newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read: {err}") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty")
    header = None
    first = 1
    try:
        [float(cell) for cell in rows[0]]
        first = 0
    except ValueError:
        header = [cell.strip() for cell in rows[0]]
    body = rows[first:]
    if not body:
        raise ValueError(f"{path}: no data rows")
    width = len(rows[0])
    if isinstance(label_column, str):
        if header is None or label_column not in header:
            raise ValueError(f"{path}: no column named {label_column!r}")
        label_column = header.index(label_column)
    if not -width <= label_column < width:
        raise ValueError(f"{path}: label column {label_column} is outside the {width} columns")
    values = np.empty((len(body), width))
    for i, row in enumerate(body):
        line = i + first + 1
        if len(row) != width:
            raise ValueError(
                f"{path}, line {line}: {len(row)} cells, expected {width} (ragged rows)"
            )
        for j, cell in enumerate(row):
            text = cell.strip()
            if not text:
                what = "missing label" if j == label_column % width else "empty cell"
                raise ValueError(f"{path}, line {line}, column {j + 1}: {what}")
            try:
                values[i, j] = float(text)
            except ValueError:
                raise ValueError(
                    f"{path}, line {line}, column {j + 1}: not a number: {text!r}"
                ) from None
            if not math.isfinite(values[i, j]):
                raise ValueError(
                    f"{path}, line {line}, column {j + 1}: {text!r} is not a finite number: "
                    "fill or drop it first"
                )
    y = values[:, label_column]
    X = np.delete(values, label_column % width, axis=1)
    if np.array_equal(y, np.round(y)):
        y = y.astype(np.int64)
    return X, y
