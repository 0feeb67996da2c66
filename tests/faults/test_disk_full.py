"""Disk full during an upload: a clear, translatable error, nothing half-written, logged,
never a 500.

- Evidence: the storage fills up while the file is being written (a real ``write()``
  failing with ENOSPC after the part that fit, as on a full disk) → 422 with the error on
  the file field; no Evidence row, no log entry, no partial file left in MEDIA_ROOT.
- The upload cannot even be spooled to the temporary directory (Django writes uploads
  larger than FILE_UPLOAD_MAX_MEMORY_SIZE there, before any view runs) → the 507 page.
- CSV import: the same spooling failure → 507; the database's disk fills up while the
  import writes (PostgreSQL's disk_full) → 507 and not one row of the file imported.
"""

import errno
import logging
import types
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import OperationalError
from django.test import Client

from apps.milestones import roadmap_import
from apps.milestones.models import Evidence, Milestone, MilestoneUpdate
from tests.milestones.conftest import make_milestone
from tests.milestones.test_import_views import confirm_fields
from tests.milestones.test_roadmap_csv import csv_bytes, row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n" + b"0" * 8000 + b"\n%%EOF\n"
FULL_MESSAGE = "the server&#x27;s storage is full"
IMPORT = "/milestones/import/"


class _FillingFile:
    """A file on a disk with ``disk.room`` bytes left: writes past it store the part that
    fits and then fail with ENOSPC."""

    def __init__(self, real, disk):
        self.real, self.disk = real, disk

    def write(self, data):
        if len(data) > self.disk.room:
            self.real.write(data[: self.disk.room])
            self.real.flush()
            self.disk.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.disk.room -= len(data)
        return self.real.write(data)

    def close(self):
        self.real.close()


class _NearlyFullDisk(types.ModuleType):
    """Stands in for ``os`` inside Django's FileSystemStorage: everything is the real
    ``os`` except that files it opens for writing live on a disk with little room."""

    def __init__(self, room: int):
        super().__init__("os")
        self.room = room

    def __getattr__(self, name):
        import os

        return getattr(os, name)

    def fdopen(self, fd, *args, **kwargs):
        import os

        return _FillingFile(os.fdopen(fd, *args, **kwargs), self)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def disk(monkeypatch, media) -> _NearlyFullDisk:
    full = _NearlyFullDisk(room=1000)
    monkeypatch.setattr(filesystem, "os", full)
    return full


@pytest.fixture
def milestone(energy, member, cochair_us):
    return make_milestone(energy, owner=member, title="Grid study", progress=20)


