"""Refused access is recorded: PermissionDenied (403) and CSRF failures; 404s are not."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent, AuditKind
from apps.charter.models import Membership

pytestmark = pytest.mark.django_db

ADD = "/groups/energy/members/add/"


def test_it_records_a_permission_denied(client, member, energy):
    client.force_login(member)  # a member, not a co-chair: may not manage members
    before = Membership.objects.count()
    response = client.post(
        ADD, {"email": "x@example.test", "role": "member"}, REMOTE_ADDR="192.0.2.5"
    )
    assert response.status_code == 403
    assert Membership.objects.count() == before
    [event] = AuditEvent.objects.filter(kind=AuditKind.ACCESS_DENIED)
    assert (event.actor, event.path, event.method, event.ip) == (member, ADD, "POST", "192.0.2.5")


def test_it_records_a_csrf_failure(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/accounts/password/", {"old_password": "x"})
    assert response.status_code == 403
    [event] = AuditEvent.objects.filter(kind=AuditKind.CSRF_FAILED)
    assert event.actor == member
    assert "CSRF" in event.detail["reason"]


def test_it_does_not_record_a_404(client, member, security):
    client.force_login(member)
    assert client.get("/groups/security/").status_code == 404  # restricted: not a member
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS_DENIED).exists()
