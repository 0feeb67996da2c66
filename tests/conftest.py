"""The shared cast: one user per role around the Energy working group.

| fixture        | who                                                  |
| -------------- | ---------------------------------------------------- |
| staff          | staff admin, no membership                           |
| cochair_az     | Energy co-chair, Azerbaijan side                     |
| cochair_us     | Energy co-chair, US side                             |
| member         | Energy member (AZ, government)                       |
| observer       | Energy observer (US)                                 |
| other_member   | member of Connectivity only                          |
| outsider       | signed-in user with no membership                    |
"""

import importlib
import os
import shutil

import pytest

from apps.accounts.models import Sector, Side, User
from apps.charter.models import Membership, Role, WorkingGroup
from tests.factories import MembershipFactory, UserFactory

REQUIRED = os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip when a service is missing locally; under CI=true, fail instead."""
    if available:
        return
    if REQUIRED:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


#: The slow groups, marked ``slow`` so a developer can leave them out with ``-m "not slow"``
#: (``make test-quick``); ``make test`` and CI run everything. Paths under tests/.
SLOW = (
    "browser/",  # Chromium against a live server
    "faults/",  # real gunicorn, Celery workers, a full disk, a restarted database
    "notifications/test_worker.py",  # real Celery workers
    "notifications/test_worker_faults.py",  # real Celery workers, killed and restarted
    "fuzz/test_endpoints.py",  # hypothesis over every POST endpoint
    "fuzz/test_query_strings.py",  # hypothesis over every page's query string
    "fuzz/test_uploads.py",  # hostile uploads
    "tooling/test_html_valid.py",  # the Nu Html Checker (Java) over every page and fragment
)
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        relative = os.path.relpath(str(item.path), TESTS_DIR).replace(os.sep, "/")
        if relative.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


def make_user(email: str, *, side: str = Side.AZ, **extra) -> User:
    return UserFactory(email=email, side=side, **extra)


def join(user: User, group: WorkingGroup, role: str, side: str | None = None) -> Membership:
    return MembershipFactory(user=user, group=group, role=role, side=side or user.side)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # A slow password hash is the point in production and a waste of time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production uses the hashed manifest made by collectstatic; tests do not run collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def charter_data(db) -> None:
    """The charter from the data migration. Transactional tests (live_server) flush the
    database after each test, so load it again when it is gone."""
    if not WorkingGroup.objects.exists():
        from django.apps import apps as django_apps

        migration = importlib.import_module("apps.charter.migrations.0002_charter_data")
        migration.upsert_charter(django_apps)


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _charter_data_present(request) -> None:
    """Every test with database access starts with the charter, even right after a
    transactional test (live_server, thread races) has flushed it away."""
    if DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("charter_data")


@pytest.fixture
def energy(charter_data) -> WorkingGroup:
    return WorkingGroup.objects.get(slug="energy")


@pytest.fixture
def connectivity(charter_data) -> WorkingGroup:
    return WorkingGroup.objects.get(slug="connectivity")


@pytest.fixture
def security(charter_data) -> WorkingGroup:
    return WorkingGroup.objects.get(slug="security")


@pytest.fixture
def staff(charter_data) -> User:
    return make_user("staff@example.test", side=Side.OTHER, is_staff=True, is_superuser=True)


@pytest.fixture
def cochair_az(energy) -> User:
    user = make_user("cochair.az@example.test", side=Side.AZ, time_zone="Asia/Baku", language="az")
    join(user, energy, Role.CO_CHAIR)
    return user


@pytest.fixture
def cochair_us(energy) -> User:
    user = make_user(
        "cochair.us@example.test", side=Side.US, time_zone="America/New_York", language="en"
    )
    join(user, energy, Role.CO_CHAIR)
    return user


@pytest.fixture
def member(energy) -> User:
    user = make_user("member@example.test", side=Side.AZ, time_zone="Asia/Baku")
    join(user, energy, Role.MEMBER)
    return user


@pytest.fixture
def observer(energy) -> User:
    user = make_user("observer@example.test", side=Side.US, sector=Sector.PRIVATE)
    join(user, energy, Role.OBSERVER)
    return user


@pytest.fixture
def other_member(connectivity) -> User:
    user = make_user("other@example.test", side=Side.US, language="ru")
    join(user, connectivity, Role.MEMBER)
    return user


@pytest.fixture
def outsider(charter_data) -> User:
    return make_user("outsider@example.test", side=Side.OTHER)
