from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.charter.models import CharterSection, SignOffSide, WorkingGroup
from apps.milestones import limits


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    AT_RISK = "at_risk", _("At risk")
    BLOCKED = "blocked", _("Blocked")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label a person reads for a stored status ("—" for none, the value itself for
        one this version does not know)."""
        return str(cls(value).label) if value in cls.values else str(value or "—")


OPEN_STATUSES = [
    Status.PLANNED,
    Status.IN_PROGRESS,
    Status.AT_RISK,
    Status.BLOCKED,
    Status.AWAITING_SIGNOFF,
]


# A milestone's derived facts, defined once: in Python for one milestone (or any row with a
# status and a due date), as a Q for the database. "today" is the reader's day (apps/core/time).


def is_open(status: str) -> bool:
    """Still to be delivered: not done and not cancelled."""
    return status in OPEN_STATUSES


def is_overdue(status: str, due_date, today) -> bool:
    """Open, and due before ``today``."""
    return is_open(status) and due_date < today


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_STATUSES})


def overdue_q(today, prefix: str = "") -> Q:
    return open_q(prefix) & Q(**{f"{prefix}due_date__lt": today})


class UpdateKind(models.TextChoices):
    """What a progress-log entry records."""

    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    PROGRESS = "progress", _("Progress logged")
    SIGNED = "signed", _("Signed off")
    DECLINED = "declined", _("Sign-off declined")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    ADMIN = "admin", _("Changed in the admin")
    NOTE = "note", _("Note")


class Milestone(models.Model):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("group")
    )
    section = models.ForeignKey(
        CharterSection,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("charter section"),
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=limits.EXTERNAL_REF_MAX_LENGTH,
        blank=True,
        help_text=_("Stable identifier used by roadmap import and export."),
    )
    title = models.CharField(_("title"), max_length=limits.TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_milestones",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="milestone_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(completed_at__isnull=False))
                | (~Q(status="done") & Q(completed_at__isnull=True)),
                name="milestone_completed_at_iff_done",
                violation_error_message=_("Only a done milestone has a completion time."),
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="milestone_external_ref_unique",
                violation_error_message=_("Another milestone already has this external reference."),
            ),
        ]
        indexes = [
            # Progress last (not INCLUDE: SQLite has none) so that the dashboard's figures
            # (counts, progress and due dates per group and status) come from the index alone.
            models.Index(
                fields=["group", "status", "due_date", "progress"],
                name="milestone_group_status_due",
            ),
            models.Index(fields=["owner", "due_date"], name="milestone_owner_due"),
            # "My open milestones": a user's open ones in due-date order, read off the index.
            models.Index(
                fields=["owner", "due_date", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="milestone_owner_open_due",
            ),
            models.Index(fields=["status", "due_date"], name="milestone_status_due"),
            # The list pages: a page of 50 in due-date order, read straight off an index
            # instead of sorting every milestone of the group (or of every visible group).
            models.Index(fields=["group", "due_date", "id"], name="milestone_group_due_id"),
            models.Index(fields=["due_date", "id"], name="milestone_due_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return is_open(self.status)

    def is_overdue(self, today) -> bool:
        return is_overdue(self.status, self.due_date, today)


class MilestoneUpdate(models.Model):
    """Append-only log: one row per change to a milestone."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="updates", verbose_name=_("milestone")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_updates",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=UpdateKind, default=UpdateKind.UPDATED
    )
    version = models.PositiveIntegerField(
        _("version"),
        null=True,
        blank=True,
        help_text=_("The milestone's version after this entry."),
    )
    old_status = models.CharField(_("old status"), max_length=20, choices=Status, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, choices=Status, blank=True)
    old_progress = models.PositiveSmallIntegerField(_("old progress"), null=True, blank=True)
    new_progress = models.PositiveSmallIntegerField(_("new progress"), null=True, blank=True)
    changes = models.JSONField(
        _("other changes"),
        default=dict,
        blank=True,
        help_text=_('Other fields changed, as {"field": [old, new]}.'),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["milestone", "-created_at"], name="update_milestone_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(new_progress__isnull=True) | Q(new_progress__lte=100))
                & (Q(old_progress__isnull=True) | Q(old_progress__lte=100)),
                name="update_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class SignOff(models.Model):
    """A co-chair's confirmation for their side; done only when both sides have signed."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("milestone")
    )
    side = models.CharField(_("side"), max_length=8, choices=SignOffSide)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signoffs",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["milestone", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "side"],
                name="signoff_one_per_side",
                violation_error_message=_("This side has already signed off this milestone."),
            ),
            models.CheckConstraint(
                condition=Q(side__in=SignOffSide.values), name="signoff_side_az_or_us"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} signed by {self.side.upper()}"


EVIDENCE_UPLOAD_TO = "evidence/%Y/%m/"


class Evidence(models.Model):
    """A link or an uploaded file that backs up a milestone's progress.

    Files live under MEDIA_ROOT but are never served from MEDIA_URL: the download view
    checks access first.
    """

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("milestone")
    )
    title = models.CharField(_("title"), max_length=limits.EVIDENCE_TITLE_MAX_LENGTH)
    url = models.URLField(_("link"), max_length=limits.EVIDENCE_URL_MAX_LENGTH, blank=True)
    file = models.FileField(_("file"), upload_to=EVIDENCE_UPLOAD_TO, max_length=255, blank=True)
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_evidence",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["milestone", "added_at"], name="evidence_milestone_time")]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(url="") & Q(file="")) | (Q(url="") & ~Q(file="")),
                name="evidence_link_xor_file",
                violation_error_message=_("Evidence is either a link or a file, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)
