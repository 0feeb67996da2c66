"""Milestone and sign-off constraints: enforced by the database and reported by full_clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.milestones.models import Evidence, Milestone, MilestoneUpdate, SignOff, Status
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def milestone(group, *, save: bool = True, **fields) -> Milestone:
    fields = {"title": "Feasibility study", "due_date": datetime.date(2026, 5, 10), **fields}
    build = MilestoneFactory if save else MilestoneFactory.build
    return build(group=group, **fields)


@pytest.mark.parametrize("progress", [0, 100])
def test_it_accepts_progress_from_0_to_100(energy, progress):
    milestone(energy, save=False, progress=progress).full_clean()
    assert milestone(energy, progress=progress).progress == progress


@pytest.mark.parametrize("progress", [101, -1])
def test_it_rejects_progress_outside_0_to_100(energy, progress):
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(energy, progress=progress)


def test_it_reports_progress_over_100(energy):
    with pytest.raises(ValidationError, match="between 0 and 100"):
        milestone(energy, save=False, progress=101).full_clean()


def test_it_reports_negative_progress(energy):
    with pytest.raises(ValidationError, match="progress"):
        milestone(energy, save=False, progress=-1).full_clean()


def test_it_rejects_done_without_completed_at(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(energy, status=Status.DONE)


def test_it_rejects_completed_at_on_an_open_milestone(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(energy, status=Status.IN_PROGRESS, completed_at=timezone.now())


def test_it_reports_completed_at_on_an_open_milestone(energy):
    with pytest.raises(ValidationError, match="Only a done milestone"):
        milestone(energy, save=False, completed_at=timezone.now()).full_clean()


def test_it_accepts_done_with_completed_at(energy):
    done = milestone(energy, status=Status.DONE, progress=100, completed_at=timezone.now())
    done.full_clean()
    assert done.pk


def test_it_rejects_a_duplicate_external_ref(energy, connectivity):
    milestone(energy, external_ref="EN-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(connectivity, external_ref="EN-01")


def test_it_reports_a_duplicate_external_ref(energy):
    milestone(energy, external_ref="EN-01")
    with pytest.raises(ValidationError, match="already has this external reference"):
        milestone(energy, save=False, external_ref="EN-01").full_clean()


def test_it_allows_many_empty_external_refs(energy):
    milestone(energy)
    milestone(energy)
    milestone(energy, save=False).full_clean()
    assert Milestone.objects.filter(external_ref="").count() == 2


def test_it_rejects_an_unknown_status(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(energy, status="finished")


def test_it_rejects_an_update_with_progress_over_100(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneUpdate.objects.create(milestone=milestone(energy), new_progress=101)


def test_it_rejects_a_second_signoff_for_one_side(energy, cochair_az, member):
    target = milestone(energy)
    SignOff.objects.create(milestone=target, side="az", signed_by=cochair_az)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(milestone=target, side="az", signed_by=member)


def test_it_reports_a_second_signoff_for_one_side(energy, cochair_az, member):
    target = milestone(energy)
    SignOff.objects.create(milestone=target, side="az", signed_by=cochair_az)
    with pytest.raises(ValidationError, match="already signed off"):
        SignOff(milestone=target, side="az", signed_by=member).full_clean()


def test_it_accepts_one_signoff_per_side(energy, cochair_az, cochair_us):
    target = milestone(energy)
    SignOff.objects.create(milestone=target, side="az", signed_by=cochair_az)
    SignOff.objects.create(milestone=target, side="us", signed_by=cochair_us)
    assert target.signoffs.count() == 2


def test_it_rejects_a_signoff_from_another_side(energy, staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(milestone=milestone(energy), side="other", signed_by=staff)


def test_it_accepts_evidence_that_is_a_link_or_a_file(energy):
    target = milestone(energy)
    Evidence.objects.create(milestone=target, title="Link", url="https://example.org")
    Evidence.objects.create(milestone=target, title="File", file="evidence/2026/05/x.pdf")
    assert target.evidence.count() == 2


@pytest.mark.parametrize(
    "fields",
    [{}, {"url": "https://example.org", "file": "evidence/2026/05/x.pdf"}],
    ids=["neither", "both"],
)
def test_it_rejects_evidence_that_is_not_exactly_one_of_link_or_file(energy, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(milestone=milestone(energy), title="x", **fields)


def test_it_reports_evidence_with_both_a_link_and_a_file(energy):
    evidence = Evidence(
        milestone=milestone(energy), title="x", url="https://e.org", file="evidence/x.pdf"
    )
    with pytest.raises(ValidationError, match="either a link or a file"):
        evidence.full_clean()
