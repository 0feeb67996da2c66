"""The milestones workspace: the list (with an inline edit form per row), the create page,
the detail page, and the POST endpoints behind their forms.

Every POST works two ways. With HTMX it answers with a fragment of the page it came from:
200 with the updated piece, 422 with the form and its errors, 409 with the conflict (who
changed the milestone and when, their values and yours). Without JavaScript it answers
with a redirect back to the page (PRG) and a message, or — when something needs fixing —
the full detail page with the same panel, at 422 or 409.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.charter.access import GroupAccess, get_group_for_user
from apps.charter.models import Membership, SignOffSide, WorkingGroup
from apps.core.answers import answer_done, answer_refused
from apps.core.confirm import confirmation_asked, is_confirmed
from apps.core.conflict import Conflict
from apps.core.forms import add_service_errors
from apps.core.lists import FirstOf
from apps.core.redirects import safe_next_url
from apps.core.time import today_for
from apps.milestones import limits, selectors, services
from apps.milestones.access import (
    OWNER_ROLES,
    can_change,
    can_remove_evidence,
    can_sign,
    get_evidence_for_user,
    get_milestone_for_user,
)
from apps.milestones.confirmations import decline_confirmation, evidence_removal_confirmation
from apps.milestones.forms import (
    DeclineForm,
    EvidenceForm,
    MilestoneCreateForm,
    MilestoneFilterForm,
    MilestonePostForm,
    MilestoneUpdateForm,
    owner_email,
    owner_label,
)
from apps.milestones.models import Milestone, Status

LIST = "milestones/list.html"
DETAIL = "milestones/detail.html"
CREATE = "milestones/create.html"
ROW_EDIT = "milestones/row_edit.html"

#: The detail page's panels: partial name → the element id a 422/409 fragment replaces.
PANELS = {
    "update_panel": "#update-panel",
    "signoff_panel": "#signoff",
    "evidence_panel": "#evidence-panel",
}
#: The forms that were two panels before and are now the one "Post an update" form (the
#: list's inline edit still answers a failed plain post with the detail page's form).
MERGED_PANELS = {"edit_panel": "update_panel", "log_panel": "update_panel"}
MERGED_STATES = {"edit": "update", "log": "update"}


# --- helpers --------------------------------------------------------------------------------


def _detail_url(pk: int) -> str:
    return reverse("milestones:detail", args=[pk])


def _access_from(user, group, memberships: dict[int, Membership]) -> GroupAccess:
    membership = memberships.get(group.pk)
    return GroupAccess(
        group=group,
        role=membership.role if membership else None,
        side=membership.side if membership else None,
        is_staff=bool(user.is_active and user.is_staff),
    )


def status_choices(access: GroupAccess, milestone: Milestone) -> list[tuple[str, str]]:
    """The statuses this user may pick for this milestone. "Done" asks for sign-off, and
    only co-chairs and staff may cancel."""
    choices = []
    for value, label in Status.choices:
        if value == Status.CANCELLED and not access.can_manage and milestone.status != value:
            continue
        if value == Status.DONE and milestone.status != Status.DONE:
            label = _("Done (asks both co-chairs to sign off)")
        choices.append((value, label))
    return choices


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class FormState:
    """What a form on the page shows: its values, errors, the version it carries and,
    after a stale save, the conflict."""

    values: dict[str, Any]
    version: int | None = None
    errors: dict[str, Any] = field(default_factory=dict)
    non_field: list[str] = field(default_factory=list)
    conflict: Conflict | None = None

    @classmethod
    def of(cls, form: Form, *, conflict: Conflict | None = None) -> "FormState":
        hidden = {"version", "next", "fragment", NON_FIELD_ERRORS}
        errors = {name: errs for name, errs in form.errors.items() if name not in hidden}
        non_field = [str(message) for name in hidden for message in form.errors.get(name, [])]
        return cls(
            values={name: form.data.get(name, "") for name in form.fields if name != "file"},
            # After a conflict the form carries the current version, so saving again
            # (deliberately) puts the user's values over the other person's.
            version=conflict.current.version if conflict else _int(form.data.get("version")),
            errors=errors,
            non_field=non_field,
            conflict=conflict,
        )


def _edit_values(milestone: Milestone) -> FormState:
    return FormState(
        values={
            "status": milestone.status,
            "progress": milestone.progress,
            "due_date": milestone.due_date.isoformat(),
            "owner": milestone.owner.email if milestone.owner else "",
            "note": "",
        },
        version=milestone.version,
    )


@dataclass
class OwnerField:
    """The owner field of a form: without JavaScript a <select> of the group's possible
    owners (the first ``OWNER_SELECT_LIMIT``; past that, a search that reloads the form), with
    htmx a text input whose suggestions come from ``milestones:owner_search``."""

    group: WorkingGroup
    field_id: str
    value: str  # what the form holds: an address, or "Name <address>"
    options: FirstOf
    searchable: bool = False  # render the htmx text input straight away
    invalid: bool = False
    search: str = ""  # what was searched for without JavaScript
    extra: dict[str, str] | None = None  # the current owner, when not among ``options``

    @property
    def selected(self) -> str:
        return owner_email(self.value).lower()

    @property
    def label(self) -> str:
        """The value as the text input shows it: "Name <address>" for a known person."""
        for person in self.options:
            if person.email.lower() == self.selected:
                return owner_label(name=person.display_name, email=person.email)
        return self.extra["label_value"] if self.extra else self.value


def owner_field(
    *,
    group: WorkingGroup,
    field_id: str,
    value: str,
    current: Any = None,
    searchable: bool = False,
    invalid: bool = False,
    search: str = "",
) -> OwnerField:
    """``current``: the milestone's owner now (a User), shown even if they have left."""
    limit = selectors.OWNER_SEARCH_LIMIT if searchable else selectors.OWNER_SELECT_LIMIT
    options = selectors.owner_options(group=group, q=search, limit=limit)
    field_ = OwnerField(
        group=group,
        field_id=field_id,
        value=value or "",
        options=options,
        searchable=searchable,
        invalid=invalid,
        search=search,
    )
    chosen = field_.selected
    if chosen and chosen not in {person.email.lower() for person in options}:
        if current is not None and current.email.lower() == chosen:
            field_.extra = {
                "value": current.email,
                "label": _("%(name)s (no longer a member of the group)")
                % {"name": current.get_full_name()},
                "label_value": owner_label(name=current.get_full_name(), email=current.email),
            }
        else:
            value = field_.value
            field_.extra = {"value": value, "label": value, "label_value": value}
    return field_


