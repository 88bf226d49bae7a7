"""The IDX file format of MNIST: a big-endian header, then the raw array.

Header: two zero bytes, a type code (0x08 = unsigned byte, ...), the number of dimensions,
then each dimension as a big-endian uint32. So labels start with the magic number 0x00000801
(unsigned bytes, one dimension) and images with 0x00000803 (unsigned bytes, three
dimensions). Files may be gzip-compressed (``.gz``).
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from ..utils.fileio import atomic_write

# type code -> big-endian dtype
_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _TYPES.items()}
LABELS_MAGIC = 0x0801
IMAGES_MAGIC = 0x0803


class IdxError(ValueError):
    """An IDX file that cannot be read; the message names the file and the problem.

    Examples
    --------
    >>> from deltaprop.datasets import IdxError
    >>> import pathlib, tempfile
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "images.idx"
    >>> _ = bad.write_bytes(bytes(2))  # two bytes: not even a header
    >>> try:
    ...     read_idx(bad)
    ... except IdxError as error:
    ...     print("images.idx" in str(error))
    True
    """


def _raw_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IdxError(f"{path}: cannot read: {err.strerror}") from None
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the name says
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise IdxError(f"{path}: corrupt or truncated gzip data ({err})") from None
    return data


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (raw or gzip) into a native-endian NumPy array.

    Parameters
    ----------
    path : str or Path
        An IDX file, raw or gzip-compressed.

    Returns
    -------
    ndarray
        Its array, with the shape and type the file declares.

    Raises
    ------
    IdxError
        For a wrong magic number, a truncated file or trailing bytes; the message names the file.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import read_idx
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels.idx"
    >>> write_idx(path, np.array([3, 1, 4], dtype=np.uint8))
    >>> read_idx(path).tolist()
    [3, 1, 4]
    """
    path = Path(path)
    data = _raw_bytes(path)
    if len(data) < 4:
        raise IdxError(f"{path}: truncated: {len(data)} bytes, too short for an IDX header")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    magic = struct.unpack(">I", data[:4])[0]
    if zero != 0 or code not in _TYPES or ndim == 0:
        raise IdxError(
            f"{path}: not an IDX file: magic number 0x{magic:08x} (MNIST uses 0x00000801 for "
            "labels and 0x00000803 for images)"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(f"{path}: truncated header: {ndim} dimensions need {header} bytes")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _TYPES[code]
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = len(data) - header
    if actual < expected:
        raise IdxError(
            f"{path}: truncated: the header promises {'x'.join(map(str, shape))} values "
            f"({expected:,} bytes) but only {actual:,} bytes follow"
        )
    if actual > expected:
        raise IdxError(f"{path}: {actual - expected:,} unexpected bytes after the data")
    array = np.frombuffer(data, dtype=dtype, count=int(np.prod(shape)), offset=header)
    return array.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, atomically; gzip-compressed if the name ends in ``.gz``.

    Parameters
    ----------
    path : str or Path
        The file; gzip-compressed when the name ends in ``.gz``.
    array : ndarray
        Of a type IDX can hold (uint8, int8, int16, int32, float32, float64).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import write_idx
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "images.idx.gz"
    >>> write_idx(path, np.zeros((2, 28, 28), dtype=np.uint8))
    >>> read_idx(path).shape
    (2, 28, 28)
    """
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise TypeError(
            f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, "
            "float32 or float64"
        )
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX stores arrays of 1 to 255 dimensions, got {array.ndim}")
    code = _CODES[native]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(_TYPES[code]).tobytes()
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with atomic_write(path) as handle:
        handle.write(data)


def read_idx_pair(
    images_path: str | Path, labels_path: str | Path
) -> tuple[np.ndarray, np.ndarray]:
    """Read matching image (n, rows, cols) and label (n,) files, checking kinds and counts.

    Parameters
    ----------
    images_path, labels_path : str or Path
        The two IDX files.

    Returns
    -------
    (images, labels)
        Arrays of shape (n, rows, cols) and (n,).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import read_idx_pair
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_idx(folder / "images.idx", np.zeros((2, 28, 28), dtype=np.uint8))
    >>> write_idx(folder / "labels.idx", np.array([7, 2], dtype=np.uint8))
    >>> images, labels = read_idx_pair(folder / "images.idx", folder / "labels.idx")
    >>> images.shape, labels.tolist()
    ((2, 28, 28), [7, 2])
    """
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3:
        raise IdxError(f"{images_path}: expected images (n, rows, cols), got shape {images.shape}")
    if labels.ndim != 1:
        raise IdxError(f"{labels_path}: expected labels (n,), got shape {labels.shape}")
    if len(images) != len(labels):
        raise IdxError(
            f"{images_path} holds {len(images):,} images but {labels_path} holds "
            f"{len(labels):,} labels"
        )
    return images, labels
