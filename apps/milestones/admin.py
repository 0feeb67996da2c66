"""Admin for milestones, their progress log, sign-offs and evidence.

The progress log is append-only: its inline is read-only, and its own admin can add a
note but never change one. Edits made here go through ``milestone_admin_save``: they are
logged like any other edit, and bump the milestone's version so a page opened before the
edit cannot silently overwrite it.

Evidence is added on the milestone's page in the app (where uploads are checked); here it
can be renamed or removed, and each file is reached through the access-checked download.
"""

import types

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.charter.admin import (
    OnePer,
    VersionedAdminForm,
    VersionedAdminMixin,
    one_per_parent_formset,
)
from apps.core.conflict import Conflict
from apps.milestones.models import (
    Evidence,
    Milestone,
    MilestoneUpdate,
    SignOff,
    Status,
    UpdateKind,
)
from apps.milestones.services import clean_section, milestone_admin_save


class MilestoneAdminForm(VersionedAdminForm):
    class Meta:
        model = Milestone
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        group, section = cleaned.get("group"), cleaned.get("section")
        if group is not None and section is not None:
            try:
                clean_section(section, group=group)
            except ValidationError as error:
                self.add_error(None, error)
        # The database insists: a completion time exactly when done. Fill it in (or
        # clear it) rather than make staff type a timestamp.
        status = cleaned.get("status")
        if status == Status.DONE and not cleaned.get("completed_at"):
            cleaned["completed_at"] = timezone.now()
        elif status and status != Status.DONE:
            cleaned["completed_at"] = None
        return cleaned


def stale_save_message(conflict: Conflict) -> str:
    if conflict.author is None or conflict.changed_at is None:
        return gettext(
            "Someone else changed this milestone after you opened it. Nothing was saved: "
            "this is the milestone as it is now; make your change again."
        )
    return gettext(
        "%(person)s changed this milestone on %(time)s, after you opened it. Nothing was "
        "saved: this is the milestone as it is now; make your change again."
    ) % {
        "person": conflict.author.get_full_name(),
        "time": formats.date_format(
            timezone.localtime(conflict.changed_at), "SHORT_DATETIME_FORMAT"
        ),
    }


class MilestoneUpdateInline(admin.TabularInline):
    """The progress log, newest first, read-only."""

    model = MilestoneUpdate
    fields = (
        "created_at",
        "author",
        "kind",
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


@admin.display(description=_("file"))
def evidence_download_link(obj: Evidence) -> str:
    if not obj.pk or not obj.file:
        return "—"
    return format_html(
        '<a href="{}">{}</a>',
        reverse("milestones:evidence_download", args=[obj.pk]),
        obj.original_filename or obj.file.name,
    )


def _delete_files_on_commit(evidence: list[Evidence]) -> None:
    for item in evidence:
        if item.file:
            name, storage = item.file.name, item.file.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


class EvidenceInline(admin.TabularInline):
    """Evidence on the milestone page: rename or remove; add it in the app."""

    model = Evidence
    fields = (
        "title",
        "url",
        evidence_download_link,
        "size",
        "content_type",
        "added_by",
        "added_at",
    )
    readonly_fields = (
        "url",
        evidence_download_link,
        "size",
        "content_type",
        "added_by",
        "added_at",
    )
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by")

    def has_add_permission(self, request, obj=None):
        return False


class CountOnceChangeList(ChangeList):
    """A changelist that counts the table once, not twice, when nothing narrows it.

    Django counts the page's queryset (for the paginator) and the whole table (for "N
    total"); with no filter, search or date drill-down both are the same rows, so the
    second count reuses the first. Filtered, both counts run as usual.
    """

    def get_results(self, request):
        if not self.queryset.query.where and not self.root_queryset.query.where:
            total = self.queryset.count()
            # A bound method, as the paginator checks that count() takes no arguments.
            self.queryset.count = types.MethodType(lambda _queryset: total, self.queryset)
            self.root_queryset.count = types.MethodType(lambda _queryset: total, self.root_queryset)
        super().get_results(request)


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
    inlines = (SignOffInline, EvidenceInline, MilestoneUpdateInline)

    def get_changelist(self, request, **kwargs):
        return CountOnceChangeList

    def action_checkbox(self, obj):
        """The row's checkbox, as Django's ``CheckboxInput`` renders it, built as one string:
        rendering the widget's template a hundred times costs more than the rest of a row."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def save_model(self, request, obj, form, change):
        # Not super(): the service bumps the version, sets the completion time and logs.
        # The form checked the version it was loaded at; the service checks it again under
        # the row lock, and raises Conflict if an edit in the app came in between.
        seen = form.cleaned_data.get("seen_version")
        milestone_admin_save(
            milestone=obj,
            user=request.user,
            changed=form.changed_data,
            seen_version=obj.version if seen is None else seen,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Conflict as conflict:
            # The admin's transaction has rolled back: nothing of this save (the milestone,
            # its inlines, the admin log) was written. Show the milestone as it is now.
            self.message_user(request, stale_save_message(conflict), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Evidence:
            _delete_files_on_commit(formset.deleted_objects)

    def delete_model(self, request, obj):
        evidence = list(obj.evidence.all())
        super().delete_model(request, obj)
        _delete_files_on_commit(evidence)

    def delete_queryset(self, request, queryset):
        evidence = list(Evidence.objects.filter(milestone__in=queryset))
        super().delete_queryset(request, queryset)
        _delete_files_on_commit(evidence)


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
    list_filter = ("kind", "new_status", "milestone__group", "created_at")
    search_fields = ("milestone__title", "milestone__external_ref", "author__email", "note")
    list_select_related = ("milestone", "author")
    autocomplete_fields = ("milestone",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = None
    readonly_fields = (
        "author",
        "created_at",
        "kind",
        "old_status",
        "new_status",
        "old_progress",
        "new_progress",
        "changes",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("milestone", "note")
        return ("milestone", *self.readonly_fields, "note")

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
            obj.kind = UpdateKind.NOTE
            obj.version = obj.milestone.version
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


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Evidence across milestones: search, rename, remove. Uploads happen in the app, where
    their type and size are checked."""

    list_display = ("title", "milestone", "kind", "size", "added_by", "added_at")
    list_filter = ("content_type", "milestone__group", "added_at")
    search_fields = ("title", "url", "original_filename", "milestone__title", "added_by__email")
    list_select_related = ("milestone", "added_by")
    date_hierarchy = "added_at"
    ordering = ("-added_at", "-id")
    fields = (
        "milestone",
        "title",
        "url",
        evidence_download_link,
        "original_filename",
        "size",
        "content_type",
        "added_by",
        "added_at",
    )
    readonly_fields = (
        "milestone",
        "url",
        evidence_download_link,
        "original_filename",
        "size",
        "content_type",
        "added_by",
        "added_at",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("kind"))
    def kind(self, obj) -> str:
        return str(_("file")) if obj.file else str(_("link"))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _delete_files_on_commit([obj])

    def delete_queryset(self, request, queryset):
        evidence = list(queryset)
        super().delete_queryset(request, queryset)
        _delete_files_on_commit(evidence)
