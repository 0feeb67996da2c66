"""Rules the database itself keeps for milestones (written past the services, straight
through the ORM), and the service check in front of each."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.charter.models import Charter, CharterSection
from apps.milestones.models import Milestone
from apps.milestones.services import milestone_create
from tests.milestones.conftest import make_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_charter_section() -> CharterSection:
    charter = Charter.objects.create(
        slug="other",
        title_en="Another charter",
        title_az="Başqa xartiya",
        title_ru="Другая хартия",
        signed_on=datetime.date(2025, 1, 1),
        signed_at="Geneva",
        roadmap_due=datetime.date(2025, 6, 1),
    )
    return CharterSection.objects.create(
        charter=charter, slug="trade", title_en="Trade", title_az="Ticarət", title_ru="Торговля"
    )


def test_it_refuses_a_milestone_filed_under_another_charters_section(energy, other_charter_section):
    milestone = make_milestone(energy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=milestone.pk).update(section=other_charter_section)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.bulk_create(
            [
                Milestone(
                    group=energy,
                    section=other_charter_section,
                    title="Elsewhere",
                    due_date=datetime.date(2026, 6, 30),
                )
            ]
        )
    # Another section of the same charter is fine.
    same_charter = CharterSection.objects.filter(charter_id=energy.section.charter_id).exclude(
        pk=energy.section_id
    )[0]
    Milestone.objects.filter(pk=milestone.pk).update(section=same_charter)
    # Neither the group nor its section can move to the other charter under the milestone.
    with pytest.raises(IntegrityError), transaction.atomic():
        type(energy).objects.filter(pk=energy.pk).update(section=other_charter_section)
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterSection.objects.filter(pk=energy.section_id).update(
            charter=other_charter_section.charter
        )


def test_it_tells_the_user_to_choose_a_section_of_the_groups_charter(
    energy, member, other_charter_section
):
    with pytest.raises(ValidationError) as excinfo:
        milestone_create(
            group=energy,
            title="Elsewhere",
            due_date=datetime.date(2026, 6, 30),
            user=member,
            section=other_charter_section,
        )
    assert excinfo.value.message_dict == {
        "section": ["Choose a section of the charter this group works under."]
    }
    assert not Milestone.objects.filter(title="Elsewhere").exists()
