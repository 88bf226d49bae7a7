"""Looking up and downloading MNIST-style data, against a local HTTP server on 127.0.0.1.

The server serves IDX files made by the test; no test touches the internet.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from deltaprop import datasets
from deltaprop.datasets import mnist, write_idx
from deltaprop.datasets.download import DownloadError, cache_dir, fetch


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 at a free port; yields (base URL, directory)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", root
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def dead_mirror():
    """The URL of a port on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DELTAPROP_DATA_DIR", raising=False)
    return tmp_path / "cache" / "deltaprop"


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def test_cache_dir_follows_xdg(isolated_cache):
    assert cache_dir() == isolated_cache


def test_good_download_lands_in_the_cache(server, isolated_cache):
    url, root = server
    write_idx(root / "labels.gz", np.arange(10, dtype=np.uint8))
    path = fetch("labels.gz", [url], md5(root / "labels.gz"), isolated_cache / "mnist")
    assert path == isolated_cache / "mnist" / "labels.gz"
    assert path.read_bytes() == (root / "labels.gz").read_bytes()
    assert [p.name for p in path.parent.iterdir()] == ["labels.gz"]


def test_checksum_mismatch_raises_and_leaves_nothing(server, isolated_cache):
    url, root = server
    write_idx(root / "labels.gz", np.arange(10, dtype=np.uint8))
    with pytest.raises(DownloadError, match="checksum mismatch") as info:
        fetch("labels.gz", [url], "0" * 32, isolated_cache / "mnist")
    assert f"{url}labels.gz" in str(info.value)
    leftovers = (
        list((isolated_cache / "mnist").iterdir()) if (isolated_cache / "mnist").exists() else []
    )
    assert leftovers == []


def test_unreachable_mirror_falls_through_to_the_next(server, dead_mirror, isolated_cache):
    url, root = server
    write_idx(root / "labels.gz", np.arange(10, dtype=np.uint8))
    path = fetch(
        "labels.gz", [dead_mirror, url + "missing/", url], md5(root / "labels.gz"), isolated_cache
    )
    assert path.is_file()


def test_all_unreachable_gives_the_offline_error(dead_mirror, isolated_cache):
    other = dead_mirror.replace("http://", "http://localhost.invalid.")
    with pytest.raises(DownloadError) as info:
        fetch("labels.gz", [dead_mirror, other], "0" * 32, isolated_cache)
    message = str(info.value)
    assert f"{dead_mirror}labels.gz" in message and f"{other}labels.gz" in message
    assert "by hand" in message and str(isolated_cache) in message
    assert not isolated_cache.exists() or not list(isolated_cache.iterdir())


def _full_size_files(directory: Path) -> dict[str, str]:
    """Write the four IDX files at full MNIST size (blank images compress to almost nothing)."""
    directory.mkdir(parents=True, exist_ok=True)
    labels = {"train": np.arange(60000) % 10, "test": np.arange(10000) % 10}
    for part, n in (("train", 60000), ("test", 10000)):
        prefix = "train" if part == "train" else "t10k"
        images = np.zeros((n, 28, 28), np.uint8)
        images[:, 14, 14] = labels[part] * 25  # something to tell them apart
        write_idx(directory / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte.gz", labels[part].astype(np.uint8))
    return {p.name: md5(p) for p in directory.iterdir()}


@pytest.fixture
def full_mirror(server, monkeypatch):
    url, root = server
    checksums = _full_size_files(root)
    monkeypatch.setitem(mnist.MD5, "mnist", checksums)
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [url])
    return url, root


def test_load_mnist_downloads_once_then_uses_the_cache(full_mirror, isolated_cache, monkeypatch):
    data = datasets.load("mnist", validation=10000)
    assert len(data.train[0]) == 50000 and len(data.validation[0]) == 10000
    assert len(data.test[0]) == 10000
    assert data.train[0].shape[1] == 784 and data.train[0].max() == pytest.approx(225 / 255)
    np.testing.assert_array_equal(data.train[1][:12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    assert sorted(p.name for p in (isolated_cache / "mnist").iterdir()) == sorted(
        mnist.FILES.values()
    )
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [])  # no network now: the cache must do
    assert len(datasets.load("mnist").test[0]) == 10000


def test_data_dir_comes_first(tmp_path, full_mirror, monkeypatch):
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [])
    _full_size_files(tmp_path / "mine")
    files = mnist.locate("mnist", tmp_path / "mine")
    assert all(p.parent == tmp_path / "mine" for p in files.values())
    monkeypatch.setenv("DELTAPROP_DATA_DIR", str(tmp_path))
    _full_size_files(tmp_path / "mnist")  # the named subdirectory counts too
    assert all(p.parent == tmp_path / "mnist" for p in mnist.locate("mnist").values())


def test_system_directory_is_used_for_fashion_mnist(tmp_path, monkeypatch):
    _full_size_files(tmp_path / "debian")
    monkeypatch.setitem(mnist.SYSTEM_DIRS, "fashion-mnist", [tmp_path / "debian"])
    monkeypatch.setitem(mnist.MIRRORS, "fashion-mnist", [])
    files = mnist.locate("fashion-mnist")
    assert files["train_images"] == tmp_path / "debian" / "train-images-idx3-ubyte.gz"


def test_offline_without_files(dead_mirror, monkeypatch):
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [dead_mirror])
    with pytest.raises(DownloadError, match=r"could not download train-images-idx3-ubyte.gz"):
        datasets.load("mnist")
    with pytest.raises(FileNotFoundError, match="mnist files not found"):
        datasets.load("mnist", download=False)


def test_wrong_sizes_are_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [])
    d = tmp_path / "small"
    d.mkdir()
    for prefix, n in (("train", 50), ("t10k", 10)):
        write_idx(d / f"{prefix}-images-idx3-ubyte", np.zeros((n, 28, 28), np.uint8))
        write_idx(d / f"{prefix}-labels-idx1-ubyte", np.zeros(n, np.uint8))
    with pytest.raises(ValueError, match="expected 60,000 images of 28x28"):
        datasets.load("mnist", data_dir=d)
