"""The emails sent to me: a paginated list, and each email as it was sent."""

import datetime as dt
import re

import pytest

from apps.notifications.models import EmailKind, EmailLog, EmailState
from tests.notifications.factories import at, outbox_row

pytestmark = pytest.mark.django_db

URL = "/notifications/emails/"


def many(user, count: int) -> None:
    EmailLog.objects.bulk_create(
        EmailLog(
            kind=EmailKind.MILESTONE_REMINDER,
            recipient=user,
            to_email=user.email,
            subject_key=f"milestone:{n}",
            period="due:2026-05-04",
            subject=f"Email number {n:04d}",
            decided_at=at("2026-01-01 00:00") + dt.timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_it_lists_my_emails_newest_first(client, member, observer):
    outbox_row(member, subject="Older", decided_at=at("2026-05-01 08:00"), state=EmailState.SENT)
    outbox_row(member, subject="Newer", decided_at=at("2026-05-04 08:00"), state=EmailState.FAILED)
    outbox_row(observer, subject="Not mine")
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 200
    assert [email.subject for email in response.context["page"]] == ["Newer", "Older"]
    body = response.content.decode()
    assert "Not mine" not in body
    assert '<strong class="tag tag--red state state-failed">Failed</strong>' in body
    assert '<strong class="tag tag--green state state-sent">Sent</strong>' in body
    # Times on the member's clock (Asia/Baku, UTC+4), the zone named.
    assert '<time datetime="2026-05-04T08:00:00+00:00">4 May 2026, 12:00&nbsp;Baku</time>' in body
    # A table that becomes one card per email on a phone, each cell saying its column.
    assert '<table class="table table--stack emails">' in body
    assert '<td data-label="Decided">' in body


def test_it_pages_through_them_with_and_without_htmx(client, member):
    many(member, 60)
    client.force_login(member)
    page_one = client.get(URL)
    assert len(page_one.context["page"].object_list) == 25
    assert 'href="?page=2"' in page_one.content.decode()
    page_three = client.get(URL, {"page": 3}, headers={"HX-Request": "true"})
    body = page_three.content.decode()
    assert "<html" not in body and body.strip().startswith('<div id="email-list">')
    assert [email.subject for email in page_three.context["page"]] == [
        f"Email number {n:04d}" for n in range(9, -1, -1)
    ]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1e9", ""])
def test_it_copes_with_any_page_number(client, member, page):
    many(member, 30)
    client.force_login(member)
    response = client.get(URL, {"page": page})
    assert response.status_code == 200


def test_it_says_when_there_are_none(client, outsider):
    client.force_login(outsider)
    assert "No emails yet." in client.get(URL).content.decode()


def test_it_shows_one_email_as_it_was_sent(client, member):
    email = outbox_row(
        member,
        subject="[Energy] Due today: Grid study <draft>",
        body_text="Hello Member,\n\n<script>alert(1)</script>\n",
        attachments=[{"filename": "meeting-3.ics", "content": "x", "mimetype": "text/calendar"}],
    )
    client.force_login(member)
    body = client.get(f"{URL}{email.pk}/").content.decode()
    assert "[Energy] Due today: Grid study &lt;draft&gt;" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "meeting-3.ics" in body


def test_it_shows_the_designed_email_in_a_sandboxed_frame_and_the_text_below(client, member):
    email = outbox_row(member, body_html="<style>p{color:red}</style><p>Designed</p>")
    client.force_login(member)
    body = client.get(f"{URL}{email.pk}/").content.decode()
    frame = re.search(r"<iframe [^>]*>", body).group(0)
    assert f'src="{URL}{email.pk}/html/"' in frame
    assert 'sandbox=""' in frame
    assert 'title="' in frame
    assert "<details" in body and "Plain-text version" in body
    assert email.body_text.strip() in body
    # The page's own CSP lets it frame this site, and nothing else.
    page_csp = client.get(f"{URL}{email.pk}/")["Content-Security-Policy"]
    assert "default-src 'self'" in page_csp and "frame-src" not in page_csp


def test_it_serves_the_html_body_with_its_own_strict_policy(client, member):
    email = outbox_row(member, body_html="<style>p{color:red}</style><p>Designed</p>")
    client.force_login(member)
    response = client.get(f"{URL}{email.pk}/html/")
    assert response.status_code == 200
    assert response.content.decode() == "<style>p{color:red}</style><p>Designed</p>"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = {
        part.split(" ", 1)[0]: part.partition(" ")[2]
        for part in (piece.strip() for piece in response["Content-Security-Policy"].split(";"))
    }
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'unsafe-inline'"
    assert "script-src" not in policy  # default-src 'none': no script at all
    assert policy["frame-ancestors"] == "'self'"
    assert "sandbox" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]


def test_it_has_no_frame_for_an_email_without_html(client, member):
    email = outbox_row(member, body_html="")
    client.force_login(member)
    body = client.get(f"{URL}{email.pk}/").content.decode()
    assert "<iframe" not in body and email.body_text.strip() in body
    assert client.get(f"{URL}{email.pk}/html/").status_code == 404


def test_it_hides_other_peoples_html_bodies(client, member, observer, staff):
    email = outbox_row(member)
    client.force_login(observer)
    assert client.get(f"{URL}{email.pk}/html/").status_code == 404
    client.force_login(staff)
    assert client.get(f"{URL}{email.pk}/html/").status_code == 200
    client.logout()
    assert client.get(f"{URL}{email.pk}/html/").status_code == 302


def test_it_hides_other_peoples_emails(client, member, observer, staff):
    email = outbox_row(member)
    client.force_login(observer)
    assert client.get(f"{URL}{email.pk}/").status_code == 404
    assert client.get(f"{URL}999999/").status_code == 404
    client.force_login(staff)
    assert client.get(f"{URL}{email.pk}/").status_code == 200


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_query_counts(client, member, rows, django_assert_num_queries):
    many(member, rows)
    email = EmailLog.objects.first()
    designed = outbox_row(member, number=10_000_000)
    client.force_login(member)
    with django_assert_num_queries(5):  # session, user, count, page
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(URL, {"page": 2}, headers={"HX-Request": "true"}).status_code == 200
    with django_assert_num_queries(4):  # session, user, the email, the nav
        assert client.get(f"{URL}{email.pk}/").status_code == 200
    with django_assert_num_queries(3):  # session, user, the email
        assert client.get(f"{URL}{designed.pk}/html/").status_code == 200
