"""Admin for the email-login user.

Memberships (inline, filters, count column) are added by ``apps.charter.admin``, which
extends ``UserAdmin``: accounts is the lowest floor and imports nothing above it.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User

admin.site.site_header = _("CharterHub administration")
admin.site.site_title = _("CharterHub admin")
admin.site.index_title = _("Charter, working groups, milestones and meetings")


class EmailCleaningMixin:
    """Store emails lower-cased and refuse one that differs from another only in case."""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        clashes = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            clashes = clashes.exclude(pk=self.instance.pk)
        if clashes.exists():
            raise ValidationError(
                _("A user with this email address already exists."), code="unique"
            )
        return email


class UserCreationForm(EmailCleaningMixin, BaseUserCreationForm):
    """Email, display name and the password twice."""

    class Meta:
        model = User
        fields = ("email", "display_name")


class UserChangeForm(EmailCleaningMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )
    fieldsets = (
        (_("Identity"), {"fields": ("email", "display_name", "password")}),
        (_("Side and organisation"), {"fields": ("side", "organisation", "sector")}),
        (
            _("Preferences"),
            {
                "fields": (
                    "time_zone",
                    "language",
                    "digest_frequency",
                    "reminder_lead_days",
                    "reminders_enabled",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "display_name",
        "side",
        "organisation",
        "sector",
        "language",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = (
        "side",
        "sector",
        "language",
        "digest_frequency",
        "reminders_enabled",
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
    )
    search_fields = ("email", "display_name", "organisation")
    # No foreign key is shown in the list: nothing to join.
    list_select_related = ()
    date_hierarchy = "date_joined"
    ordering = ("display_name", "email")
    filter_horizontal = ("groups", "user_permissions")
