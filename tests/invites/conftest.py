"""Fixtures for the invite tests: a department with one peer group, and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from mentorledger.config import Config, load_config

MEMBERS = [
    ("ana@med.example.edu", "Ana Ruiz"),
    ("ben@med.example.edu", "Ben Okafor"),
    ("cy@med.example.edu", "Cy Tran"),
    ("dee@med.example.edu", "Dee Patel"),
    ("eli@med.example.edu", "Eli Moreno"),
    ("fay@med.example.edu", "Fay Chen"),
]


def department_yaml(
    *,
    group_extra: str = "",
    members: list[str] | None = None,
    cadence: str = "every 2 weeks on Tuesday",
    first_session: str = "2025-09-02",
    start_time: str = "'10:00'",
    smtp_port: int | None = None,
    names: dict[str, str] | None = None,
    organizer: str = "ana@med.example.edu",
) -> str:
    names = {**dict(MEMBERS), **(names or {})}
    people = "\n".join(
        f'  - {{email: {email}, name: "{name}", department: Medicine, rank: assistant_professor}}'
        for email, name in names.items()
    )
    chosen = members or [email for email, _ in MEMBERS]
    smtp = f"smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}\n" if smtp_port else ""
    group = (
        "    mission: Advance the careers of URiM faculty through peer support.\n"
        "    goals: [Submit one first-author paper each year, Prepare for promotion]\n"
        f"    cadence: {cadence}\n"
        f"    first_session: {first_session}\n"
        f"    start_time: {start_time}\n"
        "    duration_minutes: 60\n"
        "    location: Room 4B, Research Building\n"
        "    video_link: https://meet.example.edu/urim\n"
        f"    organizer: {organizer}\n"
    )
    return (
        "institution: Test School of Medicine\n"
        "timezone: America/New_York\n"
        "window: {start: 2025-07-01, end: 2026-06-30}\n"
        f"{smtp}"
        f"people:\n{people}\n"
        "groups:\n"
        "  - id: urim-circle\n"
        "    name: URiM Peer Circle\n"
        f"    members: [{', '.join(chosen)}]\n"
        f"{_overridden(group, group_extra)}"
    )


def _overridden(group: str, extra: str) -> str:
    """The group's keys with ``extra`` added; a key ``extra`` gives again replaces the one above (a
    key written twice is an error in a configuration file)."""
    given = {line.split(":", 1)[0] for line in extra.splitlines() if line.startswith("    ") and ":" in line}
    kept = [line for line in group.splitlines(keepends=True) if line.split(":", 1)[0] not in given]
    return "".join(kept) + extra


def write_department(tmp_path: Path, **kwargs: Any) -> Path:
    path = tmp_path / "dept.yaml"
    path.write_text(department_yaml(**kwargs), encoding="utf-8")
    return path


def load_department(tmp_path: Path, **kwargs: Any) -> Config:
    return load_config(write_department(tmp_path, **kwargs))


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    over_tls: bool
    login: str | None


@dataclass
class Recorder:
    """An SMTP handler that records messages; the first ``fail_first`` DATA commands get ``reply``."""

    fail_first: int = 0
    reply: str = "451 4.3.0 Temporary failure, try again"
    calls: int = 0
    messages: list[Received] = field(default_factory=list)
    password: bytes = b"correct horse"  # what AUTH accepts

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.calls += 1
        if self.calls <= self.fail_first:
            return self.reply
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                session.ssl is not None,
                login,
            )
        )
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> AuthResult:
        if isinstance(auth, LoginPassword) and auth.password == self.password:
            return AuthResult(success=True, auth_data=auth.login)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    port: int
    handler: Recorder


@contextmanager
def running_smtp(handler: Recorder | None = None, **options: Any) -> Iterator[SmtpServer]:
    """A real aiosmtpd server on 127.0.0.1, on a free port chosen by the OS."""
    handler = handler or Recorder()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> asyncio.Server:
        return await loop.create_server(
            lambda: SMTP(
                handler, hostname="localhost", loop=loop, authenticator=handler.authenticate, **options
            ),
            host="127.0.0.1",
            port=0,
        )

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    try:
        yield SmtpServer(server.sockets[0].getsockname()[1], handler)
    finally:

        async def stop() -> None:  # on the server's own loop: asyncio servers are not thread-safe
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on loopback (AUTH offered without TLS, as a local relay might)."""
    with running_smtp(auth_require_tls=False) as server:
        yield server
