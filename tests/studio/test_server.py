"""``deltaprop studio`` as a user starts it: a real server on 127.0.0.1, then stopped."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from deltaprop import Network, save
from deltaprop.cli import main
from deltaprop.studio import server


def test_the_command_serves_the_page_on_a_free_local_port_with_a_token(tmp_path):
    model = tmp_path / "digits.npz"
    save(Network.from_sizes([784, 10, 10]), model)
    command = [sys.executable, "-m", "deltaprop", "studio", "--no-browser", "--model", str(model)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            line = process.stdout.readline()
            assert line.startswith("deltaprop studio: http://localhost:"), line
            url = line.split()[2].replace("localhost", "127.0.0.1")
            base, token = url.split("?token=")
            assert len(token) == 48
            with pytest.raises(urllib.error.HTTPError) as refused:
                wait_for(base + "api/options")
            assert refused.value.code == 401
            refused.value.close()
            with wait_for(base + "api/options", {"Authorization": f"token {token}"}) as options:
                assert len(json.load(options)["experiments"]) == 12
        finally:
            process.terminate()
            out, err = process.communicate(timeout=10)
        assert token not in out + err  # printed once, in the address, and never again


def wait_for(url, headers=None):
    """The answer of a server that is starting."""
    for _ in range(100):
        try:
            return urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}))
        except urllib.error.HTTPError:
            raise
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer")


def test_listening_beyond_this_machine_needs_a_token_and_says_so(monkeypatch):
    calls, lines = [], []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    server.serve(server.Serving("0.0.0.0", 8999), open_browser=False, log=lines.append)
    app, kw = calls[0]
    assert kw["host"] == "0.0.0.0" and kw["port"] == 8999 and kw["log_level"] == "warning"
    assert lines[0].startswith("note: listening on 0.0.0.0")
    assert "?token=" in lines[-1] and app.state.access.token in lines[-1]
    assert app.state.access.any_ip and app.state.access.cookie == "deltaprop-studio-8999"
    with pytest.raises(server.StudioConfigError, match="only on this machine"):
        server.serve(server.Serving("0.0.0.0", 8999, no_token=True), open_browser=False)
    lines.clear()
    server.serve(server.Serving("127.0.0.1", 8999), open_browser=False, log=lines.append)
    assert not any("note" in line or "warning" in line for line in lines)
    server.serve(server.Serving(port=8999, no_token=True), open_browser=False, log=lines.append)
    assert lines[-2].startswith("warning: --no-token") and "?token" not in lines[-1]
    assert calls[-1][0].state.access.open


def test_a_port_in_use_is_said_before_any_address(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["studio", "--no-browser", "--port", str(port)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"port {port} on 127.0.0.1 is in use" in err and "--port" in err


def test_bad_command_lines_get_clear_errors(tmp_path, capsys):
    assert main(["studio", "--port", "70000", "--no-browser"]) == 1
    assert "--port must be from 1 to 65535" in capsys.readouterr().err
    for flags, words in [
        (["--host", "0.0.0.0", "--no-token"], "--no-token is allowed only on this machine"),
        (["--certfile", "c.pem"], "both --certfile and --keyfile"),
        (["--token", "short"], "at least 8 characters"),
        (["--max-sessions", "0"], "at least 1"),
        (["--idle-timeout", "-1"], "--idle-timeout must be >= 0"),
    ]:
        assert main(["studio", "--no-browser", *flags]) == 1
        assert words in capsys.readouterr().err, flags
    save(Network.from_sizes([2, 2]), tmp_path / "toy.npz")
    assert main(["studio", "--model", str(tmp_path / "toy.npz"), "--no-browser"]) == 1
    assert "needs 784 inputs" in capsys.readouterr().err


def test_without_the_extra_the_command_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "deltaprop.studio", None)  # as if starlette were missing
    assert main(["studio", "--no-browser"]) == 1
    assert 'pip install "deltaprop[studio]"' in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_free_ports_are_found_for_local_hosts(host):
    try:
        port = server.free_port(host)
    except OSError:
        pytest.skip(f"{host} is not available here")
    assert 0 < port < 65536


def test_the_classroom_flags_reach_the_server(monkeypatch):
    calls = []
    studio = sys.modules["deltaprop.studio"]
    monkeypatch.setattr(studio, "serve", lambda serving, **kw: calls.append((serving, kw)))
    monkeypatch.setenv("DELTAPROP_STUDIO_PASSWORD", "a class password")
    flags = ["--host", "0.0.0.0", "--password", "--max-sessions", "30", "--idle-timeout", "5"]
    assert main(["studio", "--no-browser", *flags, "--allow-host", "Studio.School.Example"]) == 0
    serving, kw = calls[-1]
    caps = kw["caps"]
    assert (caps.sessions, caps.sessions_per_client, caps.idle_seconds) == (30, 3, 300)
    access = serving.access(8000)
    assert access.token and access.password_hash.startswith("scrypt:")
    assert "a class password" not in repr(access) + access.password_hash  # kept hashed only
    assert access.allows_host("studio.school.example:8000") and access.any_ip
    assert main(["studio", "--no-browser", "--sessions-per-client", "50"]) == 0
    assert calls[-1][1]["caps"].sessions_per_client == 8  # never above --max-sessions
    monkeypatch.setenv("DELTAPROP_STUDIO_TOKEN", "token-from-the-environment")
    assert main(["studio", "--no-browser"]) == 0
    assert calls[-1][0].access(8000).token == "token-from-the-environment"
    assert calls[-1][1]["caps"].sessions_per_client == 8  # on 127.0.0.1: every tab is yours


def test_a_short_password_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("DELTAPROP_STUDIO_PASSWORD", "short")
    assert main(["studio", "--no-browser", "--password"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
