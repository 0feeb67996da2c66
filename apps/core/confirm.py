"""A confirmation step before what cannot be undone (docs/design.md, "Confirmation").

The server decides: a post to an irreversible action without ``confirmed=yes`` is answered
with a page that states the consequence and repeats the post with ``confirmed=yes`` — so the
step is there without JavaScript, for any client. With JavaScript, the page carries the same
content in a ``<dialog>`` (``templates/core/confirm_dialog.html``, ``static/js/confirm.js``),
which adds ``confirmed=yes`` and submits, so the round trip is saved, not the question.

In a view, before acting::

    if answer := confirmation_asked(request, confirmation=minutes_adoption_confirmation(meeting)):
        return answer
"""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

CONFIRMED_FIELD = "confirmed"
CONFIRMED_VALUE = "yes"
PAGE = "core/confirm_page.html"


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation says. ``consequences``: one sentence each, the most serious first."""

    key: str  # unique on a page: the dialog's id is "confirm-<key>"
    heading: str
    consequences: tuple[str, ...]
    button: str
    back_url: str
    warning: bool = True  # a warning (red) button: the action destroys or withdraws something
    details: tuple[str, ...] = field(default=())  # e.g. the guests still "invited"

    @property
    def dialog_id(self) -> str:
        return f"confirm-{self.key}"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == CONFIRMED_VALUE


def confirmation_asked(request: HttpRequest, *, confirmation: Confirmation) -> HttpResponse | None:
    """``None`` when the post is confirmed; else the confirmation page (its ``confirm`` part
    in place of ``main`` for htmx), which posts the same fields again with ``confirmed=yes``."""
    if is_confirmed(request):
        return None
    repeated = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", CONFIRMED_FIELD}
        for value in values
    ]
    context = {"confirmation": confirmation, "repeated": repeated, "action": request.path}
    if request.htmx:
        response = render(request, f"{PAGE}#confirm", context)
        return reswap(retarget(response, "#main"), "innerHTML show:top")
    return render(request, PAGE, context)
