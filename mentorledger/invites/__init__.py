"""Peer-group invites: schedules, agendas, iTIP calendar objects, iMIP e-mail, delivery and bookkeeping.

Modules have one job each: ``schedule`` (cadence -> dated sessions), ``agenda`` (a session's plan),
``ics_build`` (REQUEST / CANCEL / PUBLISH calendars), ``mime`` (the e-mail), ``delivery`` (SMTP),
``store`` (what was sent, for idempotence and SEQUENCE), ``plan`` (what to send now).
"""
