"""The milestone page: whose turn it is to sign, who has signed, the one "Post an update"
form, banners inside the panel that was used, and the confirmation asked (without
JavaScript too) before a decline or a removal."""

import datetime

import pytest
from django.urls import reverse

from apps.milestones.models import Evidence, Milestone, MilestoneUpdate, SignOff, Status, UpdateKind
from apps.milestones.services import evidence_add, milestone_sign_off, milestone_update
from tests.milestones.conftest import HTMX, PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def cochair_az(cochair_az):
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


def url(name: str, *args) -> str:
    return reverse(f"milestones:{name}", args=args)


def fresh(milestone) -> Milestone:
    return Milestone.objects.get(pk=milestone.pk)


def state(milestone) -> tuple:
    milestone = fresh(milestone)
    return (
        milestone.status,
        milestone.progress,
        milestone.version,
        SignOff.objects.count(),
        Evidence.objects.count(),
        MilestoneUpdate.objects.count(),
    )


# --- whose turn ----------------------------------------------------------------------------


def test_it_tells_the_cochair_whose_turn_it_is_and_links_to_the_panel(
    as_user, awaiting, cochair_az, cochair_us, member, staff
):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    text = as_user(cochair_us).get(url("detail", awaiting.pk)).text
    assert "Your sign-off is needed for United States." in text
    assert 'href="#signoff"' in text and 'id="signoff"' in text
    for user in (cochair_az, member, staff):  # signed already, or not a signer
        assert 'href="#signoff"' not in as_user(user).get(url("detail", awaiting.pk)).text


def test_it_says_who_has_signed_and_who_is_awaited(as_user, awaiting, cochair_az, cochair_us):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_az)
    text = as_user(cochair_us).get(url("detail", awaiting.pk)).text
    assert "signed by Cochair Az on" in text
    assert "waiting for Cochair Us" in text
    assert "Needed: the United States side's signature." in text
    assert "Waiting for both co-chairs" not in text


def test_it_shows_no_sign_off_banner_before_sign_off_is_asked(as_user, milestone, cochair_us):
    text = as_user(cochair_us).get(url("detail", milestone.pk)).text
    assert 'href="#signoff"' not in text
    assert "Sign-off starts when someone marks this milestone done." in text
    assert f'action="{url("decline", milestone.pk)}"' not in text


def test_it_keeps_the_decline_form_collapsed_with_its_dialog(as_user, awaiting, cochair_us):
    text = as_user(cochair_us).get(url("detail", awaiting.pk)).text
    assert '<details class="ms-decline">' in text  # closed
    assert 'data-confirm="confirm-decline"' in text
    assert '<dialog class="confirm-dialog" id="confirm-decline"' in text
    assert "The milestone goes back to In progress at 90 %" in text


# --- decline: confirmation and progress -----------------------------------------------------


def test_an_unconfirmed_decline_changes_nothing_and_states_the_consequence(
    as_user, awaiting, cochair_az, cochair_us
):
    milestone_sign_off(milestone_id=awaiting.pk, user=cochair_us)
    before = state(awaiting)
    response = as_user(cochair_az).post(url("decline", awaiting.pk), {"reason": "Annex missing"})
    assert response.status_code == 200
    text = response.text
    assert "<h1>Decline the sign-off?</h1>" in text
    assert "This withdraws the United States side&#x27;s signature, given by Cochair Us." in text
    assert "The milestone goes back to In progress" in text
    assert 'name="confirmed" value="yes"' in text
    assert 'name="reason" value="Annex missing"' in text  # posted again as it was
    assert state(awaiting) == before


