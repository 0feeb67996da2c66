"""Reads for the milestones pages. Query counts do not grow with the data: lists are
paginated and every related row a page shows is fetched with select/prefetch_related."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.charter.models import CharterSection, Membership, Role, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.core.lists import FirstOf
from apps.core.time import today_for
from apps.milestones.access import OWNER_ROLES
from apps.milestones.models import (
    Evidence,
    Milestone,
    MilestoneUpdate,
    SignOff,
    overdue_q,
)
from apps.milestones.services import eligible_owners

PAGE_SIZE = 50
WINDOW_DAYS = {"7": 7, "14": 14, "30": 30}


def milestone_list(
    *,
    user,
    filters: Mapping[str, Any],
    groups: Iterable[WorkingGroup] | None = None,
) -> QuerySet[Milestone]:
    """Milestones in the groups ``user`` may see, filtered and ordered by due date.

    ``filters`` holds cleaned values (see ``MilestoneFilterForm``); empty ones are ignored:
    group (slug), status (list), owner ("me", "none" or a user id), side ("az"/"us", the
    owner's side), section (slug), due_from / due_to (dates), window ("overdue", "7", "14",
    "30" days ahead), overdue (bool), q (text in title, description, external reference),
    ordering ("due" or "-due").

    ``groups`` are the groups visible to the user, when the caller has loaded them already.
    They go into the query as a list of ids: with the (group, due date) indexes the database
    then reads one page in order instead of sorting every visible milestone.
    """
    if groups is None:
        groups = groups_visible_to(user=user)
    visible = {group.slug: group.pk for group in groups}
    group_ids = list(visible.values())
    if slug := filters.get("group"):
        group_ids = [visible[slug]] if slug in visible else []
    queryset = Milestone.objects.select_related("group", "section", "owner").filter(
        group_id__in=group_ids
    )
    today = today_for(user)
    overdue = overdue_q(today)

    if statuses := filters.get("status"):
        queryset = queryset.filter(status__in=list(statuses))
    owner = filters.get("owner")
    if owner == "me":
        queryset = queryset.filter(owner=user)
    elif owner == "none":
        queryset = queryset.filter(owner__isnull=True)
    elif isinstance(owner, int):
        queryset = queryset.filter(owner_id=owner)
    if side := filters.get("side"):
        queryset = queryset.filter(owner__side=side)
    if section := filters.get("section"):
        queryset = queryset.filter(section__slug=section)
    if due_from := filters.get("due_from"):
        queryset = queryset.filter(due_date__gte=due_from)
    if due_to := filters.get("due_to"):
        queryset = queryset.filter(due_date__lte=due_to)
    window = filters.get("window")
    if window == "overdue":
        queryset = queryset.filter(overdue)
    elif window in WINDOW_DAYS:
        queryset = queryset.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=WINDOW_DAYS[window])
        )
    if filters.get("overdue"):
        queryset = queryset.filter(overdue)
    if text := (filters.get("q") or "").strip():
        queryset = queryset.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(external_ref__icontains=text)
        )
    if filters.get("ordering") == "-due":
        return queryset.order_by("-due_date", "-id")
    return queryset.order_by("due_date", "id")


def milestone_page(queryset: QuerySet[Milestone], number: Any) -> Page:
    """One page of 50; a page number that is not a number or out of range gives the
    first or the last page rather than an error."""
    return Paginator(queryset, PAGE_SIZE).get_page(number)


def milestone_row(*, milestone_id: int) -> Milestone:
    """One milestone as a list row shows it."""
    return Milestone.objects.select_related("group", "section", "owner").get(pk=milestone_id)


def milestone_detail(*, milestone_id: int) -> Milestone:
    """The milestone with its progress log (newest first, with authors) as ``timeline``,
    its sign-offs as ``signoff_list`` and its evidence as ``evidence_list``."""
    return (
        Milestone.objects.select_related("group", "section", "owner")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=MilestoneUpdate.objects.select_related("author").order_by(
                    "-created_at", "-id"
                ),
                to_attr="timeline",
            ),
            Prefetch(
                "signoffs",
                queryset=SignOff.objects.select_related("signed_by").order_by("side"),
                to_attr="signoff_list",
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("added_by").order_by("added_at", "id"),
                to_attr="evidence_list",
            ),
        )
        .get(pk=milestone_id)
    )


def memberships_by_group(*, user) -> dict[int, Membership]:
    """The user's memberships, by group id: one query for a whole page of rows."""
    if not user.is_authenticated:
        return {}
    return {
        membership.group_id: membership
        for membership in Membership.objects.filter(user=user).only("group_id", "role", "side")
    }


