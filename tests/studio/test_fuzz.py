"""Property-based fuzzing of every endpoint: never a 5xx, never a traceback in an answer.

Random JSON (wrong types, huge and negative numbers, NaN, unicode, missing and extra
fields), raw bytes, wrong content types and methods, unknown sessions and path parts, and
bodies over the cap, from hypothesis, with and without a valid session.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deltaprop.studio import Access, Caps, create_app

from .conftest import TOKEN, WS, signed_in

FIELDS = [
    "dataset", "noise", "points", "test_fraction", "data_seed", "hidden", "activation",
    "output", "init", "optimizer", "eta", "batch_size", "lmbda", "seed", "preset", "n_train",
    "epochs", "image", "label", "name", "quick",
]  # fmt: skip
ROUTES = [
    ("POST", "playground"),
    ("POST", "playground/{x}"),
    ("POST", "digits"),
    ("POST", "digits/stop"),
    ("POST", "digits/model"),
    ("POST", "digits/probe"),
    ("POST", "lab"),
    ("GET", "lab/{x}.png"),
    ("GET", "code/{x}"),
    ("GET", "export/{x}/{y}"),
]
NAMES = st.sampled_from(
    ["play", "step", "reset", "playground", "digits", "model.npz", "history.csv", "xor"]
) | st.text(min_size=1, max_size=20)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["xor", "sigmoid", "relu", "cnn", "adam", "learning-slowdown", "4, 4"])
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=8)
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=6)
bodies = (
    forms.map(lambda f: json.dumps(f).encode())
    | st.binary(max_size=300)
    | values.map(lambda v: json.dumps(v).encode())
    | st.just(b"[" * 50_000)  # nested deeper than Python's stack
    | st.just(b" " * (2**16 + 1))  # over the cap
)
BINARY = "application/octet-stream"
MEDIA = st.sampled_from(["application/json", BINARY, "text/plain", "", "multipart/form-data"])


@pytest.fixture(scope="module")
def tab() -> Iterator[tuple[Any, str]]:
    caps = Caps(points=200, width=4, digits=200, digit_epochs=1, upload_bytes=2**16)
    with signed_in(create_app(caps, access=Access(token=TOKEN))) as client:
        with client.websocket_connect(WS) as ws:
            yield client, ws.receive_json()["session"]


EXAMPLES = int(os.environ.get("DELTAPROP_FUZZ_EXAMPLES", "300"))  # the benchmark runs more
REPORT = os.environ.get("DELTAPROP_FUZZ_REPORT")  # where the benchmark reads the statuses
STATUSES: Counter[int] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_statuses() -> Iterator[None]:
    yield
    if REPORT:
        Path(REPORT).write_text(json.dumps(STATUSES))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]) | st.none(),
    known_session=st.booleans(),
    parts=st.tuples(NAMES, NAMES),
    media=MEDIA,
    body=bodies,
)
@example(  # the two bodies that must reach the JSON parser and the cap every run
    ("POST", "playground"), None, True, ("x", "y"), "application/json", b"[" * 50_000
)
@example(("POST", "digits/model"), None, True, ("x", "y"), BINARY, b" " * (2**16 + 1))
def test_no_request_gets_a_server_error(tab, route, method, known_session, parts, media, body):
    client, session = tab
    kind, template = route
    path = template.format(x=quote(parts[0], safe=""), y=quote(parts[1], safe=""))
    prefix = session if known_session else "no-such-session"
    headers = {"content-type": media} if media else {}
    answer = client.request(method or kind, f"/api/{prefix}/{path}", content=body, headers=headers)
    STATUSES[answer.status_code] += 1
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert "Traceback" not in answer.text and 'File "' not in answer.text
    if answer.status_code >= 400 and answer.headers.get("content-type") == "application/json":
        assert answer.json()["error"]  # every refusal says why
