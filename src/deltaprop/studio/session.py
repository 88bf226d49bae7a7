"""One session per browser tab: its playground, digits and lab, and the messages to its page.

A session lives as long as its tab's WebSocket: when the tab goes away, its training threads
stop and its files are deleted. :class:`Sessions` caps how many exist at once.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..core.network import Network
from . import messages
from .digits import Digits
from .forms import Caps, DigitsConfig, FormError, PlaygroundConfig
from .lab import LabJob
from .playground import Playground


class Busy(RuntimeError):
    """No more sessions can be opened now."""


class Session:
    """What one tab has built, trained and run."""

    def __init__(
        self,
        caps: Caps,
        loop: asyncio.AbstractEventLoop,
        model: Network | None,
        client: str = "",
    ) -> None:
        self.id = secrets.token_urlsafe(12)
        self.caps, self.client = caps, client
        self.last_used = time.monotonic()
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.folder = Path(tempfile.mkdtemp(prefix="deltaprop-studio-"))
        self.playground: Playground | None = None
        self.digits: Digits | None = None
        self.lab: LabJob | None = None
        self._loop = loop
        self._model = model
        self._changing = threading.Lock()  # one change of parts at a time per session

    def touch(self) -> None:
        """The page used this session now (idle sessions are closed)."""
        self.last_used = time.monotonic()

    def publish(self, message: dict[str, Any]) -> None:
        """Queue a message for the page; safe from any thread, a no-op once the page is gone."""
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, message)
        except RuntimeError:  # the event loop has closed: nobody is listening any more
            pass

    def open(self) -> None:
        """Greet the page; show the model given on the command line, if any (off the loop)."""
        self.publish({"type": messages.HELLO, "session": self.id})
        if self._model is not None:
            self.use_model(copy.deepcopy(self._model))

    def set_playground(self, config: PlaygroundConfig) -> None:
        """Replace the playground by a new, paused one."""
        with self._changing:
            if self.playground is not None:
                self.playground.stop()
            self.playground = Playground(config, self.publish, grid=self.caps.grid)
            self.playground.start()

    def control(self, action: str) -> None:
        """Play, pause, step or reset the playground."""
        if self.playground is None:
            raise FormError("playground", "build a network first")
        if action == "reset":
            self.set_playground(self.playground.config)
        elif action in ("play", "pause", "step"):
            getattr(self.playground.controls, action)()
        else:
            raise FormError("action", f"unknown action {action!r}; known: play, pause, step, reset")

    def train_digits(self, config: DigitsConfig) -> None:
        with self._changing:
            self._stop_digits()
            self.digits = Digits.trained(config, self.publish)
            self.digits.start()

    def stop_digits(self) -> None:
        """Stop training the digits network; what it has learnt so far stays on the page."""
        if self.digits is None:
            raise FormError("preset", "nothing is training")
        self.digits.stop()

    def use_model(self, network: Network) -> None:
        """Show a trained model (from a file) in the digits part."""
        with self._changing:
            self._stop_digits()
            self.digits = Digits(network, self.publish)
            self.digits.start()

    def run_experiment(self, name: str, quick: bool) -> None:
        with self._changing:
            if self.lab is not None and self.lab.worker.alive:
                raise FormError("name", f"{self.lab.name} is still running; wait for it")
            self.lab = LabJob(name, quick, self.folder, self.publish)
            self.lab.start()

    def part(self, name: str) -> Playground | Digits:
        """The playground or the digits part, for code and export."""
        found = {"playground": self.playground, "digits": self.digits}.get(name, "unknown")
        if found == "unknown":
            raise FormError("part", f"unknown part {name!r}; known: playground, digits")
        if found is None:
            raise FormError("part", f"nothing in the {name} part yet: build or train first")
        assert isinstance(found, (Playground, Digits))
        return found

    def close(self) -> None:
        """Stop every thread of this session and delete its files."""
        for part in (self.playground, self.digits, self.lab):
            if part is not None:
                part.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _stop_digits(self) -> None:
        if self.digits is not None:
            self.digits.stop()


class UnknownSession(LookupError):
    """The page names a session that has closed (or never was)."""


class Sessions:
    """The open sessions: at most ``caps.sessions``, ``caps.sessions_per_client`` per client.

    The registry is used from the event loop only (so it needs no lock, and the loop never
    waits for one); closing a session, which joins its threads, runs in a worker thread.
    """

    def __init__(self, caps: Caps, model: Network | None = None) -> None:
        self.caps, self.model = caps, model
        self._open: dict[str, Session] = {}

    def open(self, loop: asyncio.AbstractEventLoop, client: str = "") -> Session:
        """A new session for ``client`` (an address), or :class:`Busy` past a cap."""
        if len(self._open) >= self.caps.sessions:
            raise Busy(f"the studio already serves {self.caps.sessions} tabs; close one and reload")
        mine = sum(session.client == client for session in self._open.values())
        if mine >= self.caps.sessions_per_client:
            raise Busy(
                f"this computer already has {mine} studio tabs open (the most one computer may "
                "have); close one and reload"
            )
        session = Session(self.caps, loop, self.model, client)
        self._open[session.id] = session
        return session

    def get(self, session_id: str) -> Session:
        """The open session ``session_id``, marked as used now."""
        session = self._open.get(session_id)
        if session is None:
            raise UnknownSession(f"no session {session_id!r}: reload the page")
        session.touch()
        return session

    def remove(self, session_id: str) -> Session | None:
        """Take a session out of the registry (then :meth:`Session.close` it off the loop)."""
        return self._open.pop(session_id, None)

    def idle(self, now: float) -> list[Session]:
        """The sessions unused for longer than ``caps.idle_seconds``, taken out."""
        limit = self.caps.idle_seconds
        if limit <= 0:
            return []
        stale = [s.id for s in self._open.values() if now - s.last_used > limit]
        return [session for session in map(self.remove, stale) if session is not None]

    def close_all(self) -> None:
        """Close every session (when the server stops)."""
        for session_id in list(self._open):
            session = self.remove(session_id)
            if session is not None:
                session.close()

    def __len__(self) -> int:
        return len(self._open)
