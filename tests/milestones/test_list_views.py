"""The milestone list (read-only rows, an Edit link per row the reader may change), a row's
edit form (in the row with htmx, on a page of its own without JavaScript), the owner search
and the create page."""

from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.charter.models import Role
from apps.milestones.models import Milestone, MilestoneUpdate, Status, UpdateKind
from apps.milestones.selectors import OWNER_SELECT_LIMIT
from apps.milestones.services import milestone_update
from tests.conftest import join, make_user
from tests.milestones.conftest import HTMX, bulk_milestones, make_milestone

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"milestones:{name}", args=args)


def row_data(milestone, **overrides) -> dict:
    data = {
        "version": milestone.version,
        "status": milestone.status,
        "progress": milestone.progress,
        "due_date": milestone.due_date.isoformat(),
        "owner": milestone.owner.email if milestone.owner else "",
    }
    data.update(overrides)
    return data


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def fresh(milestone) -> Milestone:
    return Milestone.objects.get(pk=milestone.pk)


# --- the list -------------------------------------------------------------------------------


def test_it_lists_read_only_rows_with_an_edit_link_for_members(as_user, milestone, member):
    response = as_user(member).get(url("list"), {"group": "energy"})
    assert response.status_code == 200
    text = response.text
    assert '<table class="table table--stack msl-table">' in text
    assert "Feasibility study" in text
    assert '<form id="row-form-' not in text  # no edit form until asked for
    assert "<select" not in text.split("<table", 1)[1]
    assert "<datalist" not in text
    edit = f"{url('row_edit', milestone.pk)}?next={quote('/milestones/?group=energy')}"
    assert f'href="{edit}" hx-get="{edit}" hx-target="closest tr" hx-swap="outerHTML"' in text
    for label in ("Milestone", "Group", "Status", "Owner", "Due", "Progress"):
        assert f'data-label="{label}"' in text
    assert '<strong class="tag tag--status-planned">Planned</strong>' in text


def test_it_offers_no_edit_link_to_observers(as_user, milestone, observer):
    text = as_user(observer).get(url("list")).text
    assert "Feasibility study" in text
    assert url("row_edit", milestone.pk) not in text
    assert "New milestone" not in text


def test_it_offers_no_edit_link_to_members_for_a_closed_milestone(as_user, energy, member):
    done = make_milestone(energy, title="Finished", status=Status.CANCELLED)
    assert url("row_edit", done.pk) not in as_user(member).get(url("list")).text


def test_it_marks_an_overdue_milestone(as_user, energy, member):
    import datetime

    make_milestone(energy, due_date=datetime.date(2020, 1, 1), status=Status.IN_PROGRESS)
    text = as_user(member).get(url("list")).text
    assert '<strong class="tag tag--red">Overdue</strong>' in text


def test_it_keeps_restricted_milestones_out_of_the_list(as_user, milestone, secret, member, staff):
    assert "Classified exercise" not in as_user(member).get(url("list")).text
    assert "Classified exercise" in as_user(staff).get(url("list")).text


def test_it_paginates_by_50_and_keeps_the_filters_in_the_links(as_user, energy, member):
    bulk_milestones(energy, 120)
    response = as_user(member).get(url("list"), {"group": "energy", "q": "bulk", "page": "2"})
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (2, 50, 3)
    assert "?group=energy&amp;q=bulk&amp;page=3" in response.text
    # The Edit links bring the user back to this very page, filters included.
    assert f"?next={quote('/milestones/?group=energy&q=bulk&page=2')}" in response.text


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9"])
def test_it_answers_a_bad_page_number_with_a_page(as_user, milestone, member, page):
    assert as_user(member).get(url("list"), {"page": page}).status_code == 200


def test_it_says_so_when_nothing_matches(as_user, milestone, member):
    text = as_user(member).get(url("list"), {"q": "nothing like this"}).text
    assert "No milestones match these filters." in text
    assert "<table" not in text


# --- the filter panel -------------------------------------------------------------------


def test_it_collapses_the_filter_panel_and_shows_no_tags_without_filters(as_user, member):
    text = as_user(member).get(url("list")).text
    assert '<details class="filter-panel">' in text
    assert 'class="filter-tags"' not in text


