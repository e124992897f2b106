"""Processes of a real mentorledger service for the end-to-end test: a Prefect server, workers, feeds.

Every process starts in its own session (process group) and is stopped by that group's id, first
politely, then with SIGKILL, so nothing the test started outlives it and nothing else is touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    _handle: IO[bytes]

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL the whole process group at once: a machine or container dying mid-batch."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
        # Children that ignored SIGTERM (a flow-run subprocess of the worker) go with the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._handle.close()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Stack:
    """The processes one test started, stopped in reverse order."""

    root: Path
    logs: Path
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)

    def start(self, name: str, *args: str, extra_env: Mapping[str, str] | None = None) -> Service:
        log = self.logs / f"{name}.log"
        handle = log.open("wb")
        process = subprocess.Popen(
            list(args),
            cwd=self.root,
            env={**self.env, **(extra_env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        service = Service(name, process, log, handle)
        self.services.append(service)
        return service

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """A short command (CLI call) in the stack's environment; fails the test on a non-zero exit."""
        result = subprocess.run(
            list(args), cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def diagnostics(self) -> str:
        return "\n\n".join(f"== {s.name} ==\n{s.tail()}" for s in self.services)


def wait_until(condition: Any, *, timeout: float, interval: float = 0.5, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class SlowFeeds:
    """Loopback ICS feeds that answer after ``delay`` seconds, so batches are in flight long enough."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calendars: dict[str, bytes] = {}
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(feeds.delay)
                body = feeds.calendars.get(self.path.lstrip("/"))
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client killed mid-request (the SIGKILLed task worker) is expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> SlowFeeds:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
