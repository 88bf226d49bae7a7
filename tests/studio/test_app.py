"""Every endpoint through Starlette's test client, bad input and caps included."""

import base64
import csv
import io

import numpy as np
import pytest

from deltaprop import Network, load, save

from .conftest import WS, Tab, digit_png, png

SMALL_DIGITS = {"preset": "dense", "n_train": 300, "epochs": 2, "eta": 0.5}


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def test_options_list_what_the_forms_offer(client):
    options = client.get("/api/options").json()
    assert options["datasets"] == ["xor", "circles", "spirals", "gaussians"]
    assert "maxout" in options["activations"] and "sigmoid+quadratic" in options["outputs"]
    assert len(options["experiments"]) == 12
    assert options["caps"]["sessions"] == 2


def test_the_page_and_its_scripts_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "deltaprop studio" in page.text
    for asset in ("js/main.js", "style.css", "vendor/uplot/uPlot.esm.js", "vendor/uplot/LICENSE"):
        assert client.get(f"/{asset}").status_code == 200, asset
    assert "http" not in page.text.replace("http-equiv", "")  # nothing fetched from outside


def test_playground_builds_paused_then_steps_plays_and_pauses(tab: Tab):
    assert tab.post("playground", {"dataset": "circles", "hidden": [3]}).status_code == 200
    start = tab.until("playground")
    assert start["sizes"] == [2, 3, 1] and start["record"]["epoch"] == 0
    assert len(start["points"]) == 200 and set(start["labels"]) == {0, 1}
    frame = start["frame"]
    assert len(base64.b64decode(frame["boundary"])) == 100 * 100
    assert len(frame["units"]) == 1 and len(frame["units"][0]) == 3
    assert np.array(frame["weights"][0]).shape == (2, 3)
    assert tab.post("playground/step").json() == {"done": "step"}
    one = tab.until("epoch")
    assert one["record"]["epoch"] == 1 and one["playing"] is False and "frame" in one
    tab.post("playground/play")
    while (message := tab.until("epoch"))["record"]["epoch"] < 20:
        pass
    record = message["record"]
    assert record["test_cost"] > 0 and len(record["speeds"]) == 1
    tab.post("playground/pause")
    tab.post("playground/reset")
    assert tab.until("playground")["record"]["epoch"] == 0


def test_a_diverging_playground_says_so(tab: Tab):
    unstable = {"activation": "leaky_relu", "output": "softmax+log_likelihood", "init": "normal"}
    tab.post("playground", {"hidden": [8, 8], "eta": 10, **unstable})
    tab.until("playground")
    tab.post("playground/play")
    stopped = tab.until("stopped")
    assert "diverged" in stopped["error"] and "lower eta" in stopped["error"]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"hidden": [0]}, "hidden"),
        ({"eta": 0}, "eta"),
        ({"eta": -0.5}, "eta"),
        ({"points": 10**6}, "points"),
        ({"hidden": [4] * 5}, "hidden"),
        ({"hidden": [100]}, "hidden"),
        ({"activation": "gelu"}, "activation"),
        ({"dataset": "iris"}, "dataset"),
    ],
)
def test_bad_playground_values_get_400_naming_the_field(tab: Tab, form, field):
    answer = tab.post("playground", form)
    assert answer.status_code == 400
    assert answer.json()["field"] == field and answer.json()["error"]


def test_bodies_that_are_not_json_objects_get_400(tab: Tab):
    json_type = {"Content-Type": "application/json"}
    bad = tab.client.post(tab.url("playground"), content=b"{not json", headers=json_type)
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]
    assert tab.post("playground", [1, 2]).status_code == 400
    assert tab.post("playground/fly").status_code == 400  # before any network: build first
    tab.post("playground", {})
    assert "unknown action 'fly'" in tab.post("playground/fly").json()["error"]


def test_unknown_sessions_get_404(client):
    answer = client.post("/api/nobody/playground", json={})
    assert answer.status_code == 404 and "reload the page" in answer.json()["error"]


