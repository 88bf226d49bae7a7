"""Serving the studio with uvicorn on 127.0.0.1, on a free port unless one is asked for."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from ..network import Network
from .app import create_app
from .forms import Caps

LOCAL = ("127.0.0.1", "localhost", "::1")


def free_port(host: str) -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def serve(
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    open_browser: bool = True,
    model: Network | None = None,
    caps: Caps | None = None,
    log: Callable[[str], None] = print,
) -> None:
    """Run the studio until Ctrl-C; print its address and open it in the browser."""
    if host not in LOCAL:
        log(
            f"warning: listening on {host}: anyone who can reach this machine can use the "
            "studio and its CPU. Use this only on a network you trust."
        )
    port = port or free_port(host)
    url = f"http://{'localhost' if host in LOCAL else host}:{port}/"
    log(f"deltaprop studio: {url}  (Ctrl-C to stop)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(caps, model), host=host, port=port, log_level="warning")
