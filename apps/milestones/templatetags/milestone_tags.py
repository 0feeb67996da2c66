"""Presentation helpers for the milestones templates."""

import datetime
from html import escape

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from apps.charter.models import SignOffSide
from apps.milestones.forms import owner_label
from apps.milestones.models import MilestoneUpdate, Status, UpdateKind
from apps.milestones.rag import rag_reason_of
from apps.milestones.services import FIELD_LABELS

register = template.Library()


@register.simple_tag
def status_tag(status: str) -> str:
    """A milestone's status as a tag with its words (the one way every page shows it)."""
    return format_html(
        '<strong class="tag tag--status-{}">{}</strong>', status, Status.label_of(status)
    )


@register.filter
def rag_reason(group) -> str:
    """``{% include "milestones/_rag.html" with rag=group.rag reason=group|rag_reason %}``: why
    the group (annotated by ``apps.milestones.rag.rag_reason_annotations``) has its colour."""
    return rag_reason_of(group)


@register.filter
def overdue_on(milestone, today) -> bool:
    """``{% if milestone|overdue_on:today %}``: the model's rule, in a template."""
    return milestone.is_overdue(today)


@register.simple_tag
def select_options(choices, selected) -> str:
    """<option>s for (value, label) pairs with ``selected`` marked, built as one string (a
    list page has one status select per row)."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 — every value is escaped just here
        "".join(
            f'<option value="{escape(str(value))}"'
            f"{' selected' if str(value) == selected else ''}>{escape(str(label))}</option>"
            for value, label in choices
        )
    )


@register.simple_tag
def owner_select_options(owners, selected) -> str:
    """<option>s for an owner <select> from users, the one whose address is ``selected``
    marked (case-insensitively); built as one string, a group can have hundreds."""
    selected = (selected or "").lower()
    return mark_safe(  # noqa: S308 — every value is escaped just here
        "".join(
            f'<option value="{escape(user.email)}"'
            f"{' selected' if user.email.lower() == selected else ''}>"
            f"{escape(user.get_full_name())}</option>"
            for user in owners
        )
    )


def _side(value) -> str:
    return str(SignOffSide(value).label) if value in SignOffSide.values else str(value or "—")


def _date(value) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value or "—")


def _plain(value) -> str:
    return "—" if value in (None, "") else str(value)


def _status(value) -> str:
    return Status.label_of(value)


@register.filter
def change_lines(update: MilestoneUpdate) -> list[str]:
    """What one progress-log entry changed, one sentence per change (old → new)."""
    lines = []
    changes = update.changes if isinstance(update.changes, dict) else {}
    side = (changes.get("side") or [None, None])[-1]
    if update.kind == UpdateKind.SIGNED:
        lines.append(gettext("Signed off for %(side)s.") % {"side": _side(side)})
    elif update.kind == UpdateKind.DECLINED:
        lines.append(gettext("Declined the sign-off for %(side)s.") % {"side": _side(side)})
    if update.kind != UpdateKind.CREATED and update.old_status != update.new_status:
        lines.append(
            gettext("Status: %(old)s → %(new)s")
            % {"old": _status(update.old_status), "new": _status(update.new_status)}
        )
    if (
        update.kind != UpdateKind.CREATED
        and update.old_progress != update.new_progress
        and update.new_progress is not None
    ):
        lines.append(
            gettext("Progress: %(old)s → %(new)s")
            % {
                "old": "—" if update.old_progress is None else f"{update.old_progress} %",
                "new": f"{update.new_progress} %",
            }
        )
    for name, pair in changes.items():
        if name == "side" or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        if name == "evidence":
            if new is not None:
                lines.append(gettext("Added evidence: %(title)s") % {"title": new})
            else:
                lines.append(gettext("Removed evidence: %(title)s") % {"title": old})
        elif name == "signoffs":
            sides = ", ".join(_side(value) for value in old or [])
            lines.append(gettext("Sign-offs withdrawn: %(sides)s") % {"sides": sides})
        elif name == "due_date":
            lines.append(
                gettext("Due date: %(old)s → %(new)s") % {"old": _date(old), "new": _date(new)}
            )
        elif name == "owner":
            lines.append(
                gettext("Owner: %(old)s → %(new)s")
                % {"old": old or gettext("unassigned"), "new": new or gettext("unassigned")}
            )
        else:
            label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
            lines.append(
                gettext("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _plain(old), "new": _plain(new)}
            )
    return lines


@register.simple_tag
def owner_suggestions(owners) -> str:
    """<option>s for the owner field's <datalist>, one per person, valued "Name <address>"
    (what the field then holds and the server reads the address from)."""
    return mark_safe(  # noqa: S308 — every value is escaped just here
        "".join(
            f'<option value="{escape(owner_label(name=person.display_name, email=person.email))}">'
            "</option>"
            for person in owners
        )
    )
