"""Page benchmark: median server time of the main pages as a ratio to the login page.

Run against a database seeded with `seed_demo --scale 100` (see docs/performance.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedbench SECRET_KEY=x \
        .venv/bin/python tests/perf/bench_pages.py --rounds 30

Requests go through Django's test client in-process, so the figure is server time (middleware,
view, queries, template) without network or browser. Each page is measured in interleaved rounds
so machine noise hits every page alike; the goal is a ratio (≤ 3× the login page), not seconds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charterhub.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.milestones.models import Milestone  # noqa: E402

GOAL = 3.0


def pages(member: User, milestone: Milestone) -> dict[str, tuple[str, bool]]:
    """name → (path, needs staff)."""
    return {
        "login page": ("/accounts/login/", False),
        "dashboard": ("/", False),
        "milestone list": (f"/milestones/?group={milestone.group.slug}", False),
        "milestone detail": (f"/milestones/{milestone.pk}/", False),
        "admin milestone changelist": ("/admin/milestones/milestone/", True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    if connection.vendor == "postgresql":
        # seed_demo leaves dead rows behind its back-dating updates, and autovacuum may be off
        # (it is on the development machines): measure the planner's real plans, not stale ones.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    member = User.objects.get(email="member.energy.az@charterhub.test")
    staff = User.objects.get(email="admin@charterhub.test")
    milestone = (
        Milestone.objects.filter(group__slug="energy").order_by("-updates__created_at").first()
    )
    total = Milestone.objects.count()
    as_member, as_staff = Client(), Client()
    as_member.force_login(member)
    as_staff.force_login(staff)

    targets = pages(member, milestone)
    timings: dict[str, list[float]] = {name: [] for name in targets}
    queries: dict[str, int] = {}
    for name, (path, needs_staff) in targets.items():  # warm-up, and the query count
        with CaptureQueriesContext(connection) as captured:
            response = (as_staff if needs_staff else as_member).get(path)
        if response.status_code != 200:
            sys.exit(f"{name}: {path} answered {response.status_code}")
        queries[name] = len(captured)
    for _ in range(args.rounds):  # interleaved, so noise hits every page alike
        for name, (path, needs_staff) in targets.items():
            client = as_staff if needs_staff else as_member
            start = time.perf_counter()
            client.get(path)
            timings[name].append(time.perf_counter() - start)

    login = statistics.median(timings["login page"])
    vendor = connection.vendor
    print(f"{total:,} milestones on {vendor}, {args.rounds} rounds, median server time")
    print(f"{'page':30} {'median ms':>10} {'× login':>8} {'queries':>8}  goal ≤ {GOAL}×")
    failed = False
    for name, values in timings.items():
        median = statistics.median(values)
        ratio = median / login
        verdict = "" if name == "login page" else ("ok" if ratio <= GOAL else "OVER")
        failed |= verdict == "OVER"
        print(f"{name:30} {median * 1000:10.1f} {ratio:8.2f} {queries[name]:8d}  {verdict}")
    print("all pages within the goal" if not failed else "some pages are OVER the goal")


if __name__ == "__main__":
    main()
