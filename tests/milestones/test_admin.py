"""The admin for milestones, the progress log and sign-offs."""

import datetime

import pytest
from django import forms
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Side
from apps.charter.admin import VersionedAdminForm
from apps.milestones.models import (
    Evidence,
    Milestone,
    MilestoneUpdate,
    SignOff,
    Status,
    UpdateKind,
)
from apps.milestones.services import milestone_update
from tests.admin_helpers import add_inline_row, admin_form_data
from tests.conftest import make_user
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

MILESTONE_CHANGELIST_QUERIES = 8  # unfiltered: one count serves the paginator and the total
MILESTONE_UPDATE_CHANGELIST_QUERIES = 8


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:milestones_{model._meta.model_name}_{view}", args=args)


def make_milestones(group, count: int, *, owner=None, start: int = 0) -> list[Milestone]:
    return [
        MilestoneFactory(
            group=group,
            title=f"{group.slug} milestone {number}",
            owner=owner,
            due_date=datetime.date(2026, 1 + number % 12, 1 + number % 28),
        )
        for number in range(start, start + count)
    ]


def log(milestone, author, count: int) -> None:
    MilestoneUpdate.objects.bulk_create(
        MilestoneUpdate(
            milestone=milestone,
            author=author,
            old_status=Status.PLANNED,
            new_status=Status.IN_PROGRESS,
            old_progress=number,
            new_progress=number + 1,
            note=f"step {number}",
        )
        for number in range(count)
    )


@pytest.fixture
def milestone(energy, member, cochair_az, cochair_us) -> Milestone:
    milestone = make_milestones(energy, 1, owner=member)[0]
    log(milestone, member, 2)
    SignOff.objects.create(milestone=milestone, side=Side.AZ, signed_by=cochair_az)
    return milestone


