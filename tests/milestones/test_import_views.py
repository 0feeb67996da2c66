"""The export download and the import page: upload → preview → confirm, with and without
HTMX; 422 for a bad file, 409 for a stale preview; pinned query counts for the export."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.milestones.models import Milestone, Status
from apps.milestones.roadmap_csv import BOM, COLUMNS
from tests.milestones.test_roadmap_csv import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


HTMX = {"HX-Request": "true"}
IMPORT = "/milestones/import/"


def bulk(group, count, owner=None):
    Milestone.objects.bulk_create(
        Milestone(
            group=group,
            section=group.section,
            title=f"{group.slug} bulk {n:05d}",
            external_ref=f"{group.slug}-{n}",
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 400),
            owner=owner,
            progress=n % 101,
            status=Status.IN_PROGRESS if n % 2 else Status.PLANNED,
        )
        for n in range(count)
    )


def read(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content[1:], newline="")))


def upload(content: bytes, name: str = "roadmap.csv"):
    return {"action": "preview", "file": SimpleUploadedFile(name, content, "text/csv")}


def confirm_fields(html: str) -> dict:
    token = re.search(r'name="token" value="([0-9a-f]{64})"', html).group(1)
    plan = re.search(r'name="plan" value="([0-9a-f]{64})"', html).group(1)
    return {"action": "confirm", "token": token, "plan": plan}


# --- export ------------------------------------------------------------------------------


def test_it_exports_the_filtered_list_as_an_attachment(client, member, energy, connectivity):
    bulk(energy, 120, owner=member)
    bulk(connectivity, 5)
    client.force_login(member)
    response = client.get("/milestones/export.csv?group=energy&status=in_progress&ordering=-due")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="milestones-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = read(response)
    assert rows[0] == list(COLUMNS)
    expected = Milestone.objects.filter(group=energy, status=Status.IN_PROGRESS).order_by(
        "-due_date", "-id"
    )
    assert [r[0] for r in rows[1:]] == [m.external_ref for m in expected]  # all pages, not 50
    assert len(rows) - 1 == 60
    assert rows[1][5] == member.email


def test_it_ignores_bad_filters_like_the_list(client, member, energy):
    bulk(energy, 3)
    client.force_login(member)
    response = client.get("/milestones/export.csv?due_from=yesterday&group=\x00&page=abc")
    assert response.status_code == 200
    assert len(read(response)) == 4


@pytest.mark.parametrize("count", [10, 1000])
def test_it_exports_in_a_fixed_number_of_queries(
    client, member, energy, count, django_assert_num_queries
):
    bulk(energy, count, owner=member)
    client.force_login(member)
    # session, user, visible groups, sections (filter form), the milestones
    with django_assert_num_queries(5):
        response = client.get("/milestones/export.csv?group=energy")
        rows = read(response)
    assert len(rows) == count + 1


# --- import page --------------------------------------------------------------------------


def test_it_previews_then_imports_without_javascript(client, cochair_az, member, energy):
    Milestone.objects.create(
        group=energy,
        section=energy.section,
        title="Old title",
        due_date=datetime.date(2026, 9, 30),
        external_ref="EN-1",
    )
    client.force_login(cochair_az)
    content = csv_bytes(
        row(ref="EN-1", title="New title"),
        row(ref="EN-2", owner=member.email),
        row(ref="EN-3", title="Old title"),
    )
    # EN-3 is new, EN-1 changes its title.
    response = client.post(IMPORT, upload(content))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 to create, 1 to change, 0 unchanged" in html
    assert "Old title → New title" in html
    assert Milestone.objects.count() == 1  # the preview writes nothing

    response = client.post(IMPORT, confirm_fields(html))
    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Import done: 2 created, 1 changed, 0 unchanged."
    ]
    assert sorted(Milestone.objects.values_list("external_ref", "title")) == [
        ("EN-1", "New title"),
        ("EN-2", "Pipeline study"),
        ("EN-3", "Old title"),
    ]
    # The same confirmation again: the preview is gone (409), nothing changes.
    response = client.post(IMPORT, confirm_fields(html))
    assert response.status_code == 409
    assert Milestone.objects.count() == 3


def test_it_previews_and_imports_with_htmx(client, cochair_us):
    client.force_login(cochair_us)
    response = client.post(IMPORT, upload(csv_bytes(row())), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="import-panel"')
    assert "<html" not in html
    response = client.post(IMPORT, confirm_fields(html), headers=HTMX)
    assert response.status_code == 200
    assert "Import done: 1 created, 0 changed, 0 unchanged." in response.content.decode()
    assert Milestone.objects.filter(external_ref="EN-1").exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_it_lists_every_error_with_422_and_offers_no_confirm(client, cochair_az, htmx):
    client.force_login(cochair_az)
    content = csv_bytes(row(ref="A", progress="150"), row(ref="B", group="atlantis"))
    response = client.post(IMPORT, upload(content), headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.content.decode()
    assert "line 2, column progress: 150 is not between 0 and 100" in html
    assert "line 3, column group: unknown group “atlantis”" in html
    assert 'value="confirm"' not in html
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "preview"},
        {"action": "preview", "file": SimpleUploadedFile("x.csv", b"", "text/csv")},
        {"action": "preview", "file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00", "text/csv")},
        {"action": "preview", "file": SimpleUploadedFile("x.csv", b"x" * (2 * 1024 * 1024 + 1))},
        {"action": "confirm"},
        {"action": "confirm", "token": "\x00", "plan": "zz"},
    ],
    ids=["no-file", "empty", "binary", "too-big", "confirm-empty", "confirm-garbage"],
)
def test_it_answers_bad_input_with_a_message_not_a_500(client, cochair_az, data):
    client.force_login(cochair_az)
    response = client.post(IMPORT, data)
    assert response.status_code in (409, 422)
    assert not Milestone.objects.exists()


def test_it_answers_409_with_a_new_preview_when_milestones_changed(client, cochair_az, energy):
    milestone = Milestone.objects.create(
        group=energy,
        section=energy.section,
        title="Before",
        due_date=datetime.date(2026, 9, 30),
        external_ref="EN-1",
    )
    client.force_login(cochair_az)
    html = client.post(IMPORT, upload(csv_bytes(row(title="Mine")))).content.decode()
    Milestone.objects.filter(pk=milestone.pk).update(title="Someone else's", version=2)
    response = client.post(IMPORT, confirm_fields(html), headers=HTMX)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The milestones changed since your preview" in page
    assert "Someone else&#x27;s → Mine" in page
    milestone.refresh_from_db()
    assert milestone.title == "Someone else's"
    # Confirming the new preview imports.
    response = client.post(IMPORT, confirm_fields(page), headers=HTMX)
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.title == "Mine"


def test_it_reports_other_groups_rows_as_errors_for_a_co_chair(client, cochair_az, connectivity):
    client.force_login(cochair_az)
    response = client.post(IMPORT, upload(csv_bytes(row(group="connectivity"))))
    assert response.status_code == 422
    assert "you are not a co-chair of “connectivity”" in response.content.decode()
    assert not Milestone.objects.exists()


def test_it_keeps_a_newer_upload_from_being_confirmed_with_an_older_preview(client, cochair_az):
    client.force_login(cochair_az)
    first = client.post(IMPORT, upload(csv_bytes(row(ref="ONE")))).content.decode()
    client.post(IMPORT, upload(csv_bytes(row(ref="TWO"))))
    response = client.post(IMPORT, confirm_fields(first))
    assert response.status_code == 409
    assert not Milestone.objects.exists()


def test_it_links_the_list_to_the_export_with_the_same_filters(client, member):
    client.force_login(member)
    html = client.get("/milestones/?group=energy&status=planned").content.decode()
    assert 'href="/milestones/export.csv?group=energy&amp;status=planned"' in html


def test_it_shows_the_upload_form_to_a_co_chair(client, cochair_az):
    client.force_login(cochair_az)
    response = client.get(IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-post="/milestones/import/"' in html
    assert "style=" not in html and "<script>" not in html
