from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.charter.models import SignOffSide, WorkingGroup


class ReportNarrative(models.Model):
    """A co-chair's narrative for their side in a group's progress report for one period
    (a calendar quarter, named by its first day)."""

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="report_narratives",
        verbose_name=_("group"),
    )
    period_start = models.DateField(
        _("period start"), help_text=_("The first day of the quarter the narrative reports on.")
    )
    side = models.CharField(_("side"), max_length=8, choices=SignOffSide)
    text = models.TextField(_("narrative"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        ordering = ["group", "-period_start", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "period_start", "side"],
                name="narrative_one_per_group_period_side",
                violation_error_message=_("This side already has a narrative for this period."),
            ),
            models.CheckConstraint(
                condition=Q(side__in=SignOffSide.values), name="narrative_side_az_or_us"
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1) & Q(period_start__month__in=[1, 4, 7, 10]),
                name="narrative_period_is_a_quarter",
                violation_error_message=_("A period starts on the first day of a quarter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.period_start:%Y-%m} {self.side.upper()}"
