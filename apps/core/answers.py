"""How every form view answers, with and without htmx (docs/conventions.md, "Answers").

* **done** — without htmx, the message and a redirect (post/redirect/get); with htmx, the
  updated fragment when the page has one to swap in (the message shown in it), else a client
  redirect with the message waiting on the next page.
* **refused** — the form again with its errors, 422: the fragment for htmx (retargeted when
  the element that asked is not the one that shows the errors), the whole page without.
* **stale** — the same at 409, the fragment showing the conflict (templates/core/conflict.html).

Retargeting and client redirects go through django-htmx's own helpers, never hand-set headers.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def answer_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """To ``url``: a redirect, or for htmx a client redirect (htmx would swap a redirect's page
    into the fragment)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def answer_done(
    request: HttpRequest,
    *,
    message: str,
    url: str,
    fragment: str | None = None,
    context: Context | None = None,
) -> HttpResponse:
    """Success. ``context`` (a mapping, or a function building it, so a plain post does not
    pay for a fragment it will not show) must put ``message`` where the fragment shows it."""
    if request.htmx and fragment is not None:
        return render(request, fragment, _resolved(context))
    messages.success(request, message)
    return answer_redirect(request, url)


def answer_refused(
    request: HttpRequest,
    *,
    page: str,
    fragment: str | None = None,
    context: Context,
    page_context: Context | None = None,
    target: str | None = None,
    status: int = 422,
) -> HttpResponse:
    """The form with its errors. ``page_context``: the whole page's context, when it needs
    more than the fragment's. ``target``: a CSS selector the fragment replaces instead of the
    element that made the request."""
    if request.htmx and fragment is not None:
        response = render(request, fragment, _resolved(context), status=status)
        if target is not None:
            retarget(response, target)
            reswap(response, "outerHTML")
        return response
    return render(request, page, _resolved(page_context or context), status=status)


def answer_stale(
    request: HttpRequest,
    *,
    page: str,
    fragment: str | None = None,
    context: Context,
    page_context: Context | None = None,
    target: str | None = None,
) -> HttpResponse:
    """A stale version: 409, the context carrying the ``Conflict``."""
    return answer_refused(
        request,
        page=page,
        fragment=fragment,
        context=context,
        page_context=page_context,
        target=target,
        status=409,
    )


def _resolved(context: Context | None) -> Mapping[str, Any]:
    if context is None:
        return {}
    return context() if callable(context) else context