@dataclass
class Row:
    """One milestone in the list: read-only, or (``owner`` set) its edit form."""

    m: Milestone
    editable: bool
    choices: list[tuple[str, str]]
    form: FormState
    overdue: bool
    flash: str = ""
    owner: OwnerField | None = None

    @property
    def editing(self) -> bool:
        return self.owner is not None


def _row(
    milestone: Milestone,
    access: GroupAccess,
    today: datetime.date,
    *,
    form: FormState | None = None,
    flash: str = "",
    editing: bool = False,
    searchable: bool = False,
    search: str = "",
) -> Row:
    editable = can_change(access, milestone)
    form = form or _edit_values(milestone)
    owner = None
    if editing and editable:
        owner = owner_field(
            group=milestone.group,
            field_id=f"row-{milestone.pk}-owner",
            value=str(form.values.get("owner") or ""),
            current=milestone.owner,
            searchable=searchable,
            invalid="owner" in form.errors,
            search=search,
        )
    return Row(
        m=milestone,
        editable=editable,
        choices=status_choices(access, milestone) if editable else [],
        form=form,
        overdue=milestone.is_overdue(today),
        flash=flash,
        owner=owner,
    )


def _row_response(
    request: HttpRequest,
    milestone_id: int,
    access: GroupAccess,
    next_url: str,
    *,
    form: FormState | None = None,
    flash: str = "",
    status: int = 200,
) -> HttpResponse:
    """The list row (htmx): read-only, or its edit form again when ``form`` has a problem."""
    try:
        milestone = selectors.milestone_row(milestone_id=milestone_id)
    except Milestone.DoesNotExist as error:  # deleted a moment ago
        raise Http404("No such milestone") from error
    editing = form is not None and bool(form.errors or form.non_field or form.conflict)
    row = _row(
        milestone,
        access,
        today_for(request.user),
        form=form,
        flash=flash,
        editing=editing,
        searchable=True,
    )
    context = {"row": row, "next": next_url, "limits": limits}
    return render(request, f"{LIST}#row", context, status=status)


