"""Shared helpers: the app under Starlette's test client, with one tab's WebSocket open."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image
from starlette.testclient import TestClient

from deltaprop.datasets import load_mnist_sample
from deltaprop.studio import Caps, create_app


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
        return self.client.post(self.url(path), json=json, **kw)

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


@pytest.fixture
def client(caps: Caps) -> Iterator[TestClient]:
    with TestClient(create_app(caps)) as test_client:
        yield test_client


@pytest.fixture
def tab(client: TestClient) -> Iterator[Tab]:
    with client.websocket_connect("/ws") as ws:
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
