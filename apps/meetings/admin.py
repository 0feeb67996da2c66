"""Admin for meetings: attendance, decisions, action items and minutes adoption inline."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.charter.admin import (
    OnePer,
    VersionedAdminForm,
    VersionedAdminMixin,
    one_per_parent_formset,
)
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    Decision,
    Meeting,
    MinutesAdoption,
)


class ActionItemAdminForm(forms.ModelForm):
    """The database insists on a completion time exactly when done: fill it in (or clear
    it) rather than make staff type a timestamp."""

    class Meta:
        model = ActionItem
        fields = ("meeting", "title", "owner", "due_date", "status", "milestone", "completed_at")

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == ActionItemStatus.DONE and not cleaned.get("completed_at"):
            cleaned["completed_at"] = timezone.now()
        elif status and status != ActionItemStatus.DONE:
            cleaned["completed_at"] = None
        return cleaned


class MeetingAdminForm(VersionedAdminForm):
    class Meta:
        model = Meeting
        fields = "__all__"


AttendanceFormSet = one_per_parent_formset(
    OnePer(
        "attendance_one_per_member",
        ("user",),
        applies=lambda data: data.get("user") is not None,
    ),
)
MinutesAdoptionFormSet = one_per_parent_formset(OnePer("adoption_one_per_side", ("side",)))


class AttendanceInline(admin.TabularInline):
    model = Attendance
    formset = AttendanceFormSet
    fields = ("user", "guest_name", "guest_organisation", "status")
    autocomplete_fields = ("user",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class DecisionInline(admin.StackedInline):
    model = Decision
    fields = ("text", "created_at")
    readonly_fields = ("created_at",)
    extra = 0
    show_change_link = True


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    form = ActionItemAdminForm
    fields = ("title", "owner", "due_date", "status", "milestone", "completed_at")
    autocomplete_fields = ("owner", "milestone")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "milestone")


class MinutesAdoptionInline(admin.TabularInline):
    model = MinutesAdoption
    formset = MinutesAdoptionFormSet
    fields = ("side", "adopted_by", "adopted_at")
    readonly_fields = ("adopted_at",)
    autocomplete_fields = ("adopted_by",)
    extra = 0
    max_num = 2

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("adopted_by")


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, admin.ModelAdmin):
    form = MeetingAdminForm
    list_display = (
        "title",
        "group",
        "starts_at",
        "time_zone",
        "duration_minutes",
        "location",
        "minutes_state",
        "created_by",
    )
    list_filter = ("minutes_state", "group", "starts_at")
    search_fields = ("title", "location", "agenda", "minutes", "group__slug", "group__name_en")
    list_select_related = ("group", "created_by")
    autocomplete_fields = ("group", "created_by")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    readonly_fields = ("version", "created_at", "updated_at", "updated_by")
    fieldsets = (
        (None, {"fields": ("group", "title")}),
        (
            _("Time and place"),
            {"fields": ("starts_at", "time_zone", "duration_minutes", "location", "link")},
        ),
        (_("Agenda and minutes"), {"fields": ("agenda", "minutes", "minutes_state")}),
        (
            _("Record"),
            {
                "fields": (
                    "created_by",
                    "version",
                    "created_at",
                    "updated_at",
                    "updated_by",
                    "seen_version",
                )
            },
        ),
    )
    inlines = (AttendanceInline, DecisionInline, ActionItemInline, MinutesAdoptionInline)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if not change or [name for name in form.changed_data if name != "seen_version"]:
            # Named in the conflict message of whoever edits the meeting next on the site.
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MinutesAdoption)
class MinutesAdoptionAdmin(admin.ModelAdmin):
    list_display = ("meeting", "side", "adopted_by", "adopted_at")
    list_filter = ("side", "meeting__group", "adopted_at")
    search_fields = ("meeting__title", "adopted_by__email", "adopted_by__display_name")
    list_select_related = ("meeting", "adopted_by")
    autocomplete_fields = ("meeting", "adopted_by")
    date_hierarchy = "adopted_at"
    ordering = ("-adopted_at",)
    fields = ("meeting", "side", "adopted_by", "adopted_at")
    readonly_fields = ("adopted_at",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("meeting", "attendee", "guest_organisation", "status")
    list_filter = ("status", ("user", admin.EmptyFieldListFilter), "meeting__group")
    search_fields = (
        "meeting__title",
        "user__email",
        "user__display_name",
        "guest_name",
        "guest_organisation",
    )
    list_select_related = ("meeting", "user")
    autocomplete_fields = ("meeting", "user")
    date_hierarchy = "meeting__starts_at"
    ordering = ("-meeting__starts_at", "id")
    fields = ("meeting", "user", "guest_name", "guest_organisation", "status")

    @admin.display(description=_("attendee"), ordering="user__display_name")
    def attendee(self, obj) -> str:
        return str(obj.user) if obj.user_id else obj.guest_name


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("short_text", "meeting", "created_at")
    list_filter = ("meeting__group", "created_at")
    search_fields = ("text", "meeting__title")
    list_select_related = ("meeting",)
    autocomplete_fields = ("meeting",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = ("meeting", "text", "created_at")
    readonly_fields = ("created_at",)

    @admin.display(description=_("decision"))
    def short_text(self, obj) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Q(status=ActionItemStatus.OPEN) & Q(due_date__lt=timezone.localdate())
            )
        return queryset


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    form = ActionItemAdminForm
    list_display = ("title", "meeting", "owner", "due_date", "status", "milestone", "completed_at")
    list_filter = ("status", OverdueFilter, "meeting__group", "due_date")
    search_fields = ("title", "owner__email", "owner__display_name", "meeting__title")
    list_select_related = ("meeting", "owner", "milestone")
    autocomplete_fields = ("meeting", "owner", "milestone")
    date_hierarchy = "due_date"
    ordering = ("due_date", "id")
    fields = (
        "meeting",
        "title",
        "owner",
        "due_date",
        "status",
        "milestone",
        "completed_at",
        "created_at",
    )
    readonly_fields = ("created_at",)
