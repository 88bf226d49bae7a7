"""End to end in a real headless Chromium, driven by Playwright, against a live server.

The browser is Debian's (``apt-get install chromium``; Playwright's own download cannot
work here). Without one these tests skip, except where ``DELTAPROP_REQUIRE_BROWSER`` is set,
as ``.ci/run`` sets it: there a missing browser is a failure. Screenshots go to
``DELTAPROP_SCREENSHOTS`` (a folder) when it is set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deltaprop import save
from deltaprop.datasets import load_mnist_sample
from deltaprop.studio import Access, create_app
from deltaprop.studio.digits import build
from deltaprop.studio.forms import DigitsConfig

from .conftest import TOKEN, live_server

CHROMIUM = os.environ.get("DELTAPROP_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    if os.environ.get("DELTAPROP_REQUIRE_BROWSER"):
        raise RuntimeError(f"no browser at {CHROMIUM}: apt-get install chromium")
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The studio on 127.0.0.1 (asking for TOKEN) in a thread, stopped after the module."""
    with live_server(create_app(access=Access(token=TOKEN))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def watch(tab) -> list[str]:
    """The page's JavaScript errors and console errors (a resource refused by the CSP is
    one); a 4xx answer the page shows as a message (a bad value) is not."""
    errors: list[str] = []
    answered = re.compile(r"Failed to load resource: the server responded with a status of 4")

    def console(message) -> None:
        if message.type == "error" and not answered.match(message.text):
            errors.append(message.text)

    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", console)
    return errors


def until(tab, expression: str, **options: object) -> None:
    """Wait until a JavaScript expression is true. Handed over as a function: the page's
    Content-Security-Policy rightly forbids evaluating strings, which Playwright does with
    a bare expression."""
    tab.wait_for_function(f"() => ({expression})", **options)


def open_studio(browser, address: str, **context: object):
    """A new browser (its own cookies) opening the address the command prints."""
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}, **context).new_page()
    errors = watch(tab)
    tab.goto(f"{address}?token={TOKEN}")
    tab.wait_for_selector("#playground-readout[data-epoch]")
    return tab, errors


@pytest.fixture
def page(browser, server, tmp_path):
    """A new tab on the studio (a session of its own), closed after the test."""
    tab, errors = open_studio(browser, server)
    assert TOKEN not in tab.url  # traded for the cookie and dropped from the address bar
    yield tab
    tab.context.close()
    assert errors == [], errors  # no JavaScript error, no refused resource along the way


def test_the_token_becomes_a_strict_http_only_cookie(page, server):
    (cookie,) = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]
    assert page.evaluate("document.cookie") == ""  # out of reach of the page's scripts
    assert page.url == server


def test_without_the_token_the_sign_in_page_says_how_to_get_in(browser, server):
    tab = browser.new_context().new_page()
    errors = watch(tab)
    answer = tab.goto(server)
    assert answer.status == 401 and "?token=" in tab.text_content("main")
    tab.fill("[name=secret]", "not-the-token")
    tab.click("button[type=submit]")
    assert "not the token or the password" in tab.text_content("[role=alert]")
    tab.fill("[name=secret]", TOKEN)
    tab.click("button[type=submit]")
    tab.wait_for_selector("#playground-readout[data-epoch]")
    assert tab.url == server
    tab.context.close()
    assert errors == [], errors


def test_the_studio_works_over_https(browser, tmp_path):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(cert))
    certificate.private_key_pem.write_to_path(str(key))
    app = create_app(access=Access(token=TOKEN))
    with live_server(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as address:
        assert address.startswith("https://")
        tab, errors = open_studio(browser, address, ignore_https_errors=True)
        tab.click("[data-action=step]")
        until(tab, "document.querySelector('#playground-readout').dataset.epoch === '1'")
        (cookie,) = tab.context.cookies()
        assert cookie["secure"] and cookie["httpOnly"]  # the cookie never travels in clear
        tab.context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory) -> Path:
    """The CNN preset trained briefly: enough to read a clearly drawn 7."""
    (X, y), _ = load_mnist_sample(2000, 100, seed=0)
    net = build(DigitsConfig(preset="cnn"))
    net.fit(X, y, epochs=2, batch_size=10, eta=0.1, seed=0)
    path = tmp_path_factory.mktemp("model") / "digits.npz"
    save(net, path)
    return path


