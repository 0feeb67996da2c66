from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Side

TRANSLATED_LANGUAGES = ("en", "az", "ru")


class TranslatedMixin:
    """Pick `<field>_<lang>` for the active language, falling back to English."""

    def localized(self, field: str) -> str:
        language = (get_language() or "en").split("-")[0]
        if language not in TRANSLATED_LANGUAGES:
            language = "en"
        return getattr(self, f"{field}_{language}") or getattr(self, f"{field}_en")


class Charter(TranslatedMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_az = models.TextField(_("summary (Azerbaijani)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    signed_on = models.DateField(_("signed on"))
    signed_at = models.CharField(_("signed at"), max_length=100)
    roadmap_due = models.DateField(
        _("roadmaps due"),
        help_text=_("Deadline for the working groups' project lists and roadmaps."),
    )

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def summary(self) -> str:
        return self.localized("summary")


class CharterSection(TranslatedMixin, models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(_("slug"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_az = models.TextField(_("summary (Azerbaijani)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)

    class Meta:
        verbose_name = _("charter section")
        verbose_name_plural = _("charter sections")
        ordering = ["charter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "slug"], name="section_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def summary(self) -> str:
        return self.localized("summary")


class WorkingGroup(TranslatedMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    section = models.ForeignKey(
        CharterSection, on_delete=models.PROTECT, related_name="groups", verbose_name=_("section")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_az = models.TextField(_("description (Azerbaijani)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Visible only to the group's members and staff."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="working_groups"
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")


class SignOffSide(models.TextChoices):
    """The two signatory sides of the charter: who signs off and adopts for each government."""

    AZ = "az", _("Azerbaijan")
    US = "us", _("United States")


class Role(models.TextChoices):
    CO_CHAIR = "co_chair", _("Co-chair")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)
    side = models.CharField(_("side"), max_length=8, choices=Side)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "side", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="membership_user_group_unique"),
            models.UniqueConstraint(
                fields=["group", "side"],
                condition=models.Q(role="co_chair"),
                name="membership_one_cochair_per_side",
                violation_error_message=_("This group already has a co-chair for that side."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="co_chair") | models.Q(side__in=["az", "us"]),
                name="membership_cochair_side_az_or_us",
                violation_error_message=_("A co-chair represents Azerbaijan or the United States."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=Side.values), name="membership_side_valid"
            ),
        ]
        indexes = [models.Index(fields=["group", "role"], name="membership_group_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.group.slug} ({self.get_role_display()}, {self.side})"
