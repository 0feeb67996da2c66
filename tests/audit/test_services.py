"""audit_record: who, what, when (UTC), from where; the client IP; retention."""

import datetime

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from apps.audit.context import client_ip
from apps.audit.models import AuditEvent, AuditKind
from apps.audit.services import audit_prune, audit_record

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def request(**meta):
    return RequestFactory().post("/some/path/?q=1", REMOTE_ADDR="198.51.100.7", **meta)


def test_it_records_who_what_when_and_from_where(member, staff):
    before = timezone.now()
    event = audit_record(
        kind=AuditKind.ROLE_CHANGED,
        actor=staff,
        request=request(HTTP_USER_AGENT="x" * 400),
        target=member,
        detail={"changes": {"is_staff": [False, True]}},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.at >= before and event.at.utcoffset() == datetime.timedelta(0)
    assert (event.actor, event.actor_email) == (staff, "staff@example.test")
    assert event.target == f"user:{member.pk} {member}"
    assert event.detail == {"changes": {"is_staff": [False, True]}}
    assert (event.ip, event.method, event.path) == ("198.51.100.7", "POST", "/some/path/")
    assert event.user_agent == "x" * 255


def test_it_records_an_anonymous_actor_as_nobody(db):
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(kind=AuditKind.LOGIN_FAILED, actor=AnonymousUser(), target="who@x.test")
    assert (event.actor, event.actor_email, event.target) == (None, "", "who@x.test")
    assert event.ip is None  # no request at hand


def test_it_uses_remote_addr_and_ignores_forwarded_for_by_default(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(HTTP_X_FORWARDED_FOR="1.2.3.4")) == "198.51.100.7"


@pytest.mark.parametrize(
    "count, header, expected",
    [
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client may send a header of its own
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "198.51.100.7"),  # shorter than our chain: trust only our proxy
        (1, "not-an-ip", "198.51.100.7"),
        (1, "", "198.51.100.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_trusts_forwarded_for_only_from_our_proxies(settings, count, header, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(HTTP_X_FORWARDED_FOR=header)) == expected


def test_it_prunes_events_older_than_the_retention_period(settings, db):
    settings.AUDIT_RETENTION_DAYS = 30
    AuditEvent(kind=AuditKind.LOGIN_SUCCEEDED, at=NOW - datetime.timedelta(days=31)).save()
    kept = AuditEvent(kind=AuditKind.LOGIN_FAILED, at=NOW - datetime.timedelta(days=29))
    kept.save()
    assert audit_prune(now=NOW) == 1
    kinds = sorted(AuditEvent.objects.values_list("kind", flat=True))
    assert kinds == [AuditKind.AUDIT_PRUNED, AuditKind.LOGIN_FAILED]
    assert AuditEvent.objects.get(kind=AuditKind.AUDIT_PRUNED).detail["deleted"] == 1


def test_it_prunes_from_the_command(capsys, db):
    AuditEvent(kind=AuditKind.LOGIN_FAILED, at=NOW - datetime.timedelta(days=500)).save()
    call_command("prune_audit_log", "--days", "400", "--now", NOW.isoformat())
    assert "Deleted 1 audit events." in capsys.readouterr().out
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).exists()
