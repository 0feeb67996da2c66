import re
import zoneinfo
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import DigestFrequency, Language
from apps.core.forms import STALE_FORM

MAX_LEAD_DAYS = 5
#: Names in the tz database that are not places anyone lives by.
NOT_A_PLACE = {"Factory", "localtime", "posixrules"}
LEAD_DAY_RANGE = (1, 90)


@cache
def time_zone_choices() -> list:
    """Every IANA time zone, grouped by region (Africa, America, Asia, …)."""
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones() - NOT_A_PLACE):
        region = name.split("/", 1)[0] if "/" in name else "Other"
        regions.setdefault(region, []).append((name, name.replace("_", " ")))
    return sorted(regions.items())


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
