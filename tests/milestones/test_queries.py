"""Pinned query counts: every milestones page and fragment makes the same number of queries
with 10 and with 1,000 milestones (and 10 or 1,000 log entries, sign-offs and evidence on
the milestone shown)."""

import pytest
from django.urls import reverse

from apps.milestones.models import Evidence, Milestone, Status
from apps.milestones.services import evidence_add, milestone_sign_off
from tests.milestones.conftest import DUE, HTMX, PDF, bulk_log, bulk_milestones, upload

pytestmark = pytest.mark.django_db

SIZES = [10, 1000]

# Every signed-in page but staff's asks once whether to offer Import (charterhub/navigation.py).
# session, user, visible groups, sections, count, page, memberships, the header's import
# question (the rows are read-only: a row's edit form is fetched on demand, row_edit)
LIST = 8
LIST_FOR_STAFF = LIST - 1  # staff may import: the header asks nothing
LIST_READ_ONLY = LIST  # the same rows, without Edit links
LIST_OWNER_FILTER = 9  # + the owner named in the link
# session, user, milestone, membership, detail + 3 prefetches, possible owners
DETAIL = 10
DETAIL_READ_ONLY = 9
CREATE_PAGE = 7  # session, user, group, membership, possible owners, sections
CREATE_CHOOSER = 4  # session, user, the groups the user may add to
CREATE = 11  # the owner is checked by address (no list of possible owners loaded first)
LOG_INVALID = 9
SIGN_REFUSED = 14  # the service looks, refuses and rolls back; then the panel
EVIDENCE_INVALID = 14  # likewise
# POSTs: session, user, access (milestone, membership); the service in its transaction
# (savepoint, locked milestone, membership, writes, release); then the fragment it renders.
ROW_UPDATE = 11  # ... + the row (milestone with group, section, owner)
DETAIL_UPDATE = 15  # ... + the workspace (detail + 3 prefetches, possible owners)
DETAIL_UPDATE_INVALID = 9  # no service call: access + the workspace
DETAIL_UPDATE_CONFLICT = 17  # + the entry naming who changed it (and a fallback), its author
LOG = 15
SIGN = 17
DECLINE = 18  # ... + the entry that asked for sign-off (the progress the decline goes back to)
# Awaiting sign-off, the page also names each side's co-chair: + 1.
DETAIL_AWAITING = DETAIL + 1
SIGN_FIRST = 17  # the first side's: no completion to save, but the page names the co-chairs
# Unconfirmed irreversible posts answer the confirmation page and write nothing:
# session, user, access (milestone, membership), the sign-offs to withdraw (+ prefetch), the
# request entry for the progress it goes back to, the header's import question.
DECLINE_UNCONFIRMED = 8
EVIDENCE_REMOVE_UNCONFIRMED = 5  # session, user, evidence with its milestone, membership, header
EVIDENCE_ADD = 15
EVIDENCE_REMOVE = 16
DOWNLOAD = 4


@pytest.fixture
def scale(energy, member, cochair_az, cochair_us, observer):
    """``size`` milestones in Energy, and ``size`` log entries and pieces of evidence on the
    one milestone whose page is measured."""

    def build(size: int) -> Milestone:
        bulk_milestones(energy, size - 1, owner=member)
        target = bulk_milestones(energy, 1, owner=member, start=size)[0]
        target = Milestone.objects.get(pk=target.pk)
        bulk_log(target, member, size)
        Evidence.objects.bulk_create(
            Evidence(milestone=target, title=f"link {n}", url=f"https://e.org/{n}", added_by=member)
            for n in range(size)
        )
        return target

    return build


