"""Where a feed's redirect may lead: relative addresses resolved, never from https to plain http,
and a loop reported as a loop."""

from __future__ import annotations

import pytest

from mentorledger.errors import SourceError
from mentorledger.sources.ics.fetch import _next_hop, retry_after_seconds


def test_a_relative_redirect_resolves_against_the_current_address() -> None:
    seen: set[str] = set()
    assert _next_hop("https://cal.example.edu/a/feed.ics", "../b/feed.ics", seen, "w") == (
        "https://cal.example.edu/b/feed.ics"
    )
    assert seen == {"https://cal.example.edu/b/feed.ics"}


def test_a_redirect_from_https_to_http_is_refused() -> None:
    with pytest.raises(SourceError, match="from https to plain http"):
        _next_hop("https://cal.example.edu/feed.ics", "http://cal.example.edu/feed.ics", set(), "w")


def test_a_redirect_back_to_an_address_already_visited_is_a_loop() -> None:
    seen = {"https://cal.example.edu/a.ics"}
    with pytest.raises(SourceError, match="redirects in a loop"):
        _next_hop("https://cal.example.edu/b.ics", "/a.ics", seen, "w")


@pytest.mark.parametrize(("header", "seconds"), [("120", 120.0), (None, None), ("soon", None)])
def test_retry_after_is_read_as_seconds(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds
