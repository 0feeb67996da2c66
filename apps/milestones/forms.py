"""Forms for the milestones pages: they turn request data into typed values (and say
clearly what is wrong with it); the rules live in services.py."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Side, User
from apps.charter.models import CharterSection, Membership, WorkingGroup
from apps.core.forms import STALE_FORM
from apps.milestones import limits
from apps.milestones.access import OWNER_ROLES
from apps.milestones.models import Milestone, Status
from apps.milestones.services import UNSET

PROGRESS_MESSAGES = {
    "invalid": _("Progress must be a whole number between 0 and 100."),
    "min_value": _("Progress must be between 0 and 100."),
    "max_value": _("Progress must be between 0 and 100."),
    "required": _("Enter the progress, from 0 to 100."),
}
DATE_MESSAGES = {
    "invalid": _("Enter the date as YYYY-MM-DD, for example 2026-06-30."),
    "required": _("Enter a due date."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def owner_email(value: str | None) -> str:
    """The address in an owner field: what was typed, or the address of a "Name <address>"
    the owner search offered."""
    value = (value or "").strip()
    if value.endswith(">") and "<" in value:
        value = value[:-1].rsplit("<", 1)[1].strip()
    return value


def owner_label(*, name: str, email: str) -> str:
    """How the owner search shows (and the owner field holds) a person: "Name <address>"."""
    return email if not name or name == email else f"{name} <{email}>"


def owner_by_email(*, group: WorkingGroup, email: str) -> User | None:
    """The group member (or co-chair) with this address (or "Name <address>"), or
    ValidationError; blank → None."""
    email = owner_email(email)
    if not email:
        return None
    membership = (
        Membership.objects.filter(
            group=group, role__in=OWNER_ROLES, user__is_active=True, user__email__iexact=email
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(
            _("%(email)s is not a member of this group who can own milestones."),
            code="owner_not_member",
            params={"email": email},
        )
    return membership.user


class MilestoneFilterForm(forms.Form):
    """The list's filters, read from the query string (so a filtered view is a link)."""

    WINDOWS = [
        ("", _("Any time")),
        ("overdue", _("Overdue")),
        ("7", _("Due in the next 7 days")),
        ("14", _("Due in the next 14 days")),
        ("30", _("Due in the next 30 days")),
    ]
    ORDERINGS = [("due", _("Due date, earliest first")), ("-due", _("Due date, latest first"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    group = forms.ChoiceField(label=_("Group"), required=False)
    section = forms.ChoiceField(label=_("Charter section"), required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    side = forms.ChoiceField(
        label=_("Owner's side"),
        required=False,
        choices=[("", _("Either side")), (Side.AZ, Side.AZ.label), (Side.US, Side.US.label)],
    )
    window = forms.ChoiceField(label=_("Due"), required=False, choices=WINDOWS)
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=DateInput, error_messages=DATE_MESSAGES
    )
    due_to = forms.DateField(
        label=_("Due to"), required=False, widget=DateInput, error_messages=DATE_MESSAGES
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERINGS)

    def __init__(self, data, *, groups, sections, owner: User | None = None):
        super().__init__(data)
        self.fields["group"].choices = [("", _("All groups"))] + [
            (group.slug, group.name) for group in groups
        ]
        self.fields["section"].choices = [("", _("All sections"))] + [
            (section.slug, section.title) for section in sections
        ]
        owners = [("", _("Anyone")), ("me", _("Me")), ("none", _("Unassigned"))]
        if owner is not None:
            owners.append((str(owner.pk), owner.get_full_name()))
        self.fields["owner"].choices = owners
        self.fields["owner"].error_messages["invalid_choice"] = _(
            "That owner is not someone in a group you can see."
        )

    def clean_owner(self) -> Any:
        value = self.cleaned_data.get("owner") or ""
        return int(value) if value.isdigit() else value

    def clean(self):
        cleaned = super().clean()
        due_from, due_to = cleaned.get("due_from"), cleaned.get("due_to")
        if due_from and due_to and due_from > due_to:
            self.add_error("due_to", _("The end of the range is before its start."))
        return cleaned

    @property
    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out, not guessed at)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return dict(self.cleaned_data)


class VersionedForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, data=None, *, milestone: Milestone, **kwargs):
        self.milestone = milestone
        super().__init__(data, **kwargs)


class MilestoneUpdateForm(VersionedForm):
    """Inline edit of status, progress, due date and owner (the list row and the detail
    page). A field missing from the request is left alone; a blank owner unassigns."""

    FIELDS = ("status", "progress", "due_date", "owner")

    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=limits.PROGRESS_MIN,
        max_value=limits.PROGRESS_MAX,
        error_messages=PROGRESS_MESSAGES,
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, error_messages=DATE_MESSAGES)
    owner = forms.CharField(label=_("Owner"), required=False, max_length=500)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=limits.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fragment = forms.ChoiceField(
        required=False, choices=[("detail", "detail"), ("row", "row")], widget=forms.HiddenInput
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for name in ("status", "progress", "due_date"):
            self.fields[name].required = data is not None and name in data

    def clean_owner(self) -> User | None:
        email = owner_email(self.cleaned_data.get("owner"))
        current = self.milestone.owner
        if current is not None and email.lower() == current.email.lower():
            return current  # unchanged, even if they have since left the group
        return owner_by_email(group=self.milestone.group, email=email)

    def changes(self) -> dict[str, Any]:
        """The requested values, UNSET for the fields the request did not carry."""
        return {
            name: self.cleaned_data[name] if name in self.data else UNSET for name in self.FIELDS
        }


class MilestonePostForm(MilestoneUpdateForm):
    """The detail page's one "Post an update" form: a note and, for those who may change the
    milestone, its status, progress, due date and owner. A field the request does not carry,
    or a blank status or progress, is left alone; a blank owner unassigns."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("No change")), *Status.choices],
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=limits.PROGRESS_MIN,
        max_value=limits.PROGRESS_MAX,
        error_messages=PROGRESS_MESSAGES,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].required = self.fields["progress"].required = False

    def changes(self) -> dict[str, Any]:
        """What the request asks to change: the fields it carries whose value differs from
        the milestone's (so an untouched field of a stale form is not taken for a change;
        a changed one still meets the version check)."""
        milestone = self.milestone
        requested = super().changes()
        if requested["status"] in ("", None) or (
            requested["status"] == Status.DONE and milestone.status == Status.AWAITING_SIGNOFF
        ):
            requested["status"] = UNSET
        if requested["progress"] is None:
            requested["progress"] = UNSET
        current = {
            "status": milestone.status,
            "progress": milestone.progress,
            "due_date": milestone.due_date,
            "owner": milestone.owner_id,
        }
        return {
            name: value
            for name, value in requested.items()
            if value is not UNSET
            and (value.pk if isinstance(value, User) else value) != current[name]
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=limits.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you decline, so the group knows what to fix.")},
    )


class EvidenceForm(forms.Form):
    """A link or a file; which types and sizes are accepted is checked by the service."""

    title = forms.CharField(
        label=_("Title"), required=False, max_length=limits.EVIDENCE_TITLE_MAX_LENGTH
    )
    url = forms.CharField(
        label=_("Link"), required=False, max_length=limits.EVIDENCE_URL_MAX_LENGTH
    )
    file = forms.FileField(label=_("File"), required=False, max_length=255)


class MilestoneCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=limits.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, error_messages=DATE_MESSAGES)
    owner = forms.CharField(label=_("Owner"), required=False, max_length=500)
    section = forms.ModelChoiceField(
        label=_("Charter section"),
        queryset=CharterSection.objects.order_by("charter", "position"),
        required=False,
    )
    external_ref = forms.CharField(
        label=_("External reference"),
        required=False,
        max_length=limits.EXTERNAL_REF_MAX_LENGTH,
        help_text=_("Optional: the identifier this milestone has in your roadmap."),
    )

    def __init__(self, data=None, *, group: WorkingGroup, **kwargs):
        """The owner is chosen with the owner field (``views.OwnerField``) and checked here
        with the same rule as everywhere: a member or co-chair of the group."""
        self.group = group
        super().__init__(data, **kwargs)
        self.fields["section"].empty_label = _("The group's own section")
        self.fields["external_ref"].widget.attrs["aria-describedby"] = "id_external_ref-hint"

    def full_clean(self) -> None:
        """Validate, then point each field with an error at its message (create.html)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                described = [f"id_{name}-error"]
                if self.fields[name].help_text:
                    described.insert(0, f"id_{name}-hint")
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described)}
                )

    def clean_owner(self) -> User | None:
        return owner_by_email(group=self.group, email=self.cleaned_data.get("owner"))
