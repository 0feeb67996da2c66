"""Admin for the outbox: read-only (what was sent stays as it was), with a retry action.

States: queued → sending → sent. Temporary failures return to queued with a backoff, then
fail; permanent ones fail at once. "Needs checking" means a worker stopped while sending it:
it may or may not have arrived, so it is never resent on its own — staff retry it (or not)
after checking. Retrying queues the email again with fresh attempts; the last error stays.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.notifications.models import EmailLog, EmailState
from apps.notifications.services import emails_retry

RETRYABLE_STATES = (EmailState.FAILED, EmailState.CHECK)


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "to_email",
        "recipient",
        "subject",
        "state",
        "attempts",
        "send_after",
        "sent_at",
    )
    list_filter = ("state", "kind", "created_at", "sent_at")
    search_fields = ("to_email", "subject", "subject_key", "message_id")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ("retry_failed",)
    fieldsets = (
        (None, {"fields": ("kind", "recipient", "to_email", "subject")}),
        (_("Claim"), {"fields": ("subject_key", "period", "decided_at", "context")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "state",
                    "attempts",
                    "send_after",
                    "sending_since",
                    "sent_at",
                    "message_id",
                    "last_error",
                    "created_at",
                )
            },
        ),
        (
            _("Message as sent"),
            {"fields": ("from_email", "headers", "body_text", "body_html", "attachments")},
        ),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("body_text", "body_html", "attachments", "context")
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_emaillog")

    @admin.action(description=_("Retry selected failed emails"), permissions=("retry",))
    def retry_failed(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        requeued = emails_retry(ids=ids, now=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d email requeued.",
                "%(count)d emails requeued.",
                requeued,
            )
            % {"count": requeued},
            messages.SUCCESS if requeued else messages.WARNING,
        )
        skipped = len(ids) - requeued
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was left alone: only failed emails and emails that "
                    "need checking can be retried.",
                    "%(count)d emails were left alone: only failed emails and emails that "
                    "need checking can be retried.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
