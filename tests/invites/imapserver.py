"""A real IMAP server for the tests: Debian's dovecot, run in the foreground on a free loopback port.

Everything it needs is generated into a fresh directory: the configuration, a password file with one
test user, the user's Maildir, logs and runtime sockets. It never touches the system's dovecot (its
own ``base_dir``; no port 143 or 993), and stops with the fixture. Installed by ``.ci/run``
(``dovecot-imapd``) when missing.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message into a folder, as the mail server would on delivery."""
        with self.client() as client:
            client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)

    def messages(self, folder: str) -> list[bytes]:
        with self.client() as client:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = client.uid("SEARCH", "ALL")
            out = []
            for uid in data[0].split():
                _, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
                first = fetched[0]
                assert isinstance(first, tuple)
                out.append(first[1])
            return out

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accounts() -> tuple[str, str, int, int]:
    """(login user, internal user, mail uid, mail gid): unprivileged accounts dovecot accepts."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")
    login = pwd.getpwnam("dovenull")
    return login.pw_name, internal.pw_name, internal.pw_uid, internal.pw_gid


@contextmanager
def running_imap(
    user: str = "organizer@med.example.edu", password: str = "imap-test-pw"
) -> Iterator[ImapServer]:
    """dovecot in the foreground on 127.0.0.1 with one user; stopped and removed afterwards."""
    login_user, internal_user, uid, gid = _accounts()
    root = Path(tempfile.mkdtemp(prefix="ml-dovecot-"))
    root.chmod(0o755)  # the mail processes run as an unprivileged user
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(root / sub, uid, gid)
    (root / "users").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
    process = None
    try:
        for _attempt in range(5):
            port = _free_port()
            (root / "dovecot.conf").write_text(
                _CONFIG.format(
                    root=root, port=port, login_user=login_user, internal_user=internal_user, uid=uid, gid=gid
                ),
                encoding="utf-8",
            )
            process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            server = ImapServer("127.0.0.1", port, user, password, root)
            if _wait_ready(server, process):
                break
            process.kill()
            process.wait(timeout=10)
            process = None
        if process is None:
            raise RuntimeError(f"dovecot did not start: {server.log()[-2000:]}")
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: ImapServer, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with server.client():
                return True
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    return False
