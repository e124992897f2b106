"""Microsoft 365 (Exchange Online) calendars through Microsoft Graph v1.0: app-only tokens from
Microsoft Entra ID (msal), ``calendarView/delta`` over the window, and Graph events mapped onto
``Instance`` objects with the same keys an ICS export of the mailbox gives."""

from mentorledger.sources.m365.source import M365Source

SOURCE = M365Source()
