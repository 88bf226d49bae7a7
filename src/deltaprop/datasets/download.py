"""Downloading data files: several mirrors, checksums, atomic writes, a progress bar."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..utils.fileio import atomic_write


class DownloadError(OSError):
    """No mirror gave a good copy of a file; the message lists what was tried."""


class ChecksumError(ValueError):
    """A downloaded file's checksum differs from the published one."""


def cache_dir() -> Path:
    """Deltaprop's user cache: ``$XDG_CACHE_HOME/deltaprop``, else ``~/.cache/deltaprop``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deltaprop"


def _progress(total: int | None, desc: str) -> Any:  # a tqdm bar or None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, desc=desc, leave=False, disable=None)


def fetch(
    filename: str,
    mirrors: Sequence[str],
    md5: str,
    dest_dir: Path,
    *,
    timeout: float = 30.0,
) -> Path:
    """Download ``filename`` from the first mirror that serves it with the right MD5.

    The file is streamed into a temporary file beside its destination and moved into place
    only once its checksum matches, so the cache never holds a partial or corrupt file.

    Raises
    ------
    DownloadError
        If every mirror failed; the message lists each URL and why.
    """
    dest = Path(dest_dir) / filename
    failures = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + filename
        try:
            _download(url, dest, md5, timeout)
            return dest
        except ChecksumError as err:
            failures.append(f"{url}: {err}")
        except (urllib.error.URLError, OSError, TimeoutError) as err:
            reason = getattr(err, "reason", None) or err
            failures.append(f"{url}: {reason}")
    tried = "\n  ".join(failures)
    raise DownloadError(
        f"could not download {filename}; tried:\n  {tried}\n"
        f"Offline? Download it by hand from one of these addresses and put it in {dest.parent} "
        "(or in a directory given with --data-dir or $DELTAPROP_DATA_DIR)."
    )


def _download(url: str, dest: Path, md5: str, timeout: float) -> None:
    """Stream ``url`` into ``dest`` atomically, checking its MD5 before it lands."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"a mirror must be an http:// or https:// address, not {url!r}")
    digest = hashlib.md5(usedforsecurity=False)
    # bandit's B310 (a file:// or custom scheme) cannot happen: the scheme is checked above
    opened = urllib.request.urlopen(url, timeout=timeout)  # nosec B310
    with opened as response, atomic_write(dest) as out:
        length = response.headers.get("Content-Length")
        bar = _progress(int(length) if length else None, dest.name)
        try:
            while chunk := response.read(1 << 16):
                digest.update(chunk)
                out.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
        if digest.hexdigest() != md5:
            raise ChecksumError(f"checksum mismatch (MD5 {digest.hexdigest()}, expected {md5})")
