"""The studio's web application: the page, its JSON API and one WebSocket per tab.

Bad input from the page gets a 4xx answer with ``{"error": ..., "field": ...}``; the page
shows the message beside the field. Training never runs on the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..core.initializers import INITIALIZERS
from ..core.network import Network
from ..core.optimizers import OPTIMIZERS
from ..datasets import TOY
from ..files.archive import ModelFileError
from ..files.serialization import load, save
from . import codegen, forms, messages
from .digits import check_digit_model, decode_drawing
from .forms import Caps, FormError
from .guard import Access, Guard, new_token
from .lab import catalogue
from .messages import BUSY, IDLE
from .runner import Snapshot
from .session import Busy, Session, Sessions, UnknownSession

STATIC = files("deltaprop.studio") / "static"
Handler = Callable[[Request], Awaitable[Response]]


def bad_request(message: str, field: str = "", status: int = 400) -> JSONResponse:
    """The answer to bad input: the message and the field it is about."""
    return JSONResponse({"error": message, "field": field}, status_code=status)


async def body_of(request: Request, field: str) -> bytes:
    """The request's body, read no further than the upload cap (413 past it)."""
    cap = caps_of(request).upload_bytes
    too_large = FormError(field, f"the file is over {cap / 2**20:g} MB", 413)
    if int(request.headers.get("content-length") or 0) > cap:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise too_large
    return bytes(body)


