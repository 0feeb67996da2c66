"""The milestones pages and their endpoints, with HTMX and without JavaScript."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status, UpdateKind
from apps.milestones.services import milestone_sign_off, milestone_update
from tests.milestones.conftest import DUE, HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


def url(name: str, *args) -> str:
    return reverse(f"milestones:{name}", args=args)


def edit_data(milestone, **overrides) -> dict:
    data = {
        "version": milestone.version,
        "status": milestone.status,
        "progress": milestone.progress,
        "due_date": milestone.due_date.isoformat(),
        "owner": milestone.owner.email if milestone.owner else "",
        "fragment": "detail",
    }
    data.update(overrides)
    return data


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def fresh(milestone) -> Milestone:
    return Milestone.objects.get(pk=milestone.pk)


# The list, its rows and the create page: tests/milestones/test_list_views.py.


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/x",
        "javascript:alert(1)",
        "\\\\evil.example",
        "",
    ],
)
def test_it_refuses_a_next_address_off_this_site(as_user, milestone, member, next_url):
    response = as_user(member).post(
        url("update", milestone.pk), edit_data(milestone, progress=56, next=next_url)
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", milestone.pk)


# --- update from the detail page ----------------------------------------------------------


def test_it_updates_from_the_detail_page_with_htmx(as_user, milestone, member):
    response = as_user(member).post(
        url("update", milestone.pk),
        edit_data(milestone, status=Status.DONE, note="All delivered"),
        headers=HTMX,
    )
    assert response.status_code == 200
    text = response.text
    assert text.strip().startswith('<div id="milestone"')
    assert "Marked done: now awaiting sign-off by both co-chairs." in text
    assert "All delivered" in text
    assert "Status: Planned → Awaiting sign-off" in text
    assert fresh(milestone).status == Status.AWAITING_SIGNOFF


def test_it_shows_an_owner_change_in_the_history(as_user, milestone, member):
    # Was covered only by the milestones CSRF "accepted with the token" test (see
    # tests/fuzz/test_csrf.py), which unassigned the owner through the detail page.
    response = as_user(member).post(
        url("update", milestone.pk), edit_data(milestone, owner=""), headers=HTMX
    )
    assert response.status_code == 200
    assert f"<li>Owner: {member.display_name} → unassigned</li>" in response.text
    assert fresh(milestone).owner is None


def test_it_updates_from_the_detail_page_without_javascript(as_user, milestone, member):
    response = as_user(member).post(url("update", milestone.pk), edit_data(milestone, progress=80))
    assert response.status_code == 302
    assert response["Location"] == url("detail", milestone.pk)
    page = as_user(member).get(response["Location"])
    assert "80 %" in page.text


def test_it_answers_invalid_input_with_the_form_and_422(as_user, milestone, member, other_member):
    response = as_user(member).post(
        url("update", milestone.pk),
        edit_data(milestone, progress="lots", owner=other_member.email),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#update-panel"
    assert response["HX-Reswap"] == "outerHTML"
    assert response.text.strip().startswith('<div id="update-panel"')
    assert "Progress must be a whole number between 0 and 100." in response.text
    assert "other@example.test is not a member of this group" in response.text
    assert fresh(milestone).version == 1


def test_it_answers_invalid_input_without_javascript_with_the_page_and_422(
    as_user, milestone, member
):
    response = as_user(member).post(url("update", milestone.pk), edit_data(milestone, progress=-3))
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Progress must be between 0 and 100." in response.text


def test_it_says_nothing_changed_with_422(as_user, milestone, member):
    response = as_user(member).post(url("update", milestone.pk), edit_data(milestone), headers=HTMX)
    assert response.status_code == 422
    assert "Nothing changed." in response.text


def test_it_answers_a_stale_edit_with_the_conflict_and_409(as_user, milestone, member, cochair_us):
    milestone_update(
        milestone_id=milestone.pk, user=cochair_us, version=1, due_date=datetime.date(2026, 8, 1)
    )
    response = as_user(member).post(
        url("update", milestone.pk),
        edit_data(milestone, version=1, due_date="2026-09-15", note="Moved after the summit"),
        headers=HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#update-panel"
    text = response.text
    assert "Cochair Us saved a change" in text
    assert "1 August 2026" in text and "15 September 2026" in text
    assert 'value="2026-09-15"' in text
    assert "Moved after the summit" in text
    assert 'name="version" value="2"' in text
    assert f'href="{url("detail", milestone.pk)}"' in text  # reload link
    assert fresh(milestone).due_date == datetime.date(2026, 8, 1)


def test_it_answers_a_stale_edit_without_javascript_with_the_page_and_409(
    as_user, milestone, member, cochair_us
):
    milestone_update(milestone_id=milestone.pk, user=cochair_us, version=1, progress=5)
    response = as_user(member).post(
        url("update", milestone.pk), edit_data(milestone, version=1, progress=60)
    )
    assert response.status_code == 409
    assert "<html" in response.text
    assert "Cochair Us saved a change" in response.text


def test_it_treats_a_missing_version_as_an_out_of_date_form(as_user, milestone, member):
    data = edit_data(milestone, progress=30)
    del data["version"]
    response = as_user(member).post(url("update", milestone.pk), data, headers=HTMX)
    assert response.status_code == 422
    assert "This form is out of date" in response.text


def test_it_leaves_fields_missing_from_the_request_alone(as_user, milestone, member):
    response = as_user(member).post(
        url("update", milestone.pk), {"version": 1, "status": Status.IN_PROGRESS}, headers=HTMX
    )
    assert response.status_code == 200
    milestone = fresh(milestone)
    assert (milestone.status, milestone.progress, milestone.due_date) == (
        Status.IN_PROGRESS,
        20,
        DUE,
    )


def test_it_hides_cancel_from_members_and_offers_it_to_cochairs(
    as_user, milestone, member, cochair_az
):
    assert '<option value="cancelled"' not in as_user(member).get(url("detail", milestone.pk)).text
    assert '<option value="cancelled"' in as_user(cochair_az).get(url("detail", milestone.pk)).text


def test_it_shows_a_closed_milestone_read_only_to_members(as_user, milestone, member):
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.CANCELLED)
    response = as_user(member).get(url("detail", milestone.pk))
    assert "Only a co-chair or staff can reopen or change it." in response.text
    assert f'action="{url("update", milestone.pk)}"' not in response.text
    assert f'action="{url("log", milestone.pk)}"' in response.text  # notes still welcome


# Any input on the update form: tests/fuzz/test_endpoints.py (milestones:update; never a 5xx,
# and a refusal changes nothing).


# --- log progress ---------------------------------------------------------------------------


def test_it_logs_progress_with_htmx_and_shows_it_in_the_timeline(as_user, milestone, member):
    response = as_user(member).post(
        url("log", milestone.pk),
        {"version": 1, "note": "Site survey finished", "progress": "40", "status": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    text = response.text
    assert "Progress logged." in text
    assert "Site survey finished" in text
    assert "Progress: 20 % → 40 %" in text
    entry = MilestoneUpdate.objects.get(milestone=milestone)
    assert (entry.kind, entry.new_progress) == (UpdateKind.PROGRESS, 40)


def test_it_logs_progress_without_javascript(as_user, milestone, member):
    response = as_user(member).post(url("log", milestone.pk), {"version": 1, "note": "Met"})
    assert response.status_code == 302
    assert response["Location"] == url("detail", milestone.pk)
    assert message_texts(response) == ["Progress logged."]


def test_it_wants_a_note_or_a_change_to_post_an_update(as_user, milestone, member):
    response = as_user(member).post(
        url("log", milestone.pk), {"version": 1, "note": "  ", "progress": "20"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#update-panel"
    assert "Write a note, or change the status, progress, due date or owner." in response.text
    assert 'href="#update-note"' in response.text  # the error summary links to the field
    assert not MilestoneUpdate.objects.exists()


def test_it_shows_a_conflict_for_a_stale_log_with_a_change(as_user, milestone, member, cochair_az):
    milestone_update(milestone_id=milestone.pk, user=cochair_az, version=1, progress=33)
    response = as_user(member).post(
        url("log", milestone.pk),
        {"version": 1, "note": "We are at half", "progress": "50"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#update-panel"
    assert "Cochair Az saved a change" in response.text
    assert "We are at half" in response.text
    assert fresh(milestone).progress == 33


# --- sign-off and decline -------------------------------------------------------------------


def test_it_shows_the_sign_button_to_the_cochair_whose_side_has_not_signed(
    as_user, awaiting, cochair_az, cochair_us, member, staff
):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    sign_action = f'action="{url("sign", awaiting.pk)}"'
    assert sign_action in as_user(cochair_us).get(url("detail", awaiting.pk)).text
    for user in (cochair_az, member, staff):
        assert sign_action not in as_user(user).get(url("detail", awaiting.pk)).text


def test_it_signs_with_htmx_and_completes_on_the_second_side(
    as_user, awaiting, cochair_az, cochair_us
):
    first = as_user(cochair_az).post(url("sign", awaiting.pk), headers=HTMX)
    assert first.status_code == 200
    assert "Signed off for Azerbaijan. Waiting for the other side." in first.text
    assert fresh(awaiting).status == Status.AWAITING_SIGNOFF
    second = as_user(cochair_us).post(url("sign", awaiting.pk), headers=HTMX)
    assert "Both sides have signed off: the milestone is done." in second.text
    assert fresh(awaiting).status == Status.DONE


def test_it_signs_without_javascript(as_user, awaiting, cochair_us):
    response = as_user(cochair_us).post(url("sign", awaiting.pk))
    assert response.status_code == 302
    assert response["Location"] == url("detail", awaiting.pk)
    assert message_texts(response) == ["Signed off for United States. Waiting for the other side."]


def test_it_refuses_a_repeated_signature_with_422(as_user, awaiting, cochair_az):
    client = as_user(cochair_az)
    client.post(url("sign", awaiting.pk), headers=HTMX)
    response = client.post(url("sign", awaiting.pk), headers=HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#signoff"
    assert "Your side has already signed off this milestone." in response.text
    assert SignOff.objects.count() == 1


def test_it_refuses_to_sign_a_milestone_not_awaiting_signoff(as_user, milestone, cochair_az):
    response = as_user(cochair_az).post(url("sign", milestone.pk))
    assert response.status_code == 422
    assert "This milestone is not awaiting sign-off." in response.text


def test_it_declines_with_a_reason(as_user, awaiting, cochair_us):
    response = as_user(cochair_us).post(
        url("decline", awaiting.pk), {"reason": "Annex missing", "confirmed": "yes"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Sign-off declined" in response.text
    assert "Annex missing" in response.text
    assert fresh(awaiting).status == Status.IN_PROGRESS


def test_it_wants_a_reason_to_decline(as_user, awaiting, cochair_us):
    response = as_user(cochair_us).post(url("decline", awaiting.pk), {"reason": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "Say why you decline" in response.text
    assert fresh(awaiting).status == Status.AWAITING_SIGNOFF
    response = as_user(cochair_us).post(url("decline", awaiting.pk), {"reason": ""})
    assert response.status_code == 422
    assert "<html" in response.text


def test_it_declines_without_javascript(as_user, awaiting, cochair_us):
    response = as_user(cochair_us).post(
        url("decline", awaiting.pk), {"reason": "Not yet", "confirmed": "yes"}
    )
    assert response.status_code == 302
    assert message_texts(response) == ["Sign-off declined: the milestone is back in progress."]


# --- detail ---------------------------------------------------------------------------------


def test_it_shows_the_detail_page(as_user, awaiting, member, cochair_az):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    response = as_user(member).get(url("detail", awaiting.pk))
    text = response.text
    assert response.status_code == 200
    assert "Awaiting sign-off" in text  # status as text
    assert '<progress max="100" value="90"' in text and "90 %" in text
    assert "Cochair Az" in text and "Not signed" in text
    assert "Signed off for Azerbaijan." in text  # in the timeline


def test_it_shows_times_in_the_users_time_zone(as_user, awaiting, cochair_az, cochair_us):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    logged_at = MilestoneUpdate.objects.get().created_at
    baku = logged_at.astimezone(datetime.timezone(datetime.timedelta(hours=4)))
    text = as_user(cochair_az).get(url("detail", awaiting.pk)).text
    assert f'datetime="{logged_at.replace(microsecond=0).isoformat()}"' in text
    assert f"{baku:%H:%M}&nbsp;Baku</time>" in text  # {% moment %}: the zone named


def test_it_refuses_get_on_post_endpoints(as_user, milestone, member):
    for name in ("update", "log", "sign", "decline", "evidence_add"):
        assert as_user(member).get(url(name, milestone.pk)).status_code == 405


def test_it_tells_a_user_who_conflicts_with_themselves(as_user, milestone, member):
    milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=30)
    response = as_user(member).post(
        url("update", milestone.pk), edit_data(milestone, version=1, progress=40), headers=HTMX
    )
    assert response.status_code == 409
    assert "You saved a change yourself" in response.text


def test_it_refuses_to_decline_what_is_not_awaiting_sign_off(as_user, milestone, cochair_us):
    # The form is fine; the service refuses, and says why on the sign-off panel.
    response = as_user(cochair_us).post(
        url("decline", milestone.pk), {"reason": "Too early"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#signoff"
    assert 'role="alert"' in response.text
    assert fresh(milestone).status == milestone.status
