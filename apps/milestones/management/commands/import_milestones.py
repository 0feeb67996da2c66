"""``manage.py import_milestones FILE [--dry-run] [--user EMAIL]``: import a roadmap CSV.

Every row is validated first; with any error, all of them are printed (line and column)
and nothing is written. ``--dry-run`` prints what would be created or changed and writes
nothing. The import acts as ``--user`` (a co-chair imports only their groups' rows); without
it, as the first active superuser.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.milestones.roadmap_csv import MAX_BYTES
from apps.milestones.roadmap_import import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    RoadmapInvalid,
    roadmap_import,
)


class Command(BaseCommand):
    help = "Import milestones from a roadmap CSV file (create new ones, update by external_ref)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--user", help="email of the user the import acts as (default: the first superuser)"
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: larger than 2 MB; split it into smaller files")
        content = path.read_bytes()
        acting = self._user(user)
        try:
            plan = roadmap_import(content=content, user=acting, dry_run=dry_run)
        except RoadmapInvalid as invalid:
            for error in invalid.plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.plan.errors)} error(s) in {file}; nothing was imported."
            ) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self._report(plan, dry_run=dry_run)

    def _user(self, email: str | None) -> User:
        if email:
            found = User.objects.filter(email__iexact=email, is_active=True).first()
            if found is None:
                raise CommandError(f"--user {email}: no active user with this address")
            return found
        found = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if found is None:
            raise CommandError("No active superuser to act as; pass --user EMAIL.")
        return found

    def _report(self, plan: ImportPlan, *, dry_run: bool) -> None:
        verb = (
            {CREATE: "would create", UPDATE: "would change"}
            if dry_run
            else {
                CREATE: "created",
                UPDATE: "changed",
            }
        )
        for row in plan.rows:
            if row.action == UNCHANGED:
                continue
            self.stdout.write(f"line {row.line}: {verb[row.action]} {row.external_ref}")
            for change in row.changes:
                self.stdout.write(f"    {change.field}: {change.old} → {change.new}")
        prefix = "Dry run (nothing written): " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{plan.created} to create, {plan.updated} to change, "
                f"{plan.unchanged} unchanged."
                if dry_run
                else f"{plan.created} created, {plan.updated} changed, {plan.unchanged} unchanged."
            )
        )
