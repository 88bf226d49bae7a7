"""``deltaprop studio`` as a user starts it: a real server on 127.0.0.1, then stopped."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from deltaprop import Network, save
from deltaprop.cli import main
from deltaprop.studio import server


def test_the_command_serves_the_page_on_a_free_local_port(tmp_path):
    model = tmp_path / "digits.npz"
    save(Network.from_sizes([784, 10, 10]), model)
    command = [sys.executable, "-m", "deltaprop", "studio", "--no-browser", "--model", str(model)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            line = process.stdout.readline()
            assert line.startswith("deltaprop studio: http://localhost:"), line
            url = line.split()[2].replace("localhost", "127.0.0.1")
            options = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen(url + "api/options", timeout=5) as answer:
                        options = json.load(answer)
                    break
                except OSError:
                    time.sleep(0.2)
            assert options is not None, "the server did not answer"
            assert len(options["experiments"]) == 12
        finally:
            process.terminate()
            process.wait(10)


def test_listening_beyond_this_machine_warns(monkeypatch):
    calls, lines = [], []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: calls.append(kw))
    server.serve("0.0.0.0", 8999, open_browser=False, log=lines.append)
    assert calls == [{"host": "0.0.0.0", "port": 8999, "log_level": "warning"}]
    assert lines[0].startswith("warning: listening on 0.0.0.0")
    lines.clear()
    server.serve("127.0.0.1", 8999, open_browser=False, log=lines.append)
    assert not any("warning" in line for line in lines)


def test_bad_command_lines_get_clear_errors(tmp_path, capsys):
    assert main(["studio", "--port", "70000", "--no-browser"]) == 1
    assert "--port must be from 1 to 65535" in capsys.readouterr().err
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
