"""Saving and loading networks, without pickle.

A model file (see :mod:`deltaprop.files.archive`) holds one array per parameter (``layers.0.W``,
...) and, as JSON, the network's configuration. Layers are rebuilt only through the
``LAYERS`` registry and every array is checked against the architecture and the file's
checksum, so loading a file can never execute code nor silently change a weight.
Training checkpoints are the training loop's business: :mod:`deltaprop.training.checkpoint`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.network import Network
from ..utils.backend import to_numpy
from .archive import ArchiveReader, ModelFileError, write_archive

FORMAT = "deltaprop-model"

__all__ = ["FORMAT", "ModelFileError", "data_of", "load", "save"]


def save(network: Network, path: str | Path, *, data: dict[str, Any] | None = None) -> None:
    """Save the architecture and parameters of ``network`` to one file (atomically).

    ``data`` (JSON) records what the network was trained on: ``deltaprop train`` stores the
    data set's name and how its inputs were scaled, which ``evaluate`` and ``predict`` read
    back with :func:`data_of` to treat new inputs the same way.

    Parameters
    ----------
    network : Network
        The network to save.
    path : str or Path
        The file to write (``.npz``); written whole or not at all.
    data : dict, optional
        JSON-serialisable facts about the training data, read back by :func:`data_of`.

    Examples
    --------
    >>> import tempfile, os
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save(net, path)
    >>> load(path).summary() == net.summary()
    True
    """
    write_archive(
        path,
        {"format": FORMAT, "network": network.get_config(), "data": data or {}},
        {name: to_numpy(p) for name, p, _ in network.named_parameters()},
    )


def load(path: str | Path) -> Network:
    """Load a network saved by :func:`save`; it predicts bit-identically.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save`.

    Returns
    -------
    Network
        The network, with the architecture and parameters that were saved.

    Raises
    ------
    ModelFileError
        For a missing, corrupt, truncated, altered or foreign file.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import load
    >>> import pathlib, tempfile
    >>> from deltaprop import Network, save
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> save(net, path)
    >>> X = np.random.default_rng(0).random((5, 4))
    >>> bool((load(path).forward(X) == net.forward(X)).all())
    True
    """
    reader = ArchiveReader(path, FORMAT)
    network = network_from(reader, reader.meta.get("network"))
    expected = {name for name, _, _ in network.named_parameters()}
    if reader.names - expected:
        raise reader.error(f"unexpected arrays {sorted(reader.names - expected)}")
    return network


def network_from(reader: ArchiveReader, config: object) -> Network:
    """Rebuild a network from its configuration and fill in its parameters from ``reader``.

    The architecture may not hold more parameters than the file has bytes, so a crafted
    configuration cannot make this allocate more memory than the file's size.
    """
    try:  # a float32 parameter, the smallest kind, takes 4 bytes of the file
        network = Network.from_config(config, max_params=reader.size // 4)
    except (ValueError, TypeError) as err:
        raise reader.error(str(err)) from None
    for name, param, _ in network.named_parameters():
        param[...] = reader.read(name, param.shape, param.dtype, what="parameter")
    return network


def data_of(path: str | Path) -> dict[str, Any]:
    """What :func:`save` recorded about a model's training data (``{}`` if nothing).

    Parameters
    ----------
    path : str or Path
        A model file.

    Returns
    -------
    dict
        The ``data`` given to :func:`save` (``{}`` when there was none).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save(Network.from_sizes([4, 2]), path, data={"dataset": "mine.csv"})
    >>> data_of(path)
    {'dataset': 'mine.csv'}
    """
    found = ArchiveReader(path, FORMAT).meta.get("data") or {}
    return found if isinstance(found, dict) else {}
