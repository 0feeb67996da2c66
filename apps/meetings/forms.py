"""Forms for the meetings pages: they check the shape of the input; services check the rules."""

import datetime as dt

from django import forms
from django.core.validators import URLValidator
from django.forms.fields import BaseTemporalField
from django.utils.translation import gettext_lazy as _

from apps.core.time import zone_label
from apps.meetings.models import ActionItemStatus
from apps.meetings.services import (
    ATTENDANCE_CHOICES,
    DETAIL_LABELS,
    LINK_SCHEMES,
    MAX_AGENDA,
    MAX_DECISION,
    MAX_MINUTES,
    time_zone_names,
)

LOCAL_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
MAX_ID = 2**63 - 1


def time_zone_choices(current: str | None = None) -> list:
    """Region/City zones and UTC (plus the meeting's own zone if it is an older alias), named
    as people name them ("Baku", "Washington", "London") and grouped by region."""
    names = sorted(
        name
        for name in time_zone_names()
        if name == "UTC" or ("/" in name and not name.startswith(("Etc/", "SystemV/", "US/")))
    )
    if current and current in time_zone_names() and current not in names:
        names.insert(0, current)
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        region = name.split("/", 1)[0] if "/" in name else ""
        groups.setdefault(region, []).append((name, zone_label(name)))
    return [
        choice
        for region, choices in groups.items()
        for choice in ([(region.replace("_", " "), choices)] if region else choices)
    ]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time with no zone: the service places it in the meeting's zone.

    (Django's DateTimeField would make it aware in the server's zone, and refuse times that
    do not exist there rather than in the meeting's zone.)
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = LOCAL_INPUT_FORMATS

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        return BaseTemporalField.to_python(self, value)

    def strptime(self, value, format):
        return dt.datetime.strptime(value, format)

    def prepare_value(self, value):
        return value


class IdField(forms.IntegerField):
    """A database id or version from a hidden input: a positive integer that fits the column.

    Its errors are shown above the section (the input is hidden), so they say what went wrong.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        message = _("The form was incomplete or out of date: reload the page and try again.")
        kwargs.setdefault(
            "error_messages",
            {"required": message, "invalid": message, "min_value": message, "max_value": message},
        )
        super().__init__(**kwargs)


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=DETAIL_LABELS["title"],
        max_length=300,
        error_messages={"required": _("Give the meeting a title.")},
    )
    starts_at_local = LocalDateTimeField(
        label=DETAIL_LABELS["starts_at_local"],
        help_text=_("The date and time where the meeting takes place, in its time zone."),
        error_messages={
            "required": _("Give the date and time the meeting starts."),
            "invalid": _("Give the start as a date and time, e.g. 2026-04-20 10:00."),
        },
    )
    time_zone = forms.ChoiceField(label=DETAIL_LABELS["time_zone"])
    duration_minutes = forms.IntegerField(
        label=DETAIL_LABELS["duration_minutes"], min_value=1, max_value=24 * 60, initial=90
    )
    location = forms.CharField(label=DETAIL_LABELS["location"], max_length=300, required=False)
    link = forms.URLField(
        label=DETAIL_LABELS["link"],
        max_length=200,
        required=False,
        validators=[URLValidator(schemes=list(LINK_SCHEMES))],
        assume_scheme="https",
    )
    agenda = forms.CharField(
        label=DETAIL_LABELS["agenda"],
        required=False,
        max_length=MAX_AGENDA,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists with - or 1., links [text](https://…)."),
    )

    def __init__(self, *args, current_time_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(current_time_zone)


class MeetingEditForm(MeetingForm):
    version = IdField()


class AttendanceForm(forms.Form):
    attendance_id = IdField()
    status = forms.ChoiceField(
        choices=[(status, status.label) for status in ATTENDANCE_CHOICES],
        error_messages={
            "required": _("Choose present, apologies or absent."),
            "invalid_choice": _("Choose present, apologies or absent."),
        },
    )


class GuestForm(forms.Form):
    name = forms.CharField(
        label=_("Guest's name"),
        max_length=200,
        error_messages={"required": _("Give the guest's name.")},
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)


class GuestRemoveForm(forms.Form):
    attendance_id = IdField()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=MAX_MINUTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, *italic*, lists with - or 1., links [text](https://…)."),
    )
    version = IdField()


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        max_length=MAX_DECISION,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the decision.")},
    )


class DecisionRemoveForm(forms.Form):
    decision_id = IdField()


class ActionItemForm(forms.Form):
    title = forms.CharField(
        label=_("Action"),
        max_length=300,
        error_messages={"required": _("Describe the action.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _("The owner must be a member or co-chair of this working group.")
        },
    )
    # An <input type="date"> takes ISO dates whatever the language (not "11.05.2026").
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = _("(nobody yet)")


class ActionStatusForm(forms.Form):
    action_item_id = IdField()
    status = forms.ChoiceField(
        choices=ActionItemStatus.choices,
        error_messages={
            "required": _("Choose open, done or cancelled."),
            "invalid_choice": _("Choose open, done or cancelled."),
        },
    )


class ActionPromoteForm(forms.Form):
    action_item_id = IdField()
    due_date = forms.DateField(
        label=_("Milestone due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AdoptForm(forms.Form):
    version = IdField(required=False)
