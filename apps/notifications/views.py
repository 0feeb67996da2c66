from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.accounts.models import DigestFrequency
from apps.core.answers import answer_done, answer_refused, answer_stale
from apps.core.conflict import Conflict, ConflictRow
from apps.core.time import zone_named
from apps.notifications import access, emails, selectors, services
from apps.notifications.forms import PreferencesForm

EMAILS_PER_PAGE = 25
PREFERENCES = "notifications/preferences.html"


def _preferences_form(values: dict) -> PreferencesForm:
    fingerprint = services.preferences_fingerprint(values)
    return PreferencesForm(initial=PreferencesForm.initial_for(values, fingerprint))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "GET":
        form = _preferences_form(services.preferences_of(request.user))
        return render(request, PREFERENCES, {"form": form})

    fragment = f"{PREFERENCES}#preferences_form"
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return answer_refused(request, page=PREFERENCES, fragment=fragment, context={"form": form})
    try:
        services.preferences_update(user=request.user, **form.cleaned_data)
    except Conflict as conflict:
        # The form again, filled with what is saved now; the table shows what differs.
        conflict.rows = _conflict_rows(conflict)
        context = {"form": _preferences_form(conflict.current), "conflict": conflict}
        return answer_stale(request, page=PREFERENCES, fragment=fragment, context=context)
    except ValidationError as error:
        form.add_error(None, error)
        return answer_refused(request, page=PREFERENCES, fragment=fragment, context={"form": form})
    return answer_done(
        request,
        message=_("Your email preferences are saved."),
        url=reverse("notifications:preferences"),
        fragment=fragment,
        context=lambda: {
            "form": _preferences_form(services.preferences_of(request.user)),
            "saved": True,
        },
    )


def _conflict_rows(conflict: Conflict) -> list[ConflictRow]:
    """Each preference that differs: saved now, and what the user sent."""
    form = PreferencesForm()
    rows = []
    for name in services.PREFERENCE_FIELDS:
        now, yours = conflict.current[name], conflict.attempted[name]
        if now != yours:
            rows.append(
                ConflictRow(
                    label=str(form.fields[name].label),
                    theirs=_display(name, now),
                    yours=_display(name, yours),
                )
            )
    return rows


def _display(name: str, value) -> str:
    if name == "reminder_lead_days":
        return ", ".join(str(day) for day in value) or "—"
    if name == "reminders_enabled":
        return _("on") if value else _("off")
    if name == "digest_frequency":
        return str(DigestFrequency(value).label)
    return str(value)


@login_required
@require_safe
def email_list(request):
    page = Paginator(selectors.emails_for_user(user=request.user), EMAILS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = (
        "notifications/emails.html#email_list" if request.htmx else "notifications/emails.html"
    )
    return render(request, template, {"page": page})


@login_required
@require_safe
def email_detail(request, pk: int):
    email = access.get_email_for_user(user=request.user, pk=pk)
    return render(request, "notifications/email_detail.html", {"email": email})


#: The stored HTML of an email, framed by its page: its own <style> may apply, nothing may run
#: or load (the page's <iframe sandbox=""> says the same), and only this site may frame it.
EMAIL_HTML_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,  # no scripts, no forms, no same-origin access, even opened on its own
}


@login_required
@require_safe
@xframe_options_sameorigin
@csp_override(EMAIL_HTML_CSP)
def email_html(request, pk: int):
    """The designed (HTML) version of one email, as it was sent, for the frame on its page."""
    email = access.get_email_for_user(user=request.user, pk=pk)
    if not email.body_html:
        raise Http404("This email has no HTML version")
    response = HttpResponse(email.body_html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_safe
def digest_preview(request, user_id: int):
    subject, group_ids = access.get_digest_subject_for_user(user=request.user, pk=user_id)
    preview = selectors.digest_preview(user=subject, group_ids=group_ids, now=timezone.now())
    digest_html = ""
    if not preview.digest.is_empty:
        # The digest itself in the member's language and time zone, as the email has it.
        # The subject as the email will have it: dated the day it goes out.
        message = emails.make_message("digest", subject, {"digest": preview.digest_as_sent})
        with (
            translation.override(subject.language),
            timezone.override(zone_named(subject.time_zone)),
        ):
            digest_html = render_to_string(
                "emails/_digest_content.html", {"digest": preview.digest}
            )
        subject_line = message.subject
    else:
        subject_line = ""
    return render(
        request,
        "notifications/preview.html",
        {
            "member": subject,
            "preview": preview,
            "subject_line": subject_line,
            "digest_html": mark_safe(digest_html),  # noqa: S308 — our template, autoescaped
            "own": subject.pk == request.user.pk,
        },
    )


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the signed token
@require_http_methods(["GET", "POST"])  # is the authorisation, and GET only shows a button.
def unsubscribe(request, token: str):
    try:
        user_id, scope = emails.unsubscribe_token_read(token)
    except emails.BadToken:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        try:
            person, scope, changed = services.unsubscribe(token=token)
        except emails.BadToken:
            return render(request, "notifications/unsubscribe_invalid.html", status=400)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # RFC 8058: a mail client's one-click POST gets the outcome itself (200), not a
            # redirect it would have to follow; the page's own button keeps PRG below.
            return render(
                request,
                "notifications/unsubscribe.html",
                {"person": person, "scope": str(scope), "active": False, "token": token},
            )
        if changed:
            messages.success(request, _("Done: you are unsubscribed."))
        return redirect("notifications:unsubscribe", token=token)
    user = selectors.unsubscribe_subject(user_id=user_id)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if scope == emails.Scope.DIGEST:
        active = user.digest_frequency != DigestFrequency.OFF
    else:
        active = user.reminders_enabled
    return render(
        request,
        "notifications/unsubscribe.html",
        {"person": user, "scope": str(scope), "active": active, "token": token},
    )
