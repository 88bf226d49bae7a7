"""Shared helpers: the app under Starlette's test client, with one tab's WebSocket open."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
import uvicorn
from PIL import Image
from starlette.testclient import TestClient

from deltaprop.datasets import load_mnist_sample
from deltaprop.studio import Access, Caps, create_app
from deltaprop.studio.server import free_port

TOKEN = "test-token-0123456789"
LOCAL = "http://localhost"  # the Host the guard allows; Starlette's default is "testserver"
WS = "ws://localhost/ws"


class Tab:
    """One page: its session id, its WebSocket and the test client for requests."""

    def __init__(self, client: TestClient, ws: Any) -> None:
        self.client, self.ws = client, ws
        hello = ws.receive_json()
        assert hello["type"] == "hello"
        self.session = hello["session"]

    def url(self, path: str) -> str:
        return f"/api/{self.session}/{path}"

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        """POST JSON (an empty object by default), or ``content=`` with its own headers."""
        if json is None and "content" not in kw:
            json = {}
        return self.client.post(self.url(path), json=json, **kw)

    def upload(self, content: bytes) -> Any:
        """POST a model file's bytes, as the page does."""
        headers = {"Content-Type": "application/octet-stream"}
        return self.client.post(self.url("digits/model"), content=content, headers=headers)

    def get(self, path: str) -> Any:
        return self.client.get(self.url(path))

    def until(self, kind: str, timeout: float = 60.0, **match: Any) -> dict[str, Any]:
        """The next message of type ``kind`` (with ``match``'s items), skipping others."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.ws.receive_json()
            if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
                return message
            if message["type"] == "lab-failed":
                raise AssertionError(message)
        raise AssertionError(f"no {kind} message within {timeout} s")


@pytest.fixture
def caps() -> Caps:
    return Caps(sessions=2, points=600, hidden_layers=4, width=8, digits=500, upload_bytes=2**20)


def signed_in(app: Any) -> TestClient:
    """A test client that sends the token, as a script would."""
    return TestClient(app, base_url=LOCAL, headers={"Authorization": f"token {TOKEN}"})


@pytest.fixture
def client(caps: Caps) -> Iterator[TestClient]:
    with signed_in(create_app(caps, access=Access(token=TOKEN))) as test_client:
        yield test_client


@pytest.fixture
def tab(client: TestClient) -> Iterator[Tab]:
    with client.websocket_connect(WS) as ws:
        yield Tab(client, ws)


def png(image: np.ndarray) -> bytes:
    """A grey image in [0, 1] as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def digit_png(label: int, size: int = 140) -> bytes:
    """A real test digit of class ``label``, enlarged as a canvas would hold it."""
    _, (X, y) = load_mnist_sample(100, 500, seed=1)
    image = X[np.flatnonzero(y == label)[0]].reshape(28, 28)
    return png(np.kron(image, np.ones((size // 28, size // 28))))


@contextmanager
def live_server(app: Any, **config: Any) -> Iterator[str]:
    """``app`` under a real uvicorn on 127.0.0.1 in a thread, stopped at the end."""
    port = free_port("127.0.0.1")
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    scheme = "https" if config.get("ssl_certfile") else "http"
    try:
        yield f"{scheme}://127.0.0.1:{port}/"
    finally:
        # let the tabs' sockets finish closing first: uvicorn's shutdown fails on a socket
        # caught half-closed, and then the sessions (and their threads) outlive the test
        sessions = getattr(app.state, "sessions", ())
        deadline = time.monotonic() + 10
        while len(sessions) and time.monotonic() < deadline:
            time.sleep(0.02)
        server.should_exit = True
        thread.join(15)
