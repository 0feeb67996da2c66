"""The quarterly progress reports, for one group and for the whole charter, and their narratives."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.charter.access import get_group_for_user
from apps.charter.models import Membership, SignOffSide, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.core.answers import answer_done, answer_refused
from apps.core.conflict import Conflict
from apps.core.forms import add_service_errors
from apps.core.lists import FirstOf
from apps.core.redirects import safe_next_url
from apps.core.time import today_for
from apps.reports import selectors, services
from apps.reports.forms import NarrativeForm
from apps.reports.models import ReportNarrative
from apps.reports.periods import Period, period_or_404

# --- progress reports ------------------------------------------------------------------------

REPORT_GROUP = "reports/report_group.html"
REPORT_CHARTER = "reports/report_charter.html"
REPORT_SECTION = "reports/report_section.html"


@dataclass
class NarrativeBlock:
    """One side's narrative in a group's report, and what its edit form shows."""

    group: WorkingGroup
    period: Period
    side: str
    cochair: Membership | None
    narrative: ReportNarrative | None
    editable: bool
    next: str = ""
    form_text: str | None = None
    version: int | None = None
    errors: list[str] = field(default_factory=list)
    conflict: Conflict | None = None
    flash: str = ""

    @property
    def side_label(self) -> str:
        return SignOffSide(self.side).label

    @property
    def text(self) -> str:
        return self.narrative.text if self.narrative else ""

    @property
    def anchor(self) -> str:
        return f"narrative-{self.group.slug}-{self.side}"

    @property
    def save_url(self) -> str:
        return reverse(
            "reports:narrative_save", args=[self.group.slug, self.period.slug, self.side]
        )

    @property
    def field_text(self) -> str:
        """What the textarea holds: the text being saved, else the narrative as stored."""
        return self.text if self.form_text is None else self.form_text

    @property
    def field_version(self) -> int:
        if self.version is not None:
            return self.version
        return self.narrative.version if self.narrative else 0

    @property
    def open(self) -> bool:
        return bool(self.errors or self.conflict)

    @property
    def max_length(self) -> int:
        return services.NARRATIVE_MAX_LENGTH


@dataclass
class ReportSection:
    """One working group's part of a report."""

    group: WorkingGroup
    narratives: list[NarrativeBlock]
    completed: FirstOf
    overdue: FirstOf
    due_later: FirstOf
    coming: FirstOf
    decisions: FirstOf


def _group_report_url(group: WorkingGroup, period: Period) -> str:
    return reverse("reports:group_report", args=[group.slug, period.slug])


def _narrative_blocks(
    *,
    user,
    group: WorkingGroup,
    period: Period,
    narratives: dict,
    cochairs: dict,
    page: str,
) -> list[NarrativeBlock]:
    blocks = []
    for side in SignOffSide.values:
        cochair = cochairs.get((group.pk, side))
        blocks.append(
            NarrativeBlock(
                group=group,
                period=period,
                side=side,
                cochair=cochair,
                narrative=narratives.get((group.pk, side)),
                editable=cochair is not None and cochair.user_id == user.pk,
                next=f"{page}#narrative-{group.slug}-{side}",
            )
        )
    return blocks


def _report_sections(
    *, request, groups: list[WorkingGroup], moment: selectors.ReportMoment, page: str
) -> list[ReportSection]:
    """Each group's part of the report: seven queries, whatever the number of groups,
    milestones or decisions."""
    ids = [group.pk for group in groups]
    period = moment.period
    narratives = selectors.report_narratives(group_ids=ids, period=period)
    cochairs = selectors.report_cochairs(group_ids=ids)
    lists = {
        "completed": selectors.report_completed(group_ids=ids, moment=moment),
        "overdue": selectors.report_overdue(group_ids=ids, moment=moment),
        "due_later": selectors.report_due_later(group_ids=ids, moment=moment),
        "coming": selectors.report_coming(group_ids=ids, moment=moment),
        "decisions": selectors.report_decisions(group_ids=ids, moment=moment),
    }
    empty = FirstOf(items=[])
    return [
        ReportSection(
            group=group,
            narratives=_narrative_blocks(
                user=request.user,
                group=group,
                period=period,
                narratives=narratives,
                cochairs=cochairs,
                page=page,
            ),
            **{name: rows.get(group.pk, empty) for name, rows in lists.items()},
        )
        for group in groups
    ]


def _report_context(
    *, request, charter, periods: list[Period], moment: selectors.ReportMoment, today: dt.date
) -> dict:
    period = moment.period
    position = periods.index(period)
    return {
        "charter": charter,
        "prepared_by": request.user.get_full_name(),
        "period": period,
        "moment": moment,
        "periods": periods,
        "previous_period": periods[position + 1] if position + 1 < len(periods) else None,
        "next_period": periods[position - 1] if position > 0 else None,
        "today": today,
        "report_list_limit": selectors.REPORT_LIST_LIMIT,
    }


def _group_report(request, group: WorkingGroup, period_value: str):
    """The group's report page."""
    return render(request, REPORT_GROUP, _group_report_context(request, group, period_value))


