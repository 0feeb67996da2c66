"""The data every fuzzed endpoint acts on: the shared cast (tests/conftest.py) and, in each of
three groups, one object of every kind a POST can name.

- ``world.own``: Energy, the cast's group (the allowed roles act here);
- ``world.other``: Connectivity, where ``other_member`` is a member (visible to the cast, not
  editable by them);
- ``world.secret``: Security, restricted (404 to the whole cast but staff).

Ids of ``other`` and ``secret`` objects are the "other groups' ids" a request must not reach.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from apps.accounts.models import User
from apps.charter.models import Membership, Role, WorkingGroup
from apps.meetings import services as meetings
from apps.meetings.models import ActionItem, Attendance, Decision, Meeting
from apps.milestones import services as milestones
from apps.milestones.models import Evidence, Milestone, Status
from apps.notifications import emails
from apps.notifications import services as notifications
from tests.conftest import join, make_user

ROLES = (
    "anonymous",
    "outsider",
    "observer",
    "member",
    "other_member",
    "cochair_az",
    "cochair_us",
    "staff",
)


@dataclass
class Side:
    """One group's objects."""

    group: WorkingGroup
    editor: User
    membership: Membership
    milestone: Milestone
    awaiting: Milestone
    evidence: Evidence
    meeting: Meeting
    member_attendance: Attendance
    guest: Attendance
    decision: Decision
    action: ActionItem


@dataclass
class World:
    users: dict[str, User | None]
    own: Side
    other: Side
    secret: Side
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]


def build_side(group: WorkingGroup, editor: User) -> Side:
    due = dt.date(2026, 6, 30)
    milestone = Milestone.objects.create(
        group=group,
        section=group.section,
        title=f"{group.slug} fuzz milestone",
        due_date=due,
        owner=editor,
        progress=20,
    )
    awaiting = Milestone.objects.create(
        group=group,
        section=group.section,
        title=f"{group.slug} awaiting sign-off",
        due_date=due,
        owner=editor,
        progress=90,
        status=Status.AWAITING_SIGNOFF,
    )
    evidence = milestones.evidence_add(
        milestone_id=milestone.pk, user=editor, title="Report", url="https://example.org/report"
    )
    meeting = meetings.meeting_create(
        group=group,
        user=editor,
        title=f"{group.slug} fuzz meeting",
        starts_at_local=dt.datetime(2026, 4, 20, 10, 0),
        time_zone="Asia/Baku",
        duration_minutes=90,
        location="Baku",
        agenda="1. Roadmap",
    )
    meeting = meetings.minutes_update(
        meeting_id=meeting.pk, user=editor, version=meeting.version, minutes="Agreed."
    )
    guest = meetings.guest_add(meeting_id=meeting.pk, user=editor, name="A Guest")
    decision = meetings.decision_add(meeting_id=meeting.pk, user=editor, text="We agree.")
    action = meetings.action_item_add(
        meeting_id=meeting.pk, user=editor, title="Follow up", owner_id=editor.pk
    )
    return Side(
        group=group,
        editor=editor,
        membership=Membership.objects.get(group=group, user=editor),
        milestone=Milestone.objects.get(pk=milestone.pk),
        awaiting=awaiting,
        evidence=evidence,
        meeting=Meeting.objects.get(pk=meeting.pk),
        member_attendance=Attendance.objects.get(meeting=meeting, user=editor),
        guest=guest,
        decision=decision,
        action=action,
    )


def build_world(cast: dict[str, User], energy, connectivity, security) -> World:
    secret_member = make_user("secret.member@example.test")
    join(secret_member, security, Role.MEMBER)
    world = World(
        users={"anonymous": None, **cast},
        own=build_side(energy, cast["member"]),
        other=build_side(connectivity, cast["other_member"]),
        secret=build_side(security, secret_member),
    )
    member = cast["member"]
    world.extra["fingerprint"] = notifications.preferences_fingerprint(
        notifications.preferences_of(member)
    )
    world.extra["unsubscribe_token"] = emails.unsubscribe_token(
        user_id=member.pk, scope=emails.Scope.DIGEST
    )
    return world
