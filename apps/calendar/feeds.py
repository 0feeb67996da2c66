"""Calendar feeds (iCalendar): a user's own deadlines, action items and meetings, and a group's.

The feeds are read by calendar apps that cannot log in, so the secret token in the URL is the
authorisation: `feed_user_for_token` turns it into the user (or 404). Every event has a UID
that never changes (`milestone-<id>@charterhub`, `action-<id>@charterhub`,
`meeting-<id>@charterhub`) and a SEQUENCE / LAST-MODIFIED that move with the object, so an edit
updates the event in Outlook or Google Calendar instead of adding a second one.

Each feed runs a fixed number of queries, whatever the number of milestones or meetings.
"""

import datetime as dt
import re

import icalendar
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.charter.models import Membership, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.meetings import ics
from apps.meetings.models import ActionItem, ActionItemStatus, Meeting
from apps.milestones.models import OPEN_STATUSES, Milestone

#: Meetings that started longer ago than this are left out of the feeds.
PAST_MEETINGS = dt.timedelta(days=365)
#: What secrets.token_urlsafe(32) makes (43 characters); anything else is not a token.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
TOKEN_BYTES = 32


# --- reads -------------------------------------------------------------------------------------


def feed_user_for_token(token: str) -> User:
    """The active user whose feed token this is; Http404 for anything else."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        raise Http404("No such calendar")
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar")
    return user


def _member_group_ids(user: User) -> QuerySet:
    return Membership.objects.filter(user=user).values("group_id")


def _item_groups(user: User) -> Q:
    """Groups whose milestones and action items appear in the user's own feed: the groups they
    are a member of (leaving a group drops its items), every group for staff."""
    if user.is_staff:
        return Q()
    return Q(pk__in=_member_group_ids(user))


def user_feed_items(*, user: User, now: dt.datetime) -> tuple[list, list, list]:
    """(open milestones the user owns, their open action items with a due date, the meetings of
    their groups) — three queries."""
    visible = groups_visible_to(user=user).filter(_item_groups(user)).values("pk")
    milestones = list(
        Milestone.objects.filter(owner=user, status__in=OPEN_STATUSES, group__in=visible)
        .select_related("group")
        .order_by("due_date", "id")
    )
    action_items = list(
        ActionItem.objects.filter(
            owner=user,
            status=ActionItemStatus.OPEN,
            due_date__isnull=False,
            meeting__group__in=visible,
        )
        .select_related("meeting__group")
        .order_by("due_date", "id")
    )
    meetings = list(
        Meeting.objects.filter(
            group__in=_member_group_ids(user), starts_at__gte=now - PAST_MEETINGS
        )
        .select_related("group")
        .order_by("starts_at", "id")
    )
    return milestones, action_items, meetings


def group_feed_items(*, group: WorkingGroup, now: dt.datetime) -> tuple[list, list]:
    """(the group's open milestones, its meetings) — two queries."""
    milestones = list(
        Milestone.objects.filter(group=group, status__in=OPEN_STATUSES)
        .select_related("group")
        .order_by("due_date", "id")
    )
    meetings = list(
        Meeting.objects.filter(group=group, starts_at__gte=now - PAST_MEETINGS)
        .select_related("group")
        .order_by("starts_at", "id")
    )
    return milestones, meetings


def feed_groups(*, user: User) -> QuerySet[WorkingGroup]:
    """The groups the user may subscribe to (the ones they may see)."""
    return groups_visible_to(user=user).order_by("position", "slug")


# --- building the feeds --------------------------------------------------------------------------


def user_feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def group_feed_path(token: str, slug: str) -> str:
    return f"/calendar/{token}/groups/{slug}.ics"


def _calendar(name: str) -> icalendar.Calendar:
    calendar = ics.calendar_new(product="Calendar feed")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    # How often a subscribed calendar should fetch again (RFC 7986, and Outlook's own name).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _all_day(
    *, uid: str, day: dt.date, summary: str, url: str, sequence: int, stamp: dt.datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event


def milestone_event(milestone: Milestone, *, stamp: dt.datetime) -> icalendar.Event:
    url = ics.site_url(f"/milestones/{milestone.pk}/")
    event = _all_day(
        uid=f"milestone-{milestone.pk}@charterhub",
        day=milestone.due_date,
        summary=_("Due: %(title)s (%(group)s)")
        % {"title": milestone.title, "group": milestone.group.name},
        url=url,
        sequence=milestone.version,
        stamp=stamp,
    )
    event.add("last-modified", ics.utc(milestone.updated_at))
    event.add("categories", [_("Milestone")])
    return event


def action_item_event(item: ActionItem, *, stamp: dt.datetime) -> icalendar.Event:
    event = _all_day(
        uid=f"action-{item.pk}@charterhub",
        day=item.due_date,
        summary=_("Action: %(title)s (%(group)s)")
        % {"title": item.title, "group": item.meeting.group.name},
        url=ics.site_url(f"/meetings/{item.meeting_id}/"),
        # Action items carry no version; the due date is what a calendar shows, so it counts.
        sequence=0,
        stamp=stamp,
    )
    event.add("categories", [_("Action item")])
    return event


def user_feed(*, user: User, now: dt.datetime | None = None) -> bytes:
    """The user's "my deadlines, action items and meetings" feed, in their language."""
    now = now or timezone.now()
    stamp = ics.utc(now)
    milestones, action_items, meetings = user_feed_items(user=user, now=now)
    with translation.override(user.language):
        calendar = _calendar(_("CharterHub: my deadlines and meetings"))
        for milestone in milestones:
            calendar.add_component(milestone_event(milestone, stamp=stamp))
        for item in action_items:
            calendar.add_component(action_item_event(item, stamp=stamp))
        for meeting in meetings:
            calendar.add_component(
                ics.meeting_event(meeting, group_name=meeting.group.name, stamp=stamp)
            )
    return ics.calendar_finish(calendar, meetings=meetings, stamp=stamp, zone_name=user.time_zone)


def group_feed(*, user: User, group: WorkingGroup, now: dt.datetime | None = None) -> bytes:
    """One group's open milestones and meetings, in the subscriber's language."""
    now = now or timezone.now()
    stamp = ics.utc(now)
    milestones, meetings = group_feed_items(group=group, now=now)
    with translation.override(user.language):
        calendar = _calendar(_("CharterHub: %(group)s") % {"group": group.name})
        for milestone in milestones:
            calendar.add_component(milestone_event(milestone, stamp=stamp))
        for meeting in meetings:
            calendar.add_component(
                ics.meeting_event(meeting, group_name=meeting.group.name, stamp=stamp)
            )
    return ics.calendar_finish(calendar, meetings=meetings, stamp=stamp, zone_name=user.time_zone)