@dataclass(frozen=True, slots=True)
class OwnerChoice:
    """Someone who may own a milestone, as an owner <select> shows them: only the two
    columns it needs, not a whole User (a group can have hundreds of possible owners)."""

    email: str
    display_name: str

    def get_full_name(self) -> str:
        return self.display_name or self.email


def owner_choices(*, group: WorkingGroup) -> list[OwnerChoice]:
    """The group's possible owners (``services.eligible_owners``), by name then address."""
    return [
        OwnerChoice(email, display_name)
        for email, display_name in eligible_owners(group=group).values_list("email", "display_name")
    ]


#: How many possible owners an owner search answers with, and how many a plain <select> lists.
OWNER_SEARCH_LIMIT = 20
OWNER_SELECT_LIMIT = 200


def owner_options(*, group: WorkingGroup, q: str = "", limit: int) -> FirstOf:
    """The group's possible owners (``services.eligible_owners``) whose name or address
    contains ``q``, by name then address: the first ``limit`` of them, in one query."""
    queryset = eligible_owners(group=group)
    if text := (q or "").strip():
        queryset = queryset.filter(Q(display_name__icontains=text) | Q(email__icontains=text))
    rows = FirstOf.from_query(queryset.values_list("email", "display_name"), limit=limit)
    return FirstOf(
        items=[OwnerChoice(email, name) for email, name in rows],
        more=rows.more,
        counted=False,
    )


def filter_groups(*, user) -> QuerySet[WorkingGroup]:
    return groups_visible_to(user=user).order_by("position", "slug")


def editable_groups(*, user) -> QuerySet[WorkingGroup]:
    """Groups where the user may create milestones: all for staff, else their member and
    co-chair groups."""
    groups = WorkingGroup.objects.select_related("section").order_by("position", "slug")
    if user.is_staff and user.is_active:
        return groups
    return groups.filter(memberships__user=user, memberships__role__in=OWNER_ROLES).distinct()


def filter_sections() -> QuerySet[CharterSection]:
    return CharterSection.objects.order_by("charter", "position")


def filter_owner(*, user_id: int, groups: Iterable[WorkingGroup]) -> User | None:
    """The owner named in a shared link, if they belong to a group the viewer can see
    (anyone else stays unnamed: the filter is then reported as not understood)."""
    return (
        User.objects.filter(pk=user_id, memberships__group__in=[group.pk for group in groups])
        .distinct()
        .first()
    )


def cochairs_by_side(*, group: WorkingGroup) -> dict[str, User]:
    """The group's co-chairs by side ("az", "us"): who signs off for each (one query)."""
    memberships = Membership.objects.filter(
        group=group, role=Role.CO_CHAIR, user__is_active=True
    ).select_related("user")
    return {membership.side: membership.user for membership in memberships}


def milestone_signoffs(*, milestone_id: int) -> Milestone:
    """The milestone with its sign-offs (and who gave them) as ``signoff_list``: what a
    decline would withdraw."""
    return (
        Milestone.objects.prefetch_related(
            Prefetch(
                "signoffs",
                queryset=SignOff.objects.select_related("signed_by").order_by("side"),
                to_attr="signoff_list",
            )
        )
        .filter(pk=milestone_id)
        .get()
    )
