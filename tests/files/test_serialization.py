"""Saving and loading: bit-identical round trips, refusal of bad files, checkpoints."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from deltaprop import Dense, Maxout, ModelFileError, Network, load, save
from deltaprop.core.layers import ACTIVATIONS
from deltaprop.files.archive import ArchiveReader, write_archive


def _write_raw(path, meta, arrays):
    """A file as an older or hostile writer might make it: no checksum unless given."""
    blob = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(path, __meta__=blob, **arrays)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_predicts_bit_identically(tmp_path, rng, activation, dtype):
    layers = [
        Dense(6, 5, init="he_uniform", bias_init=0.1),
        ACTIVATIONS[activation](),
        Maxout(5, 4, pieces=3),
        Dense(4, 3),
        ACTIVATIONS[activation](),
    ]
    net = Network(layers, cost="quadratic", dtype=dtype, seed=5)
    X = rng.normal(size=(20, 6))
    save(net, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.get_config() == net.get_config()
    assert back.summary() == net.summary()
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    assert back.predict_proba(X).dtype == np.dtype(dtype)


def test_round_trip_keeps_layer_options(tmp_path):
    from deltaprop import LeakyReLU

    net = Network([Dense(3, 4), LeakyReLU(0.2), Dense(4, 2)], cost="quadratic")
    save(net, tmp_path / "m.npz")
    assert load(tmp_path / "m.npz").layers[1].slope == 0.2


def test_truncated_and_random_files_are_rejected(tmp_path):
    net = Network.from_sizes([4, 3, 2])
    save(net, tmp_path / "m.npz")
    data = (tmp_path / "m.npz").read_bytes()
    for name, content in [
        ("truncated.npz", data[: len(data) // 2]),
        ("random.npz", os.urandom(len(data))),
        ("empty.npz", b""),
    ]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ModelFileError, match="not a deltaprop file"):
            load(tmp_path / name)


def test_foreign_npz_and_wrong_format_are_rejected(tmp_path):
    np.savez(tmp_path / "foreign.npz", W=np.zeros(3))
    with pytest.raises(ModelFileError, match="no __meta__ record"):
        load(tmp_path / "foreign.npz")
    write_archive(tmp_path / "other.npz", {"format": "something-else"}, {})
    with pytest.raises(
        ModelFileError, match="expected a deltaprop-model file, found 'something-else'"
    ):
        load(tmp_path / "other.npz")
    _write_raw(tmp_path / "future.npz", {"format": "deltaprop-model", "version": 99}, {})
    with pytest.raises(ModelFileError, match="format version 99"):
        load(tmp_path / "future.npz")


def test_pickled_arrays_are_never_unpickled(tmp_path):
    """An object array inside the file would need pickle: loading refuses it unread."""
    net = Network.from_sizes([4, 3, 2])
    meta = {"format": "deltaprop-model", "version": 1, "network": net.get_config()}
    params = {name: p for name, p, _ in net.named_parameters()}
    evil = np.array([object()], dtype=object)
    buffer = io.BytesIO()
    blob = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(buffer, __meta__=blob, **{**params, "layers.0.W": evil})
    (tmp_path / "evil.npz").write_bytes(buffer.getvalue())
    with pytest.raises(ModelFileError, match=r"layers.0.W is object\[1\], the architecture needs"):
        load(tmp_path / "evil.npz")


def test_config_names_resolve_only_through_the_registry(tmp_path):
    net = Network.from_sizes([4, 3, 2])
    config = net.get_config()
    config["layers"][0]["class"] = "os.system"
    write_archive(tmp_path / "m.npz", {"format": "deltaprop-model", "network": config}, {})
    with pytest.raises(ModelFileError, match=r"unknown layer 'os.system'"):
        load(tmp_path / "m.npz")


def test_wrong_or_missing_parameters_are_rejected(tmp_path):
    net = Network.from_sizes([4, 3, 2])
    meta = {"format": "deltaprop-model", "network": net.get_config()}
    params = {name: p for name, p, _ in net.named_parameters()}
    write_archive(
        tmp_path / "missing.npz", meta, {k: v for k, v in params.items() if k != "layers.2.b"}
    )
    with pytest.raises(ModelFileError, match=r"parameter layers.2.b is missing"):
        load(tmp_path / "missing.npz")
    write_archive(
        tmp_path / "shape.npz", meta, {**params, "layers.0.W": np.zeros((3, 4), np.float32)}
    )
    with pytest.raises(
        ModelFileError,
        match=r"layers.0.W is float32\[3, 4\], the architecture needs float32\[4, 3\]",
    ):
        load(tmp_path / "shape.npz")


def test_a_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    net = Network.from_sizes([4, 3, 2])
    save(net, tmp_path / "m.npz")
    before = (tmp_path / "m.npz").read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken)
    with pytest.raises(OSError, match="disk full"):
        save(Network.from_sizes([4, 3, 2], seed=9), tmp_path / "m.npz")
    assert (tmp_path / "m.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]  # no temporary left


def test_file_is_a_plain_zip_of_arrays_and_json(tmp_path):
    save(Network.from_sizes([4, 3, 2]), tmp_path / "m.npz")
    with zipfile.ZipFile(tmp_path / "m.npz") as archive:
        names = sorted(archive.namelist())
    assert names == [
        "__meta__.npy",
        "layers.0.W.npy",
        "layers.0.b.npy",
        "layers.2.W.npy",
        "layers.2.b.npy",
    ]
    meta = ArchiveReader(tmp_path / "m.npz", "deltaprop-model").meta
    assert meta["version"] == 2 and meta["network"]["cost"] == "log_likelihood"
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:  # a plain .npz to NumPy
        np.testing.assert_array_equal(
            npz["layers.0.W"], Network.from_sizes([4, 3, 2]).layers[0].params["W"]
        )
