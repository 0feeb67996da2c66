"""The dashboard and the group page: the overview that reads every app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.charter.access import get_group_for_user
from apps.charter.selectors import charter_current
from apps.charter.views import members_context
from apps.reports import selectors
from apps.reports.rag import charter_today


@login_required
def dashboard(request):
    """The charter, the groups the user may see as cards, and the user's own work."""
    now, today = timezone.now(), charter_today()
    return render(
        request,
        "reports/dashboard.html",
        {
            "charter": charter_current(),
            "groups": selectors.dashboard_groups(user=request.user, today=today, now=now),
            "my_work": selectors.my_work(user=request.user),
            "today": today,
        },
    )


@login_required
@require_safe
def group(request, slug: str):
    """One working group: its status and figures, members, open milestones and meetings."""
    group, access = get_group_for_user(user=request.user, slug=slug)
    now, today = timezone.now(), charter_today()
    rag, figures = selectors.group_overview(group=group, today=today)
    upcoming, past = selectors.group_meetings(group=group, now=now)
    return render(
        request,
        "reports/group.html",
        {
            **members_context(group=group, access=access),
            "rag": rag,
            "figures": figures,
            "milestones": selectors.group_open_milestones(group=group),
            "upcoming_meetings": upcoming,
            "past_meetings": past,
            "today": today,
        },
    )
