"""Writes for milestones: create, edit, log progress, and the admin's save.

Every function here is one transaction. Functions that change a milestone lock its row
(``select_for_update``) first, so two people acting at the same moment are serialised:
an edit made against an old version raises ``Conflict`` instead of overwriting.

Every change appends a ``MilestoneUpdate`` (the progress log). A change to the
milestone's own fields bumps its ``version``; a note, a first signature or a piece of
evidence is logged but leaves the version alone, so it never turns someone else's edit
into a conflict.

Bad input raises ``ValidationError`` (with field names where there is a field to blame);
acting outside one's role raises ``PermissionDenied``. Nothing is written in either case.
"""

import datetime
from collections.abc import Iterable
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.charter.access import GroupAccess, group_access
from apps.charter.models import CharterSection, Membership, WorkingGroup
from apps.core.conflict import Conflict, ConflictRow
from apps.milestones.access import CLOSED_STATUSES, OWNER_ROLES
from apps.milestones.limits import (
    DESCRIPTION_MAX_LENGTH,
    DUE_DATE_MAX,
    DUE_DATE_MIN,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from apps.milestones.models import (
    Milestone,
    MilestoneUpdate,
    SignOff,
    Status,
    UpdateKind,
)


class _Unset:
    """ "Leave this field alone" (distinct from None, which clears the owner)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()

#: Fields an edit may change, in the order they are shown.
EDITABLE_FIELDS: Final = ("status", "progress", "due_date", "owner")
FIELD_LABELS: Final = {
    "status": _("Status"),
    "progress": _("Progress"),
    "due_date": _("Due date"),
    "owner": _("Owner"),
    "title": _("Title"),
    "description": _("Description"),
    "section": _("Charter section"),
    "group": _("Group"),
    "external_ref": _("External reference"),
    "completed_at": _("Completed at"),
    "signoffs": _("Sign-offs"),
    "side": _("Side"),
    "evidence": _("Evidence"),
}


def conflict_rows(milestone: Milestone, attempted: dict[str, Any]) -> list[ConflictRow]:
    """One row per field the user tried to set: its label, theirs, yours, whether they differ."""
    return [
        ConflictRow(
            label=str(FIELD_LABELS[name]),
            theirs=display_value(name, getattr(milestone, name)),
            yours=display_value(name, attempted[name]),
            differs=_comparable(getattr(milestone, name)) != _comparable(attempted[name]),
        )
        for name in EDITABLE_FIELDS
        if name in attempted
    ]


def display_value(name: str, value: Any) -> str:
    """A field value as a person reads it (status label, owner name, localised date)."""
    if value is None or value == "":
        return gettext("unassigned") if name == "owner" else "—"
    if name == "status":
        return Status.label_of(value)
    if name == "progress":
        return f"{value} %"
    if isinstance(value, User):
        return value.get_full_name()
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, User) else value


def _person(user: User | None) -> str | None:
    return user.get_full_name() if user is not None else None


def _lock(milestone_id: int) -> Milestone:
    """The milestone row, locked until the transaction ends (its group loaded alongside;
    only the milestone's own row is locked)."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None:
        raise ValidationError(_("This milestone no longer exists."), code="gone")
    return milestone


def _require_edit(access: GroupAccess) -> None:
    if not access.can_view or not access.can_edit:
        raise PermissionDenied(gettext("Only the group's members can change this milestone."))


def _log(
    *,
    milestone: Milestone,
    user: User | None,
    kind: str,
    old_status: str,
    old_progress: int | None,
    changes: dict | None = None,
    note: str = "",
) -> MilestoneUpdate:
    return MilestoneUpdate.objects.create(
        milestone=milestone,
        author=user,
        kind=kind,
        version=milestone.version,
        old_status=old_status,
        new_status=milestone.status,
        old_progress=old_progress,
        new_progress=milestone.progress,
        changes=changes or {},
        note=note,
    )


def _clean_note(note: str, *, required: bool, field: str = "note") -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({field: _("Write a note describing the progress.")}, code="required")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Keep it to %(limit)s characters (this one has %(count)s)."),
                    code="max_length",
                    params={"limit": NOTE_MAX_LENGTH, "count": len(note)},
                )
            }
        )
    return note


def _logged(value: Any) -> str:
    """A title, description or section as the progress log keeps it."""
    if isinstance(value, CharterSection):
        return value.slug
    return value if len(value) <= 80 else value[:79] + "…"


def _clean_title(title: Any) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(
            {"title": ValidationError(_("Give the milestone a title."), code="required")}
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("Keep the title to %(limit)s characters."),
                    code="max_length",
                    params={"limit": TITLE_MAX_LENGTH},
                )
            }
        )
    return title


