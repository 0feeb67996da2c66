"""factory_boy factories for the objects most tests build: users, memberships, milestones.

- ``UserFactory(email=..., side=...)``: through ``User.objects.create_user`` with the cast's
  password (``PASSWORD``); the display name comes from the email, as the cast's do.
- ``MembershipFactory(user=..., group=..., role=...)``: the side defaults to the user's.
- ``MilestoneFactory(group=..., ...)``: the section is the group's, a title and a due date are
  filled in (nothing else: a done milestone needs its ``completed_at`` given, as the model
  requires, and a test checks that it does).
- ``milestone_batch(count, group=..., title="M{n}", **fields)``: ``count`` milestones in one
  ``bulk_create`` (no per-row save), ``{n}`` in a text field being the row's number; fields
  may also be functions of the number (``due_date=lambda n: ...``).

tests/conftest.py ``make_user`` and ``join`` are these factories, kept under their old names.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import Side, User
from apps.charter.models import Membership, Role
from apps.milestones.models import Milestone, Status

PASSWORD = "test-pass-1234"
DUE = dt.date(2026, 6, 30)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    side = Side.AZ
    display_name = factory.LazyAttribute(
        lambda user: user.email.split("@")[0].replace(".", " ").title()
    )
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    side = factory.LazyAttribute(lambda membership: membership.user.side)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    section = factory.LazyAttribute(lambda milestone: milestone.group.section)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = DUE
    status = Status.PLANNED


def _value(value: Any, number: int) -> Any:
    if callable(value):
        return value(number)
    if isinstance(value, str) and "{n" in value:
        return value.format(n=number)
    return value


def milestone_batch(
    count: int, *, start: int = 0, title: str = "M{n}", **fields: Any | Callable[[int], Any]
) -> list[Milestone]:
    """``count`` milestones in one bulk insert; ``{n}`` / a function of n: the row's number."""
    return Milestone.objects.bulk_create(
        MilestoneFactory.build(
            title=_value(title, number), **{k: _value(v, number) for k, v in fields.items()}
        )
        for number in range(start, start + count)
    )
