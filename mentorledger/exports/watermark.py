"""Watermark Faculty Success (formerly Digital Measures Activity Insight): mentoring activities as an
XML import for one data-collection screen, and sending it over the Faculty Success REST API.

What the shape rests on (Watermark's "Faculty Success API" and "How to Request a Web API Account"
articles, Digital Measures' "Activity Insight REST API: Concepts and Getting Started", and a public
client of that API): a service account with Data write access authenticates with HTTP Basic; data is
imported by POSTing XML to ``<base>/SchemaData/<schema key>`` (e.g. ``INDIVIDUAL-ACTIVITIES-University``)
in the shape ``<Data><Record username="..."><SCREEN><FIELD>value</FIELD>...</SCREEN></Record></Data>``,
one element per screen record; screen and field keys are upper case and each institution's own, so
they come from a mapping file (``config/exports/watermark-mentoring.yaml``). Watermark recommends
testing against the Beta environment and its Validate resources first: point the endpoint there.

The endpoint and the service account come from the environment only, never from a file, and are
never logged: ``MENTORLEDGER_WATERMARK_URL`` (the base, e.g.
``https://webservices.digitalmeasures.com/login/service/v4``), ``MENTORLEDGER_WATERMARK_USERNAME``,
``MENTORLEDGER_WATERMARK_PASSWORD``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from mentorledger.errors import UserError
from mentorledger.exports.activities import ActivityRow
from mentorledger.exports.mapping import WatermarkMapping

URL_ENV = "MENTORLEDGER_WATERMARK_URL"
USER_ENV = "MENTORLEDGER_WATERMARK_USERNAME"
PASSWORD_ENV = "MENTORLEDGER_WATERMARK_PASSWORD"
CONTENT_TYPE = "text/xml; charset=utf-8"


class ImportRefusedError(UserError):
    """Faculty Success could not be reached or refused the import: the file is written, the records are
    not in Watermark (exit status 1, like a calendar that could not be synced)."""

    exit_code = 1


TIMEOUT_SECONDS = 60.0


def watermark_xml(rows: Sequence[ActivityRow], mapping: WatermarkMapping) -> bytes:
    """``<Data>`` with one ``<Record username=...>`` per faculty member and one screen element per row."""
    by_user: dict[str, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        email = row.person.email
        by_user[email if mapping.username == "email" else email.split("@")[0]].append(row)
    data = ET.Element("Data")
    for username, records in by_user.items():
        record = ET.SubElement(data, "Record", {"username": username})
        for row in records:
            screen = ET.SubElement(record, mapping.screen)
            for item in mapping.fields:
                ET.SubElement(screen, item.name).text = item.of(row)
    ET.indent(data)
    document: bytes = ET.tostring(data, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str  # where the XML is POSTed
    username: str
    password: str

    @property
    def shown(self) -> str:
        """Safe to print: scheme and host only (a path can carry an institution's tokens)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"


def endpoint_from_environment(mapping: WatermarkMapping, environ: dict[str, str] | None = None) -> Endpoint:
    env = os.environ if environ is None else environ
    missing = [name for name in (URL_ENV, USER_ENV, PASSWORD_ENV) if not env.get(name)]
    if missing:
        raise UserError(
            f"sending to Watermark needs {', '.join(missing)} in the environment (the API base URL and "
            "the service account); or leave out --send to write the XML only"
        )
    base = env[URL_ENV].rstrip("/")
    if not base.lower().startswith(("https://", "http://")):
        raise UserError(
            f"{URL_ENV} must be an http(s) URL, e.g. https://webservices.digitalmeasures.com/login/service/v4"
        )
    return Endpoint(f"{base}/SchemaData/{mapping.schema_key}", env[USER_ENV], env[PASSWORD_ENV])


def send(xml: bytes, endpoint: Endpoint, *, client: httpx.Client | None = None) -> int:
    """POST the import; returns the HTTP status. Not retried: a repeated import would add the records
    twice, so a failure is reported and the user sends again once it is fixed."""
    owned = client is None
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS)
    try:
        response = http.post(
            endpoint.url,
            content=xml,
            headers={"Content-Type": CONTENT_TYPE, "Accept": "text/xml"},
            auth=(endpoint.username, endpoint.password),
        )
    except httpx.HTTPError as exc:
        raise ImportRefusedError(
            f"Watermark at {endpoint.shown} could not be reached ({exc.__class__.__name__}); check "
            f"{URL_ENV} and the network, then send again"
        ) from None
    finally:
        if owned:
            http.close()
    if response.status_code in (401, 403):
        raise ImportRefusedError(
            f"Watermark refused the service account ({response.status_code}) at {endpoint.shown}; check "
            f"{USER_ENV} and {PASSWORD_ENV} and that the account may write data"
        )
    if response.status_code >= 300:
        raise ImportRefusedError(
            f"Watermark answered {response.status_code} at {endpoint.shown}: {_message(response.text)}; "
            "nothing was imported (the import is all or nothing); fix the mapping or the data and send again"
        )
    return response.status_code


def _message(body: str) -> str:
    """The first error message of a Faculty Success error response, else the start of the body."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return " ".join(body.split())[:200] or "no message"
    texts = [" ".join(e.text.split()) for e in root.iter() if e.text and e.text.strip()]
    return (texts[0] if texts else root.tag)[:200]
