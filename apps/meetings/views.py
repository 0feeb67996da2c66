"""The meetings pages. Thin: access helper → form → service → response.

Every POST works with and without htmx. Without it: a redirect back to the meeting (PRG) with a
message, the full page with status 422 for invalid input, 409 for a stale edit. With it: the
updated fragment of ``meetings/detail.html`` (200), the fragment with its errors (422), or with
the conflict or "locked" explanation (409).
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.charter.access import GroupAccess, get_group_for_user
from apps.charter.models import SignOffSide
from apps.core.answers import answer_done, answer_redirect, answer_refused
from apps.core.confirm import Confirmation, confirmation_asked
from apps.core.conflict import Conflict
from apps.core.forms import add_service_errors
from apps.meetings import ics, selectors, services
from apps.meetings.access import get_meeting_for_user
from apps.meetings.forms import (
    ActionItemForm,
    ActionPromoteForm,
    ActionStatusForm,
    AdoptForm,
    AttendanceForm,
    DecisionForm,
    DecisionRemoveForm,
    GuestForm,
    GuestRemoveForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
)
from apps.meetings.models import ActionItemStatus, AttendanceStatus, Meeting, MinutesState

PAGE = "meetings/detail.html"
# An htmx answer: one section of PAGE and others out of band (see _sections_context).
SECTIONS_ANSWER = "meetings/sections.html"
FORM_PAGE = "meetings/form.html"
LIST_PAGE = "meetings/list.html"
PER_PAGE = 25
DEFAULT_TIME_ZONE = "Asia/Baku"
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


# --- context ------------------------------------------------------------------------------------


def _group_from_query(request, *, edit: bool = False):
    """The group named by ``?group=<slug>``: 404 when it is not a slug, unknown or hidden."""
    slug = request.GET.get("group", "")
    if not SLUG.fullmatch(slug):  # also keeps NUL bytes and the like away from the database
        raise Http404("No such working group")
    group, _access = get_group_for_user(user=request.user, slug=slug, edit=edit)
    return group


def _viewer_time_zone() -> str:
    """The reader's zone, which UserTimeZoneMiddleware made the active one (form defaults)."""
    return timezone.get_current_timezone_name()


MEETING_URL_NAMES = (
    "detail",
    "edit",
    "ics",
    "attendance",
    "guest_add",
    "guest_remove",
    "minutes",
    "decision_add",
    "decision_remove",
    "action_add",
    "action_status",
    "action_promote",
    "adopt",
)
#: Names on a confirmation's line before "and N more" (a group can have hundreds of members).
NAMES_SHOWN = 10


def _names(people: list[str]) -> str:
    shown = ", ".join(people[:NAMES_SHOWN])
    rest = len(people) - NAMES_SHOWN
    if rest <= 0:
        return shown
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", rest) % {
        "names": shown,
        "count": rest,
    }


def _attendee_name(row) -> str:
    if row.user_id:
        return row.user.get_full_name()
    if row.guest_organisation:
        return f"{row.guest_name} ({row.guest_organisation})"
    return row.guest_name


def minutes_adoption_confirmation(*, meeting: Meeting, attendance: Iterable) -> Confirmation:
    """What adopting the minutes does, asked before it is done: by the page's dialog and by
    ``minutes_adopt`` (the page without JavaScript). ``attendance``: the meeting's list, for
    the guests still "Invited" and the members with no answer recorded."""
    unanswered = [row for row in attendance if row.status == AttendanceStatus.INVITED]
    guests = [_attendee_name(row) for row in unanswered if not row.user_id]
    members = [_attendee_name(row) for row in unanswered if row.user_id]
    details = []
    if guests:
        details.append(
            ngettext(
                "Guest still “Invited”: %(names)s",
                "Guests still “Invited”: %(names)s",
                len(guests),
            )
            % {"names": _names(guests)}
        )
    if members:
        details.append(
            ngettext(
                "Attendee with no answer recorded: %(names)s",
                "Attendees with no answer recorded: %(names)s",
                len(members),
            )
            % {"names": _names(members)}
        )
    return Confirmation(
        key="adopt-minutes",
        heading=_("Adopt the minutes of “%(title)s”?") % {"title": meeting.title},
        consequences=(
            _(
                "Adopting locks the minutes, decisions and action items for your side; when "
                "both sides have adopted they can no longer be changed."
            ),
        ),
        button=_("Adopt the minutes"),
        back_url=_detail_url(meeting, "adoption"),
        warning=False,
        details=tuple(details),
    )


