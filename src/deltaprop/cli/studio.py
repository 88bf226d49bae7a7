"""``deltaprop studio``: the studio in the browser (needs the ``studio`` extra)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from ..files.serialization import load
from .common import with_extra

TOKEN_VARIABLE, PASSWORD_VARIABLE = "DELTAPROP_STUDIO_TOKEN", "DELTAPROP_STUDIO_PASSWORD"


def add_parser(sub: Any) -> None:
    """Register the command."""
    studio = sub.add_parser(
        "studio",
        help="open the studio in the browser: watch networks learn, δ flow backward",
        description="Serve the studio. By default it listens on 127.0.0.1 only and asks for "
        "a random token, which is in the address it prints and opens.",
    )
    studio.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    studio.add_argument("--port", type=int, help="port (default: a free one)")
    studio.add_argument("--model", help="a saved model to open in the digits part")
    studio.add_argument("--no-browser", action="store_true", help="do not open a browser")
    who = studio.add_argument_group("who may use it")
    who.add_argument(
        "--token", help=f"the token to ask for (default: ${TOKEN_VARIABLE}, else a random one)"
    )
    who.add_argument(
        "--no-token",
        action="store_true",
        help="ask for nothing (only on 127.0.0.1; prints a warning)",
    )
    who.add_argument(
        "--password",
        action="store_true",
        help=f"also accept a password, typed at start (or ${PASSWORD_VARIABLE}); kept hashed",
    )
    who.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name the studio is reached by besides localhost and --host "
        "(e.g. behind a reverse proxy); repeatable",
    )
    who.add_argument("--certfile", help="serve HTTPS with this certificate (PEM)")
    who.add_argument("--keyfile", help="the certificate's private key (PEM)")
    limits = studio.add_argument_group("limits (for a class)")
    limits.add_argument("--max-sessions", type=int, default=8, help="open tabs at most (8)")
    limits.add_argument(
        "--sessions-per-client",
        type=int,
        help="open tabs per computer at most (default: 3, or --max-sessions on 127.0.0.1)",
    )
    limits.add_argument(
        "--idle-timeout",
        type=float,
        default=60.0,
        metavar="MINUTES",
        help="close a tab's session after this many minutes unused (60; 0: never)",
    )
    studio.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the studio and serve it until Ctrl-C."""
    if args.port is not None and not 0 < args.port < 65536:
        raise ValueError(f"--port must be from 1 to 65535, got {args.port}")
    if args.max_sessions < 1 or (args.sessions_per_client or 1) < 1:
        raise ValueError("--max-sessions and --sessions-per-client must be at least 1")
    if args.idle_timeout < 0:
        raise ValueError(f"--idle-timeout must be >= 0 minutes, got {args.idle_timeout:g}")
    studio = with_extra("studio", "studio", "the studio")
    model = load(args.model) if args.model else None
    if model is not None:
        studio.digits.check_digit_model(model)
    serving = studio.Serving(
        host=args.host,
        port=args.port,
        token=args.token or os.environ.get(TOKEN_VARIABLE) or None,
        no_token=args.no_token,
        password=read_password() if args.password else None,
        allow_hosts=tuple(args.allow_host),
        certfile=args.certfile,
        keyfile=args.keyfile,
    )
    local = studio.guard.is_loopback(args.host)
    per_client = args.sessions_per_client or (args.max_sessions if local else 3)
    caps = studio.Caps(
        sessions=args.max_sessions,
        sessions_per_client=min(per_client, args.max_sessions),
        idle_seconds=args.idle_timeout * 60,
    )
    studio.serve(serving, open_browser=not args.no_browser, model=model, caps=caps)
    return 0


def read_password() -> str:
    """The password: from the environment, else typed twice at the terminal."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise ValueError(f"--password: set {PASSWORD_VARIABLE}, or run it in a terminal")
        password = getpass.getpass("studio password: ")
        if getpass.getpass("again: ") != password:
            raise ValueError("the two passwords differ")
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    return password
