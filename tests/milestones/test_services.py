"""The milestone services: every rule of create, update, log, sign-off and decline."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from apps.accounts.models import Side
from apps.charter.models import CharterSection, Membership, Role
from apps.core.conflict import Conflict
from apps.milestones import services
from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status, UpdateKind
from apps.milestones.services import (
    UNSET,
    milestone_create,
    milestone_decline,
    milestone_log_progress,
    milestone_sign_off,
    milestone_update,
)
from tests.conftest import make_user, require
from tests.milestones.conftest import DUE

pytestmark = pytest.mark.django_db


def latest(milestone) -> MilestoneUpdate:
    return MilestoneUpdate.objects.filter(milestone=milestone).order_by("-id").first()


def snapshot(milestone) -> tuple:
    milestone = Milestone.objects.get(pk=milestone.pk)
    return (
        milestone.status,
        milestone.progress,
        milestone.due_date,
        milestone.owner_id,
        milestone.version,
        milestone.completed_at,
        MilestoneUpdate.objects.filter(milestone=milestone).count(),
        SignOff.objects.filter(milestone=milestone).count(),
    )


def update(milestone, user, **changes) -> Milestone:
    version = changes.pop("version", None) or Milestone.objects.get(pk=milestone.pk).version
    return milestone_update(milestone_id=milestone.pk, user=user, version=version, **changes)


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- create ---------------------------------------------------------------------------------


def test_it_creates_a_planned_milestone_and_logs_it(energy, member):
    milestone = milestone_create(
        group=energy, title="  Grid study ", due_date=DUE, user=member, owner=member
    )
    assert (milestone.title, milestone.status, milestone.progress, milestone.version) == (
        "Grid study",
        Status.PLANNED,
        0,
        1,
    )
    assert milestone.section == energy.section
    entry = latest(milestone)
    assert (entry.kind, entry.author, entry.new_status, entry.version) == (
        UpdateKind.CREATED,
        member,
        Status.PLANNED,
        1,
    )


def test_it_creates_with_every_optional_argument(energy, connectivity, cochair_az, member):
    milestone = milestone_create(
        group=energy,
        title="Interconnector",
        due_date=DUE,
        user=cochair_az,
        owner=member,
        description="From the action item of 3 March.",
        section=connectivity.section,
        external_ref="EN-7",
    )
    assert (milestone.owner, milestone.section, milestone.external_ref) == (
        member,
        connectivity.section,
        "EN-7",
    )


@pytest.mark.parametrize("role", ["observer", "outsider", "other_member"])
def test_it_refuses_to_create_for_someone_who_cannot_edit(request, energy, role):
    with pytest.raises(PermissionDenied):
        milestone_create(group=energy, title="x", due_date=DUE, user=request.getfixturevalue(role))
    assert not Milestone.objects.exists()


def test_it_lets_staff_create_in_any_group(security, staff):
    assert milestone_create(group=security, title="x", due_date=DUE, user=staff).pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the milestone a title."),
        ({"title": "x" * 301}, "title", "300 characters"),
        ({"due_date": datetime.date(1999, 12, 31)}, "due_date", "between the years 2000 and 2100"),
        ({"due_date": datetime.date(2101, 1, 1)}, "due_date", "between the years 2000 and 2100"),
        ({"external_ref": "x" * 65}, "external_ref", "64 characters"),
    ],
)
def test_it_refuses_bad_input_on_create(energy, member, fields, field, message):
    arguments = {"group": energy, "title": "Study", "due_date": DUE, "user": member, **fields}
    with pytest.raises(ValidationError) as error:
        milestone_create(**arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert not Milestone.objects.exists()


def test_it_refuses_an_owner_outside_the_group(energy, member, other_member, observer):
    for owner in (other_member, observer):
        with pytest.raises(ValidationError, match="not a member of this group who can own"):
            milestone_create(group=energy, title="x", due_date=DUE, user=member, owner=owner)
    assert not Milestone.objects.exists()


def test_it_refuses_a_duplicate_external_ref(energy, member):
    milestone_create(group=energy, title="a", due_date=DUE, user=member, external_ref="EN-1")
    with pytest.raises(ValidationError, match="already has this external reference"):
        milestone_create(group=energy, title="b", due_date=DUE, user=member, external_ref="EN-1")
    assert Milestone.objects.count() == 1


# --- update ---------------------------------------------------------------------------------


def test_it_changes_title_and_section_with_status_in_one_step(milestone, member):
    other_section = CharterSection.objects.get(slug="economic-investment")
    count = MilestoneUpdate.objects.filter(milestone=milestone).count()
    result = update(
        milestone,
        member,
        title="  Renamed  ",
        section=other_section,
        status=Status.IN_PROGRESS,
    )
    assert (result.title, result.section, result.version) == ("Renamed", other_section, 2)
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == count + 1
    changes = latest(milestone).changes
    assert changes["title"][1] == "Renamed"
    assert changes["section"] == [milestone.section.slug, "economic-investment"]


def test_it_refuses_an_empty_title_on_update(milestone, member):
    before = snapshot(milestone)
    with pytest.raises(ValidationError) as caught:
        update(milestone, member, title="   ")
    assert "Give the milestone a title." in messages_of(caught.value)
    assert snapshot(milestone) == before


def test_it_updates_and_logs_old_and_new_values(milestone, member, cochair_us):
    result = update(
        milestone,
        member,
        status=Status.AT_RISK,
        progress=35,
        due_date=datetime.date(2026, 9, 1),
        owner=cochair_us,
        note="Supplier delayed",
    )
    assert (result.status, result.progress, result.due_date, result.owner, result.version) == (
        Status.AT_RISK,
        35,
        datetime.date(2026, 9, 1),
        cochair_us,
        2,
    )
    entry = latest(milestone)
    assert entry.kind == UpdateKind.UPDATED
    assert entry.author == member
    assert (entry.old_status, entry.new_status) == (Status.PLANNED, Status.AT_RISK)
    assert (entry.old_progress, entry.new_progress) == (20, 35)
    assert entry.changes == {
        "due_date": ["2026-06-30", "2026-09-01"],
        "owner": ["Member", "Cochair Us"],
    }
    assert entry.note == "Supplier delayed"
    assert entry.version == 2


def test_it_leaves_unset_fields_alone(milestone, member):
    update(milestone, member, progress=50)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.owner) == (Status.PLANNED, 50, member)
    assert latest(milestone).changes == {}


def test_it_unassigns_the_owner_with_none(milestone, member):
    update(milestone, member, owner=None)
    milestone.refresh_from_db()
    assert milestone.owner is None
    assert latest(milestone).changes == {"owner": ["Member", None]}


def test_it_refuses_a_stale_version_with_a_conflict(milestone, member, cochair_az):
    update(milestone, cochair_az, status=Status.IN_PROGRESS, progress=40)
    before = snapshot(milestone)
    with pytest.raises(Conflict) as caught:
        milestone_update(
            milestone_id=milestone.pk, user=member, version=1, status=Status.BLOCKED, progress=10
        )
    conflict = caught.value
    assert snapshot(milestone) == before
    assert conflict.author == cochair_az
    assert conflict.changed_at == latest(milestone).created_at
    assert conflict.current.version == 2
    assert conflict.attempted == {"status": Status.BLOCKED, "progress": 10}
    rows = {row.label: row for row in conflict.rows}
    assert (rows["Status"].theirs, rows["Status"].yours) == ("In progress", "Blocked")
    assert (rows["Progress"].theirs, rows["Progress"].yours) == ("40 %", "10 %")
    assert rows["Status"].differs


def test_it_names_the_editor_not_a_later_note_in_a_conflict(milestone, member, cochair_az):
    update(milestone, cochair_az, progress=40)
    milestone_log_progress(milestone_id=milestone.pk, user=member, version=2, note="just a note")
    with pytest.raises(Conflict) as caught:
        milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=10)
    assert caught.value.author == cochair_az


def test_it_says_nothing_changed(milestone, member):
    before = snapshot(milestone)
    with pytest.raises(ValidationError, match="Nothing changed"):
        update(milestone, member, status=Status.PLANNED, progress=20, due_date=DUE, owner=member)
    assert snapshot(milestone) == before


@pytest.mark.parametrize("progress", [-1, 101, 1000, "50", 50.5, True, None])
def test_it_refuses_progress_outside_0_to_100(milestone, member, progress):
    before = snapshot(milestone)
    with pytest.raises(ValidationError) as error:
        update(milestone, member, progress=progress)
    assert error.value.message_dict["progress"] == ["Progress must be between 0 and 100."]
    assert snapshot(milestone) == before


@pytest.mark.parametrize(
    "due_date",
    [datetime.date(1999, 12, 31), datetime.date(2101, 1, 1), "2026-01-01", None],
)
def test_it_refuses_a_due_date_out_of_range(milestone, member, due_date):
    before = snapshot(milestone)
    with pytest.raises(ValidationError, match="between the years 2000 and 2100"):
        update(milestone, member, due_date=due_date)
    assert snapshot(milestone) == before


def test_it_reports_every_bad_field_at_once(milestone, member):
    with pytest.raises(ValidationError) as error:
        update(milestone, member, status="finished", progress=200, due_date=None)
    assert set(error.value.message_dict) == {"status", "progress", "due_date"}


def test_it_refuses_an_owner_who_is_not_a_member(milestone, member, other_member, observer):
    for owner in (other_member, observer):
        with pytest.raises(ValidationError, match="not a member of this group who can own"):
            update(milestone, member, owner=owner)
    milestone.refresh_from_db()
    assert milestone.owner == member


def test_it_keeps_an_owner_who_left_the_group_while_other_fields_change(milestone, member):
    Membership.objects.filter(user=member).delete()
    cochair = Membership.objects.filter(role=Role.CO_CHAIR).first().user
    update(milestone, cochair, owner=member, progress=60)
    milestone.refresh_from_db()
    assert (milestone.owner, milestone.progress) == (member, 60)


@pytest.mark.parametrize("role", ["observer", "outsider", "other_member"])
def test_it_refuses_an_update_from_someone_who_cannot_edit(request, milestone, role):
    before = snapshot(milestone)
    with pytest.raises(PermissionDenied):
        update(milestone, request.getfixturevalue(role), progress=90)
    assert snapshot(milestone) == before


@pytest.mark.parametrize("role", ["member", "cochair_az", "staff"])
def test_it_turns_mark_done_into_awaiting_signoff(request, milestone, role):
    result = update(milestone, request.getfixturevalue(role), status=Status.DONE)
    assert result.status == Status.AWAITING_SIGNOFF
    assert result.completed_at is None
    entry = latest(milestone)
    assert (entry.old_status, entry.new_status) == (Status.PLANNED, Status.AWAITING_SIGNOFF)


def test_it_does_not_mark_done_twice(awaiting, member):
    with pytest.raises(ValidationError, match="Nothing changed"):
        update(awaiting, member, status=Status.DONE)


def test_it_lets_only_cochairs_and_staff_cancel(milestone, member, cochair_us, staff):
    with pytest.raises(ValidationError) as error:
        update(milestone, member, status=Status.CANCELLED)
    assert "Only a co-chair or staff can cancel" in error.value.message_dict["status"][0]
    assert update(milestone, cochair_us, status=Status.CANCELLED).status == Status.CANCELLED
    assert update(milestone, staff, status=Status.PLANNED).status == Status.PLANNED


def test_it_lets_only_cochairs_and_staff_reopen(milestone, member, cochair_az):
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.CANCELLED)
    for changes in ({"status": Status.IN_PROGRESS}, {"progress": 5}):
        with pytest.raises(ValidationError, match="Only a co-chair or staff can reopen"):
            update(milestone, member, **changes)
    assert update(milestone, cochair_az, status=Status.IN_PROGRESS).status == Status.IN_PROGRESS


def test_it_clears_completion_and_signoffs_when_a_done_milestone_reopens(
    awaiting, cochair_az, cochair_us
):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_us)
    result = update(awaiting, cochair_az, status=Status.IN_PROGRESS, note="One more check")
    assert (result.status, result.completed_at) == (Status.IN_PROGRESS, None)
    assert not SignOff.objects.filter(milestone=awaiting).exists()
    assert latest(awaiting).changes == {"signoffs": [["az", "us"], []]}


def test_it_clears_signoffs_when_leaving_awaiting_signoff(awaiting, member, cochair_az):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    update(awaiting, member, status=Status.AT_RISK)
    assert not SignOff.objects.filter(milestone=awaiting).exists()
    entry = latest(awaiting)
    assert entry.changes == {"signoffs": [["az"], []]}
    assert (entry.old_status, entry.new_status) == (Status.AWAITING_SIGNOFF, Status.AT_RISK)


def test_it_keeps_signoffs_when_only_progress_changes(awaiting, member, cochair_az):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    update(awaiting, member, progress=95)
    assert SignOff.objects.filter(milestone=awaiting).count() == 1


def test_it_refuses_a_note_over_5000_characters_on_update(milestone, member):
    with pytest.raises(ValidationError, match="5000 characters"):
        update(milestone, member, progress=30, note="x" * 5001)


# --- log progress ---------------------------------------------------------------------------


def test_it_logs_a_note_without_bumping_the_version(milestone, member):
    result = milestone_log_progress(
        milestone_id=milestone.pk, user=member, version=1, note="Kick-off held"
    )
    assert result.version == 1
    entry = latest(milestone)
    assert (entry.kind, entry.note, entry.author, entry.changes) == (
        UpdateKind.PROGRESS,
        "Kick-off held",
        member,
        {},
    )
    assert (entry.old_status, entry.new_status) == (Status.PLANNED, Status.PLANNED)


def test_it_logs_a_note_with_a_status_and_progress_change(milestone, member):
    result = milestone_log_progress(
        milestone_id=milestone.pk,
        user=member,
        version=1,
        note="Work started",
        status=Status.IN_PROGRESS,
        progress=25,
    )
    assert (result.status, result.progress, result.version) == (Status.IN_PROGRESS, 25, 2)
    entry = latest(milestone)
    assert (entry.old_progress, entry.new_progress, entry.note) == (20, 25, "Work started")


def test_it_accepts_a_note_alone_on_a_stale_version(milestone, member, cochair_az):
    update(milestone, cochair_az, progress=40)
    milestone_log_progress(milestone_id=milestone.pk, user=member, version=1, note="Still fine")
    assert latest(milestone).note == "Still fine"


def test_it_refuses_a_stale_status_change_in_a_log(milestone, member, cochair_az):
    update(milestone, cochair_az, progress=40)
    before = snapshot(milestone)
    with pytest.raises(Conflict) as caught:
        milestone_log_progress(
            milestone_id=milestone.pk, user=member, version=1, note="Blocked", progress=0
        )
    assert caught.value.note == "Blocked"
    assert snapshot(milestone) == before


@pytest.mark.parametrize(("note", "message"), [("  ", "Write a note"), ("x" * 5001, "5000")])
def test_it_refuses_a_bad_note(milestone, member, note, message):
    before = snapshot(milestone)
    with pytest.raises(ValidationError, match=message):
        milestone_log_progress(milestone_id=milestone.pk, user=member, version=1, note=note)
    assert snapshot(milestone) == before


def test_it_lets_a_member_note_a_closed_milestone_but_not_change_it(milestone, member):
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.CANCELLED)
    milestone_log_progress(milestone_id=milestone.pk, user=member, version=1, note="For the record")
    with pytest.raises(ValidationError, match="reopen"):
        milestone_log_progress(
            milestone_id=milestone.pk, user=member, version=1, note="x", status=Status.PLANNED
        )


def test_it_refuses_a_log_from_an_observer(milestone, observer):
    with pytest.raises(PermissionDenied):
        milestone_log_progress(milestone_id=milestone.pk, user=observer, version=1, note="hi")
    assert not MilestoneUpdate.objects.exists()


# --- sign-off -------------------------------------------------------------------------------


def test_it_records_one_side_without_completing(awaiting, cochair_az):
    result = milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    assert (result.status, result.completed_at, result.version) == (
        Status.AWAITING_SIGNOFF,
        None,
        1,
    )
    signoff = SignOff.objects.get(milestone=awaiting)
    assert (signoff.side, signoff.signed_by) == (Side.AZ, cochair_az)
    entry = latest(awaiting)
    assert (entry.kind, entry.author, entry.changes) == (
        UpdateKind.SIGNED,
        cochair_az,
        {"side": [None, "az"]},
    )


def test_it_completes_on_the_second_side(awaiting, cochair_az, cochair_us):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_us)
    result = milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    assert (result.status, result.progress, result.version) == (Status.DONE, 100, 2)
    assert result.completed_at is not None
    entry = latest(awaiting)
    assert (entry.old_status, entry.new_status, entry.old_progress, entry.new_progress) == (
        Status.AWAITING_SIGNOFF,
        Status.DONE,
        90,
        100,
    )
    assert SignOff.objects.filter(milestone=awaiting).count() == 2


def test_it_refuses_a_second_signature_from_the_same_side(awaiting, cochair_az):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    before = snapshot(awaiting)
    with pytest.raises(ValidationError, match="already signed off"):
        milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    assert snapshot(awaiting) == before


def test_it_never_completes_on_one_side_even_when_another_az_signature_exists(
    awaiting, cochair_az, energy
):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    deputy = make_user("deputy@example.test", side=Side.AZ)
    Membership.objects.filter(user=cochair_az).delete()
    Membership.objects.create(user=deputy, group=energy, role=Role.CO_CHAIR, side=Side.AZ)
    with pytest.raises(ValidationError, match="already signed off"):
        milestone_sign_off(milestone_id=awaiting.pk, user=deputy)
    assert Milestone.objects.get(pk=awaiting.pk).status == Status.AWAITING_SIGNOFF


@pytest.mark.parametrize("role", ["member", "observer", "outsider", "staff", "other_member"])
def test_it_lets_only_cochairs_sign(request, awaiting, role):
    before = snapshot(awaiting)
    with pytest.raises(PermissionDenied):
        milestone_sign_off(milestone_id=awaiting.pk, user=request.getfixturevalue(role))
    assert snapshot(awaiting) == before


def test_it_refuses_to_sign_what_is_not_awaiting_signoff(milestone, cochair_az):
    with pytest.raises(ValidationError, match="not awaiting sign-off"):
        milestone_sign_off(milestone_id=milestone.pk, user=cochair_az)
    assert not SignOff.objects.exists()


def test_it_completes_exactly_once_when_both_sign_in_turn_from_the_same_state(
    awaiting, cochair_az, cochair_us
):
    """Two co-chairs who both loaded the page while nobody had signed: whoever comes second
    completes it, and nobody can complete it again."""
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_us)
    for cochair in (cochair_az, cochair_us):
        with pytest.raises(ValidationError, match="not awaiting sign-off"):
            milestone_sign_off(milestone_id=awaiting.pk, user=cochair)
    completions = MilestoneUpdate.objects.filter(milestone=awaiting, new_status=Status.DONE)
    assert completions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_completes_exactly_once_when_both_sign_at_the_same_moment(
    awaiting, cochair_az, cochair_us
):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sign(user):
        try:
            barrier.wait(timeout=10)
            milestone_sign_off(milestone_id=awaiting.pk, user=user)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(user,)) for user in (cochair_az, cochair_us)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.version) == (Status.DONE, 2)
    assert SignOff.objects.filter(milestone=awaiting).count() == 2
    assert MilestoneUpdate.objects.filter(milestone=awaiting, new_status=Status.DONE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_refuses_the_same_side_signing_twice_at_the_same_moment(awaiting, cochair_az):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign():
        try:
            barrier.wait(timeout=10)
            milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
            outcomes.append("signed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "signed"]
    assert Milestone.objects.get(pk=awaiting.pk).status == Status.AWAITING_SIGNOFF


# --- decline --------------------------------------------------------------------------------


def test_it_declines_back_to_in_progress_with_the_reason(awaiting, cochair_az, cochair_us):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    result = milestone_decline(
        milestone_id=awaiting.pk, user=cochair_us, reason="The report lacks the annex."
    )
    assert (result.status, result.version) == (Status.IN_PROGRESS, 2)
    assert not SignOff.objects.filter(milestone=awaiting).exists()
    entry = latest(awaiting)
    assert (entry.kind, entry.author, entry.note) == (
        UpdateKind.DECLINED,
        cochair_us,
        "The report lacks the annex.",
    )
    assert entry.changes == {"side": [None, "us"], "signoffs": [["az"], []]}


@pytest.mark.parametrize("reason", ["", "   ", "x" * 5001])
def test_it_refuses_a_decline_without_a_proper_reason(awaiting, cochair_us, reason):
    before = snapshot(awaiting)
    with pytest.raises(ValidationError) as error:
        milestone_decline(milestone_id=awaiting.pk, user=cochair_us, reason=reason)
    assert "reason" in error.value.message_dict
    assert snapshot(awaiting) == before


@pytest.mark.parametrize("role", ["member", "staff", "observer"])
def test_it_lets_only_cochairs_decline(request, awaiting, role):
    before = snapshot(awaiting)
    with pytest.raises(PermissionDenied):
        milestone_decline(milestone_id=awaiting.pk, user=request.getfixturevalue(role), reason="no")
    assert snapshot(awaiting) == before


def test_it_refuses_to_decline_what_is_not_awaiting_signoff(milestone, cochair_az):
    with pytest.raises(ValidationError, match="not awaiting sign-off"):
        milestone_decline(milestone_id=milestone.pk, user=cochair_az, reason="no")


def test_a_decline_sends_progress_back_to_before_sign_off_was_asked(milestone, member, cochair_us):
    # 20 % → 60 % → "done" at 100 %: sent back to work, it is at 60 % again, not complete.
    milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=60)
    milestone_update(
        milestone_id=milestone.pk, user=member, version=2, progress=100, status=Status.DONE
    )
    result = milestone_decline(milestone_id=milestone.pk, user=cochair_us, reason="Annex missing")
    assert (result.status, result.progress) == (Status.IN_PROGRESS, 60)
    entry = latest(milestone)
    assert (entry.old_progress, entry.new_progress) == (100, 60)


def test_a_decline_never_leaves_progress_at_100(awaiting, cochair_us):
    # No entry asked for sign-off (set by hand or imported at 100 %): capped at 90 %.
    Milestone.objects.filter(pk=awaiting.pk).update(progress=100)
    result = milestone_decline(milestone_id=awaiting.pk, user=cochair_us, reason="Not yet")
    assert result.progress == services.DECLINED_PROGRESS_CAP == 90


def test_a_decline_caps_a_request_made_at_100(milestone, member, cochair_us):
    milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=100)
    milestone_update(milestone_id=milestone.pk, user=member, version=2, status=Status.DONE)
    result = milestone_decline(milestone_id=milestone.pk, user=cochair_us, reason="Not yet")
    assert result.progress == 90


def test_the_page_and_the_service_agree_on_the_progress_after_a_decline(milestone, member):
    milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=45)
    milestone_update(
        milestone_id=milestone.pk, user=member, version=2, progress=100, status=Status.DONE
    )
    loaded = Milestone.objects.get(pk=milestone.pk)
    entries = list(
        MilestoneUpdate.objects.filter(milestone=milestone).order_by("-created_at", "-id")
    )
    assert (
        services.progress_after_decline(milestone=loaded)
        == services.progress_after_decline(milestone=loaded, entries=entries)
        == 45
    )


# --- admin ----------------------------------------------------------------------------------


def test_it_logs_an_admin_creation(energy, staff):
    milestone = Milestone(group=energy, section=energy.section, title="Admin-made", due_date=DUE)
    services.milestone_admin_save(milestone=milestone, user=staff, changed=["title"])
    entry = latest(milestone)
    assert (entry.kind, entry.note, entry.version) == (
        UpdateKind.CREATED,
        "Created in the admin.",
        1,
    )


def test_it_sets_the_completion_time_on_an_admin_done(milestone, staff):
    milestone.status = Status.DONE
    services.milestone_admin_save(milestone=milestone, user=staff, changed=["status"])
    milestone.refresh_from_db()
    assert milestone.completed_at is not None
    assert milestone.version == 2
    entry = latest(milestone)
    assert (entry.kind, entry.old_status, entry.new_status) == (
        UpdateKind.ADMIN,
        Status.PLANNED,
        Status.DONE,
    )


def test_it_writes_nothing_for_an_unchanged_admin_save(milestone, staff):
    services.milestone_admin_save(milestone=milestone, user=staff, changed=["seen_version"])
    assert snapshot(milestone)[4:7] == (1, None, 0)


def test_it_names_unset_and_treats_it_as_false():
    assert not UNSET
    assert repr(UNSET) == "UNSET"


def test_it_signs_only_for_the_cochairs_own_side(awaiting, cochair_us):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_us)
    assert list(SignOff.objects.values_list("side", flat=True)) == ["us"]


def test_it_reports_a_milestone_that_vanished(member):
    with pytest.raises(ValidationError, match="no longer exists"):
        milestone_update(milestone_id=999_999, user=member, version=1, progress=1)
