"""The outage page in-process: a database error raised by a view (OutageMiddleware) or by a
middleware before the view (handler500) → 503 with Retry-After, the plain page or, for
htmx, its message alone; a full disk → 507; other errors stay 500. No traceback on the
page, the error in the log. The end-to-end restart is tests/faults/test_database_restart.py.
"""

import errno
import logging
import sqlite3

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client

from charterhub import middleware, urls
from charterhub.env import parse_database_url
from charterhub.middleware import DATABASE, STORAGE, outage_kind
from tests.milestones.conftest import make_milestone

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "connection refused", "File ")


def raiser(error: BaseException):
    def fail(*args, **kwargs):
        raise error

    return fail


def chained(outer: Exception, cause: BaseException) -> Exception:
    try:
        raise outer from cause
    except Exception as error:
        return error


def assert_page(response, *, status: int, kind: str, full: bool = True) -> str:
    body = response.content.decode()
    assert response.status_code == status, body[:500]
    assert response["Content-Type"].startswith("text/html")
    assert f'data-outage="{kind}"' in body
    assert ("<html" in body) is full
    assert response["Cache-Control"] == "no-store"
    for leak in LEAKS:
        assert leak not in body
    return body


@pytest.fixture
def signed_in(member) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


# --- classification -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (OperationalError("connection refused"), DATABASE),
        (InterfaceError("connection already closed"), DATABASE),
        (OSError(errno.ENOSPC, "No space left on device"), STORAGE),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), STORAGE),
        (chained(OperationalError("could not extend file"), psycopg.errors.DiskFull()), STORAGE),
        # An OperationalError without SQLITE_FULL in its cause is an outage, not a full disk.
        (chained(OperationalError("locked"), sqlite3.OperationalError("locked")), DATABASE),
        (IntegrityError("duplicate key"), None),
        (DatabaseError("syntax error"), None),
        (OSError(errno.EACCES, "Permission denied"), None),
        (ValueError("bug"), None),
    ],
)
def test_it_tells_outages_from_bugs(error, kind):
    assert outage_kind(error) == kind


def test_it_knows_sqlites_full_database():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x)")
    db.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as full:
        for _ in range(10):
            db.execute("INSERT INTO t VALUES (?)", ("x" * 5000,))
    assert outage_kind(chained(OperationalError(str(full.value)), full.value)) == STORAGE


# --- a view raises (OutageMiddleware) -------------------------------------------------------


def test_it_answers_503_when_a_view_loses_the_database(signed_in, monkeypatch, caplog):
    monkeypatch.setattr(
        "apps.milestones.views.selectors.milestone_list",
        raiser(OperationalError("server closed the connection unexpectedly")),
    )
    with caplog.at_level(logging.ERROR, logger="charterhub.outage"):
        response = signed_in.get("/milestones/")
    body = assert_page(response, status=503, kind=DATABASE)
    assert response["Retry-After"] == "30"
    assert "temporarily unavailable" in body
    assert "Content-Security-Policy" in response  # the rest of the stack still ran
    (record,) = [r for r in caplog.records if r.name == "charterhub.outage"]
    assert record.getMessage() == "Database unavailable during GET /milestones/: OperationalError"
    assert record.exc_info is not None  # the traceback goes to the log


def test_it_answers_htmx_with_the_message_alone(signed_in, monkeypatch):
    monkeypatch.setattr(
        "apps.milestones.views.selectors.milestone_list", raiser(InterfaceError("closed"))
    )
    response = signed_in.get("/milestones/", headers=HTMX)
    assert_page(response, status=503, kind=DATABASE, full=False)
    assert response["Retry-After"] == "30"


def test_it_answers_507_when_the_disk_is_full(signed_in, monkeypatch):
    monkeypatch.setattr(
        "apps.milestones.views.selectors.milestone_list",
        raiser(OSError(errno.ENOSPC, "No space left on device")),
    )
    response = signed_in.get("/milestones/")
    body = assert_page(response, status=507, kind=STORAGE)
    assert "Retry-After" not in response
    assert "nothing was changed" in body


def test_it_leaves_other_errors_to_the_500_page(signed_in, monkeypatch, caplog):
    monkeypatch.setattr(
        "apps.milestones.views.selectors.milestone_list", raiser(ValueError("a real bug"))
    )
    with caplog.at_level(logging.ERROR):
        response = signed_in.get("/milestones/")
    assert response.status_code == 500
    assert "data-outage" not in response.content.decode()
    assert not [r for r in caplog.records if r.name == "charterhub.outage"]
    assert any(r.getMessage() == "Internal Server Error: /milestones/" for r in caplog.records)


def test_it_falls_back_to_plain_text_when_the_page_cannot_render(signed_in, monkeypatch):
    monkeypatch.setattr(
        "apps.milestones.views.selectors.milestone_list", raiser(OperationalError("down"))
    )
    monkeypatch.setattr(middleware, "render_to_string", raiser(RuntimeError("broken")))
    response = signed_in.get("/milestones/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert "temporarily unavailable" in response.content.decode()


# --- a middleware raises before the view (handler500) ---------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("path", ["/", "/milestones/", "/notifications/preferences/"])
def test_it_answers_503_when_the_session_cannot_be_read(signed_in, monkeypatch, caplog, path, htmx):
    # The database goes away entirely: the first query is the session, read by a
    # middleware (the user's language) before any view runs.
    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR):
        patch.setattr(connection, "cursor", raiser(OperationalError("connection refused")))
        response = signed_in.get(path, headers=HTMX if htmx else {})
    assert_page(response, status=503, kind=DATABASE, full=not htmx)
    assert response["Retry-After"] == "30"
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in logged] == [f"Service Unavailable: {path}"]
    assert logged[0].exc_info is not None


def test_it_answers_a_post_too_and_changes_nothing(signed_in, monkeypatch, milestone_for_post):
    milestone = milestone_for_post
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", raiser(OperationalError("connection refused")))
        response = signed_in.post(
            f"/milestones/{milestone.pk}/log/",
            {"version": milestone.version, "note": "While down", "progress": 90},
        )
    assert_page(response, status=503, kind=DATABASE)
    milestone.refresh_from_db()
    assert milestone.progress == 20


@pytest.fixture
def milestone_for_post(energy, member):
    return make_milestone(energy, owner=member, progress=20)


def test_it_is_wired_in():
    from django.conf import settings

    assert "charterhub.middleware.OutageMiddleware" in settings.MIDDLEWARE
    assert urls.handler500 == "charterhub.middleware.server_error"


def test_persistent_postgres_connections_are_checked_before_reuse():
    config = parse_database_url("postgres://app@db.example:5432/charterhub")
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True
