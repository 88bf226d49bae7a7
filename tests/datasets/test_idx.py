"""The IDX reader and writer: round trips, and every kind of broken file."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deltaprop.datasets import IdxError, read_idx, read_idx_pair, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@settings(max_examples=60, deadline=None)
@given(
    array=st.sampled_from(DTYPES).flatmap(
        lambda dt: hnp.arrays(
            dt,
            hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
            elements=hnp.from_dtype(np.dtype(dt), allow_nan=False),
        )
    ),
    gz=st.booleans(),
)
def test_round_trip(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_mnist_header_layout(tmp_path):
    """Images start 00 00 08 03, then n, rows, cols as big-endian uint32; labels 00 00 08 01."""
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "images", images)
    write_idx(tmp_path / "labels", np.array([7, 1], dtype=np.uint8))
    raw = (tmp_path / "images").read_bytes()
    assert raw[:16] == bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4])
    assert raw[16:] == bytes(range(24))
    assert (tmp_path / "labels").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 1])


def test_multi_byte_values_are_big_endian(tmp_path):
    write_idx(tmp_path / "a", np.array([1, 256], dtype=np.int32))
    assert (tmp_path / "a").read_bytes()[8:] == b"\x00\x00\x00\x01\x00\x00\x01\x00"


def _write(path, data: bytes, gz: bool = False):
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x08", "too short for an IDX header"),
        (b"\x12\x34\x08\x03" + b"\x00" * 12, "not an IDX file: magic number 0x12340803"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "magic number 0x00000701"),
        (b"\x00\x00\x08\x00", "not an IDX file"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00", "truncated header"),
        (
            struct.pack(">HBBIII", 0, 8, 3, 2, 2, 2) + bytes(7),
            r"truncated: the header promises 2x2x2",
        ),
        (struct.pack(">HBBI", 0, 8, 1, 3) + bytes(5), "2 unexpected bytes after the data"),
    ],
)
@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_corrupt_headers_are_named(tmp_path, data, message, gz):
    path = _write(tmp_path / "broken-idx1-ubyte", data, gz)
    with pytest.raises(IdxError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_corrupt_gzip(tmp_path):
    good = gzip.compress(struct.pack(">HBBI", 0, 8, 1, 3) + bytes(3))
    path = _write(tmp_path / "labels.gz", good[:-6])
    with pytest.raises(IdxError, match="corrupt or truncated gzip"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(IdxError, match="cannot read"):
        read_idx(tmp_path / "nope.gz")


def test_pair_counts_must_agree(tmp_path):
    write_idx(tmp_path / "images.gz", np.zeros((5, 2, 2), np.uint8))
    write_idx(tmp_path / "labels.gz", np.zeros(4, np.uint8))
    with pytest.raises(IdxError, match=r"holds 5 images but .* holds 4 labels"):
        read_idx_pair(tmp_path / "images.gz", tmp_path / "labels.gz")
    with pytest.raises(IdxError, match=r"expected images \(n, rows, cols\)"):
        read_idx_pair(tmp_path / "labels.gz", tmp_path / "labels.gz")
    with pytest.raises(IdxError, match=r"expected labels \(n,\)"):
        read_idx_pair(tmp_path / "images.gz", tmp_path / "images.gz")


def test_writer_refuses_what_idx_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="IDX cannot store dtype"):
        write_idx(tmp_path / "a", np.zeros(3, dtype=np.complex64))
    with pytest.raises(ValueError, match="1 to 255 dimensions"):
        write_idx(tmp_path / "a", np.array(3, dtype=np.uint8))
    assert not list(tmp_path.iterdir())  # nothing half-written
