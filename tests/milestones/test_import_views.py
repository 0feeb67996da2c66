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


def error_rows(html: str) -> list[list[str]]:
    """The cells of the error summary's table: line, column (its label), problem."""
    summary = re.search(r'<div class="error-summary".*?</table>', html, re.S)
    assert summary, "no error summary with a table"
    assert 'role="alert" tabindex="-1"' in summary.group()
    assert "There is a problem" in summary.group()
    body = summary.group().split("<tbody>")[1]
    return [
        [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


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
    assert list(get_messages(response.wsgi_request)) == []  # the page's banner says it
    page = client.get(IMPORT).content.decode()
    assert 'class="notification-banner notification-banner--success"' in page
    assert "Import done: 2 created, 1 changed, 0 unchanged." in page
    assert 'href="/milestones/?group=energy"' in page
    # The banner is shown once.
    assert "notification-banner" not in client.get(IMPORT).content.decode()
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
    assert error_rows(html) == [
        ["2", "Progress (%)", "150 is not between 0 and 100."],
        ["3", "Group", "unknown group “atlantis”."],
    ]
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


# --- the template, the page's words, what confirming does ---------------------------------

TEMPLATE = "/milestones/import/template.csv"


def existing(group, ref="EN-1", **fields) -> Milestone:
    """A milestone that the default ``row(ref=ref)`` leaves unchanged (``fields`` aside)."""
    return Milestone.objects.create(
        group=group,
        section=group.section,
        title="Pipeline study",
        due_date=datetime.date(2026, 9, 30),
        external_ref=ref,
        **fields,
    )


def test_it_offers_a_template_with_the_header_and_one_example_row(client, cochair_az):
    client.force_login(cochair_az)
    assert f'href="{TEMPLATE}"' in client.get(IMPORT).content.decode()
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="milestones-template.csv"'
    content = response.content.decode("utf-8")
    assert content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(content[1:], newline="")))
    assert rows[0] == list(COLUMNS)  # exactly what the import reads
    assert len(rows) == 2
    example = dict(zip(COLUMNS, rows[1], strict=True))
    assert example["external_ref"] == "EXAMPLE-1"
    assert example["group"] == "energy"  # a group this co-chair may import into
    assert "example" in example["title"].lower()


