"""Fixtures for the milestones tests: milestones in the cast's groups, uploads in a
temporary MEDIA_ROOT, and clients for each role."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status, UpdateKind
from tests.factories import MilestoneFactory, milestone_batch

HTMX = {"HX-Request": "true"}
DUE = datetime.date(2026, 6, 30)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def office_zip(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_milestone(group, *, owner=None, number: int = 0, **fields) -> Milestone:
    fields = {"title": f"{group.slug} milestone {number}", "due_date": DUE, **fields}
    return MilestoneFactory(group=group, owner=owner, **fields)


def bulk_milestones(group, count: int, *, owner=None, start: int = 0) -> list[Milestone]:
    return milestone_batch(
        count,
        start=start,
        group=group,
        owner=owner,
        title=f"{group.slug} bulk {{n:05d}}",
        due_date=lambda n: DUE + datetime.timedelta(days=n % 400),
        progress=lambda n: n % 101,
        status=lambda n: Status.IN_PROGRESS if n % 2 else Status.PLANNED,
    )


def bulk_log(milestone, author, count: int) -> None:
    MilestoneUpdate.objects.bulk_create(
        MilestoneUpdate(
            milestone=milestone,
            author=author,
            kind=UpdateKind.PROGRESS,
            old_status=milestone.status,
            new_status=milestone.status,
            old_progress=milestone.progress,
            new_progress=milestone.progress,
            note=f"note {number}",
        )
        for number in range(count)
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def milestone(energy, member, cochair_az, cochair_us, observer) -> Milestone:
    """An Energy milestone owned by the member, with the whole cast in place."""
    return make_milestone(energy, owner=member, title="Feasibility study", progress=20)


@pytest.fixture
def awaiting(milestone) -> Milestone:
    milestone.status = Status.AWAITING_SIGNOFF
    milestone.progress = 90
    milestone.save()
    return milestone


@pytest.fixture
def secret(security, member, cochair_az, cochair_us, observer, other_member) -> Milestone:
    """A milestone of the restricted Security group (none of the cast is a member)."""
    return make_milestone(security, title="Classified exercise")


def signed(milestone, side, user) -> SignOff:
    return SignOff.objects.create(milestone=milestone, side=side, signed_by=user)


@pytest.fixture
def as_user():
    def client_for(user, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        if user is not None:
            client.force_login(user)
        return client

    return client_for