def _clean_description(description: Any) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": ValidationError(
                    _("Keep the description to %(limit)s characters."),
                    code="max_length",
                    params={"limit": DESCRIPTION_MAX_LENGTH},
                )
            }
        )
    return description


def _clean_progress(progress: Any) -> int:
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError(
            {"progress": _("Progress must be between 0 and 100.")}, code="progress_range"
        )
    return progress


def _clean_due_date(due_date: Any) -> datetime.date:
    if (
        not isinstance(due_date, datetime.date)
        or isinstance(due_date, datetime.datetime)
        or not DUE_DATE_MIN <= due_date <= DUE_DATE_MAX
    ):
        raise ValidationError(
            {"due_date": _("Choose a due date between the years 2000 and 2100.")},
            code="due_date_range",
        )
    return due_date


def eligible_owners(*, group: WorkingGroup):
    """Users who may own a milestone of ``group``: its active members and co-chairs."""
    return User.objects.filter(
        is_active=True,
        memberships__group=group,
        memberships__role__in=OWNER_ROLES,
    ).order_by("display_name", "email")


def _clean_owner(owner: User | None, *, group: WorkingGroup) -> User | None:
    if owner is None:
        return None
    if not isinstance(owner, User) or not (
        owner.is_active
        and Membership.objects.filter(user=owner, group=group, role__in=OWNER_ROLES).exists()
    ):
        raise ValidationError(
            {
                "owner": ValidationError(
                    _("%(person)s is not a member of this group who can own milestones."),
                    code="owner_not_member",
                    params={"person": _person(owner) if isinstance(owner, User) else owner},
                )
            }
        )
    return owner


def clean_section(section: CharterSection, *, group: WorkingGroup) -> CharterSection:
    """``section``, if it is a section of the charter ``group`` works under (the database
    refuses any other: ``milestone_section_in_group_charter``)."""
    if section.pk != group.section_id and section.charter_id != group.section.charter_id:
        raise ValidationError(
            {
                "section": ValidationError(
                    _("Choose a section of the charter this group works under."),
                    code="section_other_charter",
                )
            }
        )
    return section


def _resolve_status(milestone: Milestone, access: GroupAccess, requested: Any) -> str:
    """The status a request for ``requested`` leads to, under the sign-off rules."""
    if requested not in Status.values:
        raise ValidationError({"status": _("Choose a valid status.")}, code="invalid_status")
    if requested == milestone.status:
        return requested
    if requested == Status.DONE:
        # Done is reached only through both co-chairs' sign-off: "mark done" asks for it.
        if milestone.status == Status.AWAITING_SIGNOFF:
            return milestone.status
        return Status.AWAITING_SIGNOFF
    if requested == Status.CANCELLED and not access.can_manage:
        raise ValidationError(
            {"status": _("Only a co-chair or staff can cancel a milestone.")},
            code="cancel_needs_cochair",
        )
    return requested


def _gather(errors: dict[str, list], check, value: Any) -> Any:
    """``check(value)``; UNSET for UNSET, and when the check fails (its messages go into
    ``errors``, so every bad field is reported at once)."""
    if value is UNSET:
        return UNSET
    try:
        return check(value)
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
        return UNSET


