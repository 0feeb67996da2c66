"""EmailLog constraints: the claim key is unique, a sent row has a time, choices are checked."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.notifications.models import EmailKind, EmailLog, EmailState

pytestmark = pytest.mark.django_db


def email(recipient, *, save: bool = True, **fields) -> EmailLog:
    fields = {
        "kind": EmailKind.MILESTONE_REMINDER,
        "recipient": recipient,
        "to_email": recipient.email,
        "subject_key": "milestone:1",
        "period": "lead-7",
        **fields,
    }
    return EmailLog.objects.create(**fields) if save else EmailLog(**fields)


def test_it_rejects_a_second_claim(member):
    email(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        email(member, state=EmailState.FAILED)


def test_it_reports_a_second_claim(member):
    email(member)
    with pytest.raises(ValidationError, match="already been decided"):
        email(member, save=False).full_clean()


@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", EmailKind.MILESTONE_ESCALATION),
        ("subject_key", "milestone:2"),
        ("period", "lead-1"),
    ],
)
def test_it_accepts_claims_that_differ_in_one_part(member, field, value):
    email(member)
    email(member, **{field: value})
    assert EmailLog.objects.count() == 2


def test_it_accepts_the_same_claim_for_another_recipient(member, observer):
    email(member)
    email(observer)
    assert EmailLog.objects.count() == 2


def test_it_rejects_sent_without_sent_at(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        email(member, state=EmailState.SENT)


def test_it_reports_sent_without_sent_at(member):
    with pytest.raises(ValidationError):
        email(member, save=False, state=EmailState.SENT).validate_constraints()


def test_it_accepts_sent_with_sent_at(member):
    sent = email(member, state=EmailState.SENT, sent_at=timezone.now())
    sent.full_clean()
    assert sent.pk


@pytest.mark.parametrize("field, value", [("kind", "newsletter"), ("state", "bounced")])
def test_it_rejects_an_unknown_choice(member, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        email(member, **{field: value})


def test_it_rejects_sending_without_the_time_it_was_taken(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        email(member, state=EmailState.SENDING)


def test_it_accepts_sending_with_the_time_it_was_taken(member):
    assert email(member, state=EmailState.SENDING, sending_since=timezone.now()).pk


def test_it_accepts_the_cancelled_state(member):
    assert email(member, state=EmailState.CANCELLED).pk
