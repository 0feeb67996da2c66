"""Milestone CSV export (any filtered list) and the roadmap import page.

The import page works in two steps: upload → preview (every error with line and column,
or what would be created / changed / left alone, and what confirming would empty), then
Confirm → import, answered with a banner that links to the imported groups' milestones (kept
in the session across the redirect without JavaScript). The page names columns and statuses
by their labels; the file keeps its machine-stable headers and values, and the template the
page offers (``milestones_import_template``) has them plus one example row. The uploaded file
is kept in the session between the steps, named by its SHA-256; the confirmation carries
that hash and the plan's fingerprint, and the file is validated again before anything is
written. If the milestones changed since the preview, the confirmation answers 409 with the
new preview.
"""

import base64
import hashlib
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.time import today_for
from apps.milestones import selectors
from apps.milestones.forms import MilestoneFilterForm
from apps.milestones.models import Status
from apps.milestones.roadmap_csv import (
    COLUMN_LABELS,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    write_roadmap,
)
from apps.milestones.roadmap_import import (
    ImportPlan,
    RoadmapInvalid,
    can_import,
    example_milestone,
    roadmap_import,
    roadmap_plan,
)

IMPORT = "milestones/import.html"
SESSION_KEY = "roadmap_import"
#: The result of the last confirmed import, shown once on the page the confirmation
#: redirects to (without JavaScript).
DONE_KEY = "roadmap_import_done"
TEMPLATE_FILENAME = "milestones-template.csv"

#: What goes in each column, for the page's table of columns.
COLUMN_HINTS = {
    "external_ref": gettext_lazy(
        "Required. Your own identifier for the milestone, for example EN-1. Importing a row "
        "with the same reference again updates that milestone."
    ),
    "group": gettext_lazy("Required. The group's short name, for example energy."),
    "section": gettext_lazy("The charter section's short name; blank for the group's own."),
    "title": gettext_lazy("Required."),
    "description": gettext_lazy("A blank cell empties the milestone's description."),
    "owner_email": gettext_lazy(
        "The owner's email address; a blank cell leaves the milestone without an owner."
    ),
    "due_date": gettext_lazy("Required, written as YYYY-MM-DD, for example 2026-06-30."),
    "status": gettext_lazy("Required: one of the values below."),
    "progress": gettext_lazy("Required: a whole number from 0 to 100."),
}


