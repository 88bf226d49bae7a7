"""Truly concurrent clients against a real uvicorn on 127.0.0.1 while networks train.

Starlette's test client sends one request at a time, which is how a double-click on a
download froze the studio unnoticed: two downloads at once left the event loop waiting on
a thread lock. Here every request has its own connection and its own thread.
"""

from __future__ import annotations

import base64
import gc
import json
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from websockets.sync.client import connect

from deltaprop import Network, save
from deltaprop.studio import Access, Caps, create_app

from .conftest import TOKEN, digit_png, live_server

AUTH = {"Authorization": f"token {TOKEN}"}
TIMEOUT = 20.0  # per request; a frozen server answers none


def call(url: str, body: Any = None, media: str = "application/json") -> tuple[int, bytes]:
    """One request on its own connection: its status and body."""
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {**AUTH, **({"Content-Type": media} if data is not None else {})}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


class Tab:
    """A page's WebSocket, read in a thread (as a browser reads it) until it is closed."""

    def __init__(self, base: str) -> None:
        self._socket = connect(base.replace("http", "ws") + "ws", additional_headers=AUTH)
        self.ws = self._socket.__enter__()
        self.session = json.loads(self.ws.recv(timeout=10))["session"]
        self.api = f"{base}api/{self.session}/"
        self.types: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for message in self.ws:
                self.types.append(json.loads(message)["type"])
        except Exception:  # the socket closed under the reader: the tab is gone
            pass

    def wait_for(self, kind: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while kind not in self.types:
            assert time.monotonic() < deadline, f"no {kind} message"
            time.sleep(0.02)

    def close(self) -> None:
        self._socket.__exit__(None, None, None)
        self._reader.join(5)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("model") / "digits.npz"
    save(Network.from_sizes([784, 30, 10], seed=0), path)
    return path.read_bytes()


@pytest.fixture
def studio() -> Iterator[tuple[str, Any]]:
    app = create_app(Caps(sessions=6, digits=500), access=Access(token=TOKEN))
    with live_server(app) as base:
        yield base, app


def drawing() -> dict[str, Any]:
    return {"image": "data:image/png;base64," + base64.b64encode(digit_png(3)).decode()}


def test_a_double_click_on_a_download_answers_both_and_freezes_nothing(studio, model_file):
    base, _ = studio
    tab = Tab(base)
    assert call(tab.api + "digits/model", model_file, "application/octet-stream")[0] == 200
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            downloads = [pool.submit(call, tab.api + "export/digits/model.npz") for _ in range(4)]
            answers = [d.result() for d in downloads]
            assert [status for status, _ in answers] == [200] * 4
            assert all(body == answers[0][1] and body.startswith(b"PK") for _, body in answers)
    started = time.monotonic()
    assert call(base + "api/options")[0] == 200
    assert time.monotonic() - started < 2.0
    tab.close()


def test_every_kind_of_request_of_several_sessions_at_once_while_training(studio, model_file):
    base, app = studio
    tabs = [Tab(base) for _ in range(3)]
    playing, loaded, training = tabs
    for tab in tabs:
        assert call(tab.api + "playground", {"hidden": [4, 4]})[0] == 200
        assert call(tab.api + "playground/play", {})[0] == 200
    assert call(loaded.api + "digits/model", model_file, "application/octet-stream")[0] == 200
    form = {"preset": "dense", "n_train": 500, "epochs": 50, "eta": 0.5}
    assert call(training.api + "digits", form)[0] == 200
    for tab in tabs:
        tab.wait_for("epoch")
    training.wait_for("digits-progress")

    requests: list[tuple[str, Any, str]] = [(base + "api/options", None, ""), (base, None, "")]
    for tab in tabs:
        requests += [
            (tab.api + "export/playground/model.npz", None, ""),
            (tab.api + "export/playground/model.npz", None, ""),
            (tab.api + "export/playground/history.csv", None, ""),
            (tab.api + "code/playground", None, ""),
            (tab.api + "playground/pause", {}, "application/json"),
            (tab.api + "playground/play", {}, "application/json"),
        ]
    for tab in (loaded, training):
        requests += [(tab.api + "digits/probe", drawing(), "application/json")] * 4
        requests += [(tab.api + "export/digits/model.npz", None, "")] * 2
    requests += [(loaded.api + "digits/model", model_file, "application/octet-stream")] * 2
    requests += [(playing.api + "playground", {"hidden": [3]}, "application/json")] * 2
    started = time.monotonic()
    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(lambda r: call(*r), requests))
    elapsed = time.monotonic() - started
    statuses = [status for status, _ in answers]
    assert statuses == [200] * len(requests), [
        (s, r[0]) for s, r in zip(statuses, requests, strict=True)
    ]
    assert elapsed < TIMEOUT
    assert len(app.state.sessions) == 3
    sessions = [weakref.ref(app.state.sessions.get(tab.api.split("/")[-2])) for tab in tabs]
    for tab in tabs:
        tab.close()
    deadline = time.monotonic() + 10
    while any(ref() is not None for ref in sessions) and time.monotonic() < deadline:
        time.sleep(0.05)  # closing a session joins its threads, off the event loop
        gc.collect()
    assert len(app.state.sessions) == 0  # every tab that went took its session with it
    assert [ref() for ref in sessions] == [None] * 3  # and nothing holds on to one
