"""What the log hears: logins (good, bad, locked out), logouts, membership changes through
the services and through the admin, and every other admin change."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent, AuditKind
from apps.charter.models import Membership, Role
from apps.charter.services import membership_add, membership_change, membership_remove
from tests.admin_helpers import admin_form_data
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
IP = "203.0.113.9"


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def test_it_records_a_login_with_ip_and_user_agent(member):
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="Firefox/140")
    client.post(LOGIN, {"username": member.email, "password": "test-pass-1234"})
    [event] = events(AuditKind.LOGIN_SUCCEEDED)
    assert (event.actor, event.actor_email, event.ip) == (member, member.email, IP)
    assert (event.user_agent, event.path, event.method) == ("Firefox/140", LOGIN, "POST")


def test_it_records_a_failed_login_with_the_email_typed(member):
    Client(REMOTE_ADDR=IP).post(LOGIN, {"username": " Member@Example.test", "password": "no"})
    [event] = events(AuditKind.LOGIN_FAILED)
    assert (event.actor, event.target, event.ip) == (None, "member@example.test", IP)
    assert "password" not in str(event.detail)


def test_it_records_a_failed_login_for_an_unknown_email(db):
    Client().post(LOGIN, {"username": "nobody@example.test", "password": "guess"})
    assert [e.target for e in events(AuditKind.LOGIN_FAILED)] == ["nobody@example.test"]


def test_it_records_a_logout(client, member):
    client.force_login(member)
    client.post("/accounts/logout/")
    [event] = events(AuditKind.LOGGED_OUT)
    assert event.actor == member


def test_it_records_membership_changes_made_through_the_services(cochair_az, energy, member):
    newcomer = make_user("newcomer@example.test")
    added = membership_add(group=energy, actor=cochair_az, user=newcomer, role=Role.OBSERVER)
    membership_change(membership_id=added.pk, actor=cochair_az, role=Role.MEMBER, side="az")
    membership_remove(membership_id=added.pk, actor=cochair_az)
    recorded = events(AuditKind.ROLE_CHANGED)
    assert [e.detail["action"] for e in recorded] == ["added", "changed", "removed"]
    assert {e.actor for e in recorded} == {cochair_az}
    assert recorded[1].detail["before"] == {"role": "observer", "side": "az"}
    assert recorded[1].detail["role"] == "member"
    assert recorded[2].target == f"membership:{added.pk} newcomer@example.test @ energy"


def test_it_records_nothing_for_a_refused_membership_change(cochair_az, cochair_us, energy):
    membership = cochair_us.memberships.get()
    with pytest.raises(Exception):  # noqa: B017 — only co-chair US or staff may change it
        membership_change(
            membership_id=membership.pk, actor=cochair_az, role=Role.MEMBER, side="us"
        )
    assert not events(AuditKind.ROLE_CHANGED)


def test_it_records_a_role_change_made_in_the_admin(client, staff, member):
    client.force_login(staff)
    membership = member.memberships.get()
    url = reverse("admin:charter_membership_change", args=[membership.pk])
    data = admin_form_data(client.get(url))
    data["role"] = Role.OBSERVER
    assert client.post(url, data).status_code == 302
    [event] = events(AuditKind.ROLE_CHANGED)
    assert event.actor == staff
    assert event.detail["model"] == "charter.membership"
    assert event.detail["changes"] == [{"changed": {"fields": ["Role"]}}]
    assert event.target.startswith(f"charter.membership:{membership.pk} ")


def test_it_records_a_membership_changed_inline_on_the_user_page_as_a_role_change(
    client, staff, member
):
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(client.get(url))
    data["memberships-0-role"] = Role.OBSERVER
    assert client.post(url, data).status_code == 302
    [event] = events(AuditKind.ROLE_CHANGED)
    assert event.detail["model"] == "accounts.user"
    assert event.detail["changes"][0]["changed"]["name"] == "membership"


def test_it_records_other_admin_changes(client, staff, energy):
    client.force_login(staff)
    url = reverse("admin:charter_workinggroup_change", args=[energy.pk])
    data = admin_form_data(client.get(url))
    data["name_en"] = "Energy (renamed)"
    assert client.post(url, data).status_code == 302
    [event] = events(AuditKind.ADMIN_CHANGE)
    assert event.detail["action"] == "changed"
    assert event.actor == staff


def test_it_records_each_object_of_a_bulk_deletion(client, staff, member, observer):
    client.force_login(staff)
    selected = list(Membership.objects.values_list("pk", flat=True))
    assert len(selected) == 2
    response = client.post(
        reverse("admin:charter_membership_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.exists()
    recorded = events(AuditKind.ROLE_CHANGED)
    assert sorted(int(e.target.split(":")[1].split()[0]) for e in recorded) == sorted(selected)
    assert {e.detail["action"] for e in recorded} == {"deleted"}