def test_it_shows_each_chosen_filter_as_a_link_that_removes_it(as_user, milestone, member):
    response = as_user(member).get(
        url("list"),
        {"group": "energy", "status": ["planned", "blocked"], "q": "study", "page": "2"},
    )
    tags = {tag["label"]: tag["url"] for tag in response.context["filter_tags"]}
    assert tags == {
        "Search: study": "/milestones/?group=energy&status=planned&status=blocked",
        "Group: Energy": "/milestones/?status=planned&status=blocked&q=study",
        "Status: Planned": "/milestones/?group=energy&status=blocked&q=study",
        "Status: Blocked": "/milestones/?group=energy&status=planned&q=study",
    }
    text = response.text
    assert '<ul class="filter-tags">' in text
    assert "(remove this filter)" in text
    assert '<details class="filter-panel">' in text  # still collapsed: the tags say it all


def test_it_names_dates_and_flags_in_the_tags(as_user, member):
    response = as_user(member).get(url("list"), {"due_from": "2026-01-31", "overdue": "on"})
    labels = [tag["label"] for tag in response.context["filter_tags"]]
    assert labels == ["Due from: 31 January 2026", "Overdue only"]
    assert response.context["filter_tags"][1]["url"] == "/milestones/?due_from=2026-01-31"


def test_it_opens_the_filter_panel_on_a_filter_it_could_not_use(as_user, member):
    text = as_user(member).get(url("list"), {"due_from": "soon"}).text
    assert '<details class="filter-panel" open>' in text
    assert "Some filters could not be used" in text


# --- a row's edit form ----------------------------------------------------------------------


def test_it_opens_a_rows_edit_form_in_place_with_htmx(as_user, milestone, member):
    response = as_user(member).get(
        url("row_edit", milestone.pk), {"next": "/milestones/?group=energy"}, headers=HTMX
    )
    assert response.status_code == 200
    text = response.text.strip()
    assert text.startswith(
        f'<tr id="milestone-row-{milestone.pk}" class="msl-row msl-row--editing"'
    )
    assert "<html" not in text
    assert f'hx-post="{url("row_edit", milestone.pk)}" hx-target="closest tr"' in text
    assert 'name="version" value="1"' in text
    assert 'name="next" value="/milestones/?group=energy"' in text
    assert '<option value="planned" selected>' in text
    # The owner: a searchable text input holding "Name <address>", suggestions as typed.
    assert 'value="Member &lt;member@example.test&gt;"' in text
    assert 'hx-trigger="input changed delay:300ms"' in text
    assert f'hx-get="{url("owner_search")}?group=energy"' in text
    # Cancel fetches the read-only row back (or, without JavaScript, goes back to the list).
    cancel = f"{url('row', milestone.pk)}?next={quote('/milestones/?group=energy')}"
    assert f'href="/milestones/?group=energy" hx-get="{cancel}"' in text


def test_it_opens_a_rows_edit_form_on_a_page_without_javascript(as_user, milestone, member):
    response = as_user(member).get(url("row_edit", milestone.pk), {"next": "/milestones/?q=x"})
    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1 and "Edit “Feasibility study”" in text
    assert f'action="{url("row_edit", milestone.pk)}"' in text
    # Without JavaScript the owner is a <select> of the group's possible owners.
    assert "<noscript>" in text
    assert f'<select id="row-{milestone.pk}-owner" name="owner">' in text
    assert '<option value="member@example.test" selected>Member</option>' in text
    assert '<option value="observer@example.test"' not in text  # observers own nothing
    assert 'name="next" value="/milestones/?q=x"' in text


def test_it_gives_back_the_read_only_row_on_cancel(as_user, milestone, member):
    client = as_user(member)
    response = client.get(url("row", milestone.pk), headers=HTMX)
    assert response.status_code == 200
    assert response.text.strip().startswith(
        f'<tr id="milestone-row-{milestone.pk}" class="msl-row">'
    )
    plain = client.get(url("row", milestone.pk), {"next": "/milestones/?q=x"})
    assert (plain.status_code, plain["Location"]) == (302, "/milestones/?q=x")


