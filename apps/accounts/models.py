import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    AZ = "az", _("Azerbaijan")
    US = "us", _("United States")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private sector")


class Language(models.TextChoices):
    EN = "en", "English"
    AZ = "az", "Azərbaycanca"
    RU = "ru", "Русский"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly (Monday)")
    OFF = "off", _("Off")


DEFAULT_LEAD_DAYS = [14, 7, 1]


def default_lead_days() -> list[int]:
    return list(DEFAULT_LEAD_DAYS)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_lead_days(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 90 for day in value
    ):
        raise ValidationError(_("Reminder lead days must be whole numbers from 1 to 90."))
    if len(value) > 5 or len(set(value)) != len(value):
        raise ValidationError(_("Give at most five different lead days."))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    side = models.CharField(_("side"), max_length=8, choices=Side, default=Side.OTHER)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector, default=Sector.GOVERNMENT)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=8, choices=Language, default=Language.EN)
    digest_frequency = models.CharField(
        _("progress digest"), max_length=8, choices=DigestFrequency, default=DigestFrequency.WEEKLY
    )
    reminder_lead_days = models.JSONField(
        _("reminder lead days"),
        default=default_lead_days,
        validators=[validate_lead_days],
        help_text=_("Days before a due date on which to send a reminder."),
    )
    reminders_enabled = models.BooleanField(_("deadline reminders"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The secret in the user's calendar feed URLs (secrets.token_urlsafe); none → feeds off.
    calendar_token = models.CharField(
        _("calendar feed token"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        default=None,
        editable=False,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=Side.values), name="user_side_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="user_language_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(digest_frequency__in=DigestFrequency.values),
                name="user_digest_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>" if self.display_name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email
