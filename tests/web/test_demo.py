"""``mentorledger web --config CFG --demo``, as `make demo` prints it: serves the demo department on
loopback, syncs it if the ledger is empty, and prints a one-time sign-in link for a demo mentor."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.web.department import csrf_of
from tests.web.server import free_socket

DEMO = ROOT / "config" / "demo" / "department.yaml"


def test_the_demo_prints_a_one_time_link_that_signs_in_a_demo_mentor(
    database_url: str, tmp_path: Path
) -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "MENTORLEDGER_DATABASE_URL": database_url}
    env.pop("MENTORLEDGER_WEB_SECRET", None)
    command = [
        str(Path(sys.executable).parent / "mentorledger"),
        "web",
        "--config",
        str(DEMO),
        "--demo",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    try:
        assert server.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Demo: open" in line for line in lines):
            lines.append(server.stdout.readline())
        printed = "".join(lines)
        found = re.search(r"Demo: open (http://127\.0\.0\.1:\d+/login/link\?token=\S+)", printed)
        assert found, printed
        with httpx.Client(follow_redirects=False, timeout=30) as client:
            for _ in range(100):  # the server starts listening just after printing the link
                try:
                    page = client.get(found.group(1))
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            assert page.status_code == 200
            token = re.search(r'name="token" value="([^"]+)"', page.text)
            assert token
            signed = client.post(
                f"http://127.0.0.1:{port}/login/link",
                data={"token": token.group(1), "csrf_token": csrf_of(page.text)},
            )
            assert signed.headers["location"] == "/me"
            overview = client.get(f"http://127.0.0.1:{port}/me")
            assert "Amara Okafor" in overview.text  # the demo's busiest mentor
            assert "Demo mode" in overview.text
    finally:
        server.terminate()
        server.wait(timeout=20)
