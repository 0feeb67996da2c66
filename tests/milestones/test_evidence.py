"""Evidence: links and files, their limits, and the access-checked download."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from apps.milestones import services
from apps.milestones.models import Evidence, MilestoneUpdate, Status, UpdateKind
from apps.milestones.services import EVIDENCE_MAX_BYTES, evidence_add, evidence_remove
from tests.milestones.conftest import HTMX, JPEG, PDF, PNG, office_zip, upload

pytestmark = pytest.mark.django_db


def add_file(milestone, user, name, content, **extra) -> Evidence:
    return evidence_add(milestone_id=milestone.pk, user=user, file=upload(name, content), **extra)


def add_url(milestone, user, url, **extra) -> Evidence:
    return evidence_add(milestone_id=milestone.pk, user=user, url=url, **extra)


def download_url(evidence) -> str:
    return reverse("milestones:evidence_download", args=[evidence.pk])


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://gov.az/report", "http://example.org/a?b=c"])
def test_it_adds_a_link(milestone, member, url):
    evidence = add_url(milestone, member, url, title="Ministry report")
    assert (evidence.url, evidence.title, evidence.file.name, evidence.added_by) == (
        url,
        "Ministry report",
        "",
        member,
    )
    entry = MilestoneUpdate.objects.get(milestone=milestone)
    assert (entry.kind, entry.changes) == (
        UpdateKind.EVIDENCE_ADDED,
        {"evidence": [None, "Ministry report"]},
    )


def test_it_titles_a_link_after_its_address(milestone, member):
    assert add_url(milestone, member, "https://gov.az/x").title == "https://gov.az/x"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file.pdf",
        "file:///etc/passwd",
        "data:text/html,hi",
        "//example.org/x",
        "not a url",
        "https://" + "a" * 500 + ".org",
    ],
)
def test_it_refuses_links_that_are_not_http_or_https(milestone, member, url):
    with pytest.raises(ValidationError) as error:
        add_url(milestone, member, url)
    assert "url" in error.value.message_dict
    assert not Evidence.objects.exists()
    assert not MilestoneUpdate.objects.exists()


def test_it_refuses_a_link_and_a_file_together_or_neither(milestone, member):
    with pytest.raises(ValidationError, match="not both"):
        evidence_add(
            milestone_id=milestone.pk,
            user=member,
            url="https://x.org",
            file=upload("a.pdf", PDF),
        )
    with pytest.raises(ValidationError, match="Add a link or choose a file"):
        evidence_add(milestone_id=milestone.pk, user=member)
    assert not Evidence.objects.exists()


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Report.PDF", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        (
            "plan.docx",
            office_zip("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            office_zip("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("data.csv", b"ref,title\nEN-1,Grid study\n", "text/csv"),
        ("notes.txt", "Bakı görüşü — qeydlər\n".encode(), "text/plain"),
    ],
)
def test_it_stores_an_accepted_file(milestone, member, name, content, content_type):
    evidence = add_file(milestone, member, name, content)
    assert evidence.content_type == content_type
    assert evidence.original_filename == name
    assert evidence.size == len(content)
    assert evidence.title == name
    stored = evidence.file.name
    assert stored.startswith("evidence/") and name not in stored
    assert stored.endswith("." + name.rsplit(".", 1)[1].lower())
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == content


def test_it_ignores_the_browsers_content_type(milestone, member):
    evidence = evidence_add(
        milestone_id=milestone.pk,
        user=member,
        file=upload("report.pdf", PDF, content_type="text/html"),
    )
    assert evidence.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("malware.exe", b"MZ\x90\x00"),
        ("page.html", b"<html></html>"),
        ("image.svg", b"<svg/>"),
        ("archive.zip", office_zip("word/document.xml")),
        ("noextension", PDF),
        ("report.pdf.exe", PDF),
    ],
)
def test_it_refuses_a_type_not_on_the_list(milestone, member, name, content):
    with pytest.raises(ValidationError, match="This type of file is not accepted"):
        add_file(milestone, member, name, content)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a program"),
        ("report.pdf", PNG),
        ("photo.png", JPEG),
        ("photo.jpg", PDF),
        ("plan.docx", b"PK\x03\x04 not really a zip"),
        ("plan.docx", office_zip("xl/workbook.xml")),
        ("budget.xlsx", office_zip("word/document.xml")),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00binary"),
        ("data.csv", b"a,b\x00\x01\x02"),
        ("notes.txt", PDF + b"\x00\x01"),
    ],
)
def test_it_refuses_content_that_does_not_match_the_extension(milestone, member, name, content):
    with pytest.raises(ValidationError, match="is not a real"):
        add_file(milestone, member, name, content)
    assert not Evidence.objects.exists()
    assert not default_storage.exists("evidence")


def test_it_refuses_a_file_over_10_mb(milestone, member):
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        add_file(milestone, member, "big.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES)
    assert not Evidence.objects.exists()


def test_it_accepts_a_file_of_exactly_10_mb(milestone, member):
    content = PDF + b"0" * (EVIDENCE_MAX_BYTES - len(PDF))
    assert add_file(milestone, member, "big.pdf", content).size == EVIDENCE_MAX_BYTES


def test_it_refuses_an_empty_file(milestone, member):
    with pytest.raises(ValidationError, match="empty"):
        add_file(milestone, member, "empty.txt", b"")


def test_it_refuses_evidence_from_an_observer(milestone, observer):
    with pytest.raises(PermissionDenied):
        add_url(milestone, observer, "https://x.org")


def test_it_keeps_a_closed_milestone_closed_to_members(milestone, member, cochair_az):
    milestone.status = Status.DONE
    milestone.progress = 100
    milestone.completed_at = milestone.created_at
    milestone.save()
    with pytest.raises(ValidationError, match="done or cancelled"):
        add_url(milestone, member, "https://x.org")
    assert add_url(milestone, cochair_az, "https://x.org").pk


# --- removal --------------------------------------------------------------------------------


def test_it_removes_evidence_and_its_file_after_commit(
    milestone, member, django_capture_on_commit_callbacks
):
    evidence = add_file(milestone, member, "report.pdf", PDF)
    stored = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence_id=evidence.pk, user=member)
    assert not Evidence.objects.exists()
    assert not default_storage.exists(stored)
    entry = MilestoneUpdate.objects.order_by("-id").first()
    assert (entry.kind, entry.changes) == (
        UpdateKind.EVIDENCE_REMOVED,
        {"evidence": ["report.pdf", None]},
    )


def test_it_lets_only_the_adder_cochairs_and_staff_remove(
    milestone, member, cochair_az, cochair_us, staff, energy
):
    from tests.conftest import join, make_user

    colleague = make_user("colleague@example.test")
    join(colleague, energy, "member")
    evidence = add_url(milestone, cochair_az, "https://x.org")
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence_id=evidence.pk, user=member)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    evidence_remove(evidence_id=evidence.pk, user=cochair_us)
    own = add_url(milestone, member, "https://y.org")
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence_id=own.pk, user=colleague)
    evidence_remove(evidence_id=own.pk, user=member)
    assert not Evidence.objects.exists()


# --- through the views ----------------------------------------------------------------------


def test_it_uploads_through_the_page_without_javascript(as_user, milestone, member):
    response = as_user(member).post(
        reverse("milestones:evidence_add", args=[milestone.pk]),
        {"title": "Signed protocol", "file": upload("protocol.pdf", PDF)},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("milestones:detail", args=[milestone.pk]), 302)]
    assert "Evidence added." in response.text
    evidence = Evidence.objects.get()
    assert evidence.title == "Signed protocol"
    assert download_url(evidence) in response.text


def test_it_uploads_with_htmx_and_returns_the_workspace(as_user, milestone, member):
    response = as_user(member).post(
        reverse("milestones:evidence_add", args=[milestone.pk]),
        {"file": upload("protocol.pdf", PDF)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="milestone"' in response.text
    assert "protocol.pdf" in response.text


def test_it_stops_reading_an_upload_over_10_mb(as_user, milestone, member, monkeypatch):
    def never(**kwargs):
        raise AssertionError("the upload handler should have refused the file already")

    monkeypatch.setattr(services, "evidence_add", never)
    big = upload("big.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES)
    response = as_user(member).post(
        reverse("milestones:evidence_add", args=[milestone.pk]), {"file": big}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#evidence-panel"
    assert "larger than 10 MB" in response.text
    assert not Evidence.objects.exists()
    assert not default_storage.exists("evidence")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "javascript:alert(1)"}, "http:// or https://"),
        ({"file": ("evil.exe", b"MZ")}, "This type of file is not accepted"),
        ({"file": ("fake.pdf", b"MZ\x90")}, "is not a real .pdf file"),
        ({}, "Add a link or choose a file"),
    ],
)
def test_it_answers_bad_evidence_with_422(as_user, milestone, member, data, message):
    if "file" in data:
        data = {"file": upload(*data["file"])}
    client = as_user(member)
    url = reverse("milestones:evidence_add", args=[milestone.pk])
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.text
    if "file" in data:
        data["file"].seek(0)
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.text
    assert "<html" in response.text
    assert not Evidence.objects.exists()


def test_it_removes_through_the_page(as_user, milestone, member):
    evidence = add_url(milestone, member, "https://x.org", title="Old link")
    response = as_user(member).post(
        reverse("milestones:evidence_remove", args=[evidence.pk]),
        {"confirmed": "yes"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Evidence removed." in response.text
    assert not Evidence.objects.exists()


# --- download -------------------------------------------------------------------------------


def test_it_downloads_as_an_attachment_that_is_never_sniffed(as_user, milestone, member):
    evidence = add_file(milestone, member, "Protokol — imzalı.pdf", PDF)
    response = as_user(member).get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Protokol%20%E2%80%94%20imzal%C4%B1.pdf"
        in (response["Content-Disposition"])
    )
    assert b"".join(response.streaming_content) == PDF


def test_it_serves_text_as_an_attachment_too(as_user, milestone, member):
    evidence = add_file(milestone, member, "page.txt", b"<script>alert(1)</script>")
    response = as_user(member).get(download_url(evidence))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("outsider", 200),
        ("observer", 200),
        ("other_member", 200),
        ("cochair_us", 200),
        ("staff", 200),
    ],
)
def test_it_lets_whoever_sees_the_milestone_download(
    request, as_user, milestone, member, role, expected
):
    evidence = add_file(milestone, member, "a.pdf", PDF)
    assert as_user(request.getfixturevalue(role)).get(download_url(evidence)).status_code == (
        expected
    )


def test_it_hides_restricted_evidence(as_user, secret, staff, member, outsider):
    evidence = add_file(secret, staff, "secret.pdf", PDF)
    assert as_user(member).get(download_url(evidence)).status_code == 404
    assert as_user(outsider).get(download_url(evidence)).status_code == 404
    assert as_user(staff).get(download_url(evidence)).status_code == 200
    response = as_user(None).get(download_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_has_no_download_for_a_link(as_user, milestone, member):
    evidence = add_url(milestone, member, "https://x.org")
    assert as_user(member).get(download_url(evidence)).status_code == 404


def test_it_answers_404_for_a_file_missing_on_disk(as_user, milestone, member):
    evidence = add_file(milestone, member, "a.pdf", PDF)
    default_storage.delete(evidence.file.name)
    assert as_user(member).get(download_url(evidence)).status_code == 404


def test_it_never_serves_evidence_from_media_url(as_user, milestone, member, settings):
    evidence = add_file(milestone, member, "a.pdf", PDF)
    response = as_user(member).get("/" + settings.MEDIA_URL + evidence.file.name)
    assert response.status_code == 404


def test_it_removes_without_javascript(as_user, milestone, member):
    evidence = add_url(milestone, member, "https://x.org", title="Old link")
    response = as_user(member).post(
        reverse("milestones:evidence_remove", args=[evidence.pk]),
        {"confirmed": "yes"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("milestones:detail", args=[milestone.pk]), 302)]
    assert "Evidence removed." in response.text
    assert "Removed evidence: Old link" in response.text
