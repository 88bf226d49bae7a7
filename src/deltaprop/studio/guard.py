"""Who may use the studio: a token or password, a Host allow-list, an Origin check, headers.

The same protections Jupyter gives its server, as one ASGI middleware in front of the app:

- **Host allow-list** (DNS rebinding): a request whose ``Host`` is not a name the server
  answers to gets 403. A page of ``rebind.example`` whose name now points at 127.0.0.1 is
  still ``rebind.example`` to the browser, so its requests carry that Host.
- **Origin check** (cross-site requests): the WebSocket handshake and every request that
  is not GET or HEAD get 403 when their ``Origin`` (or ``Sec-Fetch-Site``) says they come
  from another site. Browsers send ``Origin`` with both; scripts that send none are
  judged by their credentials alone.
- **Credentials**: every request but the sign-in page needs the login cookie (HttpOnly,
  SameSite=Strict, Secure over HTTPS), ``Authorization: token TOKEN`` or ``?token=TOKEN``
  (which sets the cookie; the page then drops it from the address bar). Without them: 401
  and a page that says how to get in.
- **Headers** on every answer: a Content-Security-Policy that allows only this server's
  own scripts, styles and sockets and no framing, ``nosniff`` and ``no-referrer``.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
PUBLIC_PATHS = frozenset({"/login", "/style.css"})  # the sign-in page and its style sheet
FAILED_LOGINS_PER_MINUTE = 10
HTML, JSON = "text/html; charset=utf-8", "application/json"
WEBSOCKET_REFUSED = 4403  # a close code in the private range: "not allowed", as HTTP's 403


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of a password: ``scrypt:SALT:HASH`` (hex), never the password itself.

    Parameters
    ----------
    password : str
        The password.
    salt : bytes, optional
        By default 16 random bytes.

    Returns
    -------
    str
        ``scrypt:SALT:HASH``, to give to the studio instead of the password.

    Examples
    --------
    >>> stored = hash_password("correct horse")
    >>> stored.startswith("scrypt:"), check_password("correct horse", stored)
    (True, True)
    >>> check_password("wrong", stored)
    False
    """
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt:{salt.hex()}:{digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (from :func:`hash_password`) was made of."""
    try:
        kind, salt, _ = stored.split(":")
        if kind != "scrypt":
            return False
        return hmac.compare_digest(hash_password(password, salt=bytes.fromhex(salt)), stored)
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address to listen on) is this machine only."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """Whether listening on ``host`` means every address of the machine (0.0.0.0, ::)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return host == ""


def host_name(header: str) -> str:
    """The name in a Host header, without its port or an IPv6 address's brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class Access:
    """Who may use the studio, and under which names it is reached.

    Parameters
    ----------
    token : str or None
        The secret in the address the command prints; None: no token.
    password_hash : str or None
        A password as :func:`hash_password` stores it; None: no password.
    hosts : frozenset of str
        Host names (lower case, no port) requests may carry besides the loopback ones.
    any_ip : bool
        Whether any IP address is a valid Host (listening on every address: the students
        type the machine's address; an address is never a DNS-rebinding name).
    cookie : str
        The login cookie's name; cookies are shared across ports, so the server puts its
        port in it.

    Examples
    --------
    >>> Access(token="abc").allows_host("localhost:8000")
    True
    >>> Access(token="abc").allows_host("rebind.example:8000")
    False
    """

    token: str | None = None
    password_hash: str | None = None
    hosts: frozenset[str] = frozenset()
    any_ip: bool = False
    cookie: str = "deltaprop-studio"
    login_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def open(self) -> bool:
        """True when neither a token nor a password is asked for."""
        return self.token is None and self.password_hash is None

    def allows_host(self, header: str) -> bool:
        name = host_name(header)
        if name in LOOPBACK_NAMES or name in self.hosts:
            return True
        if not self.any_ip:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def accepts_secret(self, secret: str) -> bool:
        """Whether ``secret`` is the token or the password."""
        if self.token is not None and hmac.compare_digest(secret.encode(), self.token.encode()):
            return True
        return self.password_hash is not None and check_password(secret, self.password_hash)


def same_origin(origin: str, host: str) -> bool:
    """Whether an ``Origin`` header names the server that the ``Host`` header names."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def from_this_page(headers: dict[str, str]) -> bool:
    """Whether a browser's request comes from the studio's own pages (or from no page).

    ``Sec-Fetch-Site``, which no page can set, says where a browser's request comes from;
    ``Origin`` must name this server. A form sent from a page with ``no-referrer`` (such as
    the sign-in page) carries ``Origin: null``, and counts only with ``same-origin``.
    """
    site = headers.get("sec-fetch-site")
    if site not in (None, "same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request: judged by its credentials alone
    if origin == "null":
        return site == "same-origin"
    return same_origin(origin, headers.get("host", ""))


class Guard:
    """ASGI middleware that lets through only what :class:`Access` allows (see the module)."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app, self.access = app, access
        self._failures: dict[str, list[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await self._refuse(scope, send, *refusal)
            return
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        if scope["type"] == "http" and scope["path"] == "/login":
            await self._login(scope, receive, send, headers)
            return
        if not (scope["path"] in PUBLIC_PATHS or self._signed_in(headers, token)):
            if token:
                reason = "that token is not this studio's (it is new each time the studio starts)"
                await self._refuse(scope, send, 403, reason)
            else:
                await self._refuse(scope, send, 401, "sign in first")
            return
        set_cookie = bool(token) and not self.access.open and scope["type"] == "http"
        await self.app(scope, receive, self._with_headers(scope, send, headers, set_cookie))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if not self.access.allows_host(host):
            return 403, (
                f"this studio is not served under the name {host_name(host)!r}; "
                "start it with --allow-host NAME to allow that name"
            )
        changes = scope["type"] == "websocket" or scope.get("method") not in SAFE_METHODS
        if changes and not from_this_page(headers):
            return 403, f"requests from {headers.get('origin', 'another site')} are not allowed"
        return None

    def _signed_in(self, headers: dict[str, str], token: str) -> bool:
        if self.access.open:
            return True
        if token and self.access.token is not None:
            return hmac.compare_digest(token.encode(), self.access.token.encode())
        scheme, _, secret = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "token" and self.access.token is not None:
            return hmac.compare_digest(secret.strip().encode(), self.access.token.encode())
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except CookieError:  # a malformed Cookie header is no credential
            return False
        morsel = cookies.get(self.access.cookie)
        return morsel is not None and hmac.compare_digest(
            morsel.value.encode(), self.access.login_key.encode()
        )

    def _with_headers(
        self, scope: Scope, send: Send, headers: dict[str, str], set_cookie: bool
    ) -> Send:
        extra = security_headers(headers.get("host", ""))
        if set_cookie:
            extra.append(("set-cookie", self._cookie(scope)))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in extra),
                ]
            await send(message)

        return send_with_headers

    def _cookie(self, scope: Scope) -> str:
        secure = "; Secure" if scope.get("scheme") in ("https", "wss") else ""
        return (
            f"{self.access.cookie}={self.access.login_key}; Path=/; HttpOnly; "
            f"SameSite=Strict{secure}"
        )

    async def _refuse(self, scope: Scope, send: Send, status: int, reason: str) -> None:
        if scope["type"] == "websocket":  # closing before accepting answers the handshake 403
            await send({"type": "websocket.close", "code": WEBSOCKET_REFUSED, "reason": reason})
            return
        if scope["path"].startswith("/api/"):  # the page's scripts read a JSON error
            body = json.dumps({"error": f"{reason}: reload the page", "field": "token"})
            await respond(send, status, body.encode(), security_headers(""), JSON)
            return
        await respond(send, status, sign_in_page(reason), security_headers(""))

    async def _login(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        """GET /login: the sign-in form; POST /login: check it, set the cookie, go to the page."""
        if scope["method"] != "POST":
            await respond(send, 200, sign_in_page(""), security_headers(""))
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self._too_many_failures(client):
            page = sign_in_page("too many wrong attempts: wait a minute")
            await respond(send, 429, page, security_headers(""))
            return
        body = await read_body(receive, limit=4096)
        secret = parse_qs(body.decode("utf-8", "replace")).get("secret", [""])[0]
        if not self.access.accepts_secret(secret):
            self._failures.setdefault(client, []).append(time.monotonic())
            page = sign_in_page("that is not the token or the password")
            await respond(send, 403, page, security_headers(""))
            return
        extra = [("location", "/"), ("set-cookie", self._cookie(scope))]
        await respond(send, 303, b"", [*security_headers(headers.get("host", "")), *extra])

    def _too_many_failures(self, client: str) -> bool:
        recent = [t for t in self._failures.get(client, []) if time.monotonic() - t < 60]
        self._failures[client] = recent
        return len(recent) >= FAILED_LOGINS_PER_MINUTE


def security_headers(host: str) -> list[tuple[str, str]]:
    """The headers every answer carries (the page's own sockets allowed by name)."""
    sockets = f" ws://{host} wss://{host}" if host else ""
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        f"connect-src 'self'{sockets}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    )
    return [
        ("content-security-policy", policy),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ]


async def respond(
    send: Send, status: int, body: bytes, headers: list[tuple[str, str]], media_type: str = HTML
) -> None:
    """A whole HTTP answer (a page, a JSON error, or nothing for a redirect)."""
    head = [("content-type", media_type), *headers]
    head.append(("content-length", str(len(body))))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in head],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, limit: int) -> bytes:
    """A request's body, cut at ``limit`` bytes (a sign-in form is a few dozen)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit or not message.get("more_body"):
            return body[:limit]


def sign_in_page(reason: str) -> bytes:
    """The plain page that says how to get in, with a form for the token or password."""
    note = f'<p class="error" role="alert">{html.escape(reason)}</p>' if reason else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deltaprop studio: sign in</title>
<link rel="stylesheet" href="/style.css"></head>
<body class="sign-in"><main class="panel">
<h1>deltaprop <span>studio</span></h1>
{note}
<p>This studio asks who you are. Open the address that <code>deltaprop studio</code>
printed when it started (it ends in <code>?token=…</code>), or type the token or the
password you were given:</p>
<form method="post" action="/login">
<label>token or password <input name="secret" type="password" autocomplete="current-password"
 autofocus></label> <button type="submit">Sign in</button></form>
<p>Scripts send <code>Authorization: token TOKEN</code>.</p>
</main></body></html>
""".encode()


def token_url(base: str, token: str | None) -> str:
    """The address to open: ``base`` with ``?token=...`` when there is a token."""
    return f"{base}?{urlencode({'token': token})}" if token else base


def new_token() -> str:
    """A fresh random token (48 hex digits, as Jupyter's)."""
    return secrets.token_hex(24)