def _owner_extra(value: str, owners: list, milestone: Milestone) -> dict[str, str] | None:
    """An owner the select must still show though they are not among the group's possible
    owners: the current owner who has left the group, or an address just typed in."""
    if not value or value.lower() in {person.email.lower() for person in owners}:
        return None
    if milestone.owner and milestone.owner.email.lower() == value.lower():
        label = _("%(name)s (no longer a member of the group)") % {
            "name": milestone.owner.get_full_name()
        }
        return {"value": value, "label": label}
    return {"value": value, "label": value}


def _detail_context(
    request: HttpRequest,
    milestone_id: int,
    access: GroupAccess,
    *,
    next_url: str | None = None,
    flash: dict[str, str] | None = None,
    **states: FormState,
) -> dict[str, Any]:
    """The detail page. ``flash``: ``{"panel": ..., "message": ...}``, the success banner
    shown inside the panel that was used ("update", "signoff" or "evidence")."""
    user = request.user
    try:
        milestone = selectors.milestone_detail(milestone_id=milestone_id)
    except Milestone.DoesNotExist as error:  # deleted a moment ago
        raise Http404("No such milestone") from error
    for name, merged in MERGED_STATES.items():
        if name in states:
            states.setdefault(merged, states.pop(name))
    changeable = can_change(access, milestone)
    for evidence in milestone.evidence_list:
        evidence.removable = can_remove_evidence(user=user, access=access, evidence=evidence)
        evidence.confirmation = (
            evidence_removal_confirmation(evidence=evidence) if evidence.removable else None
        )
    signed = {signoff.side: signoff for signoff in milestone.signoff_list}
    my_side = access.signing_side
    awaiting = milestone.status == Status.AWAITING_SIGNOFF
    cochairs = selectors.cochairs_by_side(group=milestone.group) if awaiting else {}
    owners = selectors.owner_choices(group=milestone.group) if changeable else []
    update = states.get("update") or _edit_values(milestone)
    can_decline = awaiting and can_sign(access)
    sides = [
        {
            "value": value,
            "label": label,
            "signoff": signed.get(value),
            "cochair": cochairs.get(value),
        }
        for value, label in SignOffSide.choices
    ]
    return {
        "m": milestone,
        "access": access,
        "owner_extra": _owner_extra(update.values.get("owner") or "", owners, milestone),
        "can_change": changeable,
        "can_log": access.can_edit,
        "can_add_evidence": changeable,
        "owners": owners,
        "status_choices": status_choices(access, milestone) if changeable else [],
        "sides": sides,
        "unsigned": [side for side in sides if side["signoff"] is None],
        "my_side_label": SignOffSide(my_side).label if my_side in SignOffSide.values else "",
        "can_sign_now": awaiting and can_sign(access) and my_side not in signed,
        "can_decline": can_decline,
        "decline_confirmation": decline_confirmation(
            milestone=milestone,
            signoffs=milestone.signoff_list,
            progress=services.progress_after_decline(
                milestone=milestone, entries=milestone.timeline
            ),
        )
        if can_decline
        else None,
        "today": today_for(user),
        "limits": limits,
        "next": next_url or _detail_url(milestone_id),
        "flash": flash or {},
        "update": update,
        "signoff": states.get("signoff") or FormState(values={"reason": ""}),
        "evidence": states.get("evidence") or FormState(values={"title": "", "url": ""}),
    }


def _panel_failed(
    request: HttpRequest,
    milestone_id: int,
    access: GroupAccess,
    *,
    panel: str,
    state_name: str,
    state: FormState,
    status: int,
    next_url: str | None = None,
) -> HttpResponse:
    """422/409: the panel with its form (HTMX), or the whole page showing it (no JS)."""
    panel = MERGED_PANELS.get(panel, panel)
    context = _detail_context(
        request, milestone_id, access, next_url=next_url, **{state_name: state}
    )
    return answer_refused(
        request,
        page=DETAIL,
        fragment=f"{DETAIL}#{panel}",
        context=context,
        target=PANELS[panel],
        status=status,
    )


def _done(
    request: HttpRequest,
    message: str,
    next_url: str,
    milestone_id: int,
    access,
    *,
    panel: str = "update",
):
    """Success: the refreshed workspace with the message in a banner inside ``panel``, the
    one that was used (HTMX), or a redirect back with a message (PRG)."""
    return answer_done(
        request,
        message=message,
        url=next_url,
        fragment=f"{DETAIL}#workspace",
        context=lambda: _detail_context(
            request, milestone_id, access, flash={"panel": panel, "message": message}
        ),
    )


