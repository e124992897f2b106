"""A mentee's page and the e-mailed links over HTTP (issue 11): only mentees, only their own sessions,
links that work once and that a mail scanner opening them cannot use, and opting out."""

from __future__ import annotations

import re

from tests.smtpserver import Inbox
from tests.web.attest import attest_links, mail_text, send_month
from tests.web.department import ANA, BEN, CHAIR, Site, csrf_of


def test_only_mentees_have_a_page_and_it_lists_only_their_own_sessions(school: Site, site: Site) -> None:
    ben = school.signed_in(BEN)
    page = ben.get("/mentee").text
    assert "Sessions with Ana Ruiz" in page
    assert re.findall(r"<td>(\w{3} \d+ \w{3} \d{4})</td>", page) == ["Tue 21 Oct 2025", "Tue 7 Oct 2025"]
    for hidden in ("Check-in", "URiM", "Dee", "Peer chat", "Mentee", "Group"):  # titles, groups, others
        assert hidden not in page, hidden
    assert school.signed_in(ANA).get("/mentee").status_code == 404  # Ana mentors; she is nobody's mentee
    assert school.signed_in(CHAIR).get("/mentee").status_code == 404
    assert site.signed_in(BEN).get("/mentee").status_code == 404  # attestation off: no mentee role


def test_a_mentee_answers_on_their_page_and_cannot_name_anyone_elses_session(school: Site) -> None:
    ben = school.signed_in(BEN)
    page = ben.get("/mentee").text
    ids = re.findall(r'name="session" value="([0-9a-f]+)"', page)
    token = csrf_of(page)
    assert (
        ben.post(
            "/mentee/answer", data={"csrf_token": token, "session": "f" * 20, "answer": "yes"}
        ).status_code
        == 404
    )
    assert (
        ben.post(
            "/mentee/answer", data={"csrf_token": token, "session": ids[0], "answer": "maybe"}
        ).status_code
        == 404
    )
    ben.post("/mentee/answer", data={"csrf_token": token, "session": ids[0], "answer": "no"})
    after = ben.get("/mentee").text
    assert "Thank you: 1 session marked as not having taken place." in after
    assert after.count("Did not take place</span>") == 1
    ben.post("/mentee/confirm-all", data={"csrf_token": token})
    final = ben.get("/mentee").text
    assert final.count("Yes, we met</span>") == 1  # the one still awaiting; the denial stands
    assert final.count("Did not take place</span>") == 1


def test_an_emailed_link_works_once_and_opening_it_answers_nothing(school: Site, inbox: Inbox) -> None:
    assert send_month(school, inbox).sent == [BEN]
    yes_7, no_7, yes_21, no_21, every = attest_links(mail_text(inbox, BEN))
    client = school.client()
    opened = client.get(yes_7)  # what a mail scanner does
    assert opened.status_code == 200
    assert "Tue 7 Oct 2025</strong>, 16:00–16:45 (45 min) with Ana Ruiz" in opened.text
    assert "Awaiting your answer" in school.signed_in(BEN).get("/mentee").text  # nothing answered yet
    token = re.search(r'name="token" value="([^"]+)"', opened.text)
    assert token is not None
    form = {"csrf_token": csrf_of(opened.text), "token": token.group(1), "answer": "yes"}
    assert "1 session confirmed." in client.post("/attest", data=form).text
    assert client.post("/attest", data=form).status_code == 400  # once
    assert client.get(no_7).status_code == 400  # the session's other link is the same single use
    every_page = client.get(every)
    assert every_page.text.count("with Ana Ruiz") == 2
    form = {
        "csrf_token": csrf_of(every_page.text),
        "token": re.findall(r'name="token" value="([^"]+)"', every_page.text)[0],
        "answer": "all",
    }
    assert "1 session confirmed." in client.post("/attest", data=form).text  # the 21st; the 7th was answered
    assert client.get(yes_21).status_code == 200  # a session's own link still works, to change one answer
    assert client.get(no_21).status_code == 200
    assert client.get(yes_7.replace("answer=yes", "answer=whatever")).status_code == 400


def test_the_mails_stop_link_turns_requests_off_and_the_page_turns_them_on(
    school: Site, inbox: Inbox
) -> None:
    send_month(school, inbox)
    stop = re.search(r"(http://\S+/mail/off\?token=\S+)", mail_text(inbox, BEN))
    assert stop is not None
    client = school.client()
    page = client.get(stop.group(1))
    assert "monthly requests to confirm your mentoring sessions" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    client.post("/mail/off", data={"csrf_token": csrf_of(page.text), "token": token.group(1)})
    assert send_month(school, inbox).turned_off == 1
    ben = school.signed_in(BEN)
    settings = ben.get("/settings").text
    assert 'value="attestation">' in settings
    assert 'value="digest" checked>' in settings
    ben.post("/settings", data={"csrf_token": csrf_of(settings), "wanted": ["attestation", "digest"]})
    assert 'value="attestation" checked>' in ben.get("/settings").text
    chair = school.signed_in(CHAIR).get("/settings").text
    assert re.findall(r'name="wanted" value="([\w-]+)"', chair) == ["chair-report"]