def _apply(
    *,
    milestone: Milestone,
    access: GroupAccess,
    user: User,
    kind: str,
    status: Any,
    progress: Any,
    due_date: Any,
    owner: Any,
    note: str,
    require_change: bool,
    title: Any = UNSET,
    description: Any = UNSET,
    section: Any = UNSET,
) -> Milestone:
    """Validate and apply a change to a locked milestone, then log it."""
    old_status, old_progress = milestone.status, milestone.progress
    group = milestone.group
    changes: dict[str, list] = {}
    errors: dict[str, list] = {}

    new_status = _gather(errors, lambda v: _resolve_status(milestone, access, v), status)
    new_progress = _gather(errors, _clean_progress, progress)
    # An unchanged due date or owner is not re-checked: a milestone imported with an odd
    # date, or whose owner has since left the group, can still have its status changed.
    new_due = _gather(
        errors, lambda v: v if v == milestone.due_date else _clean_due_date(v), due_date
    )
    new_owner = _gather(
        errors,
        lambda v: v if _comparable(v) == milestone.owner_id else _clean_owner(v, group=group),
        owner,
    )
    new_title = _gather(errors, _clean_title, title)
    new_description = _gather(errors, _clean_description, description)
    new_section = _gather(
        errors,
        lambda v: v if v.pk == milestone.section_id else clean_section(v, group=group),
        section,
    )
    if errors:
        raise ValidationError(errors)

    for name, value in (
        ("title", new_title),
        ("description", new_description),
        ("section", new_section),
    ):
        if value is not UNSET and value != getattr(milestone, name):
            changes[name] = [_logged(getattr(milestone, name)), _logged(value)]
            setattr(milestone, name, value)
    if new_status is not UNSET and new_status != milestone.status:
        milestone.status = new_status
    if new_progress is not UNSET and new_progress != milestone.progress:
        milestone.progress = new_progress
    if new_due is not UNSET and new_due != milestone.due_date:
        changes["due_date"] = [milestone.due_date.isoformat(), new_due.isoformat()]
        milestone.due_date = new_due
    if new_owner is not UNSET and (new_owner.pk if new_owner else None) != milestone.owner_id:
        changes["owner"] = [_person(milestone.owner), _person(new_owner)]
        milestone.owner = new_owner

    changed = bool(changes) or (milestone.status, milestone.progress) != (old_status, old_progress)
    if changed and old_status in CLOSED_STATUSES and not access.can_manage:
        raise ValidationError(
            _("Only a co-chair or staff can reopen or change a done or cancelled milestone."),
            code="closed",
        )
    if not changed and require_change:
        raise ValidationError(_("Nothing changed."), code="no_change")

    if changed:
        if old_status != milestone.status:
            if old_status in (Status.AWAITING_SIGNOFF, Status.DONE):
                sides = sorted(
                    SignOff.objects.filter(milestone=milestone).values_list("side", flat=True)
                )
                if sides:
                    SignOff.objects.filter(milestone=milestone).delete()
                    changes["signoffs"] = [sides, []]
            if old_status == Status.DONE:
                milestone.completed_at = None
        milestone.version += 1
        milestone.save(
            update_fields=[
                "title",
                "description",
                "section",
                "status",
                "progress",
                "due_date",
                "owner",
                "completed_at",
                "version",
                "updated_at",
            ]
        )
    _log(
        milestone=milestone,
        user=user,
        kind=kind,
        old_status=old_status,
        old_progress=old_progress,
        changes=changes,
        note=note,
    )
    return milestone


def _conflict(milestone: Milestone, attempted: dict[str, Any], note: str = "") -> Conflict:
    # The entry that brought the milestone to its current version is the change that made
    # the user's stale (later notes carry the same version but changed nothing).
    entries = MilestoneUpdate.objects.filter(milestone=milestone).select_related("author")
    latest = (
        entries.filter(version=milestone.version).order_by("created_at", "id").first()
        or entries.order_by("-created_at", "-id").first()
    )
    if milestone.owner_id:
        milestone.owner  # noqa: B018 — load it for the conflict fragment, before the lock ends
    return Conflict(
        current=milestone,
        author=latest.author if latest else None,
        changed_at=latest.created_at if latest else milestone.updated_at,
        attempted=attempted,
        rows=conflict_rows(milestone, attempted),
        note=note,
    )


def _attempted(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not UNSET}


# --- milestones -----------------------------------------------------------------------------


def milestone_create(
    *,
    group: WorkingGroup,
    title: str,
    due_date: datetime.date,
    user: User,
    owner: User | None = None,
    description: str = "",
    section: CharterSection | None = None,
    external_ref: str = "",
) -> Milestone:
    """A new milestone in ``group`` (planned, 0 %), logged as "created".

    ``section`` defaults to the group's own charter section. The acting user must be a
    member or co-chair of the group, or staff.
    """
    access = group_access(user=user, group=group)
    _require_edit(access)
    errors: dict[str, list] = {}
    title = _gather(errors, _clean_title, title)
    description = _gather(errors, _clean_description, description)
    external_ref = (external_ref or "").strip()
    if len(external_ref) > 64:
        errors["external_ref"] = [
            ValidationError(_("Keep the external reference to 64 characters."), code="max_length")
        ]
    elif external_ref and Milestone.objects.filter(external_ref=external_ref).exists():
        errors["external_ref"] = [
            ValidationError(
                _("Another milestone already has this external reference."), code="unique"
            )
        ]
    _gather(errors, _clean_due_date, due_date)
    _gather(errors, lambda v: _clean_owner(v, group=group), owner)
    if section is not None:
        _gather(errors, lambda v: clean_section(v, group=group), section)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                group=group,
                section=section or group.section,
                title=title,
                description=description,
                owner=owner,
                due_date=due_date,
                external_ref=external_ref,
            )
            _log(
                milestone=milestone,
                user=user,
                kind=UpdateKind.CREATED,
                old_status="",
                old_progress=None,
            )
    except IntegrityError as error:  # the external reference was taken a moment ago
        raise ValidationError(
            {"external_ref": _("Another milestone already has this external reference.")},
            code="unique",
        ) from error
    return milestone


