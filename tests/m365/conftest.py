"""The Graph stand-in over HTTPS with its own CA, trusted the standard way (SSL_CERT_FILE for httpx,
REQUESTS_CA_BUNDLE for msal's requests), and the app's client secret in the environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.m365.server import FakeGraph, serve
from tests.tls import make_test_ca


@dataclass
class Graph:
    service: FakeGraph
    base: str


@pytest.fixture
def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Graph]:
    ca = make_test_ca(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.ca_file))
    for name in ("MENTORLEDGER_MICROSOFT_CERTIFICATE", "MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK"):
        monkeypatch.delenv(name, raising=False)
    for name in ("MENTORLEDGER_MICROSOFT_AUTHORITY", "MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    service = FakeGraph()
    assert service.secret is not None
    monkeypatch.setenv("MENTORLEDGER_MICROSOFT_CLIENT_SECRET", service.secret)
    with serve(service, ca) as base:
        yield Graph(service, base)
