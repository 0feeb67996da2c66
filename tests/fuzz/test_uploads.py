"""Upload and request-size limits: Django's (settings), the roadmap import's and the 400 page.

Evidence files (≤ 10 MB, allowed types by extension and content, the upload handler that
stops reading a big file) are covered in tests/milestones/test_evidence.py.
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from apps.milestones import csv_views
from apps.milestones.models import Milestone
from apps.milestones.roadmap_csv import MAX_BYTES
from tests.fuzz.catalogue import CSV_HEADER, ENERGY_ROW
from tests.fuzz.harness import snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
IMPORT = "/milestones/import/"
ROADMAP = (CSV_HEADER + ENERGY_ROW).encode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def roadmap(name: str = "roadmap.csv", content: bytes = ROADMAP, content_type: str = "text/csv"):
    return {"action": "preview", "file": SimpleUploadedFile(name, content, content_type)}


# --- Django's request limits, set deliberately ---------------------------------------------------


def test_it_sets_the_request_limits_on_purpose():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 2_000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 5
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_it_fits_the_longest_text_in_any_script_under_the_body_limit(member):
    """Minutes may hold 100,000 characters: four-byte ones, URL-encoded, still fit."""
    body = "minutes=" + "%F0%9F%98%80" * 100_000 + "&version=1"
    assert len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("htmx", [False, True])
def test_it_answers_a_body_over_the_limit_with_the_400_page(member, energy, htmx):
    client = signed_in(member)
    before = snapshot()
    body = "title=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        f"/milestones/new/?group={energy.slug}",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Request not accepted" in text
    assert 'role="alert"' in text
    assert "<html" in text  # the site's page (base.html), not Django's bare fallback
    assert snapshot() == before


def test_it_answers_too_many_fields_with_the_400_page(member):
    client = signed_in(member)
    before = snapshot()
    body = "&".join(f"f{number}=1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(
        reverse("notifications:preferences"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Request not accepted" in response.content.decode()
    assert snapshot() == before


def test_it_answers_too_many_files_with_the_400_page(cochair_us):
    client = signed_in(cochair_us)
    files = [
        SimpleUploadedFile(f"r{number}.csv", ROADMAP, "text/csv")
        for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response = client.post(IMPORT, {"action": "preview", "file": files})
    assert response.status_code == 400
    assert "Request not accepted" in response.content.decode()


# --- the roadmap import: .csv, ≤ 2 MB, UTF-8 text ---------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/csv", "application/vnd.ms-excel", "application/octet-stream", ""]
)
def test_it_previews_a_csv_whatever_content_type_the_browser_declares(cochair_us, content_type):
    response = signed_in(cochair_us).post(IMPORT, roadmap(content_type=content_type))
    assert response.status_code == 200
    assert "1 to create" in response.content.decode()


@pytest.mark.parametrize("name", ["roadmap.xlsx", "roadmap.csv.exe", "roadmap", "roadmap.txt"])
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_file_that_is_not_a_csv(cochair_us, name, htmx):
    response = signed_in(cochair_us).post(IMPORT, roadmap(name), headers=HTMX if htmx else {})
    assert response.status_code == 422
    assert "Choose a .csv file" in response.content.decode()
    assert not Milestone.objects.filter(external_ref="FZ-1").exists()


def test_it_accepts_the_csv_extension_in_capitals(cochair_us):
    response = signed_in(cochair_us).post(IMPORT, roadmap("ROADMAP.CSV"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content, message",
    [
        (ROADMAP.decode().encode("utf-16"), "not UTF-8"),
        ("x,Çay\n".encode("cp1254"), "not UTF-8"),
        (ROADMAP + b"\x00", "NUL"),
    ],
    ids=["utf-16", "windows-1254", "nul"],
)
def test_it_refuses_text_that_is_not_utf8(cochair_us, content, message):
    response = signed_in(cochair_us).post(IMPORT, roadmap(content=content))
    assert response.status_code == 422
    assert message in response.content.decode()


def test_it_stops_reading_a_roadmap_over_2_mb(cochair_us, monkeypatch):
    """The upload handler skips the file as it passes 2 MB; the form then says why."""

    def never(*args, **kwargs):
        raise AssertionError("the upload handler should have refused the file already")

    monkeypatch.setattr(csv_views, "_preview", never)
    big = ROADMAP + b"\n" * (MAX_BYTES + 1 - len(ROADMAP))
    response = signed_in(cochair_us).post(IMPORT, roadmap(content=big), headers=HTMX)
    assert response.status_code == 422
    text = response.content.decode()
    assert "larger than 2 MB" in text
    assert "Choose a CSV file to upload" not in text


def test_it_accepts_a_roadmap_of_exactly_2_mb(cochair_us):
    content = ROADMAP + b"\n" * (MAX_BYTES - len(ROADMAP))
    assert len(content) == MAX_BYTES
    response = signed_in(cochair_us).post(IMPORT, roadmap(content=content))
    assert response.status_code == 200
    assert "1 to create" in response.content.decode()


def test_it_still_checks_csrf_on_the_import(cochair_us):
    """The view is csrf_exempt only so the size limit is in place first; csrf_protect
    checks the token right after."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cochair_us)
    assert client.post(IMPORT, roadmap()).status_code == 403
    secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = client.post(IMPORT, roadmap(), headers={"X-CSRFToken": secret, **HTMX})
    assert response.status_code == 200
