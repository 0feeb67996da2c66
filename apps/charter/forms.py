"""Forms for managing a working group's members."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Side, User
from apps.charter.models import Role


class MemberAddForm(forms.Form):
    """Add an existing, active user to the group, found by email address."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    side = forms.ChoiceField(
        label=_("Side"),
        choices=[("", _("Their own side")), *Side.choices],
        required=False,
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No CharterHub account has the email address %(email)s."),
                code="unknown_email",
                params={"email": email},
            )
        if not user.is_active:
            raise forms.ValidationError(
                _("The account %(email)s is deactivated."),
                code="inactive_user",
                params={"email": user.email},
            )
        return user

    @property
    def user(self) -> User:
        return self.cleaned_data["email"]


class MemberChangeForm(forms.Form):
    """Change one member's role and side."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