def files_in(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def unchanged(milestone) -> bool:
    return (
        not Evidence.objects.exists()
        and not MilestoneUpdate.objects.filter(milestone=milestone).exists()
    )


def evidence_post(client, milestone, *, headers=None, name="report.pdf", content=PDF):
    return client.post(
        f"/milestones/{milestone.pk}/evidence/",
        {"title": "Study report", "url": "", "file": SimpleUploadedFile(name, content)},
        headers=headers or {},
    )


# --- evidence: the storage fills up mid-write -------------------------------------------------


def test_it_refuses_the_evidence_with_a_clear_error_and_leaves_nothing(
    client, member, milestone, disk, media, caplog
):
    client.force_login(member)
    with caplog.at_level(logging.ERROR, logger="apps.milestones.services.evidence"):
        response = evidence_post(client, milestone)
    assert response.status_code == 422
    html = response.content.decode()
    assert FULL_MESSAGE in html
    assert "Nothing was added" in html
    assert unchanged(milestone)
    assert files_in(media) == []  # the part that fit was removed
    (record,) = [r for r in caplog.records if r.name == "apps.milestones.services.evidence"]
    assert record.getMessage().startswith(f"Storage full: evidence for milestone {milestone.pk}")


def test_it_shows_the_error_in_the_evidence_panel_with_htmx(client, member, milestone, disk, media):
    client.force_login(member)
    response = evidence_post(client, milestone, headers=HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#evidence-panel"
    html = response.content.decode()
    assert "<html" not in html
    assert FULL_MESSAGE in html
    assert unchanged(milestone)
    assert files_in(media) == []


def test_it_does_the_same_through_the_csrf_check(member, milestone, disk, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(f"/milestones/{milestone.pk}/")
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = evidence_post(client, milestone, headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 422
    assert FULL_MESSAGE in response.content.decode()
    assert unchanged(milestone)
    assert files_in(media) == []


def test_it_takes_the_same_file_once_there_is_room_again(client, member, milestone, disk, media):
    client.force_login(member)
    assert evidence_post(client, milestone).status_code == 422
    disk.room = 1_000_000
    response = evidence_post(client, milestone)
    assert response.status_code == 302
    (evidence,) = Evidence.objects.all()
    assert [path.read_bytes() for path in files_in(media)] == [PDF]
    assert evidence.size == len(PDF)


# --- the upload cannot be spooled to the temporary directory -------------------------------


@pytest.fixture
def spool_full(settings, monkeypatch):
    """Uploads go to the temporary directory (as any upload over 2.5 MB does), which is full."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100

    def full(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", full)


def assert_storage_full_page(response) -> str:
    assert response.status_code == 507, response.content[:500]
    html = response.content.decode()
    assert 'data-outage="storage"' in html
    assert "nothing was changed" in html
    assert "Traceback" not in html
    assert "No space left" not in html
    return html


def test_it_answers_507_when_the_evidence_cannot_be_spooled(member, milestone, spool_full, media):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    assert_storage_full_page(evidence_post(client, milestone))
    assert unchanged(milestone)
    assert files_in(media) == []


@pytest.mark.parametrize("csrf", [False, True], ids=["view", "csrf-middleware"])
def test_it_answers_507_when_the_csv_cannot_be_spooled(cochair_us, spool_full, csrf, caplog):
    # With the CSRF check on (as in a browser) the upload is parsed by the CSRF middleware,
    # before the view: handler500 answers; without it, the view parses it.
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    client.force_login(cochair_us)
    headers = {}
    if csrf:
        client.get(IMPORT)
        headers["X-CSRFToken"] = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    before = Milestone.objects.count()
    with caplog.at_level(logging.ERROR):
        response = client.post(
            IMPORT,
            {"action": "preview", "file": SimpleUploadedFile("r.csv", csv_bytes(row()))},
            headers=headers,
        )
    assert_storage_full_page(response)
    assert Milestone.objects.count() == before
    assert "roadmap_import" not in client.session
    assert any(
        r.levelno == logging.ERROR and "/milestones/import/" in r.getMessage()
        for r in caplog.records
    )


# --- CSV import: the database's disk fills up while the import writes ------------------------


def test_it_answers_507_and_imports_nothing_when_the_database_disk_fills(
    client, cochair_us, monkeypatch
):
    client.force_login(cochair_us)
    content = csv_bytes(row(ref="EN-1", title="First"), row(ref="EN-2", title="Second"))
    response = client.post(
        IMPORT, {"action": "preview", "file": SimpleUploadedFile("r.csv", content)}
    )
    assert response.status_code == 200
    fields = confirm_fields(response.content.decode())
    real_apply, calls = roadmap_import._apply, []

    def apply_until_the_disk_fills(planned, **kwargs):
        calls.append(planned)
        if len(calls) == 2:  # the first row is written, then PostgreSQL's disk is full
            try:
                raise psycopg.errors.DiskFull('could not extend file "base/16384/16590"')
            except psycopg.Error as error:
                raise OperationalError(str(error)) from error
        return real_apply(planned, **kwargs)

    monkeypatch.setattr(roadmap_import, "_apply", apply_until_the_disk_fills)
    before = Milestone.objects.count()
    response = client.post(IMPORT, fields)
    assert_storage_full_page(response)
    assert len(calls) == 2
    assert Milestone.objects.count() == before  # the first row was rolled back too
    assert not Milestone.objects.filter(external_ref__in=["EN-1", "EN-2"]).exists()
    # The preview is still there: once there is room, confirming again imports the file.
    monkeypatch.setattr(roadmap_import, "_apply", real_apply)
    response = client.post(IMPORT, fields)
    assert response.status_code == 302
    assert Milestone.objects.filter(external_ref__in=["EN-1", "EN-2"]).count() == 2