def _group_report_context(request, group: WorkingGroup, period_value: str, *, block=None) -> dict:
    """The group's report page; ``block`` replaces the narrative of its side (after a
    refused save, to show the co-chair's text with the errors or the conflict)."""
    now, today = timezone.now(), today_for(request.user)
    charter, periods = selectors.report_charter(today=today)
    period = period_or_404(period_value, periods=periods)
    moment = selectors.ReportMoment.of(period, today=today, now=now)
    groups = selectors.report_groups(
        groups=WorkingGroup.objects.filter(pk=group.pk).select_related("section"), moment=moment
    )
    page = _group_report_url(group, period)
    sections = _report_sections(request=request, groups=groups, moment=moment, page=page)
    if block is not None:
        sections[0].narratives = [
            block if existing.side == block.side else existing
            for existing in sections[0].narratives
        ]
    return {
        **_report_context(
            request=request, charter=charter, periods=periods, moment=moment, today=today
        ),
        "group": groups[0],
        "section": sections[0],
        "picker_url": reverse("reports:group_report_current", args=[group.slug]),
    }


@login_required
@require_safe
def group_report_current(request, slug: str):
    """The group's report for the period picked (``?period=2026-Q3``), else the current one."""
    group, _access = get_group_for_user(user=request.user, slug=slug)
    today = today_for(request.user)
    value = request.GET.get("period")
    if value is None:
        period = Period.of(today)
    else:
        period = period_or_404(value, periods=selectors.report_periods(today=today))
    return redirect("reports:group_report", slug=group.slug, period=period.slug)


@login_required
@require_safe
def group_report(request, slug: str, period: str):
    """A working group's progress report for one period (printable)."""
    group, _access = get_group_for_user(user=request.user, slug=slug)
    return _group_report(request, group, period)


@login_required
@require_safe
def charter_report_current(request):
    """The charter-wide report for the period picked (``?period=``), else the current one."""
    today = today_for(request.user)
    value = request.GET.get("period")
    if value is None:
        period = Period.of(today)
    else:
        period = period_or_404(value, periods=selectors.report_periods(today=today))
    return redirect("reports:charter_report", period=period.slug)


@login_required
@require_safe
def charter_report(request, period: str):
    """Every working group the user may see, joined in one printable report."""
    now, today = timezone.now(), today_for(request.user)
    charter, periods = selectors.report_charter(today=today)
    period = period_or_404(period, periods=periods)
    moment = selectors.ReportMoment.of(period, today=today, now=now)
    groups = selectors.report_groups(groups=groups_visible_to(user=request.user), moment=moment)
    page = reverse("reports:charter_report", args=[period.slug])
    sections = _report_sections(request=request, groups=groups, moment=moment, page=page)
    return render(
        request,
        REPORT_CHARTER,
        {
            **_report_context(
                request=request, charter=charter, periods=periods, moment=moment, today=today
            ),
            "sections": sections,
            "totals": {
                name: sum(getattr(section, name).total for section in sections)
                for name in ("completed", "overdue", "due_later", "coming", "decisions")
            },
            "picker_url": reverse("reports:charter_report_current"),
        },
    )


def _version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def narrative_save(request, slug: str, period: str, side: str):
    """Save a co-chair's narrative for their side. HTMX: the narrative fragment (200 saved,
    422 with the errors, 409 with the conflict). Plain form post: a redirect back with a
    message (PRG), or the whole report page with the errors (422) or the conflict (409)."""
    group, access = get_group_for_user(user=request.user, slug=slug)
    today = today_for(request.user)
    report_period = period_or_404(period, periods=selectors.report_periods(today=today))
    if side not in SignOffSide.values:
        raise Http404("No such side")
    if access.signing_side != side:
        raise PermissionDenied(
            _("Only the group's co-chair for this side can write its narrative.")
        )
    page = _group_report_url(group, report_period)
    form = NarrativeForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            narrative = services.report_narrative_save(
                group=group,
                period=report_period,
                side=side,
                user=request.user,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except Conflict as error:
            conflict = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("Narrative saved.")

            def saved() -> dict:
                block = _fresh_block(request, group, report_period, side, narrative=narrative)
                block.flash = message
                return {"block": block}

            return answer_done(
                request,
                message=message,
                url=safe_next_url(request, f"{page}#narrative-{group.slug}-{side}"),
                fragment=f"{REPORT_SECTION}#narrative",
                context=saved,
            )
    block = _fresh_block(
        request,
        group,
        report_period,
        side,
        narrative=conflict.current if conflict else None,
    )
    block.form_text = request.POST.get("text", "")
    block.version = conflict.current.version if conflict else _version(request.POST.get("version"))
    block.errors = [str(message) for messages_ in form.errors.values() for message in messages_]
    block.conflict = conflict
    block.next = safe_next_url(request, block.next)
    return answer_refused(
        request,
        page=REPORT_GROUP,
        fragment=f"{REPORT_SECTION}#narrative",
        context={"block": block},
        page_context=lambda: _group_report_context(request, group, report_period.slug, block=block),
        status=409 if conflict else 422,
    )


def _fresh_block(
    request, group: WorkingGroup, period: Period, side: str, *, narrative=None
) -> NarrativeBlock:
    """The side's narrative block as stored now (two queries: the narrative, the co-chair)."""
    if narrative is None:
        narrative = selectors.report_narratives(group_ids=[group.pk], period=period).get(
            (group.pk, side)
        )
    cochair = selectors.report_cochairs(group_ids=[group.pk]).get((group.pk, side))
    return NarrativeBlock(
        group=group,
        period=period,
        side=side,
        cochair=cochair,
        narrative=narrative,
        editable=cochair is not None and cochair.user_id == request.user.pk,
        next=f"{_group_report_url(group, period)}#narrative-{group.slug}-{side}",
    )
