"""Forms and services meet here: a service's ValidationError shown on the form that called it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: A hidden field (version, fingerprint, next) missing or mangled: the page was left open too long
#: or edited by hand.
STALE_FORM = _("This form is out of date. Reload the page and try again.")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise at the top (so no message is ever dropped)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