def test_it_saves_a_row_with_htmx_and_shows_the_read_only_row(as_user, milestone, member):
    response = as_user(member).post(
        url("row_edit", milestone.pk),
        row_data(milestone, status=Status.AT_RISK, progress=45, next="/milestones/?q=x"),
        headers=HTMX,
    )
    assert response.status_code == 200
    text = response.text.strip()
    assert text.startswith(f'<tr id="milestone-row-{milestone.pk}" class="msl-row">')
    assert '<span class="msl-flash" role="status">Saved.</span>' in text
    assert "At risk" in text and "45 %" in text
    assert "<form" not in text
    assert (fresh(milestone).status, fresh(milestone).progress) == (Status.AT_RISK, 45)
    assert message_texts(response) == []


def test_it_saves_a_row_without_javascript_and_goes_back_to_the_filtered_list(
    as_user, milestone, member
):
    back = "/milestones/?group=energy&status=planned&page=1"
    response = as_user(member).post(
        url("row_edit", milestone.pk), row_data(milestone, progress=55, next=back)
    )
    assert (response.status_code, response["Location"]) == (302, back)
    assert message_texts(response) == ["Saved."]
    assert fresh(milestone).progress == 55


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_it_goes_back_only_to_a_page_of_this_site(as_user, milestone, member, next_url):
    client = as_user(member)
    response = client.post(
        url("row_edit", milestone.pk), row_data(milestone, progress=56, next=next_url)
    )
    assert response["Location"] == url("list")
    page = client.get(url("row_edit", milestone.pk), {"next": next_url})
    assert 'name="next" value="/milestones/"' in page.text


def test_it_takes_the_owner_as_the_search_offered_it(as_user, milestone, member, cochair_us):
    as_user(member).post(
        url("row_edit", milestone.pk),
        row_data(milestone, owner="Cochair Us <cochair.us@example.test>"),
        headers=HTMX,
    )
    assert fresh(milestone).owner == cochair_us


def test_it_shows_errors_by_the_fields_with_422(as_user, milestone, member, observer):
    response = as_user(member).post(
        url("row_edit", milestone.pk),
        row_data(milestone, progress=150, due_date="31/12/2026", owner=observer.email),
        headers=HTMX,
    )
    assert response.status_code == 422
    text = response.text
    assert text.strip().startswith(
        f'<tr id="milestone-row-{milestone.pk}" class="msl-row msl-row--editing"'
    )
    assert 'class="error-summary"' in text
    assert f'<a href="#row-{milestone.pk}-progress">Progress must be between 0 and 100.</a>' in text
    assert f'id="row-{milestone.pk}-progress-error">Progress must be between 0 and 100.' in text
    assert "Enter the date as YYYY-MM-DD" in text
    assert "is not a member of this group who can own milestones" in text
    assert 'value="150"' in text  # what the user typed stays
    assert fresh(milestone).progress == 20


def test_it_shows_errors_on_the_page_without_javascript(as_user, milestone, member):
    response = as_user(member).post(
        url("row_edit", milestone.pk), row_data(milestone, progress=-1, next="/milestones/")
    )
    assert response.status_code == 422
    assert "<h1" in response.text and "There is a problem" in response.text


def test_it_shows_the_conflict_in_the_row_with_409(as_user, milestone, member, cochair_us):
    milestone_update(milestone_id=milestone.pk, user=cochair_us, version=1, progress=70)
    response = as_user(member).post(
        url("row_edit", milestone.pk),
        row_data(milestone, version=1, progress=10, status=Status.BLOCKED),
        headers=HTMX,
    )
    assert response.status_code == 409
    text = response.text
    assert 'class="conflict"' in text and "Cochair Us saved a change" in text
    assert "70 %" in text and "10 %" in text
    assert '<option value="blocked" selected>' in text  # yours, still in the form
    assert 'name="version" value="2"' in text  # saving again is a deliberate overwrite
    assert "Save mine" in text
    assert fresh(milestone).progress == 70


def test_it_refuses_to_edit_a_closed_milestone_for_a_member(as_user, energy, member, cochair_az):
    done = make_milestone(energy, title="Finished", status=Status.CANCELLED)
    assert as_user(member).get(url("row_edit", done.pk)).status_code == 403
    assert as_user(cochair_az).get(url("row_edit", done.pk)).status_code == 200


