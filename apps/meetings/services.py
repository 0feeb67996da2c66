"""Every write to meetings: details, attendance, minutes, decisions, action items, adoption.

Each function is one transaction. It takes the acting user, checks what the group's rules
(apps.charter.access) allow them, raises ``ValidationError`` for bad input (with the form field
it concerns where there is one), ``Conflict`` for a stale version, and ``PermissionDenied`` when
the user may not do it. The meeting row is locked (``select_for_update``) before anything is
checked, so two people acting at once are serialised: the second sees the first's result.

Rules of the record:
- Times: a meeting's start is entered as a wall-clock time in the meeting's time zone and stored
  in UTC. A local time that does not exist (the hour skipped when clocks go forward) is refused;
  one that happens twice (the hour repeated when clocks go back) means the first of the two
  (``fold=0``, still on summer time).
- Adoption: a co-chair adopts the minutes for their own side; when both sides have, the meeting
  is adopted and its record (details, minutes, decisions, attendance, new action items) is
  locked. Action items still change status and can be promoted to milestones afterwards.
- A side adopts the minutes as they stand. Changing the minutes text or the decisions while only
  one side has adopted withdraws that adoption, so both sides always adopt the same record.
"""

import datetime as dt
import functools
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.charter.access import GroupAccess, group_access
from apps.charter.models import Membership, Role, WorkingGroup
from apps.core.conflict import Conflict, ConflictRow
from apps.core.time import zone_label
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
    MinutesState,
)

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
MAX_AGENDA = 20_000
MAX_MINUTES = 100_000
MAX_DECISION = 5_000
ATTENDANCE_CHOICES = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.ABSENT,
)
LINK_SCHEMES = ("http", "https")
# Roles that can own an action item: people who can also mark it done.
OWNER_ROLES = (Role.CO_CHAIR, Role.MEMBER)
LOCKED = "locked"


#: The details a stale edit shows side by side, in form order.
DETAIL_LABELS = {
    "title": _("Title"),
    "starts_at_local": _("Starts at (local time)"),
    "time_zone": _("Time zone"),
    "duration_minutes": _("Duration (minutes)"),
    "location": _("Location"),
    "link": _("Online link"),
    "agenda": _("Agenda"),
}


