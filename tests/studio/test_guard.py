"""Every probe a hostile page or a stranger on the network can try, refused.

The probes are the ones a script playing "another website open in the same browser" sends
to a studio on 127.0.0.1: a foreign Origin, a text/plain "simple request", a rebound Host,
no credentials at all. Most go through Starlette's test client; the WebSocket handshakes
also go to a real uvicorn, where a refusal is the HTTP answer a browser would see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from deltaprop.studio import Access, Caps, create_app, hash_password, messages
from deltaprop.studio.guard import FAILED_LOGINS_PER_MINUTE, WEBSOCKET_REFUSED

from .conftest import LOCAL, TOKEN, WS, live_server, signed_in

EVIL = "http://evil.example"
JAVASCRIPT = Path(__file__).parents[2] / "src/deltaprop/studio/static/js"


@pytest.fixture
def app():
    return create_app(Caps(sessions=3, sessions_per_client=2), access=Access(token=TOKEN))


@pytest.fixture
def stranger(app):
    """A client with no credentials."""
    with TestClient(app, base_url=LOCAL) as client:
        yield client


@pytest.fixture
def owner(app):
    with signed_in(app) as client:
        yield client


def session_of(client: TestClient, **headers: str) -> str:
    with client.websocket_connect(WS, headers=headers) as ws:
        return ws.receive_json()["session"]


def test_a_websocket_from_another_site_is_refused(owner):
    with pytest.raises(WebSocketDisconnect) as refused:
        session_of(owner, origin=EVIL)
    assert refused.value.code == WEBSOCKET_REFUSED
    assert session_of(owner, origin="http://localhost")  # the studio's own page


def test_a_websocket_without_token_or_cookie_is_refused(stranger):
    with pytest.raises(WebSocketDisconnect) as refused:
        session_of(stranger)
    assert refused.value.code == WEBSOCKET_REFUSED
    with pytest.raises(WebSocketDisconnect):
        session_of(stranger, authorization="token wrong-token")


def test_the_websocket_handshake_of_a_real_server_answers_403():
    with live_server(create_app(access=Access(token=TOKEN))) as url:
        ws_url = url.replace("http", "ws") + "ws"
        auth = {"Authorization": f"token {TOKEN}"}
        for headers, origin in [({}, None), (auth, EVIL)]:
            with pytest.raises(InvalidStatus) as refused:
                connect(ws_url, additional_headers=headers, origin=origin, open_timeout=5)
            assert refused.value.response.status_code == 403
        with connect(ws_url, additional_headers=auth, open_timeout=5) as ws:
            assert '"hello"' in ws.recv(timeout=5)


def test_simple_cross_site_requests_are_refused(owner):
    with owner.websocket_connect(WS) as ws:
        simple_requests_are_refused(owner, ws.receive_json()["session"])


def simple_requests_are_refused(owner: TestClient, session: str) -> None:
    body = '{"dataset": "xor"}'
    plain = owner.post(
        f"/api/{session}/playground", content=body, headers={"content-type": "text/plain"}
    )
    assert plain.status_code == 415 and "application/json" in plain.json()["error"]
    for action in ("play", "step"):  # a bodiless POST is a "simple request" too
        assert owner.post(f"/api/{session}/playground/{action}").status_code == 415
    form = owner.post(f"/api/{session}/digits/model", data={"model": "x"})
    assert form.status_code == 415
    foreign = owner.post(f"/api/{session}/playground", json={}, headers={"origin": EVIL})
    assert foreign.status_code == 403 and "evil.example" in foreign.text
    cross = owner.post(
        f"/api/{session}/playground", json={}, headers={"sec-fetch-site": "cross-site"}
    )
    assert cross.status_code == 403
    same = owner.post(f"/api/{session}/playground", json={}, headers={"origin": LOCAL})
    assert same.status_code == 200


def test_a_rebound_host_name_is_refused(app):
    with TestClient(app, base_url="http://rebind.evil.example") as client:
        answer = client.get("/api/options", headers={"authorization": f"token {TOKEN}"})
        assert answer.status_code == 403 and "--allow-host" in answer.text
        with pytest.raises(WebSocketDisconnect):
            with client.websocket_connect(
                "ws://rebind.evil.example/ws", headers={"authorization": f"token {TOKEN}"}
            ):
                pass
    for host in ("127.0.0.1:8000", "[::1]:8000", "localhost"):
        with TestClient(app, base_url=f"http://{host}") as client:
            answer = client.get("/api/options", headers={"authorization": f"token {TOKEN}"})
            assert answer.status_code == 200, host


def test_hosts_follow_the_address_served_and_allow_host():
    served = Access(token=TOKEN, hosts=frozenset({"studio.school.example"}))
    assert served.allows_host("studio.school.example:443")
    assert not served.allows_host("10.0.0.5:8000")  # an address only when serving on all
    everywhere = Access(token=TOKEN, any_ip=True)
    assert everywhere.allows_host("10.0.0.5:8000") and everywhere.allows_host("[fe80::1]:80")
    assert not everywhere.allows_host("rebind.evil.example:8000")


def test_nothing_answers_without_credentials(stranger, owner):
    session = session_of(owner)
    for path in ("/", "/js/main.js", "/api/options", f"/api/{session}/code/playground"):
        answer = stranger.get(path)
        assert answer.status_code == 401, path
    page = stranger.get("/")
    assert "?token=" in page.text and "Sign in" in page.text  # says how to get in
    api = stranger.get("/api/options").json()
    assert api["field"] == "token" and "sign in" in api["error"]
    assert stranger.post(f"/api/{session}/playground", json={}).status_code == 401
    assert stranger.get("/login").status_code == 200  # the way in stays open


def test_the_token_in_the_address_sets_the_cookie_that_then_suffices(stranger):
    assert stranger.get("/?token=wrong-token").status_code == 403
    assert "deltaprop-studio" not in stranger.cookies
    page = stranger.get(f"/?token={TOKEN}")
    assert page.status_code == 200 and "deltaprop studio" in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert TOKEN not in cookie  # the cookie is its own secret, not the token
    assert stranger.get("/api/options").status_code == 200  # the cookie alone now
    assert session_of(stranger)


def test_a_password_signs_in_and_guessing_is_slowed(app):
    access = Access(password_hash=hash_password("a class password"))
    with TestClient(create_app(access=access), base_url=LOCAL) as client:
        assert client.get("/api/options").status_code == 401
        wrong = client.post("/login", data={"secret": "guess"})
        assert wrong.status_code == 403 and "not the token or the password" in wrong.text
        right = client.post("/login", data={"secret": "a class password"}, follow_redirects=False)
        assert right.status_code == 303 and right.headers["location"] == "/"
        assert client.get("/api/options").status_code == 200
        foreign = client.post("/login", data={"secret": "x"}, headers={"origin": EVIL})
        assert foreign.status_code == 403
        for _ in range(FAILED_LOGINS_PER_MINUTE):
            client.post("/login", data={"secret": "guess"})
        blocked = client.post("/login", data={"secret": "a class password"})
        assert blocked.status_code == 429


def test_every_answer_carries_the_security_headers(owner, stranger):
    answers = [
        owner.get("/"),
        owner.get("/js/main.js"),
        owner.get("/api/options"),
        owner.get("/api/nobody/code/playground"),
        owner.get("/no-such-file"),
        stranger.get("/api/options"),
        stranger.get("/login"),
    ]
    for answer in answers:
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "'unsafe" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
    assert (
        "connect-src 'self' ws://localhost wss://localhost"
        in answers[0].headers["content-security-policy"]
    )


def test_sessions_are_capped_per_client(owner):
    with owner.websocket_connect(WS) as one, owner.websocket_connect(WS) as two:
        one.receive_json(), two.receive_json()
        with owner.websocket_connect(WS) as three:  # the same computer: its cap is 2
            assert "this computer already has 2" in three.receive_json()["error"]


def test_idle_sessions_are_closed_and_their_threads_released():
    app = create_app(Caps(idle_seconds=0.3), access=Access(token=TOKEN))
    with signed_in(app) as client, client.websocket_connect(WS) as ws:
        session_id = ws.receive_json()["session"]
        client.post(f"/api/{session_id}/playground", json={})
        session = app.state.sessions.get(session_id)
        while (message := ws.receive_json())["type"] != messages.CLOSED:
            pass
        assert "closed after" in message["error"] and "minutes unused" in message["error"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == messages.IDLE
        assert len(app.state.sessions) == 0
        assert not session.playground.worker.alive and not session.folder.exists()
        assert client.get(f"/api/{session_id}/code/playground").status_code == 404


def test_the_page_answers_every_message_type_the_server_sends():
    main = (JAVASCRIPT / "main.js").read_text()
    block = main[
        main.index("const handlers = {") : main.index("\n};", main.index("const handlers"))
    ]
    handled = set(re.findall(r'^  "?([a-z-]+)"?(?=[:(])', block, re.M))
    assert handled == set(messages.ALL)
    # the server's modules name every type through the list (the guard's are ASGI's own)
    server = [p for p in JAVASCRIPT.parents[1].glob("*.py") if p.name != "guard.py"]
    source = "".join(p.read_text() for p in server)
    sent = set(re.findall(r'"type": messages\.([A-Z_]+)', source))
    assert {getattr(messages, name) for name in sent} == set(messages.ALL)
    assert '"type": "' not in source
