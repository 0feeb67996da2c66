import datetime as dt
import re
import zoneinfo
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import DigestFrequency, Language
from apps.core.forms import STALE_FORM
from apps.core.time import zone_label

MAX_LEAD_DAYS = 5
#: Names in the tz database that are not places anyone lives by.
NOT_A_PLACE = {"Factory", "localtime", "posixrules"}
LEAD_DAY_RANGE = (1, 90)


zone_label_lazy = lazy(zone_label, str)


def time_zone_choices() -> list:
    """Every IANA time zone as people name it, with its offset now ("Baku (UTC+4)"), grouped
    by region (Africa, America, Asia, …); the stored value stays the zone's id."""
    return _time_zone_choices(dt.datetime.now(dt.UTC).date())


@cache
def _time_zone_choices(day: dt.date) -> list:  # offsets change with summer time: per day
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones() - NOT_A_PLACE):
        region = name.split("/", 1)[0] if "/" in name else "Other"
        regions.setdefault(region, []).append((name, _zone_choice_label(name, noon)))
    return sorted(regions.items())


def _zone_choice_label(name: str, moment: dt.datetime):
    """Lazy: "Washington" is translated in the reader's language when the page shows it."""
    offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "−"
    utc = "UTC" if not minutes else f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return format_lazy("{} ({})", zone_label_lazy(name), utc)


def parse_lead_days(raw: str) -> list[int]:
    """ "14, 7, 1" → [14, 7, 1]; a clear ValidationError for anything else."""
    days: list[int] = []
    for part in (piece for piece in re.split(r"[\s,;]+", raw.strip()) if piece):
        if not re.fullmatch(r"[0-9]{1,4}", part):
            raise ValidationError(
                _("“%(value)s” is not a whole number of days."),
                code="not_a_number",
                params={"value": part[:20]},
            )
        day = int(part)
        low, high = LEAD_DAY_RANGE
        if not low <= day <= high:
            raise ValidationError(
                _("Lead days must be from %(low)d to %(high)d; %(value)d is not."),
                code="out_of_range",
                params={"low": low, "high": high, "value": day},
            )
        if day in days:
            raise ValidationError(
                _("%(value)d is listed twice."), code="duplicate", params={"value": day}
            )
        days.append(day)
    if len(days) > MAX_LEAD_DAYS:
        raise ValidationError(
            _("Give at most %(max)d lead days."), code="too_many", params={"max": MAX_LEAD_DAYS}
        )
    return sorted(days, reverse=True)


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=_("Progress digest"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("What happened in your working groups, and what is coming up."),
    )
    reminders_enabled = forms.BooleanField(
        label=_("Send me deadline and meeting reminders"), required=False
    )
    reminder_lead_days = forms.CharField(
        label=_("Remind me this many days before a due date"),
        required=False,
        max_length=100,
        help_text=_(
            "Up to five whole numbers from 1 to 90, separated by commas, e.g. 14, 7, 1. "
            "Leave it empty to be reminded on the due day only."
        ),
    )
    language = forms.ChoiceField(label=_("Email language"), choices=Language.choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Reminders and digests arrive from 08:00 in this time zone."),
    )
    # Hidden: when it is missing or mangled the page says so (its errors are shown as the form's).
    fingerprint = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": STALE_FORM,
            "max_length": STALE_FORM,
        },
    )

    def clean_reminder_lead_days(self) -> list[int]:
        return parse_lead_days(self.cleaned_data.get("reminder_lead_days", ""))

    @staticmethod
    def initial_for(values: dict, fingerprint: str) -> dict:
        return {
            **values,
            "reminder_lead_days": ", ".join(str(day) for day in values["reminder_lead_days"]),
            "fingerprint": fingerprint,
        }
