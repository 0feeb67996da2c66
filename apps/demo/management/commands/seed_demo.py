import argparse
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from apps.demo import data
from apps.demo.services import (
    DemoSeedError,
    PasswordHash,
    ProgressBar,
    SeedReport,
    demo_seed,
    synthetic_seed,
)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Load the demo accounts, milestones and meetings (idempotent: a re-run creates nothing; "
        "on a later day it moves the demo's own dates to today). "
        "--scale N adds synthetic volume for benchmarks: N×50 users, N×500 milestones and "
        "N×100 meetings (also idempotent; a larger N tops up)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=positive_int,
            default=None,
            metavar="N",
            help="Also add N×50 users, N×500 milestones and N×100 meetings (N ≥ 1).",
        )

    def handle(self, *args, scale: int | None = None, verbosity: int = 1, **options):
        if scale is not None and (not isinstance(scale, int) or scale < 1):
            raise CommandError(f"--scale must be a whole number of at least 1, got {scale!r}")
        today = timezone.localdate()
        password = PasswordHash()  # hashed once, only if some account is created

        def bar(description: str, total: int) -> ProgressBar:
            return tqdm(
                total=total,
                desc=description,
                unit="row",
                file=sys.stderr,
                disable=verbosity == 0,
                dynamic_ncols=True,
            )

        try:
            with transaction.atomic():
                demo = demo_seed(today=today, password=password)
                synthetic = (
                    synthetic_seed(scale=scale, today=today, password=password, progress=bar)
                    if scale
                    else None
                )
        except DemoSeedError as error:
            raise CommandError(str(error)) from error

        if verbosity == 0:
            return
        if demo.moved_from is not None:
            self._moved(demo, today)
        self._summary("Demo data", demo)
        if synthetic is not None:
            self._summary(f"Synthetic data (scale {scale})", synthetic)
        for warning in demo.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins (password: {data.DEMO_PASSWORD})")
        )
        width = max(len(login.email) for login in demo.logins)
        for login in demo.logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.role}")

    def _moved(self, report: SeedReport, today) -> None:
        days = (today - report.moved_from).days
        moved = ", ".join(f"{count} {kind}" for kind, count in report.moved.items() if count)
        self.stdout.write(
            f"Demo dates moved {abs(days)} day(s) {'forward' if days > 0 else 'back'}, from "
            f"{report.moved_from} to today ({today}): {moved or 'nothing to move'}."
        )

    def _summary(self, title: str, report: SeedReport) -> None:
        if not report.total:
            self.stdout.write(f"{title}: already present, nothing created.")
            return
        counts = ", ".join(f"{count} {kind}" for kind, count in report.created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"{title}: created {counts}."))
