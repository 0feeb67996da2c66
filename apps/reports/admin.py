"""The co-chairs' report narratives, for staff to read. They are written on the report pages
by the side's co-chair only, so the admin neither adds, changes nor deletes them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.reports.models import ReportNarrative
from apps.reports.periods import Period


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ("group", "period", "side", "updated_by", "updated_at", "version")
    list_filter = ("side", "period_start", "group")
    list_select_related = ("group", "updated_by")
    search_fields = ("text",)
    ordering = ("-period_start", "group__position", "side")
    fields = ("group", "period", "side", "text", "version", "updated_by", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, narrative: ReportNarrative) -> str:
        return str(Period.of(narrative.period_start))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