# --- pages ----------------------------------------------------------------------------------


def _filter_tags(request: HttpRequest, form: MilestoneFilterForm) -> list[dict[str, str]]:
    """The chosen filters, each with the list's address without it (and back on page 1)."""
    tags = []
    base = reverse("milestones:list")

    def without(name: str, value: str | None = None) -> str:
        params = request.GET.copy()
        params.pop("page", None)
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        return f"{base}?{params.urlencode()}" if params else base

    for name, value in form.filters.items():
        if name == "ordering" or value in (None, "", [], False):
            continue
        field_ = form.fields[name]
        label = str(field_.label)
        if name == "status":
            for status in value:
                text = _("%(filter)s: %(value)s") % {
                    "filter": label,
                    "value": Status.label_of(status),
                }
                tags.append({"label": text, "url": without(name, status)})
            continue
        if value is True:
            text = label
        elif isinstance(value, datetime.date):
            text = _("%(filter)s: %(value)s") % {
                "filter": label,
                "value": date_format(value, "DATE_FORMAT"),
            }
        else:
            shown = dict(getattr(field_, "choices", ())).get(str(value), value)
            text = _("%(filter)s: %(value)s") % {"filter": label, "value": shown}
        tags.append({"label": text, "url": without(name)})
    return tags


@login_required
@require_safe
def milestone_list(request: HttpRequest) -> HttpResponse:
    """Read-only rows; each one the reader may change has an Edit link that opens its form
    in place (htmx) or on a page of its own (``milestone_row_edit``)."""
    user = request.user
    groups = list(selectors.filter_groups(user=user))
    owner = None
    owner_param = request.GET.get("owner", "")
    if owner_param.isdigit():
        owner = selectors.filter_owner(user_id=int(owner_param), groups=groups)
    form = MilestoneFilterForm(
        request.GET, groups=groups, sections=selectors.filter_sections(), owner=owner
    )
    if not form.is_valid():
        labels = ", ".join(
            str(form.fields[name].label) for name in form.errors if name in form.fields
        )
        messages.warning(
            request,
            _("Some filters could not be used and were left out: %(filters)s.")
            % {"filters": labels},
        )
    queryset = selectors.milestone_list(user=user, filters=form.filters, groups=groups)
    page = selectors.milestone_page(queryset, request.GET.get("page"))
    memberships = selectors.memberships_by_group(user=user)
    today = today_for(user)
    rows = [
        _row(milestone, _access_from(user, milestone.group, memberships), today)
        for milestone in page.object_list
    ]
    is_staff = bool(user.is_active and user.is_staff)
    can_create = is_staff or any(
        membership.role in OWNER_ROLES for membership in memberships.values()
    )
    # "New milestone" goes straight to the filtered group when the user may add to it.
    create_group = ""
    filtered_group = next((g for g in groups if g.slug == form.filters.get("group")), None)
    if filtered_group is not None and (
        is_staff or getattr(memberships.get(filtered_group.pk), "role", None) in OWNER_ROLES
    ):
        create_group = filtered_group.slug
    tags = _filter_tags(request, form)
    return render(
        request,
        LIST,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "limits": limits,
            "next": request.get_full_path(),
            "can_create": can_create,
            "create_group": create_group,
            "filter_tags": tags,
            "filtered": bool(tags),
            "filters_open": bool(form.errors),
        },
    )


def _row_access(request: HttpRequest, pk: int) -> tuple[Milestone, GroupAccess]:
    """The milestone a list row edits, for a user who may change it (else 403/404)."""
    milestone, access = get_milestone_for_user(user=request.user, pk=pk, edit=True)
    if not can_change(access, milestone):
        raise PermissionDenied(_("Only a co-chair or staff can change a closed milestone."))
    return milestone, access


def _list_next(request: HttpRequest) -> str:
    return safe_next_url(request, reverse("milestones:list"))


@login_required
@require_safe
def milestone_row(request: HttpRequest, pk: int) -> HttpResponse:
    """A list row, read-only (the edit form's Cancel, with htmx); without JavaScript there is
    no row to show on its own, so back to the list."""
    milestone, access = get_milestone_for_user(user=request.user, pk=pk)
    next_url = _list_next(request)
    if not request.htmx:
        return redirect(next_url)
    return _row_response(request, milestone.pk, access, next_url)


