"""The month names CharterHub writes inside a date ("7 dekabr 2026").

Django's own catalogues supply them under the context "alt. month" (the ``E`` date format).
Its Azerbaijani ones are capitalised ("7 Dekabr 2026"), which is wrong inside a date, so
locale/ overrides them; naming them here makes ``makemessages`` keep them in the catalogues.
"""

from django.utils.translation import pgettext_lazy

IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