@pytest.mark.parametrize("role", ["cochair_az", "staff"])
def test_it_accepts_the_template_as_it_is_downloaded(request, client, role):
    user = request.getfixturevalue(role)
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    template = client.get(TEMPLATE).content
    response = client.post(IMPORT, upload(template, "milestones-template.csv"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 to create, 0 to change, 0 unchanged" in html
    assert "error-summary" not in html
    response = client.post(IMPORT, confirm_fields(html))
    assert response.status_code == 302
    assert Milestone.objects.get().external_ref == "EXAMPLE-1"


@pytest.mark.parametrize("groups", [1, 10])
def test_it_writes_the_template_in_a_fixed_number_of_queries(
    client, cochair_az, energy, groups, django_assert_num_queries
):
    from apps.charter.models import Role, WorkingGroup
    from tests.conftest import join

    for n in range(groups):
        extra = WorkingGroup.objects.create(
            slug=f"extra-{n}", section=energy.section, name_en="x", name_az="x", name_ru="x"
        )
        join(cochair_az, extra, Role.CO_CHAIR)
    client.force_login(cochair_az)
    # session, user, may import (a co-chair membership), the example's group
    with django_assert_num_queries(4):
        response = client.get(TEMPLATE)
    assert response.status_code == 200


def test_it_names_columns_and_statuses_by_their_labels_in_the_preview(client, cochair_az, energy):
    existing(energy)
    client.force_login(cochair_az)
    response = client.post(IMPORT, upload(csv_bytes(row(status="in_progress", progress="10"))))
    html = response.content.decode()
    assert '<th scope="col">Reference</th>' in html
    assert "Status: Planned → In progress" in html
    assert "Progress (%): 0 → 10" in html
    assert "external_ref</th>" not in html and "in_progress →" not in html


TERMS = "Technical and commercial terms for the pipeline agreed by both sides"


def test_it_says_which_fields_an_import_will_empty(client, cochair_az, member, energy):
    for ref in ("EN-1", "EN-2"):
        existing(energy, ref, description=TERMS, owner=member)
    client.force_login(cochair_az)
    content = csv_bytes(
        row(ref="EN-1"),  # description and owner blank: both emptied
        row(
            ref="EN-2",
            description=TERMS,
            owner=member.email,
            title="Pipeline study phase two",
        ),
        row(ref="EN-3"),
    )
    response = client.post(IMPORT, upload(content))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Description: {TERMS} → <strong>(will be emptied)</strong>" in html
    assert html.count("(will be emptied)") == 2
    assert f"Owner: {member.email} → <strong>(will be emptied)</strong>" in html
    assert "Title: Pipeline study → Pipeline study phase two" in html
    # The confirm step states the consequences.
    for sentence in (
        "1 milestone will be created.",
        "2 milestones will be updated.",
        "1 description will be emptied.",
        "1 milestone will lose its owner.",
    ):
        assert f"<li>{sentence}</li>" in html
    client.post(IMPORT, confirm_fields(html))
    emptied = Milestone.objects.get(external_ref="EN-1")
    assert (emptied.description, emptied.owner) == ("", None)


def test_it_says_when_confirming_changes_nothing(client, cochair_az, energy):
    existing(energy)
    client.force_login(cochair_az)
    html = client.post(IMPORT, upload(csv_bytes(row()))).content.decode()
    assert "nothing will change" in html
    assert "will be updated" not in html


def test_it_names_columns_by_their_labels_in_the_error_table(client, cochair_az):
    client.force_login(cochair_az)
    content = csv_bytes(row(ref=""), row(ref="B", status="done"), row(ref="C", status="finished"))
    html = client.post(IMPORT, upload(content)).content.decode()
    rows = error_rows(html)
    assert [cells[:2] for cells in rows] == [["2", "Reference"], ["3", "Status"], ["4", "Status"]]
    assert "an import cannot set “Done”" in rows[1][2]
    assert "in_progress (In progress)" in rows[1][2]
    assert "awaiting_signoff (Awaiting sign-off)" in rows[2][2]  # what to write, and what it is
    assert "<caption>roadmap.csv: 3 errors, nothing was imported</caption>" in html


def test_it_shows_a_file_wide_error_without_a_line_or_column(client, cochair_az):
    client.force_login(cochair_az)
    html = client.post(IMPORT, upload(csv_bytes())).content.decode()
    assert error_rows(html) == [["—", "—", "The file has a header but no milestones."]]


def test_it_puts_a_form_error_in_the_error_summary(client, cochair_az):
    client.force_login(cochair_az)
    response = client.post(IMPORT, upload(b"a,b\n", "roadmap.txt"))
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group()
    assert 'href="#id_file"' in summary
    assert "Choose a .csv file" in summary


def test_it_links_to_the_imported_milestones_after_an_htmx_import(client, cochair_us):
    client.force_login(cochair_us)
    html = client.post(IMPORT, upload(csv_bytes(row())), headers=HTMX).content.decode()
    response = client.post(IMPORT, confirm_fields(html), headers=HTMX)
    page = response.content.decode()
    assert 'class="notification-banner notification-banner--success"' in page
    assert '<a href="/milestones/?group=energy">' in page


@pytest.mark.parametrize("count", [10, 1000])
def test_it_shows_the_import_page_in_a_fixed_number_of_queries(
    client, cochair_az, energy, count, django_assert_num_queries
):
    bulk(energy, count)
    client.force_login(cochair_az)
    # session, user, may import (a co-chair membership), the header asks the same for its link
    with django_assert_num_queries(4):
        response = client.get(IMPORT)
    assert response.status_code == 200