def milestone_update(
    *,
    milestone_id: int,
    user: User,
    version: int,
    status: Any = UNSET,
    progress: Any = UNSET,
    due_date: Any = UNSET,
    owner: Any = UNSET,
    note: str = "",
    title: Any = UNSET,
    description: Any = UNSET,
    section: Any = UNSET,
) -> Milestone:
    """Change status, progress, due date, owner, title, description and/or charter section
    (``UNSET`` leaves one alone); one version step and one log entry for the whole change.

    ``version`` is the version the user loaded: if the milestone has moved on since,
    ``Conflict`` is raised and nothing is written. Asking for "done" moves the milestone to
    awaiting sign-off; only co-chairs and staff may cancel, or reopen a done or cancelled
    milestone; leaving awaiting sign-off (or done) withdraws the sign-offs given so far.
    """
    with transaction.atomic():
        milestone = _lock(milestone_id)
        access = group_access(user=user, group=milestone.group)
        _require_edit(access)
        if version != milestone.version:
            raise _conflict(
                milestone,
                _attempted(status=status, progress=progress, due_date=due_date, owner=owner),
                note,
            )
        return _apply(
            milestone=milestone,
            access=access,
            user=user,
            kind=UpdateKind.UPDATED,
            status=status,
            progress=progress,
            due_date=due_date,
            owner=owner,
            note=_clean_note(note, required=False),
            require_change=True,
            title=title,
            description=description,
            section=section,
        )


def milestone_log_progress(
    *,
    milestone_id: int,
    user: User,
    version: int,
    note: str,
    status: Any = UNSET,
    progress: Any = UNSET,
) -> Milestone:
    """Append a progress note (required), optionally changing status and/or progress.

    A note alone changes nothing else, so it is accepted whatever version the user loaded;
    a status or progress change on a stale version raises ``Conflict``.
    """
    with transaction.atomic():
        milestone = _lock(milestone_id)
        access = group_access(user=user, group=milestone.group)
        _require_edit(access)
        note = _clean_note(note, required=True)
        attempted = _attempted(status=status, progress=progress)
        if attempted and version != milestone.version:
            raise _conflict(milestone, attempted, note)
        return _apply(
            milestone=milestone,
            access=access,
            user=user,
            kind=UpdateKind.PROGRESS,
            status=status,
            progress=progress,
            due_date=UNSET,
            owner=UNSET,
            note=note,
            require_change=False,
        )


def _sync_completed_at(milestone: Milestone) -> None:
    if milestone.status == Status.DONE and milestone.completed_at is None:
        milestone.completed_at = timezone.now()
    elif milestone.status != Status.DONE:
        milestone.completed_at = None


def _json_value(value: Any) -> Any:
    if isinstance(value, User):
        return _person(value)
    if isinstance(value, WorkingGroup | CharterSection):
        return value.slug
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def milestone_admin_save(
    *, milestone: Milestone, user: User, changed: Iterable[str], seen_version: int | None = None
) -> Milestone:
    """Save an edit made in the Django admin, logged like any other edit.

    ``seen_version`` is the version the admin page was loaded at. It is compared with the
    stored one under the row lock, so an edit saved in the app between the admin form's own
    check and this save raises ``Conflict`` (nothing written) instead of being overwritten.
    A change bumps the version; the completion time follows the status (set when done,
    cleared otherwise).
    """
    changed = [name for name in changed if name not in ("seen_version", "version")]
    with transaction.atomic():
        _sync_completed_at(milestone)
        if milestone.pk is None:
            milestone.save()
            _log(
                milestone=milestone,
                user=user,
                kind=UpdateKind.CREATED,
                old_status="",
                old_progress=None,
                note=gettext("Created in the admin."),
            )
            return milestone
        if not changed:
            return milestone
        before = _lock(milestone.pk)
        if seen_version is not None and seen_version != before.version:
            raise _conflict(
                before,
                {name: getattr(milestone, name) for name in changed if name in EDITABLE_FIELDS},
            )
        milestone.version = before.version + 1
        milestone.save()
        _log(
            milestone=milestone,
            user=user,
            kind=UpdateKind.ADMIN,
            old_status=before.status,
            old_progress=before.progress,
            changes={
                name: [_json_value(getattr(before, name)), _json_value(getattr(milestone, name))]
                for name in changed
                if name not in ("status", "progress")
            },
            note=gettext("Changed in the admin."),
        )
        return milestone
