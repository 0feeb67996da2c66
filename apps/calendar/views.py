"""Calendar feeds and the page that hands out (and takes back) their private URLs."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.calendar import feeds, services
from apps.calendar.confirmations import feeds_renew_confirmation, feeds_revoke_confirmation
from apps.charter.access import get_group_for_user
from apps.core.answers import answer_done
from apps.core.confirm import confirmation_asked
from apps.meetings import ics

PAGE = "calendar/feeds.html"


def _ics(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The URL is a secret: no shared cache may keep the answer.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def user_feed(request, token: str):
    """No login: calendar apps cannot sign in, so the token is the authorisation."""
    user = feeds.feed_user_for_token(token)
    return _ics(feeds.user_feed(user=user), filename="charterhub.ics")


@require_safe
def group_feed(request, token: str, slug: str):
    user = feeds.feed_user_for_token(token)
    group, _access = get_group_for_user(user=user, slug=slug)
    return _ics(feeds.group_feed(user=user, group=group), filename=f"charterhub-{slug}.ics")


def _feeds_context(user) -> dict:
    token = user.calendar_token
    if not token:
        return {"token": None, "feeds": []}
    paths = [(_("My deadlines, action items and meetings"), feeds.user_feed_path(token))]
    paths += [
        (group.name, feeds.group_feed_path(token, group.slug))
        for group in feeds.feed_groups(user=user)
    ]
    site = ics.site_url("")
    webcal_site = "webcal://" + site.split("://", 1)[1]
    return {
        "token": token,
        "renew": feeds_renew_confirmation(),
        "revoke": feeds_revoke_confirmation(),
        "feeds": [
            {"label": label, "url": site + path, "webcal": webcal_site + path}
            for label, path in paths
        ],
    }


@login_required
@require_safe
def calendar_page(request):
    return render(request, PAGE, _feeds_context(request.user))


def _answer(request, message: str):
    return answer_done(
        request,
        message=message,
        url=reverse("calendar:page"),
        fragment=f"{PAGE}#feeds",
        context=lambda: {**_feeds_context(request.user), "done": message},
    )


@login_required
@require_POST
def calendar_regenerate(request):
    had_addresses = bool(request.user.calendar_token)
    # Creating the first addresses breaks nothing; renewing them breaks every subscription.
    if had_addresses and (
        answer := confirmation_asked(request, confirmation=feeds_renew_confirmation())
    ):
        return answer
    services.calendar_token_regenerate(user=request.user)
    if not had_addresses:
        return _answer(
            request,
            _("Your calendar feeds are on: subscribe to these addresses in your calendar app."),
        )
    return _answer(
        request, _("Your calendar has new addresses. The old ones no longer work: subscribe again.")
    )


@login_required
@require_POST
def calendar_revoke(request):
    if request.user.calendar_token and (
        answer := confirmation_asked(request, confirmation=feeds_revoke_confirmation())
    ):
        return answer
    services.calendar_token_revoke(user=request.user)
    return _answer(
        request, _("Your calendar feeds are turned off. Their addresses no longer work.")
    )
