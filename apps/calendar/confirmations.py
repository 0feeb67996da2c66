"""What the calendar page asks before it breaks subscriptions (apps/core/confirm.py): one
function per action, used by the page (the dialog) and by the view (the no-JavaScript page)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.confirm import Confirmation


def feeds_renew_confirmation() -> Confirmation:
    return Confirmation(
        key="calendar-renew",
        heading=_("Renew your calendar addresses?"),
        consequences=(
            _(
                "Your current addresses stop working at once: every calendar app subscribed "
                "to them stops getting your deadlines, action items and meetings."
            ),
            _("You will have to subscribe again with the new addresses, on every device."),
        ),
        button=_("Renew addresses"),
        back_url=reverse("calendar:page"),
    )


def feeds_revoke_confirmation() -> Confirmation:
    return Confirmation(
        key="calendar-revoke",
        heading=_("Turn your calendar feeds off?"),
        consequences=(
            _(
                "Your addresses stop working at once: every calendar app subscribed to them "
                "stops getting your deadlines, action items and meetings."
            ),
            _("You can turn the feeds on again later, with new addresses."),
        ),
        button=_("Turn feeds off"),
        back_url=reverse("calendar:page"),
    )