def test_an_unconfirmed_decline_with_htmx_shows_the_confirmation_in_main(
    as_user, awaiting, cochair_us
):
    before = state(awaiting)
    response = as_user(cochair_us).post(
        url("decline", awaiting.pk), {"reason": "Annex missing"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    assert "Decline the sign-off?" in response.text
    assert state(awaiting) == before


def test_a_confirmed_decline_withdraws_and_goes_back_below_100(
    as_user, milestone, member, cochair_az, cochair_us
):
    # 70 % → "done" at 100 % asks for sign-off; a decline goes back to 70 %.
    milestone_update(
        milestone_id=milestone.pk, user=member, version=1, progress=70, status=Status.IN_PROGRESS
    )
    milestone_update(
        milestone_id=milestone.pk, user=member, version=2, progress=100, status=Status.DONE
    )
    milestone_sign_off(milestone_id=milestone.pk, user=cochair_us)
    response = as_user(cochair_az).post(
        url("decline", milestone.pk), {"reason": "Annex missing", "confirmed": "yes"}
    )
    assert response.status_code == 302
    milestone = fresh(milestone)
    assert (milestone.status, milestone.progress) == (Status.IN_PROGRESS, 70)
    assert not SignOff.objects.exists()
    entry = MilestoneUpdate.objects.filter(kind=UpdateKind.DECLINED).get()
    assert (entry.old_progress, entry.new_progress) == (100, 70)


def test_a_declined_sign_off_shows_its_banner_in_the_sign_off_panel(as_user, awaiting, cochair_us):
    response = as_user(cochair_us).post(
        url("decline", awaiting.pk), {"reason": "Annex missing", "confirmed": "yes"}, headers=HTMX
    )
    text = response.text
    panel = text[text.index('id="signoff"') :]
    assert "Sign-off declined: the milestone is back in progress." in panel
    assert 'role="status"' in panel


# --- evidence: confirmation, banners ---------------------------------------------------------


def test_an_unconfirmed_removal_changes_nothing_and_names_the_file(as_user, milestone, member):
    evidence = evidence_add(milestone_id=milestone.pk, user=member, file=upload("annex.pdf", PDF))
    before = state(milestone)
    response = as_user(member).post(url("evidence_remove", evidence.pk))
    assert response.status_code == 200
    assert "The file annex.pdf is deleted from CharterHub and cannot be recovered." in response.text
    assert 'name="confirmed" value="yes"' in response.text
    assert state(milestone) == before


def test_a_confirmed_removal_removes(as_user, milestone, member):
    evidence = evidence_add(milestone_id=milestone.pk, user=member, url="https://x.org/a")
    response = as_user(member).post(url("evidence_remove", evidence.pk), {"confirmed": "yes"})
    assert response.status_code == 302
    assert not Evidence.objects.exists()


def test_the_page_asks_before_each_removal(as_user, milestone, member):
    evidence = evidence_add(milestone_id=milestone.pk, user=member, url="https://x.org/a")
    text = as_user(member).get(url("detail", milestone.pk)).text
    assert f'data-confirm="confirm-remove-evidence-{evidence.pk}"' in text
    assert "The link to https://x.org/a is removed from this milestone." in text


def test_evidence_added_shows_in_the_evidence_panel_and_an_error_replaces_it(
    as_user, milestone, member
):
    client = as_user(member)
    added = client.post(url("evidence_add", milestone.pk), {"url": "https://x.org"}, headers=HTMX)
    text = added.text
    panel = text[text.index('id="evidence-panel"') :]
    assert "Evidence added." in panel and 'role="status"' in panel
    assert "Evidence added." not in text[: text.index('id="evidence-panel"')]
    refused = client.post(url("evidence_add", milestone.pk), {"url": "ftp://x"}, headers=HTMX)
    assert refused.status_code == 422
    assert refused["HX-Retarget"] == "#evidence-panel"
    assert "Evidence added." not in refused.text
    assert 'class="error-summary"' in refused.text and 'href="#evidence-url"' in refused.text


# --- one "Post an update" form ---------------------------------------------------------------


def test_it_has_one_update_form_at_the_top_of_the_history(as_user, milestone, member):
    text = as_user(member).get(url("detail", milestone.pk)).text
    assert text.count("Post an update") == 1
    assert f'action="{url("update", milestone.pk)}"' not in text
    history = text.index('id="history"')
    assert history < text.index('id="update-panel"') < text.index('id="timeline"')
    for field in ("update-status", "update-progress", "update-note", "update-due_date"):
        assert f'id="{field}"' in text


def test_a_note_alone_is_logged_as_progress(as_user, milestone, member):
    response = as_user(member).post(
        url("log", milestone.pk),
        {
            "version": 1,
            "status": milestone.status,
            "progress": milestone.progress,
            "due_date": milestone.due_date.isoformat(),
            "owner": member.email,
            "note": "Met the ministry",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    panel = response.text[response.text.index('id="update-panel"') :]
    assert "Progress logged." in panel and 'role="status"' in panel
    entry = MilestoneUpdate.objects.get()
    assert (entry.kind, entry.note, fresh(milestone).version) == (
        UpdateKind.PROGRESS,
        "Met the ministry",
        1,
    )


def test_a_due_date_change_with_a_note_is_one_edit(as_user, milestone, member):
    response = as_user(member).post(
        url("log", milestone.pk),
        {
            "version": 1,
            "status": milestone.status,
            "progress": "35",
            "due_date": "2026-09-30",
            "owner": member.email,
            "note": "Moved after the summit",
        },
    )
    assert response.status_code == 302
    milestone = fresh(milestone)
    assert (milestone.progress, milestone.due_date) == (35, datetime.date(2026, 9, 30))
    entry = MilestoneUpdate.objects.get()
    assert (entry.kind, entry.note) == (UpdateKind.UPDATED, "Moved after the summit")


def test_errors_come_with_a_summary_linking_to_the_fields(as_user, milestone, member):
    response = as_user(member).post(
        url("log", milestone.pk),
        {"version": 1, "status": milestone.status, "progress": "150", "due_date": "soon"},
    )
    assert response.status_code == 422
    text = response.text
    assert 'class="error-summary"' in text
    assert 'href="#update-progress"' in text and 'href="#update-due_date"' in text
    assert MilestoneUpdate.objects.count() == 0


def test_members_of_a_closed_milestone_may_only_add_a_note(as_user, milestone, member):
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.CANCELLED)
    text = as_user(member).get(url("detail", milestone.pk)).text
    assert 'id="update-note"' in text
    assert 'id="update-status"' not in text and 'id="update-due_date"' not in text


def test_observers_get_no_controls(as_user, awaiting, observer):
    evidence_add(milestone_id=awaiting.pk, user=awaiting.owner, url="https://x.org")
    text = as_user(observer).get(url("detail", awaiting.pk)).text
    for action in ("log", "sign", "decline", "evidence_add"):
        assert f'action="{url(action, awaiting.pk)}"' not in text
    assert "Remove" not in text


def test_history_entries_name_the_zone(as_user, milestone, member):
    milestone_update(milestone_id=milestone.pk, user=member, version=1, progress=30)
    text = as_user(member).get(url("detail", milestone.pk)).text  # member: Asia/Baku
    timeline = text[text.index('id="timeline"') :]
    assert "&nbsp;Baku</time>" in timeline
    assert "Progress: 20 % → 30 %" in timeline
