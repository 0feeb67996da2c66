"""Hostile query strings on every page that reads one: never a 5xx.

The POST endpoints are fuzzed by test_endpoints.py; these are the GET pages whose views read
``request.GET`` (filters, paging, a group to start from, a report period). Each example is one
GET, plain or from htmx, as a member of Energy (who sees most) and as a signed-in outsider, with
known parameter names and a few unknown ones, single or repeated, holding hostile values.
A GET changes nothing, so the only oracle is the status: below 500, and a 200 is a whole page
(or, from htmx on the milestone list, its fragment).
Add a page here when its view starts reading the query string.
"""

import zlib

import pytest
from django.test import Client
from hypothesis import given, seed
from hypothesis import strategies as st

from tests.fuzz.profiles import fuzz_settings

pytestmark = pytest.mark.django_db

FILTERS = ["q", "group", "section", "status", "owner", "side", "window", "due_from", "due_to"]
MILESTONE_FILTERS = [*FILTERS, "overdue", "ordering", "page"]

# url path → the query parameters its view reads
PAGES = {
    "/milestones/": MILESTONE_FILTERS,
    "/milestones/export.csv": MILESTONE_FILTERS,
    "/milestones/new/": ["group"],
    "/meetings/": ["when", "group", "page"],
    "/meetings/new/": ["group"],
    "/notifications/emails/": ["page"],
    "/reports/": ["period"],
    "/groups/energy/report/": ["period"],
    "/": ["page"],
}

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=2_000),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "\u202e\u200b\u0301",
            "0000-00-00",
            "2026-02-30",
            "9999-12-31",
            "-1",
            "0",
            "NaN",
            "1e309",
            "99999999999999999999999999",
            "2026-Q5",
            "2026-Q0",
            "1999-Q1",
            "9999-Q4",
            "me",
            "none",
            "energy",
            "security",
            "connectivity",
            "past",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "x" * 20_000,
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)


def queries(names: list[str]):
    keys = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))
    values = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=4))
    return st.dictionaries(keys, values, max_size=6)


FUZZ = fuzz_settings()  # tests/fuzz/profiles.py: 40 examples, FUZZ_EXAMPLES to override


@pytest.mark.parametrize("path", PAGES, ids=str)
def test_it_survives_hostile_query_strings(path, energy, security, member, outsider):
    clients = {}
    for who, user in (("member", member), ("outsider", outsider)):
        clients[who] = Client()
        clients[who].force_login(user)

    @FUZZ
    @seed(zlib.crc32(path.encode()))
    @given(
        query=queries(PAGES[path]),
        who=st.sampled_from(sorted(clients)),
        htmx=st.booleans(),
    )
    def run(query, who, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = clients[who].get(path, query, headers=headers)
        assert response.status_code < 500, (path, who, query, response.status_code)
        if response.status_code == 200 and not htmx and "text/html" in response["Content-Type"]:
            assert b"</html>" in response.content

    run()


def test_it_reads_the_query_string_only_on_the_pages_listed():
    """A view that starts reading request.GET must be added to PAGES."""
    from pathlib import Path

    apps = Path(__file__).resolve().parents[2] / "apps"
    readers = sorted(
        str(path.relative_to(apps))
        for path in apps.glob("*/*views.py")
        if "request.GET" in path.read_text()
    )
    assert readers == [
        "meetings/views.py",
        "milestones/csv_views.py",
        "milestones/views.py",
        "notifications/views.py",
        "reports/views.py",
    ], "a view reads request.GET: add its pages to PAGES, then this list"
