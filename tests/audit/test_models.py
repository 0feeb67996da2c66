"""Audit events are append-only: no update, no delete, except the retention job and the
actor's account being deleted (the copied email stays)."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AppendOnly, AuditEvent, AuditKind
from apps.audit.services import audit_record
from tests.conftest import make_user, require

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(member):
    return audit_record(kind=AuditKind.LOGIN_SUCCEEDED, actor=member, target=member)


def test_it_refuses_to_save_a_stored_event_again(event):
    event.kind = AuditKind.LOGIN_FAILED
    with pytest.raises(AppendOnly):
        event.save()
    assert AuditEvent.objects.get().kind == AuditKind.LOGIN_SUCCEEDED


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnly):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_it_refuses_a_queryset_update(event):
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(target="rewritten")
    assert AuditEvent.objects.get().target == event.target


def test_it_keeps_the_email_when_the_actor_is_deleted(event, member):
    member.delete()
    stored = AuditEvent.objects.get()
    assert stored.actor_id is None
    assert stored.actor_email == "member@example.test"


def test_it_refuses_an_unknown_kind(member):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent(kind="made_up").save()


@pytest.mark.postgres
def test_it_refuses_a_raw_update_on_postgresql(event):
    require(connection.vendor == "postgresql", "the trigger needs PostgreSQL (DATABASE_URL)")
    sql = "UPDATE audit_auditevent SET target = 'rewritten' WHERE id = %s"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get().target == event.target


@pytest.mark.postgres
def test_it_lets_postgresql_null_the_actor_of_a_deleted_account(charter_data):
    require(connection.vendor == "postgresql", "the trigger needs PostgreSQL (DATABASE_URL)")
    user = make_user("leaver@example.test")
    audit_record(kind=AuditKind.LOGIN_SUCCEEDED, actor=user)
    user.delete()
    assert AuditEvent.objects.get().actor_email == "leaver@example.test"
