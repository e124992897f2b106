"""Golden test: the bundled demo department (config/demo/) counted end to end, without Prefect.

Every expected number below was worked out by hand from the ICS files under the published rules
(SPEC "Counting rules v1"), meeting by meeting, not copied from the program's output. Window:
[2025-07-01 00:00, 2026-07-01 00:00) America/New_York. EDT = UTC-4 until 2025-11-02 and from
2026-03-08; EST = UTC-5 in between. "entries" = distinct counted occurrences with a minute in the window.
If a number here disagrees with the code, re-derive it from the files before touching it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mentorledger.config import check_config, load_config
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo" / "department.yaml"
DOMAIN = "@riverside-med.example.edu"

# Recurring meetings that several calendars share:
# URiM circle lunch: 2nd Thursday 12:00-13:00 New York, COUNT=9 -> Sep 11, Oct 9, Nov 13, Dec 11, Jan 8,
#   Feb 12, Mar 12, Apr 9, May 14 = 9 x 60 = 540 (6 URiM members invited -> group on every member's calendar).
# WIM evening session: 3rd Wednesday 17:30-18:30, COUNT=7 -> Oct 15, Nov 19, Dec 17, Jan 21, Feb 18,
#   Mar 18, Apr 15 = 7 x 60 = 420 (6 WIM members invited -> group).
EXPECTED: dict[str, dict[str, int]] = {
    # okafor.ics (Google; groups: urim + wim; mentees: kobayashi from 2025-07-01, alvarez from 2025-09-01)
    "amara.okafor": {
        # URiM lunch series                                                        9 x 60 = 540
        # WIM series: Okafor's own ATTENDEE is PARTSTAT=DECLINED                   -> 0
        "group": 540,
        # "Hana / Amara 1:1" Tue 16:00-16:45, Sep 16 .. Dec 16 (UNTIL) = 14 Tuesdays (crosses Nov 2 DST);
        #   EXDATE Nov 25 -> 13; Nov 4 moved to Wed Nov 5 12:00-13:00:      12 x 45 + 60 = 600
        # "Sponsorship check-in" Oct 8 19:00Z-19:30Z (Alvarez, sponsor since 9/1)          30
        # "URiM circle - facilitator handoff" Feb 20 17:00Z-17:30Z, ORGANIZER is mentee
        #   Alvarez; only 2 URiM members -> not group -> mentee                            30
        # "Coffee w/ Mateo" Aug 20: before the sponsorship starts (9/1), no tag          -> 0
        "mentee": 660,  # 600 + 30 + 30
        # "#mentoring open office hour" Nov 18 21:30Z-22:30Z = 16:30-17:30 EST, overlaps the
        #   Nov 18 1:1 16:00-16:45: union 16:00-17:30 = 90, mentee keeps 45     -> tag 45
        # "WIM peers - #mentoring panel planning" Jan 27 17:00Z-17:45Z, 2 members   -> tag 45
        "tag": 90,  # 45 + 45
        "minutes": 1290,  # 540 + 660 + 90
        "entries": 26,  # 9 URiM + 13 1:1 + 1 sponsorship + 1 handoff + 1 office hour + 1 planning
    },
    # washington.ics (Google; groups: urim + wim; mentee: bello; her own mentor is Liu)
    "nia.washington": {
        "group": 540,  # URiM lunch series (she organizes it): 9 x 60
        # "Aisha / Nia near-peer check-in" (ORGANIZER Bello) Mon 17:00-17:30 every 2 weeks COUNT=10:
        #   Sep 8, 22, Oct 6, 20, Nov 3, 17, Dec 1, 15, 29, Jan 12; EXDATE Dec 29; Nov 17 override
        #   where her own PARTSTAT=DECLINED is dropped -> 8 x 30 = 240
        "mentee": 240,
        # "WIM peers - #mentoring panel planning" Jan 27 12:00-12:45 EST (2 members) = 45
        # "Career check-in with Dr. Liu" x3: Liu is not her mentee, 2 WIM members, no tag -> 0
        # "Residency selection committee": "#mentoring" only in DESCRIPTION              -> 0
        "tag": 45,
        "minutes": 825,  # 540 + 240 + 45
        "entries": 18,  # 9 + 8 + 1
    },
    # kobayashi.ics (Google; group: wim; mentee: alsayed 2025-07-01 .. 2026-03-31)
    "hana.kobayashi": {
        "group": 420,  # WIM series: 7 x 60
        # "Fatima / Hana near-peer" Thu 18:00-18:30 every 2 weeks, Jan 8 .. May 28 = 11 instances
        #   (crosses Mar 8 DST); relationship ends Mar 31: Jan 8, 22, Feb 5, 19, Mar 5, 19 = 6 x 30
        "mentee": 180,
        # Apr 16 override retitled "#mentoring Fatima / Hana ..." (after the end)       = 30
        # Apr 2, Apr 30, May 14, May 28 (after the end, untagged)                       -> 0
        # "#mentoring hold" x10, TRANSP:TRANSPARENT                                     -> 0
        # Okafor's 1:1 series on her calendar: Okafor is not her mentee, 2 WIM members  -> 0
        "tag": 30,
        "minutes": 630,  # 420 + 180 + 30
        "entries": 14,  # 7 + 6 + 1
    },
    # abernathy.ics (Google; no groups; mentee: santos 2025-07-01 .. 2026-03-31)
    "daniel.abernathy": {
        "group": 0,
        # "Rafael / Dan - K23 aims" Wed 15:00-16:00 every 2 weeks, Jan 7 .. May 27 = 11 instances;
        #   up to Mar 31: Jan 7, 21, Feb 4, 18, Mar 4, 18 = 6 x 60 = 360; Apr 1 .. May 27 -> 0
        "mentee": 360,
        # "#mentoring: Rafael K23 mock review" Apr 22 19:00Z-20:30Z (after the end, tagged) = 90
        # "#mentoring - mentee IDP forms due" DTEND = DTSTART (zero length)              -> 0
        "tag": 90,
        "minutes": 450,  # 360 + 90
        "entries": 7,  # 6 + 1
    },
    # alvarez.ics (Exchange 2010, TZID "Eastern Standard Time", upper-case e-mails; group: urim;
    # mentee: whitehorse)
    "mateo.alvarez": {
        "group": 540,  # URiM series: 9 x 60
        # "Sam Whitehorse - 1:1" Fri 14:00-14:30 COUNT=8: Feb 6, 13, 20, 27, Mar 6, 13, 20, 27
        #   (crosses Mar 8 DST); EXDATE Feb 20; Mar 13 override STATUS:CANCELLED -> 6 x 30 = 180
        "mentee": 180,
        # "#mentoring: resident research roundtable" Mar 27 14:15-15:00 EDT overlaps the 1:1
        #   14:00-14:30: union 14:00-15:00 = 60, mentee keeps 30                 -> tag 30
        # "Mentorship program steering committee": not the whole word "mentoring"       -> 0
        # Okafor's sponsorship meetings on his calendar: Okafor is not his mentee       -> 0
        "tag": 30,
        "minutes": 750,  # 540 + 180 + 30
        "entries": 16,  # 9 + 6 + 1
    },
    # raghunathan-work.ics (Exchange 2010) + raghunathan-personal.ics (Apple); group: wim; mentee: mensah
    "priya.raghunathan": {
        "group": 420,  # WIM series (work calendar): 7 x 60
        # "Kwame Mensah - career development" every 2 months, 2nd Monday 16:00-17:00, COUNT=6:
        #   Jul 14, Sep 8, Nov 10, Jan 12, Mar 9, May 11 = 6 x 60 = 360
        # "NIH K-award mock study section - Kwame" Feb 10 18:00-19:30 EST, ORGANIZER is the
        #   mentee; on BOTH calendars with the same UID -> counted once = 90
        "mentee": 450,  # 360 + 90
        # "Coffee with Dr. Elena Petrova" Oct 22 10:00-10:45, tag only via CATEGORIES:Mentoring = 45
        # "Dinner with former mentees (#mentoring)" May 29 19:00-21:00 (personal)       = 120
        "tag": 165,  # 45 + 120
        "minutes": 1035,  # 420 + 450 + 165
        "entries": 16,  # 7 + 6 + 1 (shared meeting once) + 1 + 1
    },
    # liu.ics (Apple; group: wim; mentees: washington from 2025-07-01, chen from 2026-01-15)
    "grace.liu": {
        "group": 420,  # WIM series (she organizes it): 7 x 60
        # "Career check-in with Dr. Liu" Oct 2, Jan 22, Apr 23 15:00-16:00, ORGANIZER is the
        #   mentee Washington: 3 x 60 = 180
        # Chen: "Coffee with Mei-Ling" Dec 10 (before 1/15, 2 WIM members, no tag)        -> 0
        #   "first meeting" Jan 15 08:00-08:30 (start date is inclusive)                  30
        #   "mentoring plan kickoff" Feb 4 08:00-08:45                                    45
        #   "IDP review" Apr 8 08:00-08:45                                                45
        "mentee": 300,  # 180 + 30 + 45 + 45
        "tag": 0,  # "#mentoring retreat" Mar 6 is all-day (DATE) -> dropped
        "minutes": 720,  # 420 + 300
        "entries": 13,  # 7 + 3 + 3
    },
    # chen.ics (Apple; group: wim; mentee: haddad)
    "meiling.chen": {
        # WIM series 7 x 60 = 420; UID k3f9x2.women-in-medicine-peers@groups.mentorledger
        #   May 20 17:30-18:30 (only Chen among the attendees: group by issued UID)     = 60
        "group": 480,  # 420 + 60
        "mentee": 120,  # "Ibrahim - research check-in" Aug 12, Oct 14, Dec 9, Feb 10 07:30-08:00: 4 x 30
        # "Mentoring lunch - PGY-1 residents" Nov 5 12:00-13:00 (keyword, whole word)   = 60
        # "Mei-Ling Chen - mentoring plan kickoff" Feb 4 08:00-08:45 (keyword; Liu is
        #   her mentor, not her mentee)                                                 = 45
        # "eMentoring platform vendor demo": not a whole word                           -> 0
        "tag": 105,  # 60 + 45
        "minutes": 705,  # 480 + 120 + 105
        "entries": 14,  # 7 + 1 + 4 + 1 + 1
    },
    # mensah.ics (floating times, no X-WR-TIMEZONE -> America/New_York; group: urim; mentee: whitehorse)
    "kwame.mensah": {
        "group": 540,  # URiM series, floating 12:00-13:00: 9 x 60
        "mentee": 225,  # "Sam W. near-peer check-in" x5, DURATION:PT45M (no DTEND): 5 x 45
        # "#mentoring: intern orientation night debrief" 2025-06-30 23:30 + PT1H: clipped to
        #   00:00-00:30 = 30; Whitehorse attends, but on the local start date (6/30) the
        #   relationship (from 7/1) is not active -> tag
        # "#mentoring reminder" with neither DTEND nor DURATION (zero length)           -> 0
        "tag": 30,
        "minutes": 795,  # 540 + 225 + 30
        "entries": 15,  # 9 + 5 + 1
    },
    # santos.ics (floating times read in X-WR-TIMEZONE America/Chicago = New York - 1 h;
    # group: urim; mentee: reyes from 2025-08-15)
    "rafael.santos": {
        "group": 540,  # URiM series, floating 11:00-12:00 Chicago: 9 x 60
        # "Jordan Reyes - near-peer check-in" Sep 5, Oct 3, Nov 7, Dec 5 15:00-15:45: 4 x 45 = 180
        #   (Aug 1: before the relationship starts on 8/15, no tag -> 0)
        # "#mentoring: Jordan - call after night float" 2026-06-30 22:30-23:30 Chicago =
        #   23:30-00:30 New York: clipped to 30; mentee beats tag                        = 30
        "mentee": 210,  # 180 + 30
        # "#mentoring: Rafael K23 mock review" Apr 22 14:00-15:30 Chicago (Abernathy is his
        #   mentor, not his mentee) = 90; the K23 series copy on his calendar -> 0
        "tag": 90,
        "minutes": 840,  # 540 + 210 + 90
        "entries": 15,  # 9 + 4 + 1 + 1
    },
}
DEPARTMENT_MINUTES = 8040  # 1290 + 825 + 630 + 450 + 750 + 1035 + 720 + 705 + 795 + 840


def _expected_rows() -> dict[str, dict[str, Any]]:
    return {
        f"{name}{DOMAIN}": {
            "email": f"{name}{DOMAIN}",
            "minutes": row["minutes"],
            "by_category": {"group": row["group"], "mentee": row["mentee"], "tag": row["tag"]},
            "entries": row["entries"],
            # Freshly synced: nothing reviewed and nothing added by hand, so every minute is pending.
            "confirmed_minutes": 0,
            "pending_minutes": row["minutes"],
            "manual_minutes": 0,
        }
        for name, row in EXPECTED.items()
    }


def _rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["email"]: row for row in report["mentors"]}


def test_expectations_add_up() -> None:
    for name, row in EXPECTED.items():
        assert row["group"] + row["mentee"] + row["tag"] == row["minutes"], name
    assert sum(row["minutes"] for row in EXPECTED.values()) == DEPARTMENT_MINUTES


def test_demo_configuration_is_valid() -> None:
    problems, config = check_config(DEMO)
    assert problems == []
    assert config is not None
    assert len(config.people) >= 12
    assert {p.department for p in config.people} == {"Pediatrics", "Internal Medicine"}
    assert len(config.calendars) == 11


def test_demo_calendars_are_rfc5545_text() -> None:
    """CRLF line endings and lines folded at 75 octets, as RFC 5545 requires."""
    files = sorted((DEMO.parent / "calendars").glob("*.ics"))
    assert len(files) == 11
    for path in files:
        data = path.read_bytes()
        assert data.endswith(b"\r\n"), path.name
        assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name}: bare LF"
        longest = max(len(line) for line in data.split(b"\r\n"))
        assert longest <= 75, f"{path.name}: a line of {longest} octets"


def test_demo_department_golden_totals(database_url: str) -> None:
    config = load_config(DEMO)
    ledger = Ledger.open(database_url)

    first = sync_batch(SyncContext(config=config, ledger=ledger, run_id="golden-1"), config.calendars)
    assert [(o.label, o.outcome, o.problems) for o in first] == [
        (c.ics, "synced", ()) for c in config.calendars
    ]
    report = compute_hours(config, ledger).as_json()
    assert report["window"] == {"start": "2025-07-01", "end": "2026-06-30"}
    assert _rows(report) == _expected_rows()
    assert sum(row["minutes"] for row in report["mentors"]) == DEPARTMENT_MINUTES

    # ``hours --mentor`` (any letter case) gives the same row as the department report.
    for email, row in _expected_rows().items():
        assert compute_hours(config, ledger, mentor=email.upper()).as_json()["mentors"] == [row]

    # Re-syncing unchanged feeds under unchanged rules changes nothing (rule 6).
    second = sync_batch(SyncContext(config=config, ledger=ledger, run_id="golden-2"), config.calendars)
    assert [o.outcome for o in second] == ["unchanged"] * len(config.calendars)
    again = compute_hours(config, ledger).as_json()
    assert (again["window"], again["mentors"]) == (report["window"], report["mentors"])
