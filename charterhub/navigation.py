"""The header's service navigation: what a signed-in user may use, and where they are.

A context processor, so every page's header is built the same way. The current item is the
one whose URL namespace (or name) the request resolved to; it is marked
``aria-current="page"``. Import is offered only to those who may import (staff, co-chairs),
which costs one query, asked only when the header is drawn.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from apps.milestones.roadmap_import import can_import


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _where(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    if match.view_name in {"milestones:import", "milestones:import_template"}:
        return "import"
    if match.view_name in {"reports:group_report", "reports:group_report_current"}:
        return "reports"
    return {
        "overview": "dashboard",
        "milestones": "milestones",
        "meetings": "meetings",
        "reports": "reports",
        "admin": "admin",
    }.get(match.namespace or "", "dashboard" if match.view_name == "dashboard" else "")


def _items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    where = _where(request)
    entries = [
        ("dashboard", _("Dashboard"), reverse("dashboard")),
        ("milestones", _("Milestones"), reverse("milestones:list")),
        ("meetings", _("Meetings"), reverse("meetings:list")),
        ("reports", _("Reports"), reverse("reports:charter_report_current")),
    ]
    if can_import(user=user):
        entries.append(("import", _("Import"), reverse("milestones:import")))
    if user.is_staff:
        entries.append(("admin", _("Administration"), reverse("admin:index")))
    return [NavItem(label=str(label), url=url, current=key == where) for key, label, url in entries]


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": ()}
    return {"nav_items": SimpleLazyObject(lambda: _items(request))}
