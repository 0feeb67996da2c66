"""Writes to a user's own account, and the account-security writes: deactivating a user (which
ends their sessions) and the password-reset email (docs/security.md)."""

import functools
import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from apps.accounts.models import Language, User
from apps.accounts.security import password_change_limit, password_reset_email_limit
from apps.audit.models import AuditKind
from apps.audit.services import audit_record
from apps.core.limits import limit_hit, limit_reached, limit_reset

logger = logging.getLogger(__name__)


def language_choices() -> list[str]:
    """The codes a user may choose: the site's languages that the user model can store."""
    return [code for code, _name in settings.LANGUAGES if code in Language.values]


def language_clean(language: str) -> str:
    """``language`` when it is one of the site's languages, else ValidationError."""
    if language not in language_choices():
        raise ValidationError(
            {
                "language": ValidationError(
                    _("“%(code)s” is not one of the languages of CharterHub."),
                    code="invalid_language",
                    params={"code": language[:32]},
                )
            }
        )
    return language


def user_set_language(*, user: User, language: str) -> User:
    """Store ``language`` as the user's interface and email language. ValidationError for a
    code that is not one of the site's languages; nothing is written when it is unchanged."""
    language_clean(language)
    if user.language != language:
        with transaction.atomic():
            user.language = language
            user.save(update_fields=["language"])
    return user


# --- account security ---------------------------------------------------------------------


def user_sessions_end(*, user_id: int) -> int:
    """Delete every stored session signed in as ``user_id``; returns how many.

    Sessions are stored signed, not indexed by user, so this reads each unexpired session
    once (fine for the few thousand sessions CharterHub has; needs the database session
    engine, the default). Even without it a deactivated user's session is refused: Django's
    ModelBackend does not load an inactive user.
    """
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=500
        )
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    if ended:
        Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None) -> int:
    """Deactivate ``user`` and end their sessions at once; recorded in the audit log.
    Returns how many sessions were ended."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = user_sessions_end(user_id=user.pk)
    audit_record(
        kind=AuditKind.USER_DEACTIVATED,
        actor=actor,
        target=user,
        detail={"sessions_ended": ended},
    )
    return ended


@transaction.atomic
def user_reactivate(*, user: User, actor: User | None) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    audit_record(kind=AuditKind.USER_REACTIVATED, actor=actor, target=user)


PRIVILEGE_FLAGS = ("is_staff", "is_superuser")


def user_privileges_record(*, user: User, actor: User | None, before: dict[str, bool]) -> None:
    """Record a change of ``user``'s staff or superuser flag (``before``: the old values)."""
    changes = {
        flag: [before[flag], getattr(user, flag)]
        for flag in PRIVILEGE_FLAGS
        if flag in before and before[flag] != getattr(user, flag)
    }
    if changes:
        audit_record(
            kind=AuditKind.ROLE_CHANGED, actor=actor, target=user, detail={"changes": changes}
        )


def password_change_record(*, user: User, succeeded: bool) -> None:
    """A password change on the user's own page: done, or refused for a wrong old password."""
    kind = AuditKind.PASSWORD_CHANGED if succeeded else AuditKind.PASSWORD_CHANGE_FAILED
    audit_record(kind=kind, actor=user, target=user)
    if succeeded:
        limit_reset(limit=password_change_limit(), key=str(user.pk))
    else:
        limit_hit(limit=password_change_limit(), key=str(user.pk))


def password_reset_completed(*, user: User) -> None:
    """A new password set through an emailed link: recorded, and the account's login lockout
    lifted (whoever set it has proved they read the account's email)."""
    unlocked = axes_reset(username=user.email.lower())
    audit_record(
        kind=AuditKind.PASSWORD_RESET_COMPLETED,
        target=user,
        detail={"lockout_cleared": bool(unlocked)},
    )


def _queue_password_reset_email(email: str) -> None:
    from apps.accounts.tasks import send_password_reset_email  # tasks import this module

    send_password_reset_email.apply_async(args=[email], expires=settings.PASSWORD_RESET_TIMEOUT)


def password_reset_request(*, email: str) -> None:
    """Someone asked for a reset link for ``email``. Recorded, and handed to the worker,
    which looks the address up and sends the email (``password_reset_email_send``): the page
    answers the same, equally fast, whether or not the address belongs to an account.

    A broker that cannot take the job is logged (the person sees the same page and can ask
    again); the job expires after PASSWORD_RESET_TIMEOUT, so a worker that was down does not
    send links long after they were asked for.
    """
    email = email.strip()[:254]
    audit_record(kind=AuditKind.PASSWORD_RESET_REQUESTED, target=email.lower())
    transaction.on_commit(functools.partial(_queue_password_reset_email, email), robust=True)


def password_reset_link(*, user: User) -> str:
    """The absolute one-time link (valid PASSWORD_RESET_TIMEOUT seconds), built on SITE_URL —
    never on the request's Host header, which a requester controls."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.SITE_URL}{path}"


def password_reset_message(*, user: User) -> EmailMultiAlternatives:
    """The reset email, in the user's language."""
    context = {
        "user": user,
        "reset_url": password_reset_link(user=user),
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "site_url": settings.SITE_URL,
        "login_url": f"{settings.SITE_URL}{reverse('login')}",
    }
    with translation.override(user.language):
        subject = " ".join(render_to_string("accounts/password_reset_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string("accounts/password_reset_email.txt", context)
        html = render_to_string("accounts/password_reset_email.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def password_reset_email_send(*, email: str) -> int:
    """Send a reset link to the active account with this email (if any, and if it has a
    password), unless it already had PASSWORD_RESET_EMAILS_PER_HOUR links within the hour.
    Returns how many emails were sent (0 or 1). An SMTP error propagates (the task retries)."""
    sent = 0
    limit = password_reset_email_limit()
    for user in PasswordResetForm().get_users(email):
        if limit_reached(limit=limit, key=str(user.pk)):
            logger.warning("Password reset for user %s not sent: hourly limit reached", user.pk)
            continue
        password_reset_message(user=user).send()
        limit_hit(limit=limit, key=str(user.pk))
        audit_record(kind=AuditKind.PASSWORD_RESET_SENT, target=user)
        sent += 1
    return sent