def _row_edit_answer(
    request: HttpRequest,
    milestone: Milestone,
    access: GroupAccess,
    next_url: str,
    *,
    form: FormState | None = None,
    search: str = "",
    status: int = 200,
) -> HttpResponse:
    """The row's edit form: in the row (htmx), or on a page of its own."""
    row = _row(
        milestone,
        access,
        today_for(request.user),
        form=form,
        editing=True,
        searchable=bool(request.htmx),
        search=search,
    )
    context = {"row": row, "next": next_url, "limits": limits}
    template = f"{LIST}#row" if request.htmx else ROW_EDIT
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one row's status, progress, due date and owner; the same service, version check
    and conflict display as the detail page. Saved: the read-only row with "Saved." (htmx),
    or back to the list with its filters (PRG)."""
    milestone, access = _row_access(request, pk)
    next_url = _list_next(request)
    if request.method != "POST":
        return _row_edit_answer(request, milestone, access, next_url)
    form = MilestoneUpdateForm(request.POST, milestone=milestone)
    if request.POST.get("find_owner"):
        # Without JavaScript, in a group too large for one <select>: search, keep the rest.
        form.is_valid()
        state = FormState.of(form)
        state.errors, state.non_field = {}, []
        search = (request.POST.get("owner_search") or "").strip()[:100]
        return _row_edit_answer(request, milestone, access, next_url, form=state, search=search)
    conflict = None
    if form.is_valid():
        changes = form.changes()
        try:
            updated = services.milestone_update(
                milestone_id=pk,
                user=request.user,
                version=form.cleaned_data["version"],
                **changes,
            )
        except Conflict as error:
            conflict = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("Saved.")
            if changes["status"] == Status.DONE and updated.status == Status.AWAITING_SIGNOFF:
                message = _("Marked done: now awaiting sign-off by both co-chairs.")
            if request.htmx:
                return _row_response(request, pk, access, next_url, flash=message)
            return answer_done(request, message=message, url=next_url)
    state = FormState.of(form, conflict=conflict)
    return _row_edit_answer(
        request, milestone, access, next_url, form=state, status=409 if conflict else 422
    )


@login_required
@require_safe
def owner_search(request: HttpRequest) -> HttpResponse:
    """Who may own a milestone of ``?group=``, matching ``?q=`` (or the owner field's own
    ``owner``, as htmx sends it): up to 20 <option>s for the owner field's <datalist>. With
    ``?field=<id>``: the whole htmx owner field instead, for a page that was loaded with the
    <select> (``value``: what the field holds; ``invalid``: it has an error). For the group's
    editors only."""
    group, _access = get_group_for_user(
        user=request.user, slug=request.GET.get("group", ""), edit=True
    )
    field_id = request.GET.get("field", "")
    if field_id:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,60}", field_id):
            raise Http404("No such field")
        owner = owner_field(
            group=group,
            field_id=field_id,
            value=request.GET.get("value", "")[:500],
            searchable=True,
            invalid=request.GET.get("invalid") == "1",
        )
        return render(request, "milestones/_owner_field.html", {"owner": owner})
    text = request.GET.get("q", request.GET.get("owner", ""))[:200]
    if "<" in text:  # a suggestion taken and then edited: search for its name part
        text = text.split("<", 1)[0]
    options = selectors.owner_options(group=group, q=text, limit=selectors.OWNER_SEARCH_LIMIT)
    return render(request, "milestones/_owner_field.html#options", {"options": options})


@login_required
@require_safe
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, access = get_milestone_for_user(user=request.user, pk=pk)
    return render(request, DETAIL, _detail_context(request, milestone.pk, access))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_create(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("group", "")
    if not slug:
        groups = selectors.editable_groups(user=request.user)
        return render(request, CREATE, {"groups": groups, "form": None})
    group, _access = get_group_for_user(user=request.user, slug=slug, edit=True)
    posted = request.method == "POST"
    form = MilestoneCreateForm(request.POST if posted else None, group=group)
    status = 200
    search = ""
    if posted and request.POST.get("find_owner"):
        # Without JavaScript, in a group too large for one <select>: search, keep the rest.
        search = (request.POST.get("owner_search") or "").strip()[:100]
        form = MilestoneCreateForm(initial=request.POST.dict(), group=group)
    elif posted:
        if form.is_valid():
            data = form.cleaned_data
            try:
                milestone = services.milestone_create(
                    group=group,
                    title=data["title"],
                    due_date=data["due_date"],
                    user=request.user,
                    owner=data["owner"],
                    description=data["description"],
                    section=data["section"],
                    external_ref=data["external_ref"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return answer_done(
                    request, message=_("Milestone created."), url=_detail_url(milestone.pk)
                )
        status = 422
    owner = owner_field(
        group=group,
        field_id="id_owner",
        value=(request.POST.get("owner") or "") if posted else "",
        searchable=bool(request.htmx),
        invalid=bool(form.is_bound and form.errors.get("owner")),
        search=search,
    )
    template = f"{CREATE}#create_form" if request.htmx and posted else CREATE
    context = {"group": group, "form": form, "owner": owner}
    return render(request, template, context, status=status)


# --- POST endpoints -------------------------------------------------------------------------


@login_required
@require_POST
def milestone_update(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, access = get_milestone_for_user(user=request.user, pk=pk, edit=True)
    fragment = "row" if request.POST.get("fragment") == "row" else "detail"
    next_url = safe_next_url(request, _detail_url(pk))
    form = MilestoneUpdateForm(request.POST, milestone=milestone)
    conflict = None
    if form.is_valid():
        changes = form.changes()
        try:
            updated = services.milestone_update(
                milestone_id=pk,
                user=request.user,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                **changes,
            )
        except Conflict as error:
            conflict = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("Saved.")
            if changes["status"] == Status.DONE and updated.status == Status.AWAITING_SIGNOFF:
                message = _("Marked done: now awaiting sign-off by both co-chairs.")
            if request.htmx and fragment == "row":
                return _row_response(request, pk, access, next_url, flash=message)
            return _done(request, message, next_url, pk, access)
    state = FormState.of(form, conflict=conflict)
    status = 409 if conflict else 422
    if request.htmx and fragment == "row":
        return _row_response(request, pk, access, next_url, form=state, status=status)
    return _panel_failed(
        request,
        pk,
        access,
        panel="edit_panel",
        state_name="edit",
        state=state,
        status=status,
        next_url=next_url,
    )


@login_required
@require_POST
def milestone_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The detail page's one "Post an update" form: a note, and for those who may, a new
    status, progress, due date or owner. A note with no other change (or with a status or
    progress change only) is logged as progress (``milestone_log_progress``, a note alone
    accepted whatever version the form carries); a due date or owner change, or a change
    without a note, is an edit (``milestone_update``). Either checks the version."""
    milestone, access = get_milestone_for_user(user=request.user, pk=pk, edit=True)
    next_url = safe_next_url(request, _detail_url(pk))
    form = MilestonePostForm(request.POST, milestone=milestone)
    conflict = None
    if form.is_valid():
        changes = form.changes()
        note = form.cleaned_data["note"].strip()
        version = form.cleaned_data["version"]
        try:
            if not changes and not note:
                raise ValidationError(
                    {"note": _("Write a note, or change the status, progress, due date or owner.")}
                )
            if note and not {"due_date", "owner"} & set(changes):
                updated = services.milestone_log_progress(
                    milestone_id=pk, user=request.user, version=version, note=note, **changes
                )
                message = _("Progress logged.")
            else:
                updated = services.milestone_update(
                    milestone_id=pk, user=request.user, version=version, note=note, **changes
                )
                message = _("Saved.")
        except Conflict as error:
            conflict = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changes.get("status") == Status.DONE and updated.status == Status.AWAITING_SIGNOFF:
                message = _("Marked done: now awaiting sign-off by both co-chairs.")
            return _done(request, message, next_url, pk, access)
    return _panel_failed(
        request,
        pk,
        access,
        panel="update_panel",
        state_name="update",
        state=FormState.of(form, conflict=conflict),
        status=409 if conflict else 422,
        next_url=next_url,
    )


