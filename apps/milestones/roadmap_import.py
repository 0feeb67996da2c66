"""Importing a roadmap (a milestone CSV file, see ``roadmap_csv``).

``roadmap_plan`` validates every row of a file against the database and says what an
import would do (create, change — field by field, old → new — or leave alone), listing
every error with its line and column. ``roadmap_import`` does the same inside one
transaction, with the matched milestones locked, and writes only when the whole file is
valid: one bad row and nothing is written.

Rules:
- ``external_ref`` is required and identifies a milestone: importing the same file again
  updates those milestones (unchanged ones are left alone) instead of duplicating them.
- Only staff and the group's co-chairs may import its rows; a milestone is never moved to
  another group.
- An import cannot mark a milestone done or awaiting sign-off (both co-chairs sign off in
  CharterHub): such a row is an error unless the milestone already has that status.
- Writes go through ``apps.milestones.services`` (``milestone_create``, ``milestone_update``),
  so the progress log, versions and sign-off rules apply as for any other change; title,
  description and section, which those services do not change, are written here, with
  their own progress-log entry.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.charter.models import CharterSection, Membership, Role, WorkingGroup
from apps.milestones import limits
from apps.milestones import services as milestone_services
from apps.milestones.access import OWNER_ROLES
from apps.milestones.models import Milestone, Status
from apps.milestones.roadmap_csv import CsvError, CsvRow, column_label, parse_roadmap

CREATE: Final = "create"
UPDATE: Final = "update"
UNCHANGED: Final = "unchanged"
#: Fields compared between a row and its milestone, in the order a preview shows them.
FIELDS: Final = ("title", "description", "section", "owner", "due_date", "status", "progress")
TEXT_FIELDS: Final = ("title", "description", "section")
SIGN_OFF_STATUSES: Final = (Status.DONE, Status.AWAITING_SIGNOFF)
#: The CSV column each compared field comes from.
FIELD_COLUMNS: Final = {"owner": "owner_email"}


class RoadmapInvalid(Exception):
    """The file has errors; nothing was written. ``plan.errors`` lists them all."""

    def __init__(self, plan: "ImportPlan") -> None:
        super().__init__(f"{len(plan.errors)} error(s) in the file")
        self.plan = plan


@dataclass(frozen=True)
class FieldChange:
    """One field of a milestone an import changes: ``old`` and ``new`` as shown ("—" for
    nothing); ``emptied`` when the row leaves the field blank."""

    field: str
    old: str
    new: str
    emptied: bool = False

    @property
    def label(self) -> str:
        """The field as a page names it (its column's label)."""
        return column_label(FIELD_COLUMNS.get(self.field, self.field))

    @property
    def old_label(self) -> str:
        return Status.label_of(self.old) if self.field == "status" else self.old

    @property
    def new_label(self) -> str:
        return Status.label_of(self.new) if self.field == "status" else self.new


@dataclass
class PlannedRow:
    line: int
    external_ref: str
    action: str
    group: WorkingGroup
    values: dict[str, Any]
    milestone: Milestone | None = None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    def emptied(self) -> dict[str, int]:
        """Field → how many existing milestones the import would leave without it."""
        counts: dict[str, int] = {}
        for row in self.rows:
            for change in row.changes:
                if change.emptied:
                    counts[change.field] = counts.get(change.field, 0) + 1
        return counts

    def groups(self) -> list[WorkingGroup]:
        """The groups the file's rows belong to, in the groups' order."""
        found = {row.group.pk: row.group for row in self.rows}
        return sorted(found.values(), key=lambda group: (group.position, group.slug))

    @property
    def fingerprint(self) -> str:
        """A digest of what the import would do: if it differs between the preview and the
        confirmation, someone changed the milestones in between."""
        digest = hashlib.sha256()
        for row in self.rows:
            version = row.milestone.version if row.milestone else 0
            digest.update(f"{row.external_ref}\x1f{row.action}\x1f{version}\x1e".encode())
            for change in row.changes:
                digest.update(f"{change.field}\x1f{change.old}\x1f{change.new}\x1e".encode())
        for error in self.errors:
            digest.update(str(error).encode())
        return digest.hexdigest()


def can_import(*, user) -> bool:
    """Staff, and co-chairs of at least one group, may use the import page."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or Membership.objects.filter(user=user, role=Role.CO_CHAIR).exists()


def example_milestone(*, user, today: datetime.date) -> Milestone | None:
    """An unsaved milestone the import would accept from ``user``, for the downloadable
    template: in the first group they may import into (None when there is none)."""
    if user.is_staff:
        group = WorkingGroup.objects.select_related("section").first()
    else:
        membership = (
            Membership.objects.select_related("group__section")
            .filter(user=user, role=Role.CO_CHAIR)
            .order_by("group__position", "group__slug")
            .first()
        )
        group = membership.group if membership else None
    if group is None:
        return None
    return Milestone(
        external_ref="EXAMPLE-1",
        group=group,
        section=group.section,
        title=_("Example milestone: replace this row with your own, or delete it"),
        description=_("An example row from the template. Delete it before you upload the file."),
        due_date=datetime.date(today.year, 12, 31),
        status=Status.PLANNED,
        progress=0,
    )


def _display(name: str, value: Any) -> str:
    if name == "section":
        return value.slug if value else "—"
    if name == "owner":
        return value.email if value else "—"
    if name == "due_date":
        return value.isoformat()
    if name == "description":
        return value if len(value) <= 80 else value[:79] + "…"
    if value == "":
        return "—"
    return str(value)


def _current(milestone: Milestone, name: str) -> Any:
    return getattr(milestone, name)


def _same(name: str, old: Any, new: Any) -> bool:
    if name in ("section", "owner"):
        return (old.pk if old else None) == (new.pk if new else None)
    return old == new


class _Checker:
    """Everything a plan needs from the database, fetched in a few queries for the whole
    file, then the checks of one row at a time."""

    def __init__(self, *, rows: list[CsvRow], user, lock: bool) -> None:
        self.user = user
        self.is_staff = bool(user.is_active and user.is_staff)
        slugs = {row.values["group"] for row in rows}
        self.groups = {
            group.slug: group
            for group in WorkingGroup.objects.select_related("section").filter(slug__in=slugs)
        }
        self.roles = dict(Membership.objects.filter(user=user).values_list("group_id", "role"))
        charter_ids = {group.section.charter_id for group in self.groups.values()}
        self.sections = {
            (section.charter_id, section.slug): section
            for section in CharterSection.objects.filter(charter_id__in=charter_ids)
        }
        emails = {row.values["owner_email"].lower() for row in rows if row.values["owner_email"]}
        self.users = {
            found.email.lower(): found
            for found in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        self.owner_pairs = set(
            Membership.objects.filter(
                group__in=list(self.groups.values()),
                role__in=OWNER_ROLES,
                user__is_active=True,
                user_id__in=[found.pk for found in self.users.values()],
            ).values_list("group_id", "user_id")
        )
        refs = {row.values["external_ref"] for row in rows if row.values["external_ref"]}
        milestones = Milestone.objects.select_related("group", "section", "owner").filter(
            external_ref__in=refs
        )
        if lock:
            milestones = milestones.select_for_update(of=("self",))
        self.existing = {milestone.external_ref: milestone for milestone in milestones}

    def can_see(self, group: WorkingGroup) -> bool:
        return self.is_staff or not group.restricted or group.pk in self.roles

    def can_manage(self, group: WorkingGroup) -> bool:
        return self.is_staff or self.roles.get(group.pk) == Role.CO_CHAIR

    def check(self, row: CsvRow, errors: list[CsvError]) -> PlannedRow | None:
        line, raw = row.line, row.values
        found: list[CsvError] = []

        def error(column: str, message: str) -> None:
            found.append(CsvError(line, column, message))

        ref = raw["external_ref"]
        if not ref:
            error("external_ref", _("required: it identifies the milestone on a later import."))
        elif len(ref) > 64:
            error("external_ref", _("keep it to 64 characters."))

        group = self.groups.get(raw["group"])
        if not raw["group"]:
            error("group", _("required (the group's slug, for example “energy”)."))
        elif group is None or not self.can_see(group):
            error("group", _("unknown group “%(slug)s”.") % {"slug": raw["group"]})
            group = None
        elif not self.can_manage(group):
            error(
                "group",
                _(
                    "you are not a co-chair of “%(slug)s”: only its co-chairs and staff can "
                    "import its milestones."
                )
                % {"slug": group.slug},
            )
            group = None

        milestone = self.existing.get(ref)
        if milestone is not None and group is not None and milestone.group_id != group.pk:
            other = milestone.group.slug if self.can_see(milestone.group) else _("another group")
            error(
                "group",
                _(
                    "“%(ref)s” is a milestone of %(other)s; an import cannot move a milestone "
                    "to another group."
                )
                % {"ref": ref, "other": other},
            )
            group = None

        section = None
        if group is not None:
            if raw["section"]:
                section = self.sections.get((group.section.charter_id, raw["section"]))
                if section is None:
                    error("section", _("unknown section “%(slug)s”.") % {"slug": raw["section"]})
            else:
                section = group.section

        title = raw["title"]
        if not title:
            error("title", _("required."))
        elif len(title) > limits.TITLE_MAX_LENGTH:
            error(
                "title",
                _("keep it to %(limit)s characters.") % {"limit": limits.TITLE_MAX_LENGTH},
            )
        description = raw["description"]
        if len(description) > limits.DESCRIPTION_MAX_LENGTH:
            error(
                "description",
                _("keep it to %(limit)s characters.") % {"limit": limits.DESCRIPTION_MAX_LENGTH},
            )

        owner = None
        email = raw["owner_email"]
        if email:
            owner = self.users.get(email.lower())
            if owner is None:
                error("owner_email", _("no user has the address %(email)s.") % {"email": email})
            elif group is not None and not (
                (group.pk, owner.pk) in self.owner_pairs
                or (milestone is not None and milestone.owner_id == owner.pk)
            ):
                error(
                    "owner_email",
                    _("%(email)s is not a member of “%(slug)s” who can own milestones.")
                    % {"email": email, "slug": group.slug},
                )

        due_date = None
        try:
            due_date = datetime.date.fromisoformat(raw["due_date"])
            if len(raw["due_date"]) != 10:
                raise ValueError
        except ValueError:
            due_date = None
            error(
                "due_date",
                _("“%(value)s” is not a date written as YYYY-MM-DD, for example 2026-06-30.")
                % {"value": raw["due_date"]},
            )
        if due_date is not None and not (
            limits.DUE_DATE_MIN <= due_date <= limits.DUE_DATE_MAX
            or (milestone is not None and milestone.due_date == due_date)
        ):
            error("due_date", _("choose a date between the years 2000 and 2100."))

        status = raw["status"]
        if status not in Status.values:
            choices = ", ".join(f"{value} ({label})" for value, label in Status.choices)
            error(
                "status",
                _("“%(value)s” is not a status; write one of: %(choices)s.")
                % {"value": status, "choices": choices},
            )
        elif status in SIGN_OFF_STATUSES and (milestone is None or milestone.status != status):
            error(
                "status",
                _(
                    "an import cannot set “%(label)s”: a milestone is done only when both "
                    "co-chairs sign it off in CharterHub. Write %(instead)s (%(instead_label)s) "
                    "instead; a row may keep this status only when the milestone already has it."
                )
                % {
                    "label": Status.label_of(status),
                    "instead": Status.IN_PROGRESS.value,
                    "instead_label": Status.IN_PROGRESS.label,
                },
            )

        progress = None
        text = raw["progress"].removesuffix("%").strip()
        if text.isascii() and text.isdigit():
            progress = int(text)
            if not 0 <= progress <= 100:
                error("progress", _("%(value)s is not between 0 and 100.") % {"value": progress})
                progress = None
        else:
            error(
                "progress",
                _("“%(value)s” is not a whole number between 0 and 100.")
                % {"value": raw["progress"]},
            )

        errors.extend(found)
        if found:
            return None
        values = {
            "title": title,
            "description": description,
            "section": section,
            "owner": owner,
            "due_date": due_date,
            "status": status,
            "progress": progress,
        }
        planned = PlannedRow(line=line, external_ref=ref, action=CREATE, group=group, values=values)
        if milestone is not None:
            planned.milestone = milestone
            planned.changes = [
                FieldChange(
                    name,
                    _display(name, _current(milestone, name)),
                    _display(name, new),
                    emptied=new in ("", None),
                )
                for name, new in values.items()
                if not _same(name, _current(milestone, name), new)
            ]
            planned.action = UPDATE if planned.changes else UNCHANGED
        return planned


def _plan(*, content: bytes, user, lock: bool) -> ImportPlan:
    parsed = parse_roadmap(content)
    plan = ImportPlan(errors=list(parsed.errors))
    if parsed.errors:
        return plan
    if not parsed.rows:
        plan.errors.append(CsvError(None, None, _("The file has a header but no milestones.")))
        return plan
    checker = _Checker(rows=parsed.rows, user=user, lock=lock)
    first_line: dict[str, int] = {}
    for row in parsed.rows:
        ref = row.values["external_ref"]
        if ref and ref in first_line:
            plan.errors.append(
                CsvError(
                    row.line,
                    "external_ref",
                    _("“%(ref)s” is also on line %(line)s; each milestone appears once.")
                    % {"ref": ref, "line": first_line[ref]},
                )
            )
            continue
        first_line.setdefault(ref, row.line)
        planned = checker.check(row, plan.errors)
        if planned is not None:
            plan.rows.append(planned)
    return plan


def roadmap_plan(*, content: bytes, user) -> ImportPlan:
    """What importing ``content`` as ``user`` would do, and every error (writes nothing)."""
    return _plan(content=content, user=user, lock=False)


def _apply(row: PlannedRow, *, user: User, note: str) -> None:
    values = row.values
    if row.action == CREATE:
        milestone = milestone_services.milestone_create(
            group=row.group,
            title=values["title"],
            due_date=values["due_date"],
            user=user,
            owner=values["owner"],
            description=values["description"],
            section=values["section"],
            external_ref=row.external_ref,
        )
        if (values["status"], values["progress"]) != (milestone.status, milestone.progress):
            milestone_services.milestone_update(
                milestone_id=milestone.pk,
                user=user,
                version=milestone.version,
                status=values["status"],
                progress=values["progress"],
                note=note,
            )
        return
    milestone = row.milestone
    changed = {change.field for change in row.changes}
    fields = ("status", "progress", "due_date", "owner", *TEXT_FIELDS)
    edits = {name: values[name] for name in fields if name in changed}
    if edits:
        milestone_services.milestone_update(
            milestone_id=milestone.pk, user=user, version=milestone.version, note=note, **edits
        )


def roadmap_import(*, content: bytes, user: User, dry_run: bool = False) -> ImportPlan:
    """Validate ``content`` and, when every row is valid, apply it in one transaction.

    Raises ``RoadmapInvalid`` (nothing written) when any row has an error, and
    ``PermissionDenied`` for a user who may not import at all. With ``dry_run`` the plan is
    returned without writing anything.
    """
    if not can_import(user=user):
        raise PermissionDenied(_("Only co-chairs and staff can import milestones."))
    note = _("Imported from a CSV roadmap.")
    with transaction.atomic():
        plan = _plan(content=content, user=user, lock=True)
        if plan.errors:
            raise RoadmapInvalid(plan)
        if dry_run:
            return plan
        try:
            for row in plan.rows:
                if row.action != UNCHANGED:
                    _apply(row, user=user, note=note)
        except ValidationError as error:
            # A rule the plan did not foresee (or a race on an external reference).
            plan.errors.extend(CsvError(row.line, None, message) for message in error.messages)
            raise RoadmapInvalid(plan) from error
    return plan