def _base(request, meeting: Meeting, access: GroupAccess) -> dict:
    locked = meeting.minutes_state == MinutesState.ADOPTED
    can_edit = access.can_view and access.can_edit
    return {
        "meeting": meeting,
        # Reversed once, not once per row of a long list.
        "urls": {
            name: reverse(f"meetings:{name}", args=[meeting.pk]) for name in MEETING_URL_NAMES
        },
        "access": access,
        "locked": locked,
        # Change the record (details, attendance, minutes, decisions, new actions): the
        # services' rule.
        "can_record": services.meeting_may_record(access=access, meeting=meeting),
        # Follow up action items (status, promotion): also after adoption.
        "can_follow_up": can_edit,
        "attendance_choices": [
            (status.value, status.label) for status in services.ATTENDANCE_CHOICES
        ],
        "action_statuses": ActionItemStatus.choices,
        "notices": {},
    }


def _attendance(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    return {
        "attendance": selectors.attendance_list(meeting=meeting),
        "guest_form": GuestForm(auto_id="guest_%s"),
    }


def _minutes(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    return {
        "minutes_form": MinutesForm(
            initial={"minutes": meeting.minutes, "version": meeting.version},
            auto_id="minutes_%s",
        )
    }


def _decisions(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    return {
        "decisions": selectors.decision_list(meeting=meeting),
        "decision_form": DecisionForm(auto_id="decision_%s"),
    }


def _actions(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    owners = selectors.action_owner_choices(group=meeting.group)
    return {
        "action_items": selectors.action_item_list(meeting=meeting),
        "action_form": ActionItemForm(owners=owners, auto_id="action_%s"),
    }


def _adoption(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    by_side = {adoption.side: adoption for adoption in selectors.adoption_list(meeting=meeting)}
    side = access.signing_side
    can_adopt = services.minutes_may_adopt(access=access, meeting=meeting, adopted_sides=by_side)
    has_minutes = bool(meeting.minutes.strip())
    confirmation = None
    if can_adopt and has_minutes:
        attendance = context.get("attendance")
        if attendance is None:  # a fragment without the attendance section
            attendance = selectors.attendance_list(meeting=meeting)
        confirmation = minutes_adoption_confirmation(meeting=meeting, attendance=attendance)
    return {
        "adoption_sides": [
            {"code": choice.value, "label": choice.label, "adoption": by_side.get(choice.value)}
            for choice in SignOffSide
        ],
        "adopted_sides": [by_side[code].get_side_display() for code in sorted(by_side)],
        "my_side": side,
        "my_side_label": SignOffSide(side).label if side in SignOffSide.values else "",
        "can_adopt": can_adopt,
        "has_minutes": has_minutes,
        "adoption_confirmation": confirmation,
    }


def _header(meeting: Meeting, access: GroupAccess, context: dict) -> dict:
    return {"ends_at": meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)}


SECTIONS: dict[str, Callable[[Meeting, GroupAccess, dict], dict]] = {
    "header": _header,
    "attendance": _attendance,
    "minutes": _minutes,
    "decisions": _decisions,
    "actions": _actions,
    "adoption": _adoption,
}
# A minutes fragment also shows whether saving withdraws an adoption.
NEEDS = {"minutes": ("minutes", "adoption")}


def _page_context(request, meeting, access, extra: dict | None = None) -> dict:
    context = _base(request, meeting, access)
    for build in SECTIONS.values():
        context.update(build(meeting, access, context))
    context.update(extra or {})
    return context


def _page(request, meeting, access, *, status: int = 200, extra: dict | None = None):
    return render(request, PAGE, _page_context(request, meeting, access, extra), status=status)


def _sections_context(
    request, meeting, access, section: str, *, extra: dict | None = None, oob: Iterable[str] = ()
) -> dict:
    """The context of SECTIONS_ANSWER: one section of the page, plus others swapped out of
    band (``hx-swap-oob``)."""
    oob = tuple(oob)
    context = _base(request, meeting, access)
    for name in dict.fromkeys((*NEEDS.get(section, (section,)), *oob)):
        context.update(SECTIONS[name](meeting, access, context))
    context.update(extra or {})
    context["main"] = f"{PAGE}#{section}"
    context["out_of_band"] = [f"{PAGE}#{name}" for name in oob]
    return context


def _fragments(
    request,
    meeting,
    access,
    section: str,
    *,
    status: int = 200,
    extra: dict | None = None,
    oob: Iterable[str] = (),
) -> HttpResponse:
    context = _sections_context(request, meeting, access, section, extra=extra, oob=oob)
    return render(request, SECTIONS_ANSWER, context, status=status)


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


# --- errors -------------------------------------------------------------------------------------


def _loose_errors(form, shown: Iterable[str]) -> list[str]:
    """Errors not displayed beside a visible input (hidden ids, buttons, the whole form)."""
    shown = set(shown)
    return [
        str(message)
        for field, errors in form.errors.items()
        if field not in shown
        for message in errors
    ]


def _is_locked(error: ValidationError) -> bool:
    return getattr(error, "code", None) == services.LOCKED


def _error_response(
    request, meeting, access, section, *, status, errors, extra=None, oob=()
) -> HttpResponse:
    extra = {**(extra or {}), f"{section}_errors": errors}
    return answer_refused(
        request,
        page=PAGE,
        fragment=SECTIONS_ANSWER,
        context=lambda: _sections_context(request, meeting, access, section, extra=extra, oob=oob),
        page_context=lambda: _page_context(request, meeting, access, extra),
        # A row's buttons target the row; an error is shown on the whole section.
        target=f"#{section}",
        status=status,
    )


def _locked(request, meeting, access, section, error: ValidationError) -> HttpResponse:
    if not request.htmx:
        messages.error(request, error.messages[0])
        return redirect(_detail_url(meeting, section))
    return _error_response(
        request, meeting, access, section, status=409, errors=error.messages, oob=("adoption",)
    )


def _success(request, meeting, access, section, message, *, oob=(), render_section=None):
    if request.htmx and render_section is not None:
        return render_section()
    return answer_done(
        request,
        message=message,
        url=_detail_url(meeting, section),
        fragment=SECTIONS_ANSWER,
        context=lambda: _sections_context(
            request, meeting, access, section, extra={"notices": {section: message}}, oob=oob
        ),
    )


def _perform(
    request,
    meeting: Meeting,
    access: GroupAccess,
    *,
    form,
    section: str,
    call: Callable[[dict], object],
    message: str | Callable[[Meeting], str],
    form_key: str | None = None,
    shown: Iterable[str] = (),
    oob: Iterable[str] | Callable[[Meeting], Iterable[str]] = (),
    render_row: Callable[[object], HttpResponse] | None = None,
    on_conflict: Callable[[Conflict], HttpResponse] | None = None,
) -> HttpResponse:
    """Validate ``form``, run the service ``call`` with its data, answer as the module says."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except Conflict as conflict:
            if on_conflict is None:
                raise
            return on_conflict(conflict)
        except ValidationError as error:
            if _is_locked(error):
                return _locked(request, meeting, access, section, error)
            add_service_errors(form, error)
        else:
            if isinstance(result, Meeting):
                meeting = result
            return _success(
                request,
                meeting,
                access,
                section,
                message(meeting) if callable(message) else message,
                oob=oob(meeting) if callable(oob) else oob,
                render_section=(lambda: render_row(result)) if render_row else None,
            )
    extra = {form_key: form} if form_key else {}
    return _error_response(
        request,
        meeting,
        access,
        section,
        status=422,
        errors=_loose_errors(form, shown),
        extra=extra,
    )


# --- pages --------------------------------------------------------------------------------------


@login_required
@require_safe
def meeting_list(request):
    upcoming = request.GET.get("when") != "past"
    group = _group_from_query(request) if request.GET.get("group") else None
    meetings = selectors.meetings_visible_to(user=request.user, upcoming=upcoming, group=group)
    page = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        LIST_PAGE,
        {
            "page": page,
            "upcoming": upcoming,
            "group": group,
            "new_groups": list(selectors.groups_for_new_meeting(user=request.user)),
        },
    )


@login_required
@require_safe
def meeting_detail(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk)
    return _page(request, meeting, access)


@login_required
@require_safe
def meeting_ics(request, pk: int):
    """The meeting as an .ics download for "Add to calendar" (METHOD:PUBLISH, one VEVENT with
    the UID the feeds and the reminder's attachment use), for whoever may see the meeting."""
    meeting, _access = get_meeting_for_user(user=request.user, pk=pk)
    body = ics.meeting_calendar(meeting, group_name=meeting.group.name, stamp=timezone.now())
    response = HttpResponse(body, content_type=f"text/calendar; charset=utf-8; method={ics.METHOD}")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def _form_response(request, context: dict, *, status: int = 200) -> HttpResponse:
    template = f"{FORM_PAGE}#meeting_form" if request.htmx else FORM_PAGE
    return render(request, template, context, status=status)


def _details_kwargs(data: dict) -> dict:
    return {
        "title": data["title"],
        "starts_at_local": data["starts_at_local"],
        "time_zone": data["time_zone"],
        "duration_minutes": data["duration_minutes"],
        "location": data["location"],
        "link": data["link"],
        "agenda": data["agenda"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not request.GET.get("group"):
        messages.info(request, _("Choose the working group of the new meeting."))
        return redirect("meetings:list")
    group = _group_from_query(request, edit=True)
    action = f"{reverse('meetings:create')}?group={group.slug}"
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    group=group, user=request.user, **_details_kwargs(form.cleaned_data)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return answer_done(
                    request,
                    message=_("Meeting scheduled; the members of %(group)s are invited.")
                    % {"group": group.name},
                    url=_detail_url(meeting),
                )
        status = 422
    else:
        zone = _viewer_time_zone()
        form = MeetingForm(
            initial={
                "time_zone": zone if zone != "UTC" else DEFAULT_TIME_ZONE,
                "duration_minutes": 90,
            }
        )
        status = 200
    context = {"form": form, "group": group, "meeting": None, "action": action}
    return _form_response(request, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting, _access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    context = {
        "group": meeting.group,
        "meeting": meeting,
        "action": reverse("meetings:edit", args=[meeting.pk]),
    }
    if meeting.minutes_state == MinutesState.ADOPTED:
        messages.error(
            request,
            _("The minutes of this meeting are adopted; its details can no longer be changed."),
        )
        return answer_redirect(request, _detail_url(meeting))
    if request.method == "GET":
        form = MeetingEditForm(
            current_time_zone=meeting.time_zone,
            initial={
                "title": meeting.title,
                "starts_at_local": services.meeting_local_start(meeting),
                "time_zone": meeting.time_zone,
                "duration_minutes": meeting.duration_minutes,
                "location": meeting.location,
                "link": meeting.link,
                "agenda": meeting.agenda,
                "version": meeting.version,
            },
        )
        return _form_response(request, {**context, "form": form})
    form = MeetingEditForm(request.POST, current_time_zone=meeting.time_zone)
    if form.is_valid():
        try:
            meeting = services.meeting_update(
                meeting_id=meeting.pk,
                user=request.user,
                version=form.cleaned_data["version"],
                **_details_kwargs(form.cleaned_data),
            )
        except Conflict as conflict:
            current = conflict.current
            data = request.POST.copy()
            data["version"] = str(current.version)
            rebound = MeetingEditForm(data, current_time_zone=current.time_zone)
            rebound.is_valid()
            return _form_response(
                request,
                {
                    **context,
                    "meeting": current,
                    "form": rebound,
                    "conflict": conflict,
                },
                status=409,
            )
        except ValidationError as error:
            if _is_locked(error):
                messages.error(request, error.messages[0])
                return answer_redirect(request, _detail_url(meeting))
            add_service_errors(form, error)
        else:
            return answer_done(
                request, message=_("Meeting details saved."), url=_detail_url(meeting)
            )
    return _form_response(request, {**context, "form": form}, status=422)


# --- attendance ---------------------------------------------------------------------------------


@login_required
@require_POST
def attendance_set(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    form = AttendanceForm(request.POST)

    def render_row(row) -> HttpResponse:
        context = {
            **_base(request, meeting, access),
            "row": row,
            "row_notice": _("Attendance recorded."),
        }
        return render(request, f"{PAGE}#attendance_row", context)

    return _perform(
        request,
        meeting,
        access,
        form=form,
        section="attendance",
        message=_("Attendance recorded."),
        call=lambda data: services.attendance_set(
            meeting_id=meeting.pk,
            user=request.user,
            attendance_id=data["attendance_id"],
            status=data["status"],
        ),
        render_row=render_row,
    )


@login_required
@require_POST
def guest_add(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=GuestForm(request.POST, auto_id="guest_%s"),
        form_key="guest_form",
        shown=("name", "organisation"),
        section="attendance",
        message=_("Guest added."),
        call=lambda data: services.guest_add(
            meeting_id=meeting.pk,
            user=request.user,
            name=data["name"],
            organisation=data["organisation"],
        ),
    )


@login_required
@require_POST
def guest_remove(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=GuestRemoveForm(request.POST),
        section="attendance",
        message=_("Guest removed."),
        call=lambda data: services.guest_remove(
            meeting_id=meeting.pk, user=request.user, attendance_id=data["attendance_id"]
        ),
    )


# --- minutes and decisions ----------------------------------------------------------------------


@login_required
@require_POST
def minutes_update(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    form = MinutesForm(request.POST, auto_id="minutes_%s")

    def on_conflict(conflict: Conflict) -> HttpResponse:
        current = conflict.current
        data = request.POST.copy()
        data["version"] = str(current.version)
        extra = {
            "minutes_form": MinutesForm(data, auto_id="minutes_%s"),
            "conflict": conflict,
        }
        if not request.htmx:
            return _page(request, current, access, status=409, extra=extra)
        return _fragments(request, current, access, "minutes", status=409, extra=extra)

    return _perform(
        request,
        meeting,
        access,
        form=form,
        form_key="minutes_form",
        shown=("minutes",),
        section="minutes",
        message=_("Minutes saved."),
        call=lambda data: services.minutes_update(
            meeting_id=meeting.pk,
            user=request.user,
            version=data["version"],
            minutes=data["minutes"],
        ),
        on_conflict=on_conflict,
        oob=("adoption",),
    )


@login_required
@require_POST
def decision_add(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=DecisionForm(request.POST, auto_id="decision_%s"),
        form_key="decision_form",
        shown=("text",),
        section="decisions",
        message=_("Decision recorded."),
        call=lambda data: services.decision_add(
            meeting_id=meeting.pk, user=request.user, text=data["text"]
        ),
        oob=("adoption",),
    )


@login_required
@require_POST
def decision_remove(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=DecisionRemoveForm(request.POST),
        section="decisions",
        message=_("Decision removed."),
        call=lambda data: services.decision_remove(
            meeting_id=meeting.pk, user=request.user, decision_id=data["decision_id"]
        ),
        oob=("adoption",),
    )


# --- action items -------------------------------------------------------------------------------


@login_required
@require_POST
def action_add(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    form = ActionItemForm(
        request.POST,
        owners=selectors.action_owner_choices(group=meeting.group),
        auto_id="action_%s",
    )
    return _perform(
        request,
        meeting,
        access,
        form=form,
        form_key="action_form",
        shown=("title", "owner", "due_date"),
        section="actions",
        message=_("Action item recorded."),
        call=lambda data: services.action_item_add(
            meeting_id=meeting.pk,
            user=request.user,
            title=data["title"],
            owner_id=data["owner"].pk if data["owner"] else None,
            due_date=data["due_date"],
        ),
    )


@login_required
@require_POST
def action_status(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=ActionStatusForm(request.POST),
        section="actions",
        message=_("Action item updated."),
        call=lambda data: services.action_item_set_status(
            meeting_id=meeting.pk,
            user=request.user,
            action_item_id=data["action_item_id"],
            status=data["status"],
        ),
    )


@login_required
@require_POST
def action_promote(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk, edit=True)
    return _perform(
        request,
        meeting,
        access,
        form=ActionPromoteForm(request.POST),
        section="actions",
        message=_("Milestone created from the action item."),
        call=lambda data: services.action_item_promote(
            action_item_id=data["action_item_id"],
            user=request.user,
            meeting_id=meeting.pk,
            due_date=data["due_date"],
        ),
    )


# --- adoption -----------------------------------------------------------------------------------


@login_required
@require_POST
def minutes_adopt(request, pk: int):
    meeting, access = get_meeting_for_user(user=request.user, pk=pk)
    if access.signing_side is not None:  # others are refused by the service, unasked
        confirmation = minutes_adoption_confirmation(
            meeting=meeting, attendance=selectors.attendance_list(meeting=meeting)
        )
        if answer := confirmation_asked(request, confirmation=confirmation):
            return answer
    form = AdoptForm(request.POST)

    def on_conflict(conflict: Conflict) -> HttpResponse:
        current = conflict.current
        errors = [
            _(
                "The minutes changed after you opened the page: read them again before "
                "adopting them."
            )
        ]
        extra = {"adoption_errors": errors}
        if not request.htmx:
            return _page(request, current, access, status=409, extra=extra)
        return _fragments(
            request, current, access, "adoption", status=409, extra=extra, oob=("minutes",)
        )

    def adopted_message(meeting: Meeting) -> str:
        if meeting.minutes_state == MinutesState.ADOPTED:
            return _("Minutes adopted by both sides; the meeting's record is now locked.")
        return _("Minutes adopted for your side.")

    def locked_sections(meeting: Meeting) -> tuple[str, ...]:
        # The second adoption locks the record: every section loses its edit forms.
        if meeting.minutes_state == MinutesState.ADOPTED:
            return ("header", "minutes", "attendance", "decisions", "actions")
        return ()

    return _perform(
        request,
        meeting,
        access,
        form=form,
        section="adoption",
        message=adopted_message,
        call=lambda data: services.minutes_adopt(
            meeting_id=meeting.pk, user=request.user, version=data["version"]
        ),
        on_conflict=on_conflict,
        oob=locked_sections,
    )