@login_required
@require_safe
def milestones_export(request: HttpRequest) -> StreamingHttpResponse:
    """Exactly the milestones the list shows for the same query string (every page)."""
    user = request.user
    groups = list(selectors.filter_groups(user=user))
    owner = None
    owner_param = request.GET.get("owner", "")
    if owner_param.isdigit():
        owner = selectors.filter_owner(user_id=int(owner_param), groups=groups)
    form = MilestoneFilterForm(
        request.GET, groups=groups, sections=selectors.filter_sections(), owner=owner
    )
    queryset = selectors.milestone_list(user=user, filters=form.filters, groups=groups)
    response = StreamingHttpResponse(
        write_roadmap(queryset.iterator(chunk_size=2000)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"milestones-{today_for(user).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_safe
def milestones_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV file to fill in: the header row the import reads and one example row (in a
    group the user may import into), written exactly as an export writes milestones."""
    if not can_import(user=request.user):
        raise PermissionDenied(_("Only co-chairs and staff can import milestones."))
    example = example_milestone(user=request.user, today=today_for(request.user))
    response = HttpResponse(
        b"".join(write_roadmap([example] if example else [])),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


TOO_LARGE = gettext_lazy("The file is larger than 2 MB. Split it into smaller files.")


class UploadForm(forms.Form):
    """The roadmap file: a ``.csv`` of at most 2 MB. The browser's declared content type is
    ignored (Excel on Windows declares CSV as ``application/vnd.ms-excel``); the content is
    checked by the parser (UTF-8 text, no NUL bytes, the expected columns)."""

    file = forms.FileField(
        label=gettext_lazy("Roadmap file (CSV)"),
        error_messages={
            "required": gettext_lazy("Choose a CSV file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(
                _("Choose a .csv file (in Excel: Save As, then “CSV UTF-8”)."), code="file_type"
            )
        if file.size > MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE, code="file_size")
        return file


class RoadmapSizeLimit(FileUploadHandler):
    """Stop reading an upload as soon as it passes the import's size limit, instead of
    spooling a huge file to disk only to refuse it afterwards."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > MAX_BYTES:
            self.request.roadmap_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, min_length=64)
    plan = forms.CharField(max_length=64, min_length=64)


def _consequences(plan: ImportPlan) -> list[str]:
    """What confirming ``plan`` would do, one sentence a consequence."""
    sentences = []
    if plan.created:
        sentences.append(
            ngettext(
                "%(count)s milestone will be created.",
                "%(count)s milestones will be created.",
                plan.created,
            )
            % {"count": plan.created}
        )
    if plan.updated:
        sentences.append(
            ngettext(
                "%(count)s milestone will be updated.",
                "%(count)s milestones will be updated.",
                plan.updated,
            )
            % {"count": plan.updated}
        )
    for name, count in plan.emptied().items():
        if name == "description":
            text = ngettext(
                "%(count)s description will be emptied.",
                "%(count)s descriptions will be emptied.",
                count,
            )
        elif name == "owner":
            text = ngettext(
                "%(count)s milestone will lose its owner.",
                "%(count)s milestones will lose their owner.",
                count,
            )
        else:
            text = ngettext(
                "%(count)s value of “%(column)s” will be emptied.",
                "%(count)s values of “%(column)s” will be emptied.",
                count,
            )
        sentences.append(text % {"count": count, "column": COLUMN_LABELS.get(name, name)})
    return sentences


def _done(result: dict) -> dict:
    """The banner of a confirmed import, from what ``_confirm`` keeps (plain data, so it can
    wait in the session for the redirect)."""
    list_url = reverse("milestones:list")
    return {
        "message": _(
            "Import done: %(created)s created, %(updated)s changed, %(unchanged)s unchanged."
        )
        % result,
        "groups": [
            {"name": name, "url": f"{list_url}?{urlencode({'group': slug})}"}
            for slug, name in result["groups"]
        ],
    }


def _context(**extra) -> dict:
    plan = extra.get("plan")
    return {
        "columns": [
            {"name": name, "label": COLUMN_LABELS[name], "hint": COLUMN_HINTS[name]}
            for name in COLUMNS
        ],
        "statuses": Status.choices,
        "consequences": _consequences(plan) if plan is not None and plan.is_valid else [],
        "max_rows": MAX_ROWS,
        "upload": UploadForm(),
        "plan": None,
        "token": "",
        "filename": "",
        "result": None,
        "problem": "",
        **extra,
    }


def _page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    template = f"{IMPORT}#panel" if request.htmx else IMPORT
    return render(request, template, _context(**context), status=status)


def _stored(request: HttpRequest) -> tuple[bytes, str, str] | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        content = base64.b64decode(stored["content"])
        return content, stored["token"], stored.get("filename", "")
    except (KeyError, ValueError, TypeError):
        return None


def _preview(request, content: bytes, filename: str) -> HttpResponse:
    token = hashlib.sha256(content).hexdigest()
    plan = roadmap_plan(content=content, user=request.user)
    if not plan.is_valid:
        request.session.pop(SESSION_KEY, None)
        return _page(request, {"plan": plan, "filename": filename}, status=422)
    request.session[SESSION_KEY] = {
        "token": token,
        "filename": filename,
        "content": base64.b64encode(content).decode("ascii"),
    }
    return _page(request, {"plan": plan, "token": token, "filename": filename})


def _confirm(request) -> HttpResponse:
    form = ConfirmForm(request.POST)
    stored = _stored(request)
    if not form.is_valid() or stored is None or stored[1] != form.cleaned_data["token"]:
        return _page(
            request,
            {
                "problem": _(
                    "This preview is out of date or was replaced by another upload. "
                    "Upload the file again."
                )
            },
            status=409,
        )
    content, token, filename = stored
    plan: ImportPlan = roadmap_plan(content=content, user=request.user)
    if plan.fingerprint != form.cleaned_data["plan"]:
        status = 409 if plan.is_valid else 422
        return _page(
            request,
            {
                "plan": plan,
                "token": token if plan.is_valid else "",
                "filename": filename,
                "problem": _(
                    "The milestones changed since your preview. Check the new preview and "
                    "confirm again."
                ),
            },
            status=status,
        )
    try:
        plan = roadmap_import(content=content, user=request.user)
    except RoadmapInvalid as invalid:
        return _page(request, {"plan": invalid.plan, "filename": filename}, status=422)
    request.session.pop(SESSION_KEY, None)
    result = {
        "created": plan.created,
        "updated": plan.updated,
        "unchanged": plan.unchanged,
        "groups": [[group.slug, group.name] for group in plan.groups()],
    }
    if request.htmx:
        return _page(request, {"result": _done(result)})
    request.session[DONE_KEY] = result
    return redirect(reverse("milestones:import"))


@csrf_exempt  # checked by csrf_protect below, once the size limit is in place
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestones_import(request: HttpRequest) -> HttpResponse:
    # The upload handler must be set before anything reads request.POST, which the CSRF
    # middleware would do; hence csrf_exempt here and csrf_protect just below.
    request.upload_handlers.insert(0, RoadmapSizeLimit(request))
    return _milestones_import(request)


@csrf_protect
def _milestones_import(request: HttpRequest) -> HttpResponse:
    if not can_import(user=request.user):
        raise PermissionDenied(_("Only co-chairs and staff can import milestones."))
    if request.method != "POST":
        done = request.session.pop(DONE_KEY, None)
        try:
            result = _done(done) if done else None
        except (KeyError, TypeError, ValueError):  # not what _confirm keeps: no banner
            result = None
        return _page(request, {"result": result})
    if request.POST.get("action") == "confirm":
        return _confirm(request)
    too_large = getattr(request, "roadmap_too_large", False)
    upload = UploadForm(request.POST, request.FILES)
    if too_large or not upload.is_valid():
        if too_large:  # the file was skipped: "choose a file" would mislead
            upload.errors["file"] = upload.error_class([TOO_LARGE])
        return _page(request, {"upload": upload}, status=422)
    file = upload.cleaned_data["file"]
    return _preview(request, file.read(), file.name or "")
