"""Benchmark: the reminder scan and the digest build at `seed_demo --scale 100` volume.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedbench \\
        .venv/bin/python tests/perf/bench_notifications.py [--milestones 100000] [--now ISO]

Needs a database seeded with `manage.py seed_demo --scale 100` and migrated (at least
`manage.py migrate notifications`). Everything the benchmark writes (claims, extra
milestones, changed preferences) happens inside transactions that are rolled back, so
the database is left as it was and the figures can be reproduced.

It prints:
- the reminder scan over all milestones, and the digests for every user, each measured at
  two recipient counts: the SQL queries (SELECTs must be equal: batched; INSERTs are one
  per 1,000 claims) and the wall time;
- the time to compose 1,000 different emails as a ratio to composing one email 1,000 times
  (1.0 would mean no per-recipient overhead at all).
"""

import argparse
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charterhub.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import DigestFrequency, User  # noqa: E402
from apps.milestones.models import Milestone, Status  # noqa: E402
from apps.notifications import emails, selectors, services  # noqa: E402
from apps.notifications.models import EmailLog  # noqa: E402


class Rollback(Exception):
    pass


def rolled_back(function):
    """Run `function()` in a transaction that is always rolled back; return its result."""
    result = {}
    try:
        with transaction.atomic():
            result["value"] = function()
            raise Rollback
    except Rollback:
        pass
    return result["value"]


def measured(function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - started
    kinds = Counter(query["sql"].split(None, 1)[0].upper() for query in queries.captured_queries)
    return value, elapsed, kinds


def top_up_milestones(target: int, today) -> int:
    """Add synthetic open milestones (in the rolled-back transaction) up to `target`."""
    have = Milestone.objects.count()
    missing = target - have
    if missing <= 0:
        return have
    template = list(
        Milestone.objects.filter(status__in=[Status.IN_PROGRESS, Status.PLANNED])
        .exclude(owner=None)
        .values("group_id", "section_id", "owner_id")[:5000]
    )
    Milestone.objects.bulk_create(
        (
            Milestone(
                group_id=row["group_id"],
                section_id=row["section_id"],
                owner_id=row["owner_id"],
                title=f"Benchmark work package {n}",
                due_date=today + timedelta(days=(n * 37) % 545 - 180),
                status=Status.IN_PROGRESS,
            )
            for n, row in ((n, template[n % len(template)]) for n in range(missing))
        ),
        batch_size=5000,
    )
    return Milestone.objects.count()


def only_some(*, field: str, on, off, keep: int) -> int:
    """Leave `field` = `on` for the first `keep` active users only; return how many."""
    ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    User.objects.filter(pk__in=ids[:keep]).update(**{field: on})
    User.objects.exclude(pk__in=ids[:keep]).update(**{field: off})
    return min(keep, len(ids))


def report(label: str, recipients: int, claimed: int, elapsed: float, kinds: Counter) -> None:
    print(
        f"  {label:<44} {recipients:>6} recipients  {claimed:>6} claimed  "
        f"{kinds['SELECT']:>3} SELECT  {kinds['INSERT']:>2} INSERT  "
        f"{sum(kinds.values()):>3} queries  {elapsed:7.2f} s"
    )


def reminder_runs(now, target: int, few: int) -> None:
    print(f"Reminder scan at {now.isoformat()} (milestones topped up to {target:,}):")

    def run(keep: int | None):
        total = top_up_milestones(target, now.date())
        if keep is not None:
            recipients = only_some(field="reminders_enabled", on=True, off=False, keep=keep)
        else:
            User.objects.update(reminders_enabled=True)
            recipients = User.objects.filter(is_active=True).count()
        scan, scan_time, scan_kinds = measured(lambda: selectors.reminders_due(now=now))
        result, elapsed, kinds = measured(lambda: services.reminders_claim(now=now))
        return total, recipients, len(scan), scan_time, scan_kinds, result, elapsed, kinds

    for label, keep in ((f"{few} recipients", few), ("every user", None)):
        total, recipients, due, scan_time, scan_kinds, result, elapsed, kinds = rolled_back(
            lambda keep=keep: run(keep)
        )
        report(f"scan of {total:,} milestones ({label})", recipients, due, scan_time, scan_kinds)
        report(f"scan + compose + claim ({label})", recipients, result.claimed, elapsed, kinds)


def digest_runs(monday, few: int) -> None:
    print(f"Digests on Monday {monday.isoformat()} (every user daily for the run):")

    def run(keep: int):
        recipients = only_some(
            field="digest_frequency", on=DigestFrequency.DAILY, off=DigestFrequency.OFF, keep=keep
        )
        EmailLog.objects.filter(kind="digest").delete()
        result, elapsed, kinds = measured(lambda: services.digests_claim(now=monday))
        return recipients, result, elapsed, kinds

    for keep in (few, 10**9):
        recipients, result, elapsed, kinds = rolled_back(lambda keep=keep: run(keep))
        report(
            f"build + compose + claim ({recipients:,} users)",
            recipients,
            result.claimed,
            elapsed,
            kinds,
        )


def compose_ratio(now, count: int) -> None:
    print(f"Composing {count:,} emails:")

    def planned():
        User.objects.update(reminders_enabled=True, digest_frequency=DigestFrequency.DAILY)
        return selectors.reminders_due(now=now)[:count], selectors.digests_due(now=now)[:count]

    reminders, digests = rolled_back(planned)
    for name, items in (("reminders", reminders), ("digests", digests)):
        if len(items) < count:
            print(f"  {name}: only {len(items)} due at this time; skipped")
            continue

        def compose(item):
            return emails.row_fields(
                emails.make_message(item.template, item.recipient, item.context)
            )

        started = time.perf_counter()
        for item in items:
            compose(item)
        distinct = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(count):
            compose(items[0])
        same = time.perf_counter() - started
        print(
            f"  {name:<9} {count:,} different: {distinct:6.2f} s   one {count:,} times: "
            f"{same:6.2f} s   ratio {distinct / same:4.2f}   "
            f"({distinct / count * 1000:.1f} ms each)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=100_000)
    parser.add_argument("--recipients", type=int, default=100, help="the smaller recipient count")
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument(
        "--now",
        help="ISO datetime for the reminder scan (default: today 14:00 UTC, when it is "
        "past 08:00 both in Baku and in New York)",
    )
    args = parser.parse_args()
    now = (
        datetime.fromisoformat(args.now).astimezone(UTC)
        if args.now
        else datetime.combine(datetime.now(UTC).date(), clock(14), tzinfo=UTC)
    )
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), clock(14), tzinfo=UTC)
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{User.objects.count():,} users, {Milestone.objects.count():,} milestones"
    )
    reminder_runs(now, args.milestones, args.recipients)
    digest_runs(monday, args.recipients)
    compose_ratio(monday, args.emails)


if __name__ == "__main__":
    main()