async def form_of(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a FormError."""
    try:
        form = json.loads(await body_of(request, "body") or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested past Python's stack too
        raise FormError("body", "the request is not valid JSON") from None
    if not isinstance(form, dict):
        raise FormError("body", "expected a JSON object")
    return form


def session_of(request: Request) -> Session:
    """The session named in the request's path (404 when it is gone)."""
    return request.app.state.sessions.get(request.path_params["session"])  # type: ignore[no-any-return]


def caps_of(request: Request) -> Caps:
    """The app's caps."""
    return request.app.state.sessions.caps  # type: ignore[no-any-return]


async def options(request: Request) -> JSONResponse:
    """GET /api/options: what the forms offer (names, defaults, caps, experiments)."""
    return JSONResponse(
        {
            "playground": asdict(forms.PlaygroundConfig()),
            "digits": asdict(forms.DigitsConfig()),
            "datasets": list(TOY),
            "activations": list(forms.ACTIVATIONS),
            "outputs": list(forms.OUTPUTS),
            "initializers": ["default", *INITIALIZERS],
            "optimizers": list(OPTIMIZERS),
            "presets": list(forms.PRESETS),
            "experiments": catalogue(),
            "caps": asdict(caps_of(request)),
        }
    )


async def playground(request: Request) -> JSONResponse:
    """POST playground: build a new, paused playground from the form."""
    session, form = session_of(request), await form_of(request)
    config = forms.playground(form, caps_of(request))
    await run_in_threadpool(session.set_playground, config)
    return JSONResponse({"config": asdict(config)})


async def control(request: Request) -> JSONResponse:
    """POST playground/ACTION: play, pause, step or reset."""
    session = session_of(request)
    await run_in_threadpool(session.control, request.path_params["action"])
    return JSONResponse({"done": request.path_params["action"]})


async def digits(request: Request) -> JSONResponse:
    """POST digits: train a preset on the bundled digits."""
    session, form = session_of(request), await form_of(request)
    config = forms.digits(form, caps_of(request))
    await run_in_threadpool(session.train_digits, config)
    return JSONResponse({"config": asdict(config)})


async def stop_digits(request: Request) -> JSONResponse:
    """POST digits/stop: stop training; the network so far stays."""
    await run_in_threadpool(session_of(request).stop_digits)
    return JSONResponse({"done": "stop"})


async def upload(request: Request) -> JSONResponse:
    """POST digits/model: a model file's bytes, checked, shown in the digits part."""
    session, caps = session_of(request), caps_of(request)
    body = await body_of(request, "model")
    network = await run_in_threadpool(read_model, body, caps)
    await run_in_threadpool(session.use_model, network)
    return JSONResponse({"summary": network.summary()})


async def probe(request: Request) -> JSONResponse:
    """POST digits/probe: a drawing (PNG data URL) and optional label, traced."""
    session, form = session_of(request), await form_of(request)
    if session.digits is None:
        raise FormError("model", "train a network or load a model first")
    label = forms.label(form)
    x = decode_drawing(data_url_bytes(form.get("image"), caps_of(request)))
    return JSONResponse(await run_in_threadpool(session.digits.probe, x, label))


async def lab(request: Request) -> JSONResponse:
    """POST lab: run an experiment (quick or default)."""
    session, form = session_of(request), await form_of(request)
    name, quick = forms.experiment(form)
    await run_in_threadpool(session.run_experiment, name, quick)
    return JSONResponse({"started": name})


async def lab_figure(request: Request) -> Response:
    """GET lab/NAME.png: the figure of the experiment run last."""
    session = session_of(request)
    name = request.path_params["name"]
    if session.lab is None or session.lab.name != name or not session.lab.figure.exists():
        return bad_request(f"no figure of {name!r} yet: run it first", "name", 404)
    return FileResponse(session.lab.figure, media_type="image/png")


async def code(request: Request) -> PlainTextResponse:
    """GET code/PART: the script for the playground or the digits part."""
    part = session_of(request).part(request.path_params["part"])
    epochs = max(part.latest.current.epochs, 1)
    if part.config is None:
        raise FormError("part", "this model was loaded from a file: there is no code for it")
    if isinstance(part.config, forms.PlaygroundConfig):
        return PlainTextResponse(codegen.playground_script(part.config, epochs))
    return PlainTextResponse(codegen.digits_script(part.config, epochs))


async def export(request: Request) -> Response:
    """GET export/PART/FILE: model.npz or history.csv of a part."""
    name, what = request.path_params["part"], request.path_params["file"]
    part = session_of(request).part(name)
    if what == "history.csv":
        text = part.latest.current.history_csv
        if not text:
            raise FormError("part", "no epoch has finished yet")
        return attachment(text.encode(), f"{name}-history.csv", "text/csv")
    if what == "model.npz":
        # the snapshot is held in the worker thread: a lock is never waited for on the loop
        data = await run_in_threadpool(part.latest.read, model_bytes)
        return attachment(data, f"{name}-model.npz", "application/octet-stream")
    raise FormError("file", f"unknown file {what!r}; known: model.npz, history.csv")


async def stream(websocket: WebSocket) -> None:
    """One tab's session: opened with the socket, closed when the tab goes."""
    sessions: Sessions = websocket.app.state.sessions
    await websocket.accept()
    client = websocket.client.host if websocket.client else ""
    try:
        session = sessions.open(asyncio.get_running_loop(), client)
    except Busy as err:
        await websocket.send_json({"type": messages.ERROR, "error": str(err)})
        await websocket.close(code=BUSY)
        return
    await run_in_threadpool(session.open)
    sender = asyncio.create_task(pump(websocket, session))
    try:
        while True:
            await websocket.receive_text()  # the page only listens; this waits for it to go
            session.touch()
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        if sessions.remove(session.id) is not None:
            await run_in_threadpool(session.close)


async def close_idle(sessions: Sessions, every: float) -> None:
    """Close the sessions nobody has used for ``caps.idle_seconds``, checking ``every`` s."""
    while True:
        await asyncio.sleep(every)
        for session in sessions.idle(time.monotonic()):
            await run_in_threadpool(session.close)  # its threads stopped, its files gone
            minutes = sessions.caps.idle_seconds / 60
            session.publish(
                {"type": messages.CLOSED, "error": f"closed after {minutes:g} minutes unused"}
            )


def accepting(media_type: str, handler: Handler) -> Handler:
    """``handler`` for bodies of ``media_type`` only (415 otherwise).

    A cross-site page may POST ``text/plain`` or a form without asking the server first;
    ``application/json`` and ``application/octet-stream`` always need the server's consent.
    """

    async def checked(request: Request) -> Response:
        given = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if given != media_type:
            return bad_request(f"send {media_type}, not {given or 'no content type'}", "body", 415)
        return await handler(request)

    return checked


JSON, BINARY = "application/json", "application/octet-stream"
API = "/api/{session}"
ROUTES = [
    Route("/api/options", options),
    Route(f"{API}/playground", accepting(JSON, playground), methods=["POST"]),
    Route(f"{API}/playground/{{action}}", accepting(JSON, control), methods=["POST"]),
    Route(f"{API}/digits", accepting(JSON, digits), methods=["POST"]),
    Route(f"{API}/digits/stop", accepting(JSON, stop_digits), methods=["POST"]),
    Route(f"{API}/digits/model", accepting(BINARY, upload), methods=["POST"]),
    Route(f"{API}/digits/probe", accepting(JSON, probe), methods=["POST"]),
    Route(f"{API}/lab", accepting(JSON, lab), methods=["POST"]),
    Route(f"{API}/lab/{{name}}.png", lab_figure),
    Route(f"{API}/code/{{part}}", code),
    Route(f"{API}/export/{{part}}/{{file}}", export),
    WebSocketRoute("/ws", stream),
    Mount("/", StaticFiles(directory=str(STATIC), html=True)),
]


def create_app(
    caps: Caps | None = None, model: Network | None = None, access: Access | None = None
) -> Starlette:
    """The studio as an ASGI app behind its guard (``deltaprop.studio.guard``).

    ``model`` is shown in the digits part of every new tab. ``access`` says who may use
    it; by default a new random token (``app.state.access.token``) is required.

    Parameters
    ----------
    caps : Caps, optional
        Limits on sessions, sizes and idle time.
    model : Network, optional
        A network to show in the digits part.
    access : Access, optional
        Who may use it (token, password hash, allowed hosts).

    Returns
    -------
    starlette.applications.Starlette
        The ASGI app, to run with uvicorn or any ASGI server.

    Examples
    --------
    >>> from deltaprop.studio import create_app
    >>> from starlette.testclient import TestClient
    >>> app = create_app(access=Access(token="secret"))
    >>> with TestClient(app, base_url="http://localhost") as client:
    ...     client.get("/").status_code, client.get("/?token=secret").status_code
    (401, 200)
    """
    caps = caps or Caps()
    sessions = Sessions(caps, model)
    access = access if access is not None else Access(token=new_token())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        every = min(max(caps.idle_seconds / 4, 0.05), 30.0)
        reaper = asyncio.create_task(close_idle(sessions, every)) if caps.idle_seconds > 0 else None
        yield
        if reaper is not None:
            reaper.cancel()
        await run_in_threadpool(sessions.close_all)

    handlers = {
        FormError: lambda request, err: bad_request(err.message, err.field, err.status),
        UnknownSession: lambda request, err: bad_request(str(err.args[0]), "session", 404),
    }
    app = Starlette(
        routes=ROUTES,
        exception_handlers=handlers,
        lifespan=lifespan,
        middleware=[Middleware(Guard, access=access)],
    )
    app.state.sessions, app.state.access = sessions, access
    return app


async def pump(websocket: WebSocket, session: Session) -> None:
    """Forward the session's messages to its page, in order; a CLOSED message ends it."""
    while True:
        message = await session.queue.get()
        await websocket.send_json(message)
        if message["type"] == messages.CLOSED:
            await websocket.close(code=IDLE)
            return


def attachment(data: bytes, filename: str, media_type: str) -> Response:
    """A download named ``filename``."""
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def data_url_bytes(value: Any, caps: Caps) -> bytes:
    """The bytes of a ``data:image/png;base64,...`` URL (or of bare base64)."""
    if not isinstance(value, str) or not value:
        raise FormError("image", "send the drawing as a PNG data URL")
    if len(value) > caps.upload_bytes:
        raise FormError("image", "the drawing is too large")
    try:
        return base64.b64decode(value.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise FormError("image", "the drawing is not valid base64") from None


def read_model(body: bytes, caps: Caps) -> Network:
    """An uploaded model file, checked like any model file and for the digits part."""
    if not body:
        raise FormError("model", "the file is empty")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.npz"
        path.write_bytes(body)
        try:
            network = load(path)
        except (ModelFileError, ValueError) as err:
            raise FormError("model", f"not a deltaprop model file: {err}") from None
    if network.n_params > caps.params:
        raise FormError(
            "model", f"the model has {network.n_params:,} parameters; the cap is {caps.params:,}"
        )
    check_digit_model(network)
    return network


def model_bytes(snapshot: Snapshot) -> bytes:
    """A snapshot's model file's bytes (written by :func:`deltaprop.save`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.npz"
        save(snapshot.network, path)
        return path.read_bytes()