@pytest.mark.parametrize("model", [Milestone, MilestoneUpdate, SignOff])
def test_it_renders_the_changelist_add_and_change_pages(admin_client, model, milestone):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_it_keeps_the_milestone_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, connectivity, member, observer
):
    make_milestones(energy, 2, owner=member)
    make_milestones(connectivity, 1, owner=observer)
    with django_assert_num_queries(MILESTONE_CHANGELIST_QUERIES):
        response = admin_client.get(url(Milestone, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3

    make_milestones(energy, 8, owner=member, start=2)
    make_milestones(connectivity, 4, owner=observer, start=1)
    with django_assert_num_queries(MILESTONE_CHANGELIST_QUERIES):
        response = admin_client.get(url(Milestone, "changelist"))
    assert response.context["cl"].result_count == 15


def test_it_keeps_the_milestone_update_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, member, observer
):
    first, second = make_milestones(energy, 2)
    log(first, member, 2)
    log(second, observer, 1)
    with django_assert_num_queries(MILESTONE_UPDATE_CHANGELIST_QUERIES):
        response = admin_client.get(url(MilestoneUpdate, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3

    for milestone in make_milestones(energy, 4, start=2):
        log(milestone, member, 3)
    log(first, observer, 3)
    with django_assert_num_queries(MILESTONE_UPDATE_CHANGELIST_QUERIES):
        response = admin_client.get(url(MilestoneUpdate, "changelist"))
    assert response.context["cl"].result_count == 18


def test_it_shows_the_progress_log_read_only_on_the_milestone(admin_client, milestone):
    response = admin_client.get(url(Milestone, "change", milestone.pk))
    inlines = {inline.formset.model: inline for inline in response.context["inline_admin_formsets"]}
    log_inline = inlines[MilestoneUpdate]
    assert not log_inline.has_add_permission
    assert not log_inline.has_change_permission
    assert not log_inline.has_delete_permission
    assert len(log_inline.formset.forms) == 2
    assert "step 1" in response.text
    assert inlines[SignOff].has_add_permission


def test_it_never_changes_a_progress_log_entry(admin_client, milestone):
    entry = milestone.updates.first()
    response = admin_client.get(url(MilestoneUpdate, "change", entry.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]

    response = admin_client.post(
        url(MilestoneUpdate, "change", entry.pk), {"milestone": milestone.pk, "note": "rewritten"}
    )
    assert response.status_code == 403
    assert admin_client.post(url(MilestoneUpdate, "delete", entry.pk)).status_code == 403
    entry.refresh_from_db()
    assert entry.note == "step 1"


def test_it_appends_a_note_to_the_log(admin_client, staff, milestone):
    response = admin_client.post(
        url(MilestoneUpdate, "add"), {"milestone": milestone.pk, "note": "Checked with ministry"}
    )
    assert response.status_code == 302
    entry = milestone.updates.get(note="Checked with ministry")
    assert entry.author == staff
    assert (entry.old_status, entry.new_status) == (milestone.status, milestone.status)


def test_it_logs_an_admin_edit_and_bumps_the_version(admin_client, staff, milestone):
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    data.update(status=Status.IN_PROGRESS, progress="40", title="Renamed")
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.version) == (
        Status.IN_PROGRESS,
        40,
        2,
    )
    entry = milestone.updates.order_by("-id").first()
    assert entry.author == staff
    assert (entry.old_status, entry.new_status) == (Status.PLANNED, Status.IN_PROGRESS)
    assert (entry.old_progress, entry.new_progress) == (0, 40)
    assert entry.changes == {"title": ["energy milestone 0", "Renamed"]}


def test_it_refuses_a_stale_edit(admin_client, milestone):
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    Milestone.objects.filter(pk=milestone.pk).update(version=2, title="Changed meanwhile")
    data["title"] = "My edit"
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 200
    assert "Someone else saved this milestone" in response.text
    milestone.refresh_from_db()
    assert milestone.title == "Changed meanwhile"


def test_it_refuses_a_stale_save_that_got_past_the_forms_check(
    admin_client, monkeypatch, member, milestone
):
    """An edit in the app lands between the admin form's version check and its save: the
    save checks the version again under the row lock, changes nothing and says who."""
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    milestone_update(milestone_id=milestone.pk, user=member, version=1, title="Web edit")
    # The form's check ran before the web edit (it passed): only the save can catch it.
    monkeypatch.setattr(VersionedAdminForm, "clean", forms.ModelForm.clean)
    data.update(title="Admin edit", progress="50")
    change_url = url(Milestone, "change", milestone.pk)
    response = admin_client.post(change_url, data, follow=True)
    assert response.redirect_chain == [(change_url, 302)]
    errors = [str(m) for m in response.context["messages"] if m.level == messages.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith(f"{member.get_full_name()} changed this milestone on ")
    assert "Nothing was saved" in errors[0]
    milestone.refresh_from_db()
    assert (milestone.title, milestone.progress, milestone.version) == ("Web edit", 0, 2)
    assert not milestone.updates.filter(kind=UpdateKind.ADMIN).exists()


def test_it_sets_the_completion_time_when_done(admin_client, milestone):
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    data.update(status=Status.DONE, progress="100")
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_at is not None
    assert milestone.completed_at <= timezone.now()


def test_it_refuses_progress_over_100_as_a_form_error(admin_client, milestone):
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    data["progress"] = "140"
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 200
    assert "Progress must be between 0 and 100." in response.text


def test_it_refuses_a_second_signoff_for_a_side_in_the_inline(admin_client, milestone, cochair_az):
    other_az = make_user("deputy.az@example.test", side=Side.AZ)
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    add_inline_row(data, "signoffs", side=Side.AZ, signed_by=other_az.pk)
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 200
    assert "This side has already signed off this milestone." in response.text
    assert milestone.signoffs.count() == 1


def test_it_refuses_two_signoffs_for_a_side_added_together(
    admin_client, energy, cochair_az, cochair_us
):
    milestone = make_milestones(energy, 1)[0]
    other_us = make_user("deputy.us@example.test", side=Side.US)
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    add_inline_row(data, "signoffs", side=Side.US, signed_by=cochair_us.pk)
    add_inline_row(data, "signoffs", side=Side.US, signed_by=other_us.pk)
    response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 200
    assert "This side has already signed off this milestone." in response.text
    assert not milestone.signoffs.exists()


def test_it_refuses_a_second_signoff_for_a_side_in_the_signoff_form(
    admin_client, milestone, cochair_az
):
    response = admin_client.post(
        url(SignOff, "add"),
        {"milestone": milestone.pk, "side": Side.AZ, "signed_by": cochair_az.pk},
    )
    assert response.status_code == 200
    assert "This side has already signed off this milestone." in response.text
    assert milestone.signoffs.count() == 1


def test_it_answers_the_owner_autocomplete(admin_client, milestone, member):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "milestones",
            "model_name": "milestone",
            "field_name": "owner",
            "term": "member@",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(member.pk), "text": str(member)}]


def test_it_deletes_a_milestone_with_its_log(admin_client, energy, member):
    milestone = make_milestones(energy, 1)[0]
    log(milestone, member, 2)
    page = admin_client.get(url(Milestone, "delete", milestone.pk))
    assert page.status_code == 200
    assert not page.context["perms_lacking"]
    response = admin_client.post(url(Milestone, "delete", milestone.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not MilestoneUpdate.objects.filter(milestone_id=milestone.pk).exists()


# --- evidence, and the log entries' kinds ---------------------------------------------------

EVIDENCE_CHANGELIST_QUERIES = 9


def add_evidence(milestone, user, name: str = "report.pdf"):
    from apps.milestones.services import evidence_add
    from tests.milestones.conftest import PDF, upload

    return evidence_add(milestone_id=milestone.pk, user=user, file=upload(name, PDF))


def test_it_marks_admin_edits_and_notes_in_the_log(admin_client, milestone):
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    data["progress"] = "55"
    admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert milestone.updates.order_by("-id").first().kind == UpdateKind.ADMIN
    admin_client.post(url(MilestoneUpdate, "add"), {"milestone": milestone.pk, "note": "Noted"})
    note = milestone.updates.get(note="Noted")
    assert (note.kind, note.version) == (UpdateKind.NOTE, 2)


def test_it_shows_evidence_on_the_milestone_with_the_checked_download(
    admin_client, milestone, member
):
    evidence = add_evidence(milestone, member)
    response = admin_client.get(url(Milestone, "change", milestone.pk))
    inlines = {inline.formset.model: inline for inline in response.context["inline_admin_formsets"]}
    assert not inlines[Evidence].has_add_permission
    assert reverse("milestones:evidence_download", args=[evidence.pk]) in response.text
    assert "/media/" not in response.text


def test_it_renders_the_evidence_admin(admin_client, milestone, member):
    evidence = add_evidence(milestone, member)
    assert admin_client.get(url(Evidence, "changelist")).status_code == 200
    assert admin_client.get(url(Evidence, "change", evidence.pk)).status_code == 200
    assert admin_client.get(url(Evidence, "add")).status_code == 403


def test_it_keeps_the_evidence_changelist_query_count_flat(
    admin_client, django_assert_num_queries, milestone, member
):
    add_evidence(milestone, member)
    with django_assert_num_queries(EVIDENCE_CHANGELIST_QUERIES):
        admin_client.get(url(Evidence, "changelist"))
    for number in range(5):
        add_evidence(milestone, member, f"report-{number}.pdf")
    with django_assert_num_queries(EVIDENCE_CHANGELIST_QUERIES):
        admin_client.get(url(Evidence, "changelist"))


def test_it_removes_the_file_with_evidence_deleted_in_the_admin(
    admin_client, milestone, member, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    evidence = add_evidence(milestone, member)
    stored = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(Evidence, "delete", evidence.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not default_storage.exists(stored)


def test_it_removes_the_file_with_evidence_deleted_from_the_milestone_inline(
    admin_client, milestone, member, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    evidence = add_evidence(milestone, member)
    stored = evidence.file.name
    data = admin_form_data(admin_client.get(url(Milestone, "change", milestone.pk)))
    data["evidence-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(Milestone, "change", milestone.pk), data)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not default_storage.exists(stored)
