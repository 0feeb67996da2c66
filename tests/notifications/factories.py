"""Small builders for the notifications tests: milestones, meetings, updates and outbox rows."""

import datetime as dt
import itertools

from django.utils import timezone

from apps.accounts.models import User
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
)
from apps.milestones.models import Milestone, MilestoneUpdate, Status
from apps.notifications.models import EmailKind, EmailLog, EmailState

UTC = dt.UTC
_numbers = itertools.count(1)


def at(text: str) -> dt.datetime:
    """'2026-05-04 09:00' (UTC) → aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def milestone(
    group, *, owner=None, due, status=Status.IN_PROGRESS, title=None, progress=40, completed_at=None
) -> Milestone:
    if status == Status.DONE and completed_at is None:
        completed_at = timezone.now()
    return Milestone.objects.create(
        group=group,
        section=group.section,
        title=title or f"Milestone {next(_numbers)}",
        owner=owner,
        due_date=day(due) if isinstance(due, str) else due,
        status=status,
        progress=progress,
        completed_at=completed_at,
    )


def progress_update(
    milestone, *, author, when, old_status="", new_status="", note="", new_progress=None
) -> MilestoneUpdate:
    update = MilestoneUpdate.objects.create(
        milestone=milestone,
        author=author,
        old_status=old_status,
        new_status=new_status,
        new_progress=new_progress,
        note=note,
    )
    MilestoneUpdate.objects.filter(pk=update.pk).update(created_at=when)
    update.created_at = when
    return update


def meeting(
    group,
    *,
    starts_at,
    title=None,
    time_zone="Asia/Baku",
    location="Baku, Ministry of Energy",
    link="",
    duration=90,
) -> Meeting:
    return Meeting.objects.create(
        group=group,
        title=title or f"Meeting {next(_numbers)}",
        starts_at=starts_at,
        time_zone=time_zone,
        location=location,
        link=link,
        duration_minutes=duration,
    )


def invite(meeting, user, status=AttendanceStatus.INVITED) -> Attendance:
    return Attendance.objects.create(meeting=meeting, user=user, status=status)


def decision(meeting, text) -> Decision:
    return Decision.objects.create(meeting=meeting, text=text)


def action(meeting, *, owner, due, title=None, status=ActionItemStatus.OPEN) -> ActionItem:
    return ActionItem.objects.create(
        meeting=meeting,
        owner=owner,
        due_date=day(due) if isinstance(due, str) else due,
        title=title or f"Action {next(_numbers)}",
        status=status,
        # The database insists: a done item has its completion time (and only a done one).
        completed_at=meeting.starts_at if status == ActionItemStatus.DONE else None,
    )


def bulk_users(count: int, *, prefix: str = "bulk", **fields) -> list[User]:
    """Many recipients fast (no password hashing)."""
    users = [
        User(
            email=f"{prefix}.{index:05d}@example.test",
            display_name=f"{prefix.title()} {index:05d}",
            password="!",
            **fields,
        )
        for index in range(count)
    ]
    return User.objects.bulk_create(users)


def outbox_row(
    recipient,
    *,
    state=EmailState.QUEUED,
    send_after=None,
    number=None,
    kind=EmailKind.MILESTONE_REMINDER,
    **fields,
) -> EmailLog:
    number = number if number is not None else next(_numbers)
    values = {
        "kind": kind,
        "recipient": recipient,
        "to_email": recipient.email,
        "subject_key": f"milestone:{number}",
        "period": "due:2026-05-04",
        "subject": f"Reminder {number}",
        "body_text": f"Body {number}\n",
        "body_html": f"<p>Body {number}</p>",
        "from_email": "CharterHub <noreply@charterhub.test>",
        "message_id": f"<test-{number}@charterhub.test>",
        "state": state,
        "send_after": send_after or at("2026-05-04 04:00"),
        **fields,
    }
    if state == EmailState.SENT:
        values.setdefault("sent_at", values["send_after"])
    if state == EmailState.SENDING:
        values.setdefault("sending_since", values["send_after"])
    return EmailLog.objects.create(**values)
