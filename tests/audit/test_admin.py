"""Staff read the audit log in the admin; nobody adds, changes or deletes an event there."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.audit.models import AuditEvent, AuditKind
from apps.audit.services import audit_record
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_auditevent_changelist")
# session, user, the count, the page's rows, the date hierarchy (first/last, months)
CHANGELIST_QUERIES = 6


@pytest.fixture
def plain_staff(charter_data):
    """Staff without superuser and without any permission."""
    return make_user("clerk@example.test", is_staff=True)


def add_events(count: int) -> None:
    start = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            kind=AuditKind.LOGIN_FAILED if number % 2 else AuditKind.ACCESS_DENIED,
            at=start + datetime.timedelta(minutes=number),
            actor_email=f"user{number}@example.test",
            target=f"user{number}@example.test",
            ip="192.0.2.1",
        )
        for number in range(count)
    )


@pytest.mark.parametrize("who", ["staff", "plain_staff"])
def test_it_shows_the_log_to_staff(client, request, who):
    client.force_login(request.getfixturevalue(who))
    add_events(3)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 3
    event = AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).first()
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_keeps_the_log_from_everyone_else(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("who", ["staff", "plain_staff"])
def test_it_lets_nobody_add_change_or_delete(client, request, who, member):
    user = request.getfixturevalue(who)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="audit"))
    client.force_login(user)
    event = audit_record(kind=AuditKind.LOGIN_FAILED, target="someone@example.test")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(change, {"target": "rewritten"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AuditEvent.objects.get(pk=event.pk).target == "someone@example.test"
    assert response.status_code in (200, 302)
    page = client.get(change).content.decode()
    assert 'name="target"' not in page  # read-only: no form fields


def test_it_filters_by_kind_and_searches_by_actor_email(client, staff):
    client.force_login(staff)
    add_events(6)
    response = client.get(CHANGELIST, {"kind__exact": AuditKind.LOGIN_FAILED})
    kinds = {event.kind for event in response.context["cl"].result_list}
    assert kinds == {AuditKind.LOGIN_FAILED}
    response = client.get(CHANGELIST, {"q": "user3@example.test"})
    assert [e.actor_email for e in response.context["cl"].result_list] == ["user3@example.test"]


@pytest.mark.parametrize("count", [10, 1000])
def test_it_keeps_the_changelist_query_count_flat(client, staff, count, django_assert_num_queries):
    client.force_login(staff)
    add_events(count)
    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
