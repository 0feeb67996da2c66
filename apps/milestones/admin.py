"""Admin for milestones, their progress log and sign-offs.

The progress log is append-only: its inline is read-only, and its own admin can add a
note but never change one. Edits made here are logged like any other edit, and bump the
milestone's version so a page opened before the edit cannot silently overwrite it.
"""

from datetime import date, datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.charter.admin import (
    OnePer,
    VersionedAdminForm,
    VersionedAdminMixin,
    one_per_parent_formset,
)
from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


class MilestoneAdminForm(VersionedAdminForm):
    class Meta:
        model = Milestone
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # The database insists: a completion time exactly when done. Fill it in (or
        # clear it) rather than make staff type a timestamp.
        status = cleaned.get("status")
        if status == Status.DONE and not cleaned.get("completed_at"):
            cleaned["completed_at"] = timezone.now()
        elif status and status != Status.DONE:
            cleaned["completed_at"] = None
        return cleaned


class MilestoneUpdateInline(admin.TabularInline):
    """The progress log, newest first, read-only."""

    model = MilestoneUpdate
    fields = (
        "created_at",
        "author",
        "old_status",
        "new_status",
        "old_progress",
        "new_progress",
        "changes",
        "note",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


SignOffFormSet = one_per_parent_formset(OnePer("signoff_one_per_side", ("side",)))


class SignOffInline(admin.TabularInline):
    model = SignOff
    formset = SignOffFormSet
    fields = ("side", "signed_by", "signed_at")
    readonly_fields = ("signed_at",)
    autocomplete_fields = ("signed_by",)
    extra = 0
    max_num = 2

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("signed_by")


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdminMixin, admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = (
        "title",
        "group",
        "section",
        "owner",
        "due_date",
        "status",
        "progress",
        "version",
        "updated_at",
    )
    list_filter = (
        "status",
        "group",
        "section",
        ("owner", admin.EmptyFieldListFilter),
        "due_date",
    )
    search_fields = (
        "title",
        "external_ref",
        "description",
        "owner__email",
        "owner__display_name",
        "group__slug",
        "group__name_en",
    )
    list_select_related = ("group", "section", "owner")
    autocomplete_fields = ("group", "section", "owner")
    date_hierarchy = "due_date"
    ordering = ("due_date", "id")
    readonly_fields = ("version", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("group", "section", "title", "external_ref", "description")}),
        (_("Owner and deadline"), {"fields": ("owner", "due_date")}),
        (
            _("Status"),
            {
                "fields": ("status", "progress", "completed_at"),
                "description": _(
                    "The completion time is filled in when the status becomes done, "
                    "and cleared when it changes to anything else."
                ),
            },
        ),
        (_("Record"), {"fields": ("version", "created_at", "updated_at", "seen_version")}),
    )
    inlines = (SignOffInline, MilestoneUpdateInline)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name != "seen_version"]
        if change and not changed:
            return
        old = form.initial if change else {}
        MilestoneUpdate.objects.create(
            milestone=obj,
            author=request.user,
            old_status=old.get("status", "") if change else "",
            new_status=obj.status,
            old_progress=old.get("progress") if change else None,
            new_progress=obj.progress,
            changes={
                name: [_json_value(old.get(name)), _json_value(form.cleaned_data.get(name))]
                for name in changed
                if change and name not in ("status", "progress")
            },
            note=gettext("Changed in the admin.") if change else gettext("Created in the admin."),
        )


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(admin.ModelAdmin):
    """The append-only log: staff may append a note, never change or remove an entry."""

    list_display = (
        "created_at",
        "milestone",
        "author",
        "old_status",
        "new_status",
        "old_progress",
        "new_progress",
        "short_note",
    )
    list_filter = ("new_status", "milestone__group", "created_at")
    search_fields = ("milestone__title", "milestone__external_ref", "author__email", "note")
    list_select_related = ("milestone", "author")
    autocomplete_fields = ("milestone",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = None
    readonly_fields = (
        "author",
        "created_at",
        "old_status",
        "new_status",
        "old_progress",
        "new_progress",
        "changes",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("milestone", "note")
        return ("milestone", "author", "created_at", *self.readonly_fields[2:], "note")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else (*self.readonly_fields, "milestone", "note")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An entry is never removed on its own. Deleting a whole milestone (one created
        # by mistake) takes its log with it: that asks this method too, from the
        # milestone's delete page, and the usual permission decides.
        match = request.resolver_match
        if match is None or (match.url_name or "").startswith("milestones_milestoneupdate_"):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
            obj.new_status = obj.old_status = obj.milestone.status
            obj.new_progress = obj.old_progress = obj.milestone.progress
        super().save_model(request, obj, form, change)

    @admin.display(description=_("note"))
    def short_note(self, obj) -> str:
        return obj.note if len(obj.note) <= 80 else obj.note[:79] + "…"


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    list_display = ("milestone", "side", "signed_by", "signed_at")
    list_filter = ("side", "milestone__group", "signed_at")
    search_fields = ("milestone__title", "signed_by__email", "signed_by__display_name")
    list_select_related = ("milestone", "signed_by")
    autocomplete_fields = ("milestone", "signed_by")
    date_hierarchy = "signed_at"
    ordering = ("-signed_at",)
    fields = ("milestone", "side", "signed_by", "signed_at")
    readonly_fields = ("signed_at",)