def _signing_access(request: HttpRequest, pk: int) -> GroupAccess:
    _milestone, access = get_milestone_for_user(user=request.user, pk=pk)
    if not can_sign(access):
        raise PermissionDenied(_("Only a co-chair of this group can sign off, for their own side."))
    return access


@login_required
@require_POST
def milestone_sign(request: HttpRequest, pk: int) -> HttpResponse:
    access = _signing_access(request, pk)
    next_url = safe_next_url(request, _detail_url(pk))
    try:
        milestone = services.milestone_sign_off(milestone_id=pk, user=request.user)
    except ValidationError as error:
        return _panel_failed(
            request,
            pk,
            access,
            panel="signoff_panel",
            state_name="signoff",
            state=FormState(values={"reason": ""}, non_field=list(error.messages)),
            status=422,
            next_url=next_url,
        )
    if milestone.status == Status.DONE:
        message = _("Both sides have signed off: the milestone is done.")
    else:
        message = _("Signed off for %(side)s. Waiting for the other side.") % {
            "side": SignOffSide(access.signing_side).label
        }
    return _done(request, message, next_url, pk, access, panel="signoff")


@login_required
@require_POST
def milestone_decline(request: HttpRequest, pk: int) -> HttpResponse:
    access = _signing_access(request, pk)
    next_url = safe_next_url(request, _detail_url(pk))
    form = DeclineForm(request.POST)
    if form.is_valid():
        if not is_confirmed(request):
            # Ask first, saying whose signatures this withdraws; a milestone no longer
            # awaiting sign-off goes on to the service, which says why it cannot be declined.
            milestone = selectors.milestone_signoffs(milestone_id=pk)
            if milestone.status == Status.AWAITING_SIGNOFF:
                confirmation = decline_confirmation(
                    milestone=milestone, signoffs=milestone.signoff_list
                )
                return confirmation_asked(request, confirmation=confirmation)
        try:
            services.milestone_decline(
                milestone_id=pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                _("Sign-off declined: the milestone is back in progress."),
                next_url,
                pk,
                access,
                panel="signoff",
            )
    return _panel_failed(
        request,
        pk,
        access,
        panel="signoff_panel",
        state_name="signoff",
        state=FormState.of(form),
        status=422,
        next_url=next_url,
    )


