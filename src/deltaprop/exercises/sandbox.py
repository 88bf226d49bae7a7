"""Running a learner's code in a child process, with a time, memory and output limit.

The judge (the checker, the grader) never runs code it did not write. A forked child
runs it and sends back plain data: JSON, with arrays in NumPy's own format read back with
``allow_pickle=False``, so nothing the child sends can run code in the judge. A child that
loops, allocates without end, prints megabytes, or ends the interpreter is stopped or
noticed, and the judge reports it instead of suffering it.

Only POSIX systems can fork; elsewhere :func:`isolated` raises :class:`SandboxUnavailable`.
"""

from __future__ import annotations

import base64
import io
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MEMORY = 2**30
"""Bytes the child may allocate beyond what it inherits."""
OUTPUT = 2**20
"""Bytes of printed output after which the child is stopped."""
SHOWN_OUTPUT = 4000
MESSAGE = 256 * 2**20
LARGEST_ARRAY = 32 * 2**20


class SandboxUnavailable(OSError):
    """Raised where the system cannot fork a child process for the learner's code."""


@dataclass
class Run:
    """What came back from a child: its messages and how it ended."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    ended: str = "done"
    """``done``, ``timed-out``, ``output-limit``, ``killed`` or ``exited``."""
    detail: str = ""
    output: str = ""
    seconds: float = 0.0


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-able form of a learner's answer (arrays as .npy bytes, no pickle)."""
    if value is None:
        return {"none": True}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.nbytes > LARGEST_ARRAY:
            return {"unsent": f"array of shape {value.shape} and dtype {value.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, (tuple, list)) and depth < 3:
        return {
            "seq": [encode(v, depth + 1) for v in value[:64]],
            "tuple": isinstance(value, tuple),
        }
    if isinstance(value, (bool, int, float, np.number)):
        return {"number": float(value), "type": type(value).__name__}
    return {"other": type(value).__name__, "repr": repr(value)[:200]}


class Other:
    """A value the learner returned that is neither array, sequence, number nor None."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def decode(data: Any) -> Any:
    """The answer back from :func:`encode`'s form; never runs code (no pickle)."""
    if not isinstance(data, dict):
        return Other("object", "?")
    if "npy" in data:
        return np.load(io.BytesIO(base64.b64decode(data["npy"])), allow_pickle=False)
    if "seq" in data:
        items = [decode(v) for v in data["seq"]]
        return tuple(items) if data.get("tuple") else items
    if "number" in data:
        return (
            data["number"]
            if data.get("type") == "float"
            else Other(str(data.get("type")), repr(data["number"]))
        )
    if "none" in data:
        return None
    return Other(str(data.get("other", "object")), str(data.get("repr", data.get("unsent"))))


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _child(
    work: Callable[[Callable[[dict], None]], None],
    send: Any,
    output: str,
    timeout: float,
    memory: int,
) -> None:
    import resource

    os.setpgrp()
    size = _virtual_size()
    if size and memory:
        resource.setrlimit(resource.RLIMIT_AS, (size + memory, size + memory))
    cpu = int(timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT, OUTPUT))
    fd = os.open(output, os.O_WRONLY | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    sys.stdin = open(0, closefd=False)
    code = 0
    try:
        work(lambda message: send.send_bytes(json.dumps(message).encode("utf-8")))
        send.send_bytes(b'{"done": true}')
    except BaseException as err:
        code = 3
        try:
            send.send_bytes(json.dumps({"crashed": f"{type(err).__name__}: {err}"}).encode())
        except BaseException:
            pass
    finally:
        sys.stdout.flush()
        os._exit(code)


def _read_output(path: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read(SHOWN_OUTPUT + 1)
    text = data[:SHOWN_OUTPUT].decode("utf-8", errors="replace")
    return text + ("\n[...]" if len(data) > SHOWN_OUTPUT else "")


def _messages(receive: Any, child: Any, deadline: float) -> Iterator[dict[str, Any] | str]:
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not receive.poll(left):
            if time.monotonic() >= deadline:
                yield "timed-out"
                return
            continue
        try:
            data = receive.recv_bytes(MESSAGE)
        except (EOFError, OSError):
            yield "eof"
            return
        try:
            message = json.loads(data)
        except ValueError:
            message = {"crashed": "the child sent something unreadable"}
        yield message if isinstance(message, dict) else {"crashed": "unreadable"}


def isolated(
    work: Callable[[Callable[[dict], None]], None], *, timeout: float = 10.0, memory: int = MEMORY
) -> Run:
    """Run ``work(send)`` in a forked child; ``send`` takes JSON-able dicts.

    The child gets ``timeout`` seconds in all, ``memory`` bytes beyond what it inherits and
    :data:`OUTPUT` bytes of printing; its standard input is empty.
    """
    if not hasattr(os, "fork"):
        raise SandboxUnavailable(
            "the learner's code runs in a forked child process, and "
            "this system cannot fork (use Linux or macOS)"
        )
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    handle, output = tempfile.mkstemp(prefix="deltaprop-output-")
    os.close(handle)
    child = context.Process(target=_child, args=(work, send, output, timeout, memory), daemon=True)
    started = time.monotonic()
    run = Run()
    try:
        child.start()
        send.close()
        for message in _messages(receive, child, started + timeout):
            if message == "timed-out":
                run.ended = "timed-out"
                break
            if message == "eof":
                child.join(2)
                run.ended, run.detail = _ending(child.exitcode)
                break
            assert isinstance(message, dict)
            if message.get("done"):
                break
            if "crashed" in message:
                run.ended, run.detail = "exited", str(message["crashed"])
                break
            run.messages.append(message)
    finally:
        _stop(child)
        receive.close()
        run.seconds = time.monotonic() - started
        run.output = _read_output(output)
        os.unlink(output)
    return run


def _ending(code: int | None) -> tuple[str, str]:
    if code is not None and code < 0:
        if -code == getattr(signal, "SIGXFSZ", -1):
            return "output-limit", f"it printed more than {OUTPUT // 2**20} MB"
        if -code == getattr(signal, "SIGXCPU", -1):
            return "timed-out", "it used up its CPU time"
        return "killed", f"the process was killed by signal {signal.Signals(-code).name}"
    return "exited", f"the code ended the Python process (exit code {code})"


def _stop(child: Any) -> None:
    if child.is_alive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            child.kill()
    child.join(5)
