"""The file format of models and checkpoints: named arrays plus JSON metadata, no pickle.

A file is a zip archive of ``.npy`` members, one per array, plus ``__meta__.npy``: UTF-8
JSON (a format name, a version, and whatever the writer describes). It is a valid ``.npz``
file, so ``numpy.load(path, allow_pickle=False)`` reads it too.

Reading trusts nothing in the file. The members must be stored uncompressed, so no member
can be larger than the file; the metadata holds a SHA-256 checksum of itself and of every
array member, verified before anything is parsed; each array's header is compared with the
shape and dtype the caller expects (from the architecture) before its data is used. Every
failure is a :class:`ModelFileError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..utils.fileio import atomic_write

VERSION = 2
"""Version 2 added the checksum; version-1 files (no checksum) are still read."""
_READABLE = (1, 2)
_META = "__meta__"
_SUFFIX = ".npy"
# Everything a damaged zip or .npy header has been seen to raise while being parsed.
_DAMAGE = (
    ValueError,
    OSError,
    EOFError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    SyntaxError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    MemoryError,
    struct.error,
    zlib.error,
    tokenize.TokenError,
)


class ModelFileError(ValueError):
    """A model or checkpoint file that cannot be loaded; the message names the file and why.

    Examples
    --------
    >>> from deltaprop import ModelFileError
    >>> from deltaprop import load
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "model.npz"
    >>> _ = bad.write_bytes(b"not a model")
    >>> try:
    ...     load(bad)
    ... except ModelFileError as error:
    ...     print("model.npz" in str(error))
    True
    """


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _checksum(meta: dict[str, Any], members: dict[str, bytes]) -> str:
    """SHA-256 over the metadata (without its checksum) and every array member, by name."""
    digest = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "checksum"}
    digest.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    for name in sorted(members):
        digest.update(f"\0{name}\0{len(members[name])}\0".encode())
        digest.update(members[name])
    return digest.hexdigest()


def _member(name: str) -> zipfile.ZipInfo:
    """A zip member dated 1980-01-01, zip's earliest date.

    Writestr would stamp the clock's time, so the same network saved a second later gave
    other bytes.
    """
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info


def write_archive(path: str | Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` and ``meta`` (plus version and checksum) as one file, atomically."""
    members = {name: _npy_bytes(np.asarray(a)) for name, a in arrays.items()}
    meta = {**meta, "version": VERSION}
    meta["checksum"] = _checksum(meta, members)
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in [(_META, _npy_bytes(blob)), *members.items()]:
            archive.writestr(_member(name + _SUFFIX), data)
    with atomic_write(path) as handle:
        handle.write(buffer.getvalue())


class ArchiveReader:
    """An archive read and verified: its metadata, and its arrays checked on request.

    Parameters
    ----------
    path : path
        The file.
    expected_format : str
        The ``format`` its metadata must name, e.g. ``"deltaprop-model"``.
    """

    def __init__(self, path: str | Path, expected_format: str) -> None:
        self.path = Path(path)
        try:
            data = self.path.read_bytes()
        except OSError as err:
            raise self.error(f"cannot read: {err.strerror or err}") from None
        self.size = len(data)
        try:
            members = self._members(data)
        except ModelFileError:
            raise
        except (*_DAMAGE, zipfile.BadZipFile) as err:
            raise self.error(f"not a deltaprop file (corrupt or truncated?): {err}") from None
        if _META not in members:
            raise self.error(f"not a deltaprop file (no {_META} record)")
        self.meta = self._parse_meta(members.pop(_META))
        found = self.meta.get("format")
        if found != expected_format:
            raise self.error(f"expected a {expected_format} file, found {found!r}")
        version = self.meta.get("version")
        if type(version) is not int or version not in _READABLE:
            raise self.error(
                f"format version {version!r}; this deltaprop reads "
                f"versions {', '.join(map(str, _READABLE))}"
            )
        # only version 1 predates checksums: any file that has one, or should, is verified
        if (version >= 2 or "checksum" in self.meta) and self.meta.get("checksum") != _checksum(
            self.meta, members
        ):
            raise self.error(
                "checksum mismatch: the file was damaged or altered after it was written"
            )
        self._members_data = members

    def error(self, message: str) -> ModelFileError:
        """A :class:`ModelFileError` about this file."""
        return ModelFileError(f"{self.path}: {message}")

    def _members(self, data: bytes) -> dict[str, bytes]:
        """Every member's bytes (CRC-checked by zipfile), by array name."""
        members: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.compress_type != zipfile.ZIP_STORED or info.file_size > len(data):
                    raise self.error(f"member {info.filename!r} is compressed or oversized")
                if not info.filename.endswith(_SUFFIX):
                    raise self.error(f"unexpected member {info.filename!r}")
                name = info.filename[: -len(_SUFFIX)]
                if name in members:
                    raise self.error(f"member {info.filename!r} appears twice")
                members[name] = archive.read(info)
        return members

    def _parse_meta(self, raw: bytes) -> dict[str, Any]:
        try:
            blob = self._array(raw, None, np.dtype(np.uint8))
            meta = json.loads(blob.tobytes().decode("utf-8"))
        except ModelFileError:
            raise
        except (*_DAMAGE, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise self.error(f"corrupt metadata: {err}") from None
        if not isinstance(meta, dict):
            raise self.error("corrupt metadata: not a JSON object")
        return meta

    @property
    def names(self) -> set[str]:
        """The names of the arrays in the file."""
        return set(self._members_data)

    def read(
        self, name: str, shape: tuple[int, ...], dtype: Any, what: str = "array"
    ) -> np.ndarray:
        """Return array ``name``, which must have exactly this shape and dtype (writable copy)."""
        if name not in self._members_data:
            raise self.error(f"{what} {name} is missing")
        try:
            return self._array(self._members_data[name], tuple(shape), np.dtype(dtype), name)
        except ModelFileError:
            raise
        except _DAMAGE as err:
            raise self.error(f"{what} {name} is corrupt: {err}") from None

    def _array(
        self, raw: bytes, shape: tuple[int, ...] | None, dtype: np.dtype, name: str = _META
    ) -> np.ndarray:
        """Parse one .npy member; its header must declare ``shape`` (any 1-D if None), ``dtype``."""
        handle = io.BytesIO(raw)
        version = np.lib.format.read_magic(handle)
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ValueError(f"unknown .npy version {version}")
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        found_shape, fortran, found_dtype = read_header(handle)
        ok_shape = len(found_shape) == 1 if shape is None else tuple(found_shape) == shape
        if not ok_shape or found_dtype != dtype:
            want = f"a 1-D {dtype} array" if shape is None else f"{dtype}{list(shape)}"
            raise self.error(
                f"{name} is {found_dtype}{list(found_shape)}, the architecture needs {want}"
            )
        count = int(np.prod(found_shape))
        body = raw[handle.tell() :]
        if len(body) != count * dtype.itemsize:
            raise self.error(
                f"{name} holds {len(body)} bytes of data, not {count * dtype.itemsize}"
            )
        array = np.frombuffer(bytearray(body), dtype=dtype)
        return array.reshape(found_shape, order="F" if fortran else "C")