def test_it_searches_owners_without_javascript_in_a_large_group(as_user, energy, milestone, member):
    for number in range(OWNER_SELECT_LIMIT + 1):
        join(make_user(f"person{number:03d}@example.test"), energy, Role.MEMBER)
    client = as_user(member)
    page = client.get(url("row_edit", milestone.pk)).text
    select = page.split(f'<select id="row-{milestone.pk}-owner"', 1)[1].split("</select>")[0]
    assert select.count("<option") == OWNER_SELECT_LIMIT + 1  # + "Unassigned"
    assert 'name="owner_search"' in page and 'name="find_owner"' in page
    found = client.post(
        url("row_edit", milestone.pk),
        row_data(milestone, progress=33, owner_search="person200", find_owner="1"),
    )
    assert found.status_code == 200
    assert '<option value="person200@example.test">' in found.text
    assert 'value="33"' in found.text  # the rest of the form is kept
    assert "There is a problem" not in found.text
    assert fresh(milestone).progress == 20  # nothing saved yet


# --- the owner search -----------------------------------------------------------------------


def test_it_suggests_the_groups_possible_owners(as_user, energy, member, cochair_us, observer):
    response = as_user(member).get(url("owner_search"), {"group": "energy", "q": "cochair"})
    assert response.status_code == 200
    assert response.text.strip() == (
        '<option value="Cochair Us &lt;cochair.us@example.test&gt;"></option>'
    )


def test_it_reads_what_the_owner_field_sends(as_user, energy, member, cochair_us):
    response = as_user(member).get(
        url("owner_search"), {"group": "energy", "owner": "Cochair Us <coch"}
    )
    assert "cochair.us@example.test" in response.text


def test_it_caps_the_suggestions_at_20(as_user, energy, member):
    for number in range(30):
        join(make_user(f"person{number:02d}@example.test"), energy, Role.MEMBER)
    response = as_user(member).get(url("owner_search"), {"group": "energy", "q": "person"})
    assert response.text.count("<option") == 20


def test_it_gives_the_searchable_field_to_a_page_loaded_with_the_select(as_user, energy, member):
    response = as_user(member).get(
        url("owner_search"),
        {"group": "energy", "field": "id_owner", "value": "member@example.test", "invalid": "1"},
    )
    text = response.text
    assert 'id="id_owner" name="owner" value="Member &lt;member@example.test&gt;"' in text
    assert 'aria-invalid="true"' in text
    assert '<datalist id="id_owner-options">' in text
    assert (
        as_user(member).get(url("owner_search"), {"group": "energy", "field": "x y"}).status_code
        == 404
    )


# --- create ---------------------------------------------------------------------------------


def test_it_offers_the_groups_to_create_in(as_user, member, connectivity, staff):
    response = as_user(member).get(url("create"))
    assert response.status_code == 200
    assert "?group=energy" in response.text
    assert "?group=connectivity" not in response.text
    assert "?group=connectivity" in as_user(staff).get(url("create")).text


def test_it_shows_the_create_page_with_the_owner_select(as_user, energy, member, cochair_us):
    text = as_user(member).get(url("create") + "?group=energy").text
    assert text.count("<h1") == 1
    assert text.count('class="button"') == 1  # one primary button
    assert '<select id="id_owner" name="owner">' in text
    assert '<option value="cochair.us@example.test">Cochair Us</option>' in text
    assert 'hx-trigger="load"' in text  # with JavaScript: the searchable field instead


@pytest.mark.parametrize(
    "owner", ["cochair.us@example.test", "Cochair Us <cochair.us@example.test>"]
)
def test_it_creates_a_milestone(as_user, energy, member, cochair_us, owner):
    response = as_user(member).post(
        url("create") + "?group=energy",
        {
            "title": "Offshore wind study",
            "due_date": "2026-10-01",
            "owner": owner,
            "description": "Scope and sites",
            "section": "",
            "external_ref": "EN-9",
        },
    )
    milestone = Milestone.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", milestone.pk)
    assert (milestone.title, milestone.owner, milestone.section, milestone.external_ref) == (
        "Offshore wind study",
        cochair_us,
        energy.section,
        "EN-9",
    )
    assert message_texts(response) == ["Milestone created."]
    assert MilestoneUpdate.objects.get().kind == UpdateKind.CREATED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due_date": "2026-10-01"}, "This field is required."),
        ({"title": "x", "due_date": "tomorrow"}, "Enter the date as YYYY-MM-DD"),
        ({"title": "x", "due_date": "1999-01-01"}, "between the years 2000 and 2100"),
        (
            {"title": "x", "due_date": "2026-01-01", "owner": "nobody@x.org"},
            "nobody@x.org is not a member of this group who can own milestones.",
        ),
    ],
)
def test_it_answers_a_bad_create_with_422(as_user, energy, member, data, message):
    response = as_user(member).post(url("create") + "?group=energy", data)
    assert response.status_code == 422
    text = response.text
    assert message in text
    assert 'class="error-summary"' in text and "There is a problem" in text
    assert 'aria-invalid="true"' in text
    assert not Milestone.objects.exists()