def edit_data(milestone, **overrides) -> dict:
    return {
        "version": milestone.version,
        "status": milestone.status,
        "progress": milestone.progress,
        "due_date": milestone.due_date.isoformat(),
        "owner": milestone.owner.email if milestone.owner else "",
        **overrides,
    }


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_list_flat(as_user, scale, member, django_assert_num_queries, size):
    scale(size)
    client = as_user(member)
    with django_assert_num_queries(LIST):
        response = client.get(reverse("milestones:list"))
    assert len(response.context["rows"]) == min(size, 50)
    with django_assert_num_queries(LIST):
        client.get(
            reverse("milestones:list"), {"group": "energy", "status": "planned", "q": "bulk"}
        )
    with django_assert_num_queries(LIST):
        client.get(reverse("milestones:list"), {"page": "2", "side": "az", "ordering": "-due"})


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_list_read_only_flat(as_user, scale, observer, django_assert_num_queries, size):
    scale(size)
    client = as_user(observer)
    with django_assert_num_queries(LIST_READ_ONLY):
        client.get(reverse("milestones:list"))


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_list_by_owner_flat(as_user, scale, member, django_assert_num_queries, size):
    scale(size)
    client = as_user(member)
    with django_assert_num_queries(LIST_OWNER_FILTER):
        client.get(reverse("milestones:list"), {"owner": str(member.pk)})


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_list_for_staff_flat(as_user, scale, staff, django_assert_num_queries, size):
    scale(size)
    client = as_user(staff)
    with django_assert_num_queries(LIST_FOR_STAFF):
        client.get(reverse("milestones:list"))


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_detail_flat(as_user, scale, member, cochair_az, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(DETAIL):
        response = client.get(reverse("milestones:detail", args=[target.pk]))
    assert len(response.context["m"].timeline) == size


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_detail_read_only_flat(as_user, scale, observer, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(observer)
    with django_assert_num_queries(DETAIL_READ_ONLY):
        client.get(reverse("milestones:detail", args=[target.pk]))


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_create_page_flat(as_user, scale, member, django_assert_num_queries, size):
    scale(size)
    client = as_user(member)
    with django_assert_num_queries(CREATE_PAGE):
        client.get(reverse("milestones:create") + "?group=energy")


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_row_fragment_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    data = edit_data(target, progress=42, fragment="row")
    with django_assert_num_queries(ROW_UPDATE):
        response = client.post(
            reverse("milestones:update", args=[target.pk]),
            data,
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_detail_fragment_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    data = edit_data(target, progress=42, due_date=DUE.isoformat())
    with django_assert_num_queries(DETAIL_UPDATE):
        response = client.post(
            reverse("milestones:update", args=[target.pk]),
            data,
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_invalid_form_fragment_flat(
    as_user, scale, member, django_assert_num_queries, size
):
    target = scale(size)
    client = as_user(member)
    data = edit_data(target, progress=420)
    with django_assert_num_queries(DETAIL_UPDATE_INVALID):
        response = client.post(
            reverse("milestones:update", args=[target.pk]),
            data,
            headers=HTMX,
        )
    assert response.status_code == 422


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_conflict_fragment_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(version=5)
    client = as_user(member)
    data = edit_data(target, progress=42)
    with django_assert_num_queries(DETAIL_UPDATE_CONFLICT):
        response = client.post(
            reverse("milestones:update", args=[target.pk]),
            data,
            headers=HTMX,
        )
    assert response.status_code == 409


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_log_fragment_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(LOG):
        response = client.post(
            reverse("milestones:log", args=[target.pk]),
            {"version": target.version, "note": "Measured", "progress": "60"},
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_sign_fragment_flat(
    as_user, scale, cochair_az, cochair_us, django_assert_num_queries, size
):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(status=Status.AWAITING_SIGNOFF)
    milestone_sign_off(milestone_id=target.pk, user=cochair_us)
    client = as_user(cochair_az)
    with django_assert_num_queries(SIGN):
        response = client.post(reverse("milestones:sign", args=[target.pk]), headers=HTMX)
    assert response.status_code == 200
    assert Milestone.objects.get(pk=target.pk).status == Status.DONE


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_decline_fragment_flat(
    as_user, scale, cochair_az, cochair_us, django_assert_num_queries, size
):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(status=Status.AWAITING_SIGNOFF)
    milestone_sign_off(milestone_id=target.pk, user=cochair_us)
    client = as_user(cochair_az)
    with django_assert_num_queries(DECLINE):
        response = client.post(
            reverse("milestones:decline", args=[target.pk]),
            {"reason": "No", "confirmed": "yes"},
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_evidence_add_fragment_flat(
    as_user, scale, member, django_assert_num_queries, size
):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(EVIDENCE_ADD):
        response = client.post(
            reverse("milestones:evidence_add", args=[target.pk]),
            {"file": upload("report.pdf", PDF)},
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_evidence_remove_fragment_flat(
    as_user, scale, member, django_assert_num_queries, size
):
    target = scale(size)
    evidence = evidence_add(milestone_id=target.pk, user=member, url="https://x.org")
    client = as_user(member)
    with django_assert_num_queries(EVIDENCE_REMOVE):
        response = client.post(
            reverse("milestones:evidence_remove", args=[evidence.pk]),
            {"confirmed": "yes"},
            headers=HTMX,
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_download_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    evidence = evidence_add(milestone_id=target.pk, user=member, file=upload("a.pdf", PDF))
    client = as_user(member)
    with django_assert_num_queries(DOWNLOAD):
        response = client.get(reverse("milestones:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_create_chooser_flat(as_user, scale, member, django_assert_num_queries, size):
    scale(size)
    client = as_user(member)
    with django_assert_num_queries(CREATE_CHOOSER):
        assert client.get(reverse("milestones:create")).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_create_flat(as_user, scale, member, django_assert_num_queries, size):
    scale(size)
    client = as_user(member)
    data = {"title": "Pinned", "due_date": "2026-09-01", "owner": member.email}
    with django_assert_num_queries(CREATE):
        response = client.post(reverse("milestones:create") + "?group=energy", data)
    assert response.status_code == 302


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_invalid_log_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(LOG_INVALID):
        response = client.post(
            reverse("milestones:log", args=[target.pk]),
            {"version": target.version, "note": ""},
            headers=HTMX,
        )
    assert response.status_code == 422


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_a_refused_signature_flat(
    as_user, scale, cochair_az, django_assert_num_queries, size
):
    target = scale(size)
    client = as_user(cochair_az)
    with django_assert_num_queries(SIGN_REFUSED):
        response = client.post(reverse("milestones:sign", args=[target.pk]), headers=HTMX)
    assert response.status_code == 422


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_invalid_evidence_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(EVIDENCE_INVALID):
        response = client.post(
            reverse("milestones:evidence_add", args=[target.pk]),
            {"url": "ftp://example.org/x"},
            headers=HTMX,
        )
    assert response.status_code == 422


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_awaiting_detail_flat(
    as_user, scale, cochair_az, cochair_us, django_assert_num_queries, size
):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(status=Status.AWAITING_SIGNOFF)
    milestone_sign_off(milestone_id=target.pk, user=cochair_us)
    client = as_user(cochair_az)
    with django_assert_num_queries(DETAIL_AWAITING):
        response = client.get(reverse("milestones:detail", args=[target.pk]))
    assert 'href="#signoff"' in response.text  # the reader's turn: the banner links to the panel


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_first_signature_flat(
    as_user, scale, cochair_az, django_assert_num_queries, size
):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(status=Status.AWAITING_SIGNOFF)
    client = as_user(cochair_az)
    with django_assert_num_queries(SIGN_FIRST):
        response = client.post(reverse("milestones:sign", args=[target.pk]), headers=HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_decline_confirmation_flat(
    as_user, scale, cochair_az, cochair_us, django_assert_num_queries, size
):
    target = scale(size)
    Milestone.objects.filter(pk=target.pk).update(status=Status.AWAITING_SIGNOFF)
    milestone_sign_off(milestone_id=target.pk, user=cochair_us)
    client = as_user(cochair_az)
    with django_assert_num_queries(DECLINE_UNCONFIRMED):
        response = client.post(reverse("milestones:decline", args=[target.pk]), {"reason": "No"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_evidence_removal_confirmation_flat(
    as_user, scale, member, django_assert_num_queries, size
):
    target = scale(size)
    evidence = evidence_add(milestone_id=target.pk, user=member, url="https://x.org")
    client = as_user(member)
    with django_assert_num_queries(EVIDENCE_REMOVE_UNCONFIRMED):
        response = client.post(reverse("milestones:evidence_remove", args=[evidence.pk]))
    assert response.status_code == 200
