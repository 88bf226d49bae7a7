"""Saving and loading networks and training checkpoints, without pickle.

A model file is an ``.npz`` archive: one array per parameter (``layers.0.W``, ...) plus a
``__meta__`` array holding UTF-8 JSON: a format name and version and the network's
configuration. It is read with ``allow_pickle=False`` and layers are rebuilt only through
the ``LAYERS`` registry, so loading a file can never execute code. Checkpoints add the
optimiser's state, the shuffling generator's state and the History.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .backend import asarray, to_numpy
from .fileio import atomic_write
from .network import Network

if TYPE_CHECKING:
    from .optimizers import Optimizer
    from .training import History

FORMAT = "deltaprop-model"
CHECKPOINT_FORMAT = "deltaprop-checkpoint"
VERSION = 1
_META = "__meta__"


class ModelFileError(ValueError):
    """A model or checkpoint file that cannot be loaded; the message says why."""


def _write(path: str | Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write arrays plus JSON metadata as one .npz file, atomically."""
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **{_META: blob, **arrays})  # type: ignore[arg-type]
    with atomic_write(path) as handle:
        handle.write(buffer.getvalue())


def _read(path: str | Path, expected_format: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and check a file written by :func:`_write`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ModelFileError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise ModelFileError(
            f"{path}: not a deltaprop file (corrupt or truncated?): {err}"
        ) from None
    if _META not in arrays:
        raise ModelFileError(f"{path}: not a deltaprop file (no {_META} record)")
    try:
        meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelFileError(f"{path}: corrupt metadata: {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != expected_format:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelFileError(f"{path}: expected a {expected_format} file, found {found!r}")
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"{path}: format version {meta.get('version')!r}; "
            f"this deltaprop reads version {VERSION}"
        )
    return meta, arrays


def _params(network: Network) -> dict[str, np.ndarray]:
    return {name: to_numpy(p) for name, p, _ in network.named_parameters()}


def _network_from(path: Path, config: Any, arrays: dict[str, np.ndarray]) -> Network:
    """Rebuild a network from its configuration and fill in its parameters, checking shapes."""
    try:
        network = Network.from_config(config)
    except (ValueError, TypeError) as err:
        raise ModelFileError(f"{path}: {err}") from None
    for i, layer in enumerate(network.layers):
        for key, param in layer.params.items():
            name = f"layers.{i}.{key}"
            if name not in arrays:
                raise ModelFileError(f"{path}: parameter {name} is missing")
            value = arrays[name]
            if value.shape != param.shape or value.dtype != param.dtype:
                raise ModelFileError(
                    f"{path}: parameter {name} is {value.dtype}{list(value.shape)}, the "
                    f"architecture needs {param.dtype}{list(param.shape)}"
                )
            layer.params[key] = asarray(value, param.dtype)
    return network


def save(network: Network, path: str | Path) -> None:
    """Save the architecture and parameters of ``network`` to one file (atomically).

    Examples
    --------
    >>> import tempfile, os
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save(net, path)
    >>> load(path).summary() == net.summary()
    True
    """
    _write(
        path,
        {"format": FORMAT, "version": VERSION, "network": network.get_config()},
        _params(network),
    )


def load(path: str | Path) -> Network:
    """Load a network saved by :func:`save`; it predicts bit-identically.

    Raises
    ------
    ModelFileError
        For a missing, corrupt, truncated or foreign file.
    """
    meta, arrays = _read(path, FORMAT)
    return _network_from(Path(path), meta.get("network"), arrays)


def save_checkpoint(
    path: str | Path,
    network: Network,
    optimizer: Optimizer,
    rng: np.random.Generator,
    history: History,
    *,
    epoch: int,
    eta0: float,
) -> None:
    """Write everything needed to resume training after ``epoch`` epochs, atomically."""
    arrays = {f"param/{k}": v for k, v in _params(network).items()}
    for name, slots in optimizer.state.items():
        for key, value in slots.items():
            arrays[f"optimizer/{name}/{key}"] = to_numpy(value)
    meta = {
        "format": CHECKPOINT_FORMAT,
        "version": VERSION,
        "network": network.get_config(),
        "optimizer": {
            "class": optimizer.name,
            "config": optimizer.get_config(),
            "scalars": optimizer.scalars(),
        },
        "eta0": eta0,
        "epoch": epoch,
        "rng": rng.bit_generator.state,
        "history": history.as_dict(),
    }
    _write(path, meta, arrays)


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read a checkpoint: network, optimiser state, RNG state, History and epoch.

    Returns a dict with ``network`` (a Network), ``optimizer_state`` (name -> {key: array}),
    ``optimizer`` (class name, config and scalars), ``rng_state``, ``history`` (a dict),
    ``epoch`` and ``eta0``.
    """
    path = Path(path)
    meta, arrays = _read(path, CHECKPOINT_FORMAT)
    params = {k[len("param/") :]: v for k, v in arrays.items() if k.startswith("param/")}
    state: dict[str, dict[str, np.ndarray]] = {}
    for key, value in arrays.items():
        if key.startswith("optimizer/"):
            name, slot = key[len("optimizer/") :].rsplit("/", 1)
            state.setdefault(name, {})[slot] = value
    try:
        return {
            "network": _network_from(path, meta["network"], params),
            "optimizer": meta["optimizer"],
            "optimizer_state": state,
            "rng_state": meta["rng"],
            "history": meta["history"],
            "epoch": int(meta["epoch"]),
            "eta0": float(meta["eta0"]),
        }
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(f"{path}: incomplete checkpoint: {err!r}") from None
