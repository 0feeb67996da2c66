"""Forms for the reports pages: they turn request data into typed values and say clearly what
is wrong with it; the rules live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.forms import STALE_FORM
from apps.reports.services import NARRATIVE_MAX_LENGTH, clean_narrative_text


class NarrativeForm(forms.Form):
    """A co-chair's narrative for their side of a period's report. ``version`` is the
    version of the narrative the co-chair loaded (0: there was none yet)."""

    text = forms.CharField(
        label=_("Narrative"),
        required=False,
        strip=False,  # the service strips, after normalising line ends
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": NARRATIVE_MAX_LENGTH}),
    )
    version = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "required": STALE_FORM,
            "invalid": STALE_FORM,
            "min_value": STALE_FORM,
            "max_value": STALE_FORM,
        },
    )
    next = forms.CharField(required=False, max_length=2000)

    def clean_text(self) -> str:
        # The same checks as the service, so a too-long text is a field error, with its
        # length, before anything is locked.
        try:
            return clean_narrative_text(self.cleaned_data["text"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
