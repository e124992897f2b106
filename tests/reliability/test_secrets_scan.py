"""No output of the application holds a configured secret, a feed token, an event title or an event
description: the logs of a sync (every logger, at DEBUG), the commands' terminal output, the reports
in every format, the exports, the invite e-mails and a dump of every table of the ledger.

The scanner reads each output the way a person would (text inside PDF, XLSX and DOCX files, decoded
e-mail parts), and a positive control proves it: text that must appear (the institution's and the
department's names, planted markers) is found in every output it scans, and a deliberately leaking
log line is caught. Only then does "no marker found" mean something.
"""

from __future__ import annotations

import datetime as dt
import email
import html
import io
import json
import logging
import zipfile
from email import policy
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import MetaData, select

from mentorledger.config import load_config
from mentorledger.invites.plan import plan_group
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from tests.clirunner import run_cli

TITLE = "Zebracorn strategy talk"  # titles and descriptions: never stored, logged or reported
DESCRIPTION = "Quagmire agenda notes"
TOKEN = "feedtoken-6c1f0e9a7d"  # in a feed URL's query
SMTP_PASSWORD = "smtp-pw-Xy7Qk2"  # from the environment
SECRETS = (TITLE, DESCRIPTION, TOKEN, SMTP_PASSWORD)
INSTITUTION = "Plantedmarker School of Medicine"  # must appear in every report, export and e-mail
ANA, BEN = "ana@med.example.edu", "ben@med.example.edu"


def readable(path: Path) -> str:
    """What a person reading the file would see, whatever its format."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return html.unescape(
                "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
            )
    if path.suffix == ".eml":
        message = email.message_from_bytes(data, policy=policy.default)
        parts = [str(v) for v in message.values()]
        parts += [str(p.get_content()) for p in message.walk() if not p.is_multipart()]
        return data.decode("utf-8", "replace") + "\n".join(parts)
    return data.decode("utf-8", "replace")


def found(text: str) -> list[str]:
    """The secrets that ``text`` holds (any case: a title must not leak lower-cased either)."""
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


def department(root: Path) -> Path:
    event = (
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=America/New_York:{day}T100000\r\nDURATION:PT1H\r\n"
        f"SUMMARY:{TITLE} #mentoring\r\nDESCRIPTION:{DESCRIPTION}\r\n"
        f"ORGANIZER:mailto:{ANA}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}\r\nEND:VEVENT\r\n"
    )
    events = "".join(event.format(uid=f"s{i}@x", day=f"202509{i + 10:02d}") for i in range(5))
    (root / "ana.ics").write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n", "utf-8")
    config = root / "department.yaml"
    config.write_text(
        f"institution: {INSTITUTION}\ntimezone: America/New_York\n"
        "window: {start: 2025-07-01, end: 2026-06-30}\ncounting: {tags: ['#mentoring']}\n"
        "people:\n"
        f"  - {{email: {ANA}, name: Ana Plantedmarker, department: Plantedmarker Pediatrics, rank: professor}}\n"
        f"  - {{email: {BEN}, name: Ben Okafor, department: Plantedmarker Pediatrics, rank: instructor}}\n"
        f"relationships:\n  - {{mentor: {ANA}, mentee: {BEN}, kind: dyad, start: 2025-07-01}}\n"
        "smtp: {host: 127.0.0.1, port: 2525, security: none}\n"
        "groups:\n  - {id: circle, name: Plantedmarker Circle, members: [" + f"{ANA}, {BEN}" + "],"
        " cadence: every 2 weeks on Tuesday, first_session: 2025-09-02, start_time: '10:00',"
        f" duration_minutes: 60, organizer: {ANA}}}\n"
        f"calendars:\n  - {{owner: {ANA}, ics: ana.ics}}\n"
        f"  - {{owner: {BEN}, ics: 'https://feeds.invalid/ben.ics?token={TOKEN}'}}\n",
        encoding="utf-8",
    )
    return config


def ledger_dump(database_url: str) -> str:
    """Every row of every table, as text."""
    engine = Ledger.open(database_url).engine
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            repr(row) for table in tables.sorted_tables for row in connection.execute(select(table))
        )


def test_no_output_holds_a_secret_a_token_a_title_or_a_description(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("MENTORLEDGER_SMTP_PASSWORD", SMTP_PASSWORD)
    config_path = department(tmp_path)
    config = load_config(config_path)
    caplog.set_level(logging.DEBUG)
    context = SyncContext(
        config=config, ledger=Ledger.open(database_url), run_id="scan", sleep=lambda _s: None
    )
    outcomes = {o.owner: o.outcome for o in sync_batch(context, config.calendars)}
    assert outcomes == {ANA: "synced", BEN: "failed"}  # the token's calendar failed, and said why
    logging.getLogger("mentorledger").error("control: %s", TITLE)  # the deliberately leaking line

    outputs: dict[str, str] = {"log": caplog.text}
    commands = {
        "hours json": ["hours", "--format", "json"],
        "hours csv": ["hours", "--format", "csv"],
        "hours table": ["hours"],
        "status": ["status"],
        "status json": ["status", "--format", "json"],
        "validate": ["validate"],
    }
    out = tmp_path / "out"
    files = {
        "report chair": [
            "report",
            "chair",
            "--department",
            "Plantedmarker Pediatrics",
            "--out",
            str(out / "r"),
        ],
        "report school": ["report", "school", "--out", str(out / "s")],
        "report dossier": ["report", "dossier", "--mentor", ANA, "--out", str(out / "d")],
        "export json": ["export", "json", "--out", str(out / "e")],
        "export far": ["export", "far", "--out", str(out / "e")],
        "export watermark": ["export", "watermark", "--out", str(out / "e")],
    }
    for name, args in {**commands, **files}.items():
        result = run_cli(capsys, *args, "--config", str(config_path))
        assert result.code in (0, 1), (name, result.stderr)
        outputs[name] = result.stdout + result.stderr
    for path in sorted(out.rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(out))] = readable(path)
    plan = plan_group(
        config,
        config.groups[0],
        sent={},
        now=dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC),
        horizon=dt.timedelta(days=14),
        sender="bot@med.example.edu",
    )
    for i, message in enumerate(m.message for u in plan.updates for m in u.messages):
        (tmp_path / f"invite{i}.eml").write_bytes(message.as_bytes())
        outputs[f"invite{i}.eml"] = readable(tmp_path / f"invite{i}.eml")
    outputs["ledger"] = ledger_dump(database_url)

    # Positive control: the scanner sees the text of every format, and catches the planted leak.
    reports = [name for name in outputs if "." in name and not name.endswith(".json")]
    assert {Path(n).suffix for n in reports} >= {".html", ".pdf", ".xlsx", ".csv", ".docx", ".md", ".eml"}
    for name in reports:
        assert "Plantedmarker" in outputs[name], f"the scanner cannot read {name}"
    assert found(outputs["log"]) == [TITLE]
    outputs["log"] = outputs["log"].replace(f"control: {TITLE}", "")

    leaks = {name: found(text) for name, text in outputs.items() if found(text)}
    assert leaks == {}
    mentors = json.loads(outputs["hours json"])["mentors"]
    assert [m["minutes"] for m in mentors if m["email"] == ANA] == [300]  # the meetings were counted
