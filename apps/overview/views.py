"""The dashboard and the group page: the overview that reads every app."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.charter.access import get_group_for_user
from apps.charter.selectors import charter_current
from apps.charter.views import members_context
from apps.core.time import today_for
from apps.milestones.rag import WINDOW_DAYS, rag_reason_of
from apps.overview import charts, selectors


def dashboard_charts(*, groups, today) -> dict:
    """Progress bars of the visible groups and their joint burn-up: one query."""
    return {
        "progress_chart": charts.progress_bars_svg(
            groups=[
                charts.GroupBar(
                    name=group.name,
                    done_percent=group.figures.done_percent,
                    mean_progress_percent=group.figures.mean_progress_percent,
                )
                for group in groups
            ]
        ),
        "burnup_chart": charts.burnup_svg(
            completed_per_week=selectors.completed_per_week(group_ids=[g.pk for g in groups]),
            total=sum(group.figures.live for group in groups),
            today=today,
        ),
    }


def group_charts(*, group, figures, today) -> dict:
    """The group's timeline and burn-up: two queries."""
    marks = selectors.timeline_marks(group=group)
    return {
        "timeline_chart": charts.timeline_svg(
            marks=marks,
            today=today,
            more=max(figures.live - len(marks), 0),
            overdue=figures.overdue,
        ),
        "burnup_chart": charts.burnup_svg(
            completed_per_week=selectors.completed_per_week(group_ids=[group.pk]),
            total=figures.live,
            today=today,
        ),
    }


@login_required
@require_safe
def dashboard(request):
    """The user's own work first, then the groups they may see as cards, worst first."""
    now, today = timezone.now(), today_for(request.user)
    groups = selectors.dashboard_groups(user=request.user, today=today, now=now)
    return render(
        request,
        "overview/dashboard.html",
        {
            "charter": charter_current(),
            "groups": groups,
            "my_work": selectors.my_work(user=request.user),
            "today": today,
            "due_soon": today + dt.timedelta(days=WINDOW_DAYS),
            **dashboard_charts(groups=groups, today=today),
        },
    )


@login_required
@require_safe
def group(request, slug: str):
    """One working group: its status and figures, members, open milestones and meetings."""
    group, access = get_group_for_user(user=request.user, slug=slug)
    now, today = timezone.now(), today_for(request.user)
    status, figures = selectors.group_overview(group=group, today=today)
    upcoming, past = selectors.group_meetings(group=group, now=now)
    return render(
        request,
        "overview/group.html",
        {
            **members_context(group=group, access=access, actor=request.user),
            "rag": status.rag,
            "rag_reason": rag_reason_of(status),
            "figures": figures,
            "milestones": selectors.group_open_milestones(group=group),
            "upcoming_meetings": upcoming,
            "past_meetings": past,
            "today": today,
            **group_charts(group=group, figures=figures, today=today),
        },
    )
