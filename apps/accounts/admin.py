"""Admin for the email-login user.

Memberships (inline, filters, count column) are added by ``apps.charter.admin``, which
extends ``UserAdmin``: accounts is the lowest floor and imports nothing above it.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts import services
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
    actions = ("deactivate_users",)

    def save_model(self, request, obj, form, change):
        """Deactivating through the form ends the user's sessions; that, reactivation and a
        change of the staff or superuser flag are recorded in the audit log."""
        flags = ("is_active", *services.PRIVILEGE_FLAGS)
        before = {flag: form.initial.get(flag) for flag in flags} if change else {}
        super().save_model(request, obj, form, change)
        if not change:
            return
        if "is_active" in form.changed_data and before["is_active"] != obj.is_active:
            if obj.is_active:
                services.user_reactivate(user=obj, actor=request.user)
            else:
                services.user_deactivate(user=obj, actor=request.user)
        services.user_privileges_record(user=obj, actor=request.user, before=before)

    @admin.action(
        description=_("Deactivate selected users and end their sessions"), permissions=["change"]
    )
    def deactivate_users(self, request, queryset):
        done = ended = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            ended += services.user_deactivate(user=user, actor=request.user)
            done += 1
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, _("You cannot deactivate your own account."), messages.WARNING
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d user deactivated; %(sessions)d sessions ended.",
                "%(count)d users deactivated; %(sessions)d sessions ended.",
                done,
            )
            % {"count": done, "sessions": ended},
            messages.SUCCESS,
        )
