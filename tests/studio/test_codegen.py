"""The shown script builds and trains the same network as the page, parameter for parameter."""

import runpy

import numpy as np

from .conftest import Tab


def run_script(text, folder, monkeypatch):
    path = folder / "script.py"
    path.write_text(text)
    monkeypatch.chdir(folder)
    return runpy.run_path(str(path), run_name="__main__")


def assert_same_network(net, studio_net):
    assert net.get_config() == studio_net.get_config()
    for (name, p, _), (_, q, _) in zip(
        net.named_parameters(), studio_net.named_parameters(), strict=True
    ):
        assert np.array_equal(p, q), name


def test_the_playground_script_trains_the_same_network(tab: Tab, tmp_path, monkeypatch, capsys):
    form = {
        "dataset": "spirals",
        "hidden": [5, 3],
        "activation": "relu",
        "init": "he_uniform",
        "optimizer": "momentum",
        "eta": 0.05,
        "lmbda": 0.5,
        "seed": 7,
        "data_seed": 3,
    }
    tab.post("playground", form)
    tab.until("playground")
    for _ in range(4):
        tab.post("playground/step")
        tab.until("epoch")
    text = tab.get("code/playground").text
    assert "epochs=4" in text and '"momentum"' in text and "init=" in text
    namespace = run_script(text, tmp_path, monkeypatch)
    session = tab.client.app.state.sessions.get(tab.session)
    assert_same_network(namespace["net"], session.playground.latest.current.network)
    assert "test accuracy" in capsys.readouterr().out


def test_the_digits_script_trains_the_same_network(tab: Tab, tmp_path, monkeypatch):
    tab.post("digits", {"preset": "dense", "n_train": 200, "epochs": 1, "seed": 2})
    tab.until("stopped", part="digits")
    text = tab.get("code/digits").text
    namespace = run_script(text, tmp_path, monkeypatch)
    session = tab.client.app.state.sessions.get(tab.session)
    assert_same_network(namespace["net"], session.digits.latest.current.network)
    assert (tmp_path / "digits-model.npz").exists()


def test_code_before_anything_is_built_says_what_to_do(tab: Tab):
    answer = tab.get("code/playground")
    assert answer.status_code == 400 and "build or train first" in answer.json()["error"]
