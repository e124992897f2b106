"""The configuration file: a department's roster, relationships, groups and calendars.

Loaded from YAML into pydantic models. A bad file never gets half-loaded: every problem is collected and
reported as one line ``FILE:LINE: key.path: reason`` so a faculty-affairs administrator can fix them all
in one pass. Unknown keys are errors (a typo such as ``relationship:`` must not silently drop data).

The package splits the job: ``base`` (strict model, e-mail, time zone), ``models`` (roster, groups,
reports, ``Config``), ``calendars`` (the union of calendar sources and their settings), ``checks``
(cross-references) and ``loading`` (YAML with line numbers, problem lines). Every public name is
importable from ``mentorledger.config``.
"""

from mentorledger.config.base import Email, TimeZoneName, normalize_email
from mentorledger.config.calendars import (
    KINDS,
    CaldavCalendar,
    CalendarSource,
    GoogleCalendar,
    GoogleSettings,
    IcsCalendar,
    M365Calendar,
    MicrosoftSettings,
    is_url,
    missing_calendar_files,
    resolve_ics_reference,
)
from mentorledger.config.loading import (
    check_config,
    describe_problem,
    describe_problems,
    load_config,
    parse_yaml,
)
from mentorledger.config.models import (
    DEFAULT_FTE_BASIS_HOURS,
    ActionItem,
    AgendaKind,
    AgendaSection,
    Attestation,
    Config,
    Counting,
    CreditPeriod,
    Department,
    Group,
    HolidayCalendar,
    Imap,
    MemberInventory,
    Objective,
    ObjectiveStatus,
    Oidc,
    Person,
    Rank,
    Relationship,
    RelationshipKind,
    SelfReported,
    Smtp,
    SyncSettings,
    Web,
    Window,
)

__all__ = [
    "DEFAULT_FTE_BASIS_HOURS",
    "KINDS",
    "ActionItem",
    "AgendaKind",
    "AgendaSection",
    "Attestation",
    "CaldavCalendar",
    "CalendarSource",
    "Config",
    "Counting",
    "CreditPeriod",
    "Department",
    "Email",
    "GoogleCalendar",
    "GoogleSettings",
    "Group",
    "HolidayCalendar",
    "IcsCalendar",
    "Imap",
    "M365Calendar",
    "MemberInventory",
    "MicrosoftSettings",
    "Objective",
    "ObjectiveStatus",
    "Oidc",
    "Person",
    "Rank",
    "Relationship",
    "RelationshipKind",
    "SelfReported",
    "Smtp",
    "SyncSettings",
    "TimeZoneName",
    "Web",
    "Window",
    "check_config",
    "describe_problem",
    "describe_problems",
    "is_url",
    "load_config",
    "missing_calendar_files",
    "normalize_email",
    "parse_yaml",
    "resolve_ics_reference",
]
