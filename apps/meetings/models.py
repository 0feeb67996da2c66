from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import validate_time_zone
from apps.charter.models import SignOffSide, WorkingGroup
from apps.milestones.models import Milestone


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class Meeting(models.Model):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Baku", validators=[validate_time_zone]
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=300, blank=True)
    link = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    minutes_state = models.CharField(
        _("minutes"), max_length=10, choices=MinutesState, default=MinutesState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
        help_text=_("Who last changed the details or the minutes (named in edit conflicts)."),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"], name="meeting_group_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_state__in=MinutesState.values),
                name="meeting_minutes_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="meeting_duration_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class MinutesAdoption(models.Model):
    """A co-chair's adoption of the minutes for their side; both sides → adopted and locked."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("meeting")
    )
    side = models.CharField(_("side"), max_length=8, choices=SignOffSide)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    adopted_at = models.DateTimeField(_("adopted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes adoption")
        verbose_name_plural = _("minutes adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "side"],
                name="adoption_one_per_side",
                violation_error_message=_("This side has already adopted these minutes."),
            ),
            models.CheckConstraint(
                condition=Q(side__in=SignOffSide.values), name="adoption_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} adopted by {self.side.upper()}"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """A member, or an external guest named by hand."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendance",
        verbose_name=_("member"),
    )
    guest_name = models.CharField(_("guest name"), max_length=200, blank=True)
    guest_organisation = models.CharField(_("guest organisation"), max_length=200, blank=True)
    status = models.CharField(
        _("attendance"), max_length=12, choices=AttendanceStatus, default=AttendanceStatus.INVITED
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="attendance_one_per_member",
                violation_error_message=_("This member is already on the attendance list."),
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(guest_name=""))
                | (Q(user__isnull=True) & ~Q(guest_name="")),
                name="attendance_member_xor_guest",
                violation_error_message=_("Choose a member or name a guest, not both."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            # A guest's name of spaces only is no name (the service strips every kind of
            # whitespace; TRIM, on both backends, strips spaces).
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(GreaterThan(Length(Trim("guest_name")), 0)),
                name="attendance_guest_name_not_blank",
                violation_error_message=_("Give the guest's name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.guest_name}: {self.status}"


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionItemStatus, default=ActionItemStatus.OPEN
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("linked milestone"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner", "due_date"], name="action_owner_due"),
            models.Index(fields=["status", "due_date"], name="action_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionItemStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=ActionItemStatus.DONE) & Q(completed_at__isnull=False))
                | (~Q(status=ActionItemStatus.DONE) & Q(completed_at__isnull=True)),
                name="action_completed_at_iff_done",
                violation_error_message=_("Only a done action item has a completion time."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
