"""Deactivating a user ends their sessions at once — through the service, the user's admin
page or the admin action — and is recorded; so are changes of the staff and superuser flags."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from apps.accounts.services import user_deactivate, user_sessions_end
from apps.audit.models import AuditEvent, AuditKind
from tests.admin_helpers import admin_form_data

pytestmark = pytest.mark.django_db

PAGE = "/milestones/"


def signed_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    return client


def is_signed_out(client) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def admin_client(staff):
    return signed_in_as(staff)


def test_it_refuses_an_inactive_users_session_even_without_deleting_it(member):
    """The baseline Django gives: ModelBackend does not load an inactive user."""
    laptop = signed_in_as(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert is_signed_out(laptop)


def test_it_ends_every_session_of_the_user_and_only_theirs(member, observer, staff):
    laptop, phone, someone_else = signed_in_as(member), signed_in_as(member), signed_in_as(observer)
    assert user_deactivate(user=member, actor=staff) == 2
    member.refresh_from_db()
    assert not member.is_active
    assert is_signed_out(laptop) and is_signed_out(phone)
    assert someone_else.get(PAGE).status_code == 200
    assert Session.objects.count() == 1
    [event] = AuditEvent.objects.filter(kind=AuditKind.USER_DEACTIVATED)
    assert (event.actor, event.detail) == (staff, {"sessions_ended": 2})
    assert event.target.startswith(f"user:{member.pk} ")


def test_it_finds_no_sessions_for_a_user_without_any(member):
    assert user_sessions_end(user_id=member.pk) == 0


def test_it_ends_the_sessions_when_staff_untick_active_on_the_user_page(
    admin_client, staff, member
):
    laptop = signed_in_as(member)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(admin_client.get(url))
    data.pop("is_active")  # an unticked checkbox is not sent
    assert admin_client.post(url, data).status_code == 302
    assert is_signed_out(laptop)
    assert Session.objects.filter(pk=laptop.session.session_key).count() == 0
    [event] = AuditEvent.objects.filter(kind=AuditKind.USER_DEACTIVATED)
    assert (event.actor, event.detail) == (staff, {"sessions_ended": 1})


def test_it_records_a_reactivation(admin_client, staff, member):
    member.is_active = False
    member.save()
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(admin_client.get(url))
    data["is_active"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert AuditEvent.objects.filter(kind=AuditKind.USER_REACTIVATED, actor=staff).count() == 1


def test_it_records_a_change_of_the_staff_flag(admin_client, staff, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(admin_client.get(url))
    data["is_staff"] = "on"
    assert admin_client.post(url, data).status_code == 302
    [event] = AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGED, actor=staff)
    assert event.detail == {"changes": {"is_staff": [False, True]}}
    # and the admin's own trail of the same save
    assert AuditEvent.objects.filter(kind=AuditKind.ADMIN_CHANGE, actor=staff).count() == 1


def test_it_records_nothing_special_for_other_user_edits(admin_client, staff, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(admin_client.get(url))
    data["organisation"] = "Ministry of Energy"
    assert admin_client.post(url, data).status_code == 302
    kinds = set(AuditEvent.objects.filter(actor=staff).values_list("kind", flat=True))
    assert kinds == {AuditKind.LOGIN_SUCCEEDED, AuditKind.ADMIN_CHANGE}


def test_it_deactivates_users_with_the_admin_action_but_not_oneself(
    admin_client, staff, member, observer
):
    laptop = signed_in_as(member)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [member.pk, observer.pk, staff.pk]},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 users deactivated; 1 sessions ended." in body
    assert "You cannot deactivate your own account." in body
    assert is_signed_out(laptop)
    staff.refresh_from_db()
    assert staff.is_active
    deactivated = AuditEvent.objects.filter(kind=AuditKind.USER_DEACTIVATED)
    assert {event.target.split()[0] for event in deactivated} == {
        f"user:{member.pk}",
        f"user:{observer.pk}",
    }


def test_it_refuses_the_action_to_non_staff(member, observer):
    client = signed_in_as(member)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [observer.pk]},
    )
    assert response.status_code == 302
    observer.refresh_from_db()
    assert observer.is_active


def test_it_needs_the_csrf_token_for_the_action(staff, observer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [observer.pk]},
    )
    assert response.status_code == 403
    observer.refresh_from_db()
    assert observer.is_active
