"""The audit log in the admin: staff read it; nobody adds, changes or deletes a row here.

Also replaces the admin's site-wide "delete selected" action with one that records what a
bulk deletion removed: Django logs a deletion of several objects with ``bulk_create``, which
sends no ``post_save``, so the LogEntry receiver (apps.audit.receivers) would not hear it.
"""

import functools

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditEvent, AuditKind
from apps.audit.receivers import ROLE_MODELS
from apps.audit.services import audit_record


def _is_staff(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "actor_email", "target", "ip", "method", "path")
    list_filter = ("kind", "at")
    search_fields = ("actor_email", "target", "ip", "path")
    search_help_text = _("Actor email, target (e.g. the email typed at login), IP or path.")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    list_select_related = ()  # the actor's email is copied: nothing to join
    show_full_result_count = False  # one COUNT over a table that only grows is enough
    fields = (
        "at",
        "kind",
        "actor",
        "actor_email",
        "target",
        "detail",
        "ip",
        "user_agent",
        "method",
        "path",
    )
    readonly_fields = fields
    actions = None

    def has_module_permission(self, request) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@functools.wraps(django_delete_selected)  # its permission, description and location
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", recording each object of a confirmed bulk deletion."""
    confirmed = bool(request.POST.get("post"))
    removed = [(obj.pk, str(obj)[:200]) for obj in queryset] if confirmed else []
    response = django_delete_selected(modeladmin, request, queryset)
    if confirmed and response is None and len(removed) > 1:  # one object: LogEntry.save()
        opts = modeladmin.model._meta
        model = f"{opts.app_label}.{opts.model_name}"
        roles = (opts.app_label, opts.model_name) in ROLE_MODELS
        for pk, text in removed:
            audit_record(
                kind=AuditKind.ROLE_CHANGED if roles else AuditKind.ADMIN_CHANGE,
                actor=request.user,
                request=request,
                target=f"{model}:{pk} {text}",
                detail={"action": "deleted", "model": model, "changes": [], "via": "admin"},
            )
    return response


admin.site.add_action(delete_selected, "delete_selected")