def screenshot(page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("DELTAPROP_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def draw_seven(page) -> None:
    """A 7 drawn with mouse events: a bar across the top, then a stroke down to the left."""
    box = page.locator("#sketch").bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + 70, y0 + 60)
    page.mouse.down()
    for x in range(70, 215, 10):
        page.mouse.move(x0 + x, y0 + 60)
    for i in range(16):
        page.mouse.move(x0 + 210 - i * 7, y0 + 60 + i * 13)
    page.mouse.up()


def test_play_on_xor_until_the_test_cost_is_low(page, tmp_path):
    page.click("[data-action=play]")
    until(
        page,
        "(() => { const r = document.querySelector('#playground-readout').dataset;"
        " return r.testCost !== '' && Number(r.testCost) < 0.15; })()",
        timeout=60_000,
    )
    page.click("[data-action=pause]")
    assert "test accuracy" in page.text_content("#playground-readout")
    screenshot(page, "playground", tmp_path)
    with page.expect_download() as download:  # the cookie goes with a plain link too
        page.click("[data-export='playground/history.csv']")
    assert Path(download.value.path()).read_text().startswith("epoch,train_cost")


def test_four_sigmoid_layers_show_the_vanishing_gradient(page, tmp_path):
    page.fill("#playground-form [name=hidden]", "6, 6, 6, 6")
    page.select_option("#playground-form [name=activation]", "sigmoid")
    page.click("#playground-form button[type=submit]")
    until(page, "document.querySelectorAll('#speeds [data-layer]').length === 4")
    page.click("[data-action=play]")
    until(page, "Number(document.querySelector('#playground-readout').dataset.epoch) >= 20")
    page.click("[data-action=pause]")
    speeds = page.eval_on_selector_all(
        "#speeds [data-speed]", "cells => cells.map(c => Number(c.dataset.speed))"
    )
    assert len(speeds) == 4 and speeds[0] < speeds[-1], speeds
    screenshot(page, "vanishing-gradient", tmp_path)


def test_a_drawn_seven_is_read_as_seven_and_delta_flows_back(page, digits_model, tmp_path):
    page.click("[data-tab=digits]")
    page.set_input_files("#model-file", str(digits_model))
    until(page, "document.querySelector('#digits-status').textContent.includes('loaded')")
    assert not page.is_visible("#digits-chart")  # a model file brings no learning curve
    draw_seven(page)
    until(page, "document.querySelector('#prediction').textContent !== '–'")
    assert page.text_content("#prediction") == "7"
    page.click("#labels button:text-is('7')")
    page.wait_for_selector("[data-role=delta] canvas")
    # δ reaches every layer: each layer's row shows something (one filter that is dead for
    # this digit, its ReLU shut everywhere, rightly shows a blank map of its own)
    shown = page.eval_on_selector_all(
        "[data-role=delta]",
        """rows => rows.map(row => [...row.querySelectorAll('canvas')].some(c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0]) return true;
            return false;
        }))""",
    )
    assert len(shown) >= 5 and all(shown), shown
    screenshot(page, "digits", tmp_path)


def test_a_quick_lab_experiment_shows_its_figure(page, tmp_path):
    page.click("[data-tab=lab]")
    page.click("[data-experiment=learning-slowdown] button:text-is('Run quick')")
    page.wait_for_selector("#lab-result img")
    until(page, "document.querySelector('#lab-result img').naturalWidth > 0")
    assert "claim holds" in page.text_content("#lab-result")
    screenshot(page, "lab", tmp_path)


def test_a_bad_value_gets_a_message_beside_its_field(page, tmp_path):
    page.fill("#playground-form [name=eta]", "0")
    page.click("#playground-form button[type=submit]")
    message = page.wait_for_selector("#playground-form [data-error]:not(:empty)")
    assert "η (learning rate) must be > 0" in message.text_content()
    assert page.get_attribute("#playground-form [name=eta]", "aria-invalid") == "true"
    page.fill("#playground-form [name=eta]", "0.3")
    page.click("#playground-form button[type=submit]")
    page.wait_for_selector("#playground-form [data-error]:empty", state="attached")
    screenshot(page, "bad-value", tmp_path)


def test_the_code_tab_shows_the_script(page, tmp_path):
    page.click("[data-action=step]")
    until(page, "document.querySelector('#playground-readout').dataset.epoch === '1'")
    page.click("[data-tab=code]")
    until(page, "document.querySelector('#code-text').textContent.includes('fit(')")
    text = page.text_content("#code-text")
    assert "Network.from_sizes" in text and "epochs=1" in text
    screenshot(page, "code", tmp_path)