def _details_conflict(meeting: Meeting, attempted: dict) -> Conflict:
    """The meeting's saved details against the ones the user sent, where they differ."""
    start = attempted.get("starts_at_local")
    yours = {
        **{name: str(attempted.get(name) or "") for name in DETAIL_LABELS},
        "starts_at_local": start.strftime("%Y-%m-%d %H:%M")
        if isinstance(start, dt.datetime)
        else "",
        "agenda": str(attempted.get("agenda") or "").replace("\r\n", "\n").strip(),
        # Zones as people name them ("Baku"), never their ids.
        "time_zone": zone_label(str(attempted.get("time_zone") or "UTC")),
    }
    theirs = {
        "title": meeting.title,
        "starts_at_local": meeting_local_start(meeting).strftime("%Y-%m-%d %H:%M"),
        "time_zone": zone_label(meeting.time_zone),
        "duration_minutes": str(meeting.duration_minutes),
        "location": meeting.location,
        "link": meeting.link,
        "agenda": meeting.agenda,
    }
    return Conflict(
        current=meeting,
        attempted=attempted,
        author=meeting.updated_by,
        changed_at=meeting.updated_at,
        rows=[
            ConflictRow(label=str(label), theirs=theirs[name], yours=yours[name])
            for name, label in DETAIL_LABELS.items()
            if theirs[name] != yours[name]
        ],
    )


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone a meeting can be in (not the host's ``localtime`` or ``Factory``)."""
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def meeting_start_to_utc(*, starts_at_local: dt.datetime, time_zone: str) -> dt.datetime:
    """A naive wall-clock time in ``time_zone`` → the aware UTC instant.

    Refuses unknown zones, years outside 2000–2100 and local times that do not exist;
    an ambiguous local time resolves to its first occurrence (fold=0).
    """
    if time_zone not in time_zone_names():
        raise ValidationError(
            {"time_zone": _("%(zone)s is not a known time zone.") % {"zone": time_zone}}
        )
    if not isinstance(starts_at_local, dt.datetime) or starts_at_local.tzinfo is not None:
        raise ValidationError(
            {"starts_at_local": _("Give the start as a local date and time, without a zone.")}
        )
    if not EARLIEST_YEAR <= starts_at_local.year <= LATEST_YEAR:
        raise ValidationError(
            {
                "starts_at_local": _("Choose a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            }
        )
    zone = zoneinfo.ZoneInfo(time_zone)
    wall = starts_at_local.replace(second=0, microsecond=0, fold=0)
    instant = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        raise ValidationError(
            {
                "starts_at_local": _(
                    "%(time)s does not exist in %(zone)s: the clocks go forward at that "
                    "moment. Choose a time outside the skipped hour."
                )
                % {"time": wall.strftime("%Y-%m-%d %H:%M"), "zone": zone_label(time_zone)}
            },
            code="nonexistent",
        )
    return instant


def meeting_local_start(meeting: Meeting) -> dt.datetime:
    """The start as the naive wall-clock time in the meeting's own zone (for edit forms)."""
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    return meeting.starts_at.astimezone(zone).replace(tzinfo=None)


# --- helpers ------------------------------------------------------------------------------------


def meeting_may_record(*, access: GroupAccess, meeting: Meeting) -> bool:
    """Whether the user may change the record (details, attendance, minutes, decisions, new
    action items): the rule ``_require_edit`` and ``_require_draft`` enforce below."""
    return access.can_view and access.can_edit and meeting.minutes_state != MinutesState.ADOPTED


def minutes_may_adopt(*, access: GroupAccess, meeting: Meeting, adopted_sides) -> bool:
    """Whether the user may adopt the minutes now: a co-chair whose side has not adopted them,
    while they are a draft (the rule ``minutes_adopt`` enforces; empty minutes aside)."""
    side = _adopting_side(access)
    return (
        side is not None
        and meeting.minutes_state != MinutesState.ADOPTED
        and side not in set(adopted_sides)
    )


def _adopting_side(access: GroupAccess) -> str | None:
    return access.signing_side if access.can_view else None


def _require_edit(*, user, group: WorkingGroup) -> GroupAccess:
    access = group_access(user=user, group=group)
    if not (access.can_view and access.can_edit):
        raise PermissionDenied(_("Only the group's members can change its meetings."))
    return access


def _lock(meeting_id) -> Meeting:
    """The meeting row, locked until the transaction ends (its group loaded, not locked)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise ValidationError(_("This meeting no longer exists."))
    return meeting


def _require_draft(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.ADOPTED:
        raise ValidationError(
            _(
                "The minutes of this meeting have been adopted by both sides; its record is "
                "locked and can no longer be changed."
            ),
            code=LOCKED,
        )


def _withdraw_partial_adoptions(meeting: Meeting) -> list[str]:
    """The record changed before both sides adopted: earlier adoptions no longer hold."""
    sides = list(MinutesAdoption.objects.filter(meeting=meeting).values_list("side", flat=True))
    if sides:
        MinutesAdoption.objects.filter(meeting=meeting).delete()
    return sides


def _text(value, *, field: str, required: bool, max_length: int, label: str) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError({field: _("%(label)s contains a null character.") % {"label": label}})
    if required and not text:
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s is too long (at most %(max)s characters).")
                % {"label": label, "max": f"{max_length:,}"}
            }
        )
    return text


def _details(
    *, title, time_zone, starts_at_local, duration_minutes, location, link, agenda
) -> dict:
    errors: dict[str, list] = {}
    values = {}
    checks = (
        ("title", title, True, 300, _("The title")),
        ("location", location, False, 300, _("The location")),
        ("link", link, False, 200, _("The link")),
        ("agenda", agenda, False, MAX_AGENDA, _("The agenda")),
    )
    for field, value, required, max_length, label in checks:
        try:
            values[field] = _text(
                value, field=field, required=required, max_length=max_length, label=label
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if values.get("link") and urlsplit(values["link"]).scheme.lower() not in LINK_SCHEMES:
        errors["link"] = [_("Give a web address starting with https:// or http://.")]
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 1 <= duration_minutes <= 24 * 60
    ):
        errors["duration_minutes"] = [_("The duration is from 1 to 1,440 minutes.")]
    try:
        values["starts_at"] = meeting_start_to_utc(
            starts_at_local=starts_at_local, time_zone=time_zone
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    values["time_zone"] = time_zone
    values["duration_minutes"] = duration_minutes
    return values


# --- meetings -----------------------------------------------------------------------------------


def meeting_create(
    *,
    group: WorkingGroup,
    user,
    title: str,
    starts_at_local: dt.datetime,
    time_zone: str,
    duration_minutes: int,
    location: str = "",
    link: str = "",
    agenda: str = "",
) -> Meeting:
    """Schedule a meeting and invite every current member of the group (status "invited")."""
    values = _details(
        title=title,
        time_zone=time_zone,
        starts_at_local=starts_at_local,
        duration_minutes=duration_minutes,
        location=location,
        link=link,
        agenda=agenda,
    )
    with transaction.atomic():
        _require_edit(user=user, group=group)
        meeting = Meeting.objects.create(group=group, created_by=user, updated_by=user, **values)
        members = Membership.objects.filter(group=group, user__is_active=True).values_list(
            "user_id", flat=True
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user_id=user_id, status=AttendanceStatus.INVITED)
            for user_id in members
        )
    return meeting


DETAIL_FIELDS = (
    "title",
    "starts_at",
    "time_zone",
    "duration_minutes",
    "location",
    "link",
    "agenda",
)


def meeting_update(
    *,
    meeting_id: int,
    user,
    version: int,
    title: str,
    starts_at_local: dt.datetime,
    time_zone: str,
    duration_minutes: int,
    location: str = "",
    link: str = "",
    agenda: str = "",
) -> Meeting:
    """Change the details; ``version`` is the one the user loaded (stale → Conflict)."""
    values = _details(
        title=title,
        time_zone=time_zone,
        starts_at_local=starts_at_local,
        duration_minutes=duration_minutes,
        location=location,
        link=link,
        agenda=agenda,
    )
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        if meeting.version != version:
            raise _details_conflict(
                meeting,
                {
                    "title": title,
                    "starts_at_local": starts_at_local,
                    "time_zone": time_zone,
                    "duration_minutes": duration_minutes,
                    "location": location,
                    "link": link,
                    "agenda": agenda,
                },
            )
        if all(getattr(meeting, field) == values[field] for field in DETAIL_FIELDS):
            return meeting
        for field in DETAIL_FIELDS:
            setattr(meeting, field, values[field])
        meeting.version += 1
        meeting.updated_by = user
        meeting.save(update_fields=[*DETAIL_FIELDS, "version", "updated_by", "updated_at"])
    return meeting


# --- attendance ---------------------------------------------------------------------------------


def attendance_invite_new_member(*, membership: Membership) -> list[Attendance]:
    """Put a member who has just joined the group on the attendance list ("invited") of each
    of its upcoming meetings: not started yet and not adopted. Meetings already held keep the
    attendance they had, and an inactive account is invited to nothing. Idempotent: a
    meeting where the member is already listed is left alone. Returns the rows created.

    Called (through the ``member_joined`` signal) inside the transaction that adds the
    member, adding one query when the group has no upcoming meeting. The meetings are locked
    like every other attendance change, so none can be adopted between the check and the
    insert.
    """
    if not membership.user.is_active:
        return []
    with transaction.atomic(savepoint=False):
        meetings = list(
            Meeting.objects.select_for_update(of=("self",))
            .filter(
                group_id=membership.group_id,
                starts_at__gt=timezone.now(),
                minutes_state=MinutesState.DRAFT,
            )
            .exclude(attendance__user_id=membership.user_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = [
            Attendance(
                meeting_id=meeting_id, user_id=membership.user_id, status=AttendanceStatus.INVITED
            )
            for meeting_id in meetings
        ]
        # ignore_conflicts: a row added meanwhile (the unique constraint) is not an error.
        return Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def attendance_set(*, meeting_id: int, user, attendance_id: int, status: str) -> Attendance:
    """Record whether a member or guest was present, sent apologies, or was absent."""
    if status not in ATTENDANCE_CHOICES:
        raise ValidationError({"status": _("Choose present, apologies or absent.")})
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        row = (
            Attendance.objects.select_related("user")
            .filter(meeting=meeting, pk=attendance_id)
            .first()
        )
        if row is None:
            raise ValidationError(_("That person is not on this meeting's attendance list."))
        if row.status != status:
            row.status = status
            row.save(update_fields=["status"])
    return row


def guest_add(*, meeting_id: int, user, name: str, organisation: str = "") -> Attendance:
    """Add an external guest (not a member of the group) to the attendance list."""
    name = _text(name, field="name", required=True, max_length=200, label=_("The guest's name"))
    organisation = _text(
        organisation,
        field="organisation",
        required=False,
        max_length=200,
        label=_("The organisation"),
    )
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        if Attendance.objects.filter(
            meeting=meeting,
            user__isnull=True,
            guest_name__iexact=name,
            guest_organisation__iexact=organisation,
        ).exists():
            raise ValidationError({"name": _("%(name)s is already on the list.") % {"name": name}})
        return Attendance.objects.create(
            meeting=meeting, guest_name=name, guest_organisation=organisation
        )


def guest_remove(*, meeting_id: int, user, attendance_id: int) -> None:
    """Take a guest off the list (members stay on it: record their absence instead)."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        row = Attendance.objects.filter(meeting=meeting, pk=attendance_id).first()
        if row is None:
            raise ValidationError(_("That guest is not on this meeting's attendance list."))
        if row.user_id is not None:
            raise ValidationError(
                _("Members of the group stay on the list; record them as absent instead.")
            )
        row.delete()


# --- minutes and decisions ----------------------------------------------------------------------


def minutes_update(*, meeting_id: int, user, version: int, minutes: str) -> Meeting:
    """Save the minutes (Markdown); refused once adopted, Conflict on a stale version."""
    minutes = _text(
        minutes, field="minutes", required=False, max_length=MAX_MINUTES, label=_("The minutes")
    )
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        if meeting.version != version:
            raise Conflict(
                current=meeting,
                attempted={"minutes": minutes},
                author=meeting.updated_by,
                changed_at=meeting.updated_at,
                rows=[
                    ConflictRow(
                        label=str(_("Minutes")), theirs=meeting.minutes, yours=minutes, long=True
                    )
                ],
            )
        if meeting.minutes == minutes:
            return meeting
        _withdraw_partial_adoptions(meeting)
        meeting.minutes = minutes
        meeting.version += 1
        meeting.updated_by = user
        meeting.save(update_fields=["minutes", "version", "updated_by", "updated_at"])
    return meeting


def decision_add(*, meeting_id: int, user, text: str) -> Decision:
    text = _text(
        text, field="text", required=True, max_length=MAX_DECISION, label=_("The decision")
    )
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        _withdraw_partial_adoptions(meeting)
        return Decision.objects.create(meeting=meeting, text=text)


def decision_remove(*, meeting_id: int, user, decision_id: int) -> None:
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        deleted, _rows = Decision.objects.filter(meeting=meeting, pk=decision_id).delete()
        if not deleted:
            raise ValidationError(_("That decision is not on this meeting's record."))
        _withdraw_partial_adoptions(meeting)


# --- action items -------------------------------------------------------------------------------


def action_item_add(
    *,
    meeting_id: int,
    user,
    title: str,
    owner_id: int | None = None,
    due_date: dt.date | None = None,
) -> ActionItem:
    """Record an action; its owner, if any, is a member or co-chair of the meeting's group."""
    title = _text(title, field="title", required=True, max_length=300, label=_("The action"))
    _check_due_date(due_date)
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_edit(user=user, group=meeting.group)
        _require_draft(meeting)
        if (
            owner_id is not None
            and not Membership.objects.filter(
                group=meeting.group, user_id=owner_id, user__is_active=True, role__in=OWNER_ROLES
            ).exists()
        ):
            raise ValidationError(
                {"owner": _("The owner must be a member or co-chair of this working group.")}
            )
        return ActionItem.objects.create(
            meeting=meeting, title=title, owner_id=owner_id, due_date=due_date
        )


def _check_due_date(due_date) -> None:
    """None, or a date in 2000–2100 (the range milestones accept, so it can be promoted)."""
    if due_date is None:
        return
    if (
        not isinstance(due_date, dt.date)
        or isinstance(due_date, dt.datetime)
        or not EARLIEST_YEAR <= due_date.year <= LATEST_YEAR
    ):
        raise ValidationError(
            {
                "due_date": _("Choose a due date between the years %(first)s and %(last)s.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            }
        )


def _lock_action_item(*, action_item_id, meeting_id: int | None) -> ActionItem:
    items = ActionItem.objects.select_for_update(of=("self",)).select_related(
        "meeting__group", "owner"
    )
    if meeting_id is not None:
        items = items.filter(meeting_id=meeting_id)
    item = items.filter(pk=action_item_id).first()
    if item is None:
        raise ValidationError(_("That action item is not on this meeting's record."))
    return item


def action_item_set_status(
    *, meeting_id: int, user, action_item_id: int, status: str
) -> ActionItem:
    """Open, done or cancelled; allowed after adoption (follow-ups continue)."""
    if status not in ActionItemStatus.values:
        raise ValidationError({"status": _("Choose open, done or cancelled.")})
    with transaction.atomic():
        item = _lock_action_item(action_item_id=action_item_id, meeting_id=meeting_id)
        _require_edit(user=user, group=item.meeting.group)
        if item.status != status:
            item.status = status
            item.completed_at = timezone.now() if status == ActionItemStatus.DONE else None
            item.save(update_fields=["status", "completed_at"])
    return item


def action_item_promote(
    *,
    action_item_id: int,
    user,
    meeting_id: int | None = None,
    due_date: dt.date | None = None,
):
    """Create a milestone in the meeting's group from the action item and link the two.

    The milestone's due date is the item's, or ``due_date`` when the item has none (it is then
    also set on the item). An item is promoted at most once; cancelled items are not promoted.
    Allowed after adoption.
    """
    from apps.milestones.services import milestone_create

    with transaction.atomic():
        item = _lock_action_item(action_item_id=action_item_id, meeting_id=meeting_id)
        meeting = item.meeting
        _require_edit(user=user, group=meeting.group)
        if item.milestone_id is not None:
            raise ValidationError(
                _("This action item has already been promoted to a milestone."),
                code="promoted",
            )
        if item.status == ActionItemStatus.CANCELLED:
            raise ValidationError(_("A cancelled action item cannot become a milestone."))
        due = item.due_date or due_date
        if due is None:
            raise ValidationError(
                {"due_date": _("Give the action a due date: a milestone needs one.")}
            )
        _check_due_date(due)
        when = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone))
        milestone = milestone_create(
            group=meeting.group,
            title=item.title,
            due_date=due,
            user=user,
            owner=item.owner,
            description=_("Action item from the meeting “%(title)s” on %(date)s.")
            % {"title": meeting.title, "date": when.date().isoformat()},
        )
        item.milestone = milestone
        item.due_date = due
        item.save(update_fields=["milestone", "due_date"])
    return milestone


# --- adoption -----------------------------------------------------------------------------------


def minutes_adopt(*, meeting_id: int, user, version: int | None = None) -> Meeting:
    """A co-chair adopts the minutes for their side; the second side's adoption locks them.

    ``version``, when given, is the version of the minutes the co-chair read: if they changed
    since, the adoption is refused with Conflict rather than applied to text they have not seen.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        access = group_access(user=user, group=meeting.group)
        side = _adopting_side(access)
        if side is None:
            raise PermissionDenied(
                _("Only a co-chair of this working group adopts minutes, for their own side.")
            )
        _require_draft(meeting)
        if version is not None and meeting.version != version:
            raise Conflict(
                current=meeting,
                attempted={},
                author=meeting.updated_by,
                changed_at=meeting.updated_at,
            )
        if not meeting.minutes.strip():
            raise ValidationError(_("There are no minutes to adopt yet: write them first."))
        adopted = set(
            MinutesAdoption.objects.filter(meeting=meeting).values_list("side", flat=True)
        )
        if side in adopted:
            raise ValidationError(_("Your side has already adopted these minutes."))
        MinutesAdoption.objects.create(meeting=meeting, side=side, adopted_by=user)
        if adopted | {side} >= {"az", "us"}:
            meeting.minutes_state = MinutesState.ADOPTED
            meeting.save(update_fields=["minutes_state", "updated_at"])
    return meeting