def test_it_links_the_error_summary_to_the_fields(as_user, energy, member):
    text = as_user(member).post(url("create") + "?group=energy", {"title": ""}).text
    assert '<a href="#id_title">This field is required.</a>' in text
    assert '<a href="#id_due_date">Enter a due date.</a>' in text


def test_it_refuses_a_duplicate_external_ref_on_create(as_user, energy, member):
    make_milestone(energy, external_ref="EN-1")
    response = as_user(member).post(
        url("create") + "?group=energy",
        {"title": "x", "due_date": "2026-01-01", "external_ref": "EN-1"},
    )
    assert response.status_code == 422
    assert "already has this external reference" in response.text


def test_it_answers_404_for_an_unknown_group(as_user, member):
    assert as_user(member).get(url("create") + "?group=nope").status_code == 404


def test_it_returns_the_create_form_fragment_with_htmx(as_user, energy, member):
    response = as_user(member).post(url("create") + "?group=energy", {"title": ""}, headers=HTMX)
    assert response.status_code == 422
    assert response.text.strip().startswith('<form id="create-form"')
    assert 'hx-trigger="input changed delay:300ms"' in response.text  # searchable owner


def test_it_redirects_an_htmx_create(as_user, energy, member):
    response = as_user(member).post(
        url("create") + "?group=energy", {"title": "x", "due_date": "2026-01-01"}, headers=HTMX
    )
    assert response["HX-Redirect"] == url("detail", Milestone.objects.get().pk)


def test_it_points_new_milestone_at_the_filtered_group_only_if_allowed(
    as_user, energy, connectivity, member
):
    client = as_user(member)
    assert (
        'href="/milestones/new/?group=energy"' in client.get(url("list"), {"group": "energy"}).text
    )
    text = client.get(url("list"), {"group": "connectivity"}).text
    assert 'href="/milestones/new/"' in text
    assert 'href="/milestones/new/?group=connectivity"' not in text


def test_it_searches_owners_on_the_create_page_without_javascript(as_user, energy, member):
    for number in range(OWNER_SELECT_LIMIT + 1):
        join(make_user(f"person{number:03d}@example.test"), energy, Role.MEMBER)
    client = as_user(member)
    page = client.get(url("create") + "?group=energy").text
    assert 'name="find_owner"' in page
    found = client.post(
        url("create") + "?group=energy",
        {"title": "Kept", "due_date": "2026-10-01", "owner_search": "person200", "find_owner": "1"},
    )
    assert found.status_code == 200
    assert '<option value="person200@example.test">' in found.text
    assert 'value="Kept"' in found.text
    assert "There is a problem" not in found.text
    assert not Milestone.objects.exists()


def test_it_keeps_an_owner_who_left_the_group_in_the_row_form(as_user, energy, member):
    former = make_user("former@example.test", display_name="Former Member")
    milestone = make_milestone(energy, owner=former, title="Left behind")
    text = as_user(member).get(url("row_edit", milestone.pk)).text
    assert (
        '<option value="former@example.test" selected>'
        "Former Member (no longer a member of the group)</option>"
    ) in text
    htmx = as_user(member).get(url("row_edit", milestone.pk), headers=HTMX).text
    assert 'value="Former Member &lt;former@example.test&gt;"' in htmx
    # Saving without touching the owner keeps them.
    as_user(member).post(url("row_edit", milestone.pk), row_data(milestone, progress=30))
    assert fresh(milestone).owner == former
