"""Model and checkpoint files: crafted and damaged files fail with ModelFileError, never more.

The fuzz tests mutate real files the ways a disk, a network or a person can (flipped bytes,
truncations, insertions, deletions, and edits inside zip members re-zipped with valid CRCs)
and require every load either to fail with ModelFileError or to give back exactly the
network that was saved.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deltaprop import Dense, LambdaCallback, ModelFileError, Network, Softmax, load, save
from deltaprop.core.layers import Conv2D, Flatten, MaxPool2D, ReLU, Reshape
from deltaprop.files.archive import write_archive
from deltaprop.training import load_checkpoint


def _npy_header(shape, dtype="<f4"):
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _meta_member(meta) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(meta).encode(), np.uint8))
    return buffer.getvalue()


def test_an_enormous_declared_shape_is_refused_before_any_allocation(tmp_path):
    net = Network.from_sizes([4, 3, 2])
    meta = {"format": "deltaprop-model", "version": 1, "network": net.get_config()}
    members = {"__meta__.npy": _meta_member(meta)}
    for name, p, _ in net.named_parameters():
        members[f"{name}.npy"] = _npy_header(p.shape) + p.tobytes()
    members["layers.0.W.npy"] = _npy_header((10**9, 10**6)) + b"\0" * 48
    (tmp_path / "huge.npz").write_bytes(_zip(members))
    with pytest.raises(ModelFileError, match=r"layers.0.W is float32\[1000000000, 1000000\]"):
        load(tmp_path / "huge.npz")


def test_an_enormous_architecture_is_refused_before_any_allocation(tmp_path):
    config = Network.from_sizes([4, 3, 2]).get_config()
    config["layers"][0]["config"].update(n_in=10**6, n_out=10**6)
    config["layers"][2]["config"].update(n_in=10**6)
    write_archive(tmp_path / "m.npz", {"format": "deltaprop-model", "network": config}, {})
    with pytest.raises(ModelFileError, match=r"the architecture has [\d,]+ parameters, over \d+"):
        load(tmp_path / "m.npz")


def test_weights_edited_and_rezipped_are_caught_by_the_checksum(tmp_path):
    save(Network.from_sizes([4, 3, 2]), tmp_path / "m.npz")
    members = _members((tmp_path / "m.npz").read_bytes())
    raw = bytearray(members["layers.0.W.npy"])
    raw[-1] ^= 0x01  # one bit of one weight; the zip's CRC is recomputed by rezipping
    members["layers.0.W.npy"] = bytes(raw)
    (tmp_path / "edited.npz").write_bytes(_zip(members))
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load(tmp_path / "edited.npz")


def test_compressed_members_are_refused(tmp_path):
    save(Network.from_sizes([4, 3, 2]), tmp_path / "m.npz")
    members = _members((tmp_path / "m.npz").read_bytes())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    (tmp_path / "deflated.npz").write_bytes(buffer.getvalue())
    with pytest.raises(ModelFileError, match="compressed"):
        load(tmp_path / "deflated.npz")


# -- fuzzing ---------------------------------------------------------------------------


def _mlp() -> Network:
    return Network.from_sizes([6, 5, 3], "tanh", "softmax", seed=3)


def _cnn() -> Network:
    layers = [Reshape((1, 6, 6)), Conv2D(1, 2, 3), ReLU(), MaxPool2D(2), Flatten()]
    return Network([*layers, Dense(8, 3), Softmax()], seed=4)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """A model file of an MLP and of a CNN, and a checkpoint of the MLP (momentum state)."""
    root = tmp_path_factory.mktemp("originals")
    files = {}
    for name, make in (("mlp", _mlp), ("cnn", _cnn)):
        save(make(), root / f"{name}.npz")
        files[name] = (root / f"{name}.npz").read_bytes()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 6)), rng.integers(0, 3, 12)
    net = _mlp()
    stop = LambdaCallback(on_epoch_end=lambda e: e.stop())
    net.fit(X, y, epochs=3, optimizer="momentum", checkpoint=root / "ck.npz", callbacks=[stop])
    files["checkpoint"] = (root / "ck.npz").read_bytes()
    return files


def _mutate_bytes(data: bytes, kind: str, where: float, value: bytes) -> bytes:
    at = int(where * len(data))
    if kind == "flip":
        return data[:at] + bytes([data[at % len(data)] ^ (value[0] or 1)]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + value + data[at:]
    return data[:at] + data[at + len(value) :]  # delete


MUTATION = st.tuples(
    st.sampled_from(["flip", "truncate", "insert", "delete"]),
    st.floats(0, 1, exclude_max=True),
    st.binary(min_size=1, max_size=8),
)


@st.composite
def mutations(draw):
    """A list of byte-level mutations, applied to the whole file or inside one member."""
    inside = draw(st.booleans())
    member = draw(st.integers(0, 20))
    return inside, member, draw(st.lists(MUTATION, min_size=1, max_size=3))


def _apply(data: bytes, mutation) -> bytes:
    inside, member, steps = mutation
    if inside:  # edit a member's bytes, then rezip so that every CRC is valid again
        members = _members(data)
        name = sorted(members)[member % len(members)]
        content = members[name]
        for step in steps:
            content = _mutate_bytes(content, *step) if content else content
        members[name] = content
        return _zip(members)
    for step in steps:
        data = _mutate_bytes(data, *step) if data else data
    return data


def _same_network(a: Network, b: Network) -> bool:
    return a.get_config() == b.get_config() and all(
        p.dtype == q.dtype and np.array_equal(p, q)
        for (_, p, _), (_, q, _) in zip(a.named_parameters(), b.named_parameters(), strict=True)
    )


FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(which=st.sampled_from(["mlp", "cnn"]), mutation=mutations())
def test_a_damaged_model_file_loads_unchanged_or_fails_cleanly(
    originals, tmp_path_factory, which, mutation
):
    path = tmp_path_factory.getbasetemp() / f"fuzz-{which}.npz"
    path.write_bytes(_apply(originals[which], mutation))
    try:
        loaded = load(path)
    except ModelFileError as err:
        assert str(path) in str(err)
        return
    assert _same_network(loaded, _mlp() if which == "mlp" else _cnn())


@FUZZ
@given(mutation=mutations())
def test_a_damaged_checkpoint_reads_unchanged_or_fails_cleanly(
    originals, tmp_path_factory, mutation
):
    path = tmp_path_factory.getbasetemp() / "fuzz-ck.npz"
    original = tmp_path_factory.getbasetemp() / "fuzz-ck-original.npz"
    original.write_bytes(originals["checkpoint"])
    path.write_bytes(_apply(originals["checkpoint"], mutation))
    try:
        state = load_checkpoint(path, _mlp())
    except ModelFileError as err:
        assert str(path) in str(err)
        return
    reference = load_checkpoint(original, _mlp())
    assert state.epoch == reference.epoch and state.history == reference.history
    for name, p in reference.params.items():
        assert np.array_equal(state.params[name], p)
    for name, slots in reference.optimizer_state.items():
        for key, value in slots.items():
            assert np.array_equal(state.optimizer_state[name][key], value)


def test_the_same_network_saved_a_second_apart_gives_the_same_bytes(tmp_path, monkeypatch):
    import time

    net = Network.from_sizes([4, 3, 2], seed=0)
    save(net, tmp_path / "first.npz")
    later = time.localtime(time.time() + 3600)
    monkeypatch.setattr(time, "localtime", lambda *_: later)
    save(net, tmp_path / "second.npz")
    assert (tmp_path / "first.npz").read_bytes() == (tmp_path / "second.npz").read_bytes()
