"""Redis down: the site keeps working (nothing on a page waits for the broker), /healthz
says the broker is down, and once it is back the next job run catches up from the database.
(tests/notifications/test_worker_faults.py does the last part with a real worker.)"""

import pytest
from django.core import mail

from apps.notifications import services
from apps.notifications.models import EmailLog
from tests.notifications.factories import at, milestone, outbox_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}


def test_the_notification_pages_keep_working(redis_down, client, member, cochair_az):
    outbox_row(member)
    client.force_login(member)
    assert client.get("/notifications/preferences/").status_code == 200
    response = client.post(
        "/notifications/preferences/",
        {
            "digest_frequency": "daily",
            "reminders_enabled": "on",
            "reminder_lead_days": "7",
            "language": "en",
            "time_zone": "Asia/Baku",
            "fingerprint": services.preferences_fingerprint(services.preferences_of(member)),
        },
    )
    assert response.status_code == 302
    assert client.get("/notifications/emails/").status_code == 200
    assert client.get(f"/notifications/preview/{member.pk}/").status_code == 200
    client.force_login(cochair_az)
    assert client.get(f"/notifications/preview/{member.pk}/").status_code == 200


def test_healthz_says_the_broker_is_down(redis_down, client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "status": "down"}


def test_the_next_run_after_an_outage_catches_up_from_the_database(member, energy):
    milestone(energy, owner=member, due="2026-05-11", title="Grid study")
    # Redis was down from 03:00 to 09:00 UTC: the 04:05 … 08:05 runs never happened.
    result = services.reminders_claim(now=at("2026-05-04 09:05"))  # 13:05 in Baku
    assert result.claimed == 1
    row = EmailLog.objects.get()
    assert row.send_after == at("2026-05-04 04:00")  # it was due at 08:00 Baku time
    services.emails_deliver(now=at("2026-05-04 09:06"))
    assert [m.subject for m in mail.outbox] == ["[Energy] Due in 7 days: Grid study"]