def test_sessions_are_capped_and_freed_when_the_tab_goes(client):
    with client.websocket_connect(WS) as one, client.websocket_connect(WS) as two:
        assert one.receive_json()["type"] == two.receive_json()["type"] == "hello"
        with client.websocket_connect(WS) as three:
            refused = three.receive_json()
            assert refused["type"] == "error" and "already serves 2 tabs" in refused["error"]
    assert len(client.app.state.sessions) == 0
    with client.websocket_connect(WS) as again:
        assert again.receive_json()["type"] == "hello"


def test_closing_the_tab_stops_its_training_thread(client):
    with client.websocket_connect(WS) as ws:
        tab = Tab(client, ws)
        tab.post("playground", {})
        tab.post("playground/play")
        tab.until("epoch")
        session = client.app.state.sessions.get(tab.session)
        worker, folder = session.playground.worker, session.folder
    assert not worker.alive and not folder.exists()


def test_digits_train_then_probe_a_real_digit_with_and_without_label(tab: Tab):
    assert tab.post("digits", SMALL_DIGITS).status_code == 200
    start = tab.until("digits")
    assert "Dense(784, 100)" in start["summary"] and len(start["weights"]) == 16
    last = tab.until("digits-epoch", epoch=2)
    assert last["test_accuracy"] > 0.6
    tab.until("stopped", part="digits")
    seven = tab.post("digits/probe", {"image": data_url(digit_png(7))}).json()
    assert seven["prediction"] == 7 and abs(sum(seven["probabilities"]) - 1) < 1e-5
    assert seven["grad_W"] is None and all(layer["delta"] is None for layer in seven["layers"])
    labelled = tab.post("digits/probe", {"image": data_url(digit_png(7)), "label": 3}).json()
    deltas = [layer["delta"] for layer in labelled["layers"] if layer["delta"]]
    assert len(deltas) == 3  # Dense, Sigmoid, Dense: every layer below the output
    assert any(np.frombuffer(base64.b64decode(d[0]["data"]), np.uint8).std() > 0 for d in deltas)
    assert len(labelled["grad_W"]) == 16


def test_the_digits_cnn_preset_shows_feature_maps(tab: Tab):
    tab.post("digits", {"preset": "cnn", "n_train": 100, "epochs": 1, "batch_size": 50})
    tab.until("stopped", part="digits")
    probe = tab.post("digits/probe", {"image": data_url(digit_png(2)), "label": 2}).json()
    conv = next(layer for layer in probe["layers"] if layer["name"].startswith("Conv2D(1, 20"))
    assert len(conv["output"]) == 20 and conv["output"][0]["h"] == 24
    assert len(conv["delta"]) == 20
    assert probe["grad_W"][0]["h"] == 5  # a 5x5 filter's gradient


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"image": data_url(png(np.zeros((50, 50))))}, "canvas is empty"),
        ({"image": data_url(png(np.ones((50, 50))))}, "canvas is empty"),
        ({"image": "data:image/png;base64,@@@"}, "not valid base64"),
        ({"image": data_url(b"GIF89a not really")}, "not a readable PNG"),
        ({}, "PNG data URL"),
        ({"image": data_url(digit_png(1)), "label": 12}, "<= 9"),
    ],
)
def test_bad_drawings_get_400(tab: Tab, body, words):
    assert tab.post("digits/probe", {"image": data_url(digit_png(1))}).status_code == 400
    tab.post("digits", SMALL_DIGITS)
    tab.until("stopped", part="digits")
    answer = tab.post("digits/probe", body)
    assert answer.status_code == 400 and words in answer.json()["error"]