class EvidenceSizeLimit(FileUploadHandler):
    """Stop reading an upload as soon as it passes the evidence size limit, instead of
    spooling a huge file to disk only to refuse it afterwards."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > services.EVIDENCE_MAX_BYTES:
            self.request.evidence_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # checked by csrf_protect below, once the size limit is in place
@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    # The upload handlers must be set before anything reads request.POST, which the
    # CSRF middleware would do; hence csrf_exempt here and csrf_protect just below.
    request.upload_handlers.insert(0, EvidenceSizeLimit(request))
    return _evidence_add(request, pk)


@csrf_protect
def _evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    _milestone, access = get_milestone_for_user(user=request.user, pk=pk, edit=True)
    next_url = safe_next_url(request, _detail_url(pk))
    form = EvidenceForm(request.POST, request.FILES)
    if getattr(request, "evidence_too_large", False):
        form.add_error(
            "file", _("The file is larger than 10 MB. Upload a smaller file or add a link.")
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(
                milestone_id=pk,
                user=request.user,
                title=data["title"],
                url=data["url"],
                file=data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, _("Evidence added."), next_url, pk, access, panel="evidence")
    return _panel_failed(
        request,
        pk,
        access,
        panel="evidence_panel",
        state_name="evidence",
        state=FormState.of(form),
        status=422,
        next_url=next_url,
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = get_evidence_for_user(user=request.user, pk=pk, edit=True)
    milestone_id = evidence.milestone_id
    if not can_remove_evidence(user=request.user, access=access, evidence=evidence):
        raise PermissionDenied(_("Only whoever added it, a co-chair or staff can remove this."))
    next_url = safe_next_url(request, _detail_url(milestone_id))
    if answer := confirmation_asked(
        request, confirmation=evidence_removal_confirmation(evidence=evidence)
    ):
        return answer
    try:
        services.evidence_remove(evidence_id=pk, user=request.user)
    except ValidationError as error:
        return _panel_failed(
            request,
            milestone_id,
            access,
            panel="evidence_panel",
            state_name="evidence",
            state=FormState(values={"title": "", "url": ""}, non_field=list(error.messages)),
            status=422,
            next_url=next_url,
        )
    return _done(request, _("Evidence removed."), next_url, milestone_id, access, panel="evidence")


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to whoever may see the milestone; always as an attachment, with the
    content type the upload was checked to be, never sniffed by the browser."""
    evidence, _access = get_evidence_for_user(user=request.user, pk=pk)
    if not evidence.file:
        raise Http404("This evidence is a link, not a file")
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The file is missing") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_filename or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
