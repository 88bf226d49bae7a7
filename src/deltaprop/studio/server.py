"""Serving the studio with uvicorn: who may use it, on which address, over HTTP or HTTPS.

On a laptop (the default, 127.0.0.1) a random token is asked for, printed in the address
the command shows and opens; hosting for a class (another ``--host``) needs a token or a
password, and may serve HTTPS. See :mod:`deltaprop.studio.guard` for what is checked.
"""

from __future__ import annotations

import errno
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import uvicorn

from ..core.network import Network
from .app import create_app
from .forms import Caps
from .guard import Access, hash_password, is_loopback, is_wildcard, new_token, token_url


class StudioConfigError(ValueError):
    """A way of serving the studio that would leave it open, or that cannot work.

    Examples
    --------
    >>> from deltaprop.studio import StudioConfigError
    >>> try:
    ...     Serving(host="0.0.0.0", no_token=True).access(8000)
    ... except StudioConfigError as error:
    ...     print(type(error).__name__)
    StudioConfigError
    """


@dataclass(frozen=True)
class Serving:
    """How the studio is served (the command's options).

    Examples
    --------
    >>> from deltaprop.studio import Serving
    >>> Serving(port=8000).address(8000)
    'http://localhost:8000/'
    >>> Serving(token="a-long-token").access(8000).token
    'a-long-token'
    >>> try:
    ...     Serving(host="0.0.0.0", no_token=True).access(8000)
    ... except StudioConfigError as error:
    ...     print(type(error).__name__)
    StudioConfigError
    """

    host: str = "127.0.0.1"
    port: int | None = None
    token: str | None = None  # None: a new random one, unless no_token
    no_token: bool = False
    password: str | None = None
    allow_hosts: tuple[str, ...] = ()
    certfile: str | None = None
    keyfile: str | None = None

    def access(self, port: int) -> Access:
        """The :class:`Access` these options give, checked (:class:`StudioConfigError`)."""
        if self.no_token and not is_loopback(self.host):
            raise StudioConfigError(
                f"--no-token is allowed only on this machine (127.0.0.1), not on {self.host}: "
                "anyone on the network could use the studio"
            )
        if self.no_token and self.token:
            raise StudioConfigError("--no-token and --token contradict each other")
        if bool(self.certfile) != bool(self.keyfile):
            raise StudioConfigError("HTTPS needs both --certfile and --keyfile")
        if self.token is not None and len(self.token) < 8:
            raise StudioConfigError("a token must have at least 8 characters")
        token = None if self.no_token else (self.token or new_token())
        hosts = {name.lower() for name in self.allow_hosts}
        if not is_wildcard(self.host):
            hosts.add(self.host.strip("[]").lower())
        else:  # every address: the machine's own names too
            hosts |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        return Access(
            token=token,
            password_hash=hash_password(self.password) if self.password else None,
            hosts=frozenset(hosts),
            any_ip=is_wildcard(self.host),
            cookie=f"deltaprop-studio-{port}",
        )

    @property
    def scheme(self) -> str:
        return "https" if self.certfile else "http"

    def address(self, port: int) -> str:
        """The address to open, without the token."""
        host = self.host
        if is_loopback(host):
            host = "localhost"
        elif is_wildcard(host):
            host = socket.gethostname()
        elif ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{port}/"


def free_port(host: str) -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """Raise :class:`StudioConfigError` now if ``port`` is taken (before any address shows)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise StudioConfigError(
                    f"port {port} on {host} is in use (another studio?): choose another with "
                    f"--port, e.g. --port {free_port(host)}, or leave --port out for a free one"
                ) from None
            raise StudioConfigError(f"cannot listen on {host}:{port}: {err.strerror}") from None


def serve(
    serving: Serving | None = None,
    *,
    open_browser: bool = True,
    model: Network | None = None,
    caps: Caps | None = None,
    log: Callable[[str], None] = print,
) -> None:
    """Run the studio until Ctrl-C; print its address (with the token) and open it.

    Parameters
    ----------
    serving : Serving, optional
        Host, port, token or password, HTTPS files; by default 127.0.0.1, a free port and a
        new token.
    open_browser : bool, default True
        Open the address in the browser.
    model : Network, optional
        A network to show in the digits part.
    caps : Caps, optional
        Limits on sessions, sizes and idle time.
    log : callable, default print
        Receives the address and the server's notes.

    Examples
    --------
    Until Ctrl-C, at a free port on 127.0.0.1, with a token in the address it prints:

    >>> from deltaprop.studio import serve
    >>> serve(Serving(port=8000), open_browser=False)  # doctest: +SKIP
    deltaprop studio at http://localhost:8000/?token=...
    """
    serving = serving or Serving()
    port = serving.port or free_port(serving.host)
    access = serving.access(port)
    check_port(serving.host, port)
    for line in warnings(serving, access):
        log(line)
    url = token_url(serving.address(port), access.token)
    log(f"deltaprop studio: {url}  (Ctrl-C to stop)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        create_app(caps, model, access),
        host=serving.host,
        port=port,
        log_level="warning",  # no access log: no address (nor token) is written anywhere
        ssl_certfile=serving.certfile,
        ssl_keyfile=serving.keyfile,
    )


def warnings(serving: Serving, access: Access) -> Iterable[str]:
    """What the person starting the studio should know before sharing its address."""
    if access.open:
        yield (
            "warning: --no-token: any program on this machine, and any page open in its "
            "browsers that gets past the Origin check, can use the studio"
        )
    if not is_loopback(serving.host):
        yield (
            f"note: listening on {serving.host}: anyone who can reach this machine and has "
            "the token or password can use the studio and its CPU"
            + ("" if serving.certfile else "; without --certfile the password travels unencrypted")
        )