def test_uploaded_models_are_checked(tab: Tab, tmp_path):
    good = Network.from_sizes([784, 10, 10], seed=0)
    save(good, tmp_path / "good.npz")
    answer = tab.upload((tmp_path / "good.npz").read_bytes())
    assert answer.status_code == 200 and "Dense(784, 10)" in answer.json()["summary"]
    assert tab.until("digits")["epochs"] == 0
    assert tab.post("digits/probe", {"image": data_url(digit_png(0))}).status_code == 200
    save(Network.from_sizes([2, 3, 1], output="sigmoid"), tmp_path / "toy.npz")
    data = (tmp_path / "good.npz").read_bytes()
    for body, status, words in [
        (b"", 400, "empty"),
        (b"PK\x03\x04 truncated", 400, "not a deltaprop model file"),
        (data[: len(data) // 2], 400, "not a deltaprop model file"),
        ((tmp_path / "toy.npz").read_bytes(), 400, "needs 784 inputs"),
        (b"x" * (2**20 + 1), 413, "over 1 MB"),
    ]:
        answer = tab.upload(body)
        assert answer.status_code == status and words in answer.json()["error"], body[:20]


def test_stopping_digits_training_keeps_what_was_learnt(tab: Tab):
    assert tab.post("digits/stop").status_code == 400
    tab.post("digits", {**SMALL_DIGITS, "epochs": 50, "n_train": 500})
    tab.until("digits-epoch", epoch=1)
    assert tab.post("digits/stop").status_code == 200
    assert tab.until("stopped", part="digits")["error"] is None
    assert tab.post("digits/probe", {"image": data_url(digit_png(4))}).status_code == 200


def test_lab_runs_an_experiment_and_serves_its_figure(tab: Tab):
    assert tab.get("lab/cost-pairs.png").status_code == 404
    assert tab.post("lab", {"name": "learning-slowdown", "quick": True}).status_code == 200
    assert tab.until("lab-started")["name"] == "learning-slowdown"
    done = tab.until("lab-done")
    assert done["holds"] is True and done["conclusion"]
    figure = tab.get("lab/learning-slowdown.png")
    assert figure.status_code == 200 and figure.content.startswith(b"\x89PNG")
    assert tab.post("lab", {"name": "no-such"}).status_code == 400


def test_lab_reports_progress_while_an_experiment_trains(tab: Tab):
    tab.post("lab", {"name": "gradient-descent", "quick": True})
    progress = tab.until("lab-progress")
    assert progress["runs"] >= 1 and progress["epochs"] >= 1
    tab.until("lab-done")


def test_export_gives_the_model_and_history_of_what_was_trained(tab: Tab, tmp_path):
    assert tab.get("export/playground/model.npz").status_code == 400  # nothing built yet
    tab.post("playground", {"hidden": [3]})
    tab.until("playground")
    assert tab.get("export/playground/history.csv").status_code == 400  # no epoch yet
    for _ in range(3):
        tab.post("playground/step")
        tab.until("epoch")
    model = tab.get("export/playground/model.npz")
    assert model.status_code == 200
    assert "playground-model.npz" in model.headers["content-disposition"]
    (tmp_path / "m.npz").write_bytes(model.content)
    net = load(tmp_path / "m.npz")
    session = tab.client.app.state.sessions.get(tab.session)
    snapshot = session.playground.latest.current
    assert np.array_equal(net.layers[0].params["W"], snapshot.network.layers[0].params["W"])
    rows = list(csv.reader(io.StringIO(tab.get("export/playground/history.csv").text)))
    assert rows[0][:3] == ["epoch", "train_cost", "train_accuracy"] and len(rows) == 4
    assert tab.get("export/playground/weights.bin").status_code == 400
    assert tab.get("export/nowhere/model.npz").status_code == 400


def test_code_for_a_loaded_model_is_refused_clearly(tab: Tab, tmp_path):
    save(Network.from_sizes([784, 10], seed=0), tmp_path / "m.npz")
    tab.upload((tmp_path / "m.npz").read_bytes())
    answer = tab.get("code/digits")
    assert answer.status_code == 400 and "loaded from a file" in answer.json()["error"]
