"""The interface's shared template vocabulary: moments in both capitals, machine-readable times.

``{% load ui %}``, then ``{% capitals meeting.starts_at zone=meeting.time_zone %}`` for a time
two sides read ("7 December 2026, 11:00 Baku · 02:00 Washington"; the reader's own clock too
when it is neither), ``{% moment entry.created_at %}`` for a time in the reader's zone with
the zone named ("7 December 2026, 14:02 Baku"), ``value|datetime_attr`` for ``<time datetime>``.
"""

import datetime as dt

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.time import clock_readings, zone_label, zone_named

register = template.Library()


@register.filter
def datetime_attr(value: dt.datetime | dt.date | None) -> str:
    """ISO 8601 for ``<time datetime>``, whole seconds (the HTML checker refuses microseconds)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.simple_tag
def capitals(
    moment: dt.datetime | None,
    zone: str | None = None,
    *,
    until: dt.datetime | None = None,
    date: bool = True,
    plain: bool = False,
) -> str:
    """``until``: the end of a span, on each clock ("11:00–12:00 Baku · 03:00–04:00
    Washington"). ``plain``: text for a plain-text email, without markup."""
    if moment is None:
        return ""
    home = zone_named(zone) if zone else None
    reader = timezone.get_current_timezone()
    readings = clock_readings(moment, home=home, reader=reader)
    ends = (
        [reading.local for reading in clock_readings(until, home=home, reader=reader)]
        if until is not None
        else [None] * len(readings)
    )
    return render_to_string(
        "core/capitals.txt" if plain else "core/capitals.html",
        {"moment": moment, "readings": list(zip(readings, ends, strict=True)), "show_date": date},
    )


@register.inclusion_tag("core/moment.html")
def moment(value: dt.datetime | None) -> dict:
    if value is None:
        return {"value": None}
    return {
        "value": value,
        "local": timezone.localtime(value),
        "place": zone_label(timezone.get_current_timezone()),
    }


@register.simple_tag
def reader_zone() -> str:
    """The active (reader's or recipient's) zone by name: ``{% reader_zone as zone %}``."""
    return zone_label(timezone.get_current_timezone())


@register.simple_tag
def field_input(field) -> str:
    """The field's input. When its form has errors the error summary takes focus, so a widget's
    own ``autofocus`` (Django's login and password forms set one) is dropped: one per page."""
    if field.form.errors:
        return field.as_widget(attrs={"autofocus": False})
    return field.as_widget()
