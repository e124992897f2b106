"""What every request handler shares: configuration, ledger, settings, roles, templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from jinja2 import Environment

from mentorledger.config import Config
from mentorledger.explain import Roster
from mentorledger.store.ledger import Ledger
from mentorledger.sync import calendar_ref
from mentorledger.web.roles import Directory
from mentorledger.web.settings import WebSettings

# (address, name, url): sends or prints one sign-in link.
LinkDelivery = Callable[[str, str, str], None]


@dataclass
class WebContext:
    config: Config
    ledger: Ledger
    settings: WebSettings
    templates: Environment
    deliver_link: LinkDelivery
    directory: Directory = field(init=False)
    roster: Roster = field(init=False)
    calendar_keys: list[str] = field(init=False)
    oidc: Any = None  # the Authlib client when web.oidc is configured

    def __post_init__(self) -> None:
        self.directory = Directory.of(self.config)
        self.roster = Roster.of(self.config)
        self.calendar_keys = [calendar_ref(source).calendar_key for source in self.config.calendars]


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context
