"""User constraints: e-mail unique whatever its case, choices checked by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def unsaved(email: str, **extra) -> User:
    return User(email=email, display_name="Someone", **extra)


def test_it_rejects_the_same_email_in_another_case(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        unsaved("Member@Example.TEST").save()


def test_it_reports_the_same_email_in_another_case(member):
    with pytest.raises(ValidationError):
        unsaved("MEMBER@example.test").validate_constraints()


def test_it_lowercases_the_email_on_create():
    assert make_user("New.Person@Example.TEST").email == "new.person@example.test"


def test_it_allows_different_emails(member):
    unsaved("member2@example.test").save()
    assert User.objects.count() == 2


@pytest.mark.parametrize(
    "field, value", [("side", "fr"), ("language", "de"), ("digest_frequency", "hourly")]
)
def test_it_rejects_an_unknown_choice(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        unsaved("someone@example.test", **{field: value}).save()


def test_it_reports_an_unknown_time_zone():
    with pytest.raises(ValidationError, match="time_zone"):
        unsaved("someone@example.test", time_zone="Mars/Olympus").full_clean(exclude=["password"])
