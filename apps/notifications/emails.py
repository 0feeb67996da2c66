"""Composing email: one `make_message` for every email the system sends.

A message is composed when a job decides it (in the recipient's language and time zone,
with absolute links) and stored in its outbox row; delivery rebuilds the very same
message from the row (`message_from_row`), so the log shows exactly what was sent.
"""

from __future__ import annotations

import base64
import email.policy
import re
from collections.abc import Mapping
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from apps.core.time import zone_named

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.notifications.models import EmailLog

UNSUBSCRIBE_SALT = "unsubscribe"


class Scope(StrEnum):
    """What an unsubscribe link stops."""

    DIGEST = "digest"
    REMINDERS = "reminders"


#: Template name → what its unsubscribe link stops; every other email is a reminder.
SCOPE_BY_TEMPLATE = {"digest": Scope.DIGEST}


class BadToken(Exception):
    """An unsubscribe token that was tampered with, or names nothing we know."""


def unsubscribe_token(*, user_id: int, scope: Scope | str) -> str:
    return signing.dumps({"u": user_id, "s": str(scope)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, Scope]:
    """The (user id, scope) a token was signed for; BadToken when it is not ours."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadToken("bad signature") from None
    if not isinstance(payload, dict):
        raise BadToken("bad payload")
    user_id, scope = payload.get("u"), payload.get("s")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or scope not in set(Scope):
        raise BadToken("bad payload")
    return user_id, Scope(scope)


def absolute(path: str) -> str:
    """SITE_URL + path: links in email must work outside the site."""
    return f"{settings.SITE_URL}{path}"


def milestone_url(pk: int) -> str:
    return absolute(f"/milestones/{pk}/")


def meeting_url(pk: int) -> str:
    return absolute(f"/meetings/{pk}/")


def group_url(slug: str) -> str:
    return absolute(f"/groups/{slug}/")


@lru_cache(maxsize=64)
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy_text(text: str) -> str:
    """Plain-text bodies: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


class _UnfoldedHeader(UnstructuredHeader):
    """A header written on one line, as is. Python folds an unstructured header longer than
    78 characters by turning it into RFC 2047 encoded words, which mail clients do not read
    as a List-Unsubscribe URL, and folds a long Message-ID onto a continuation line, which
    some parsers read back with a leading space. RFC 5322 allows lines up to 998 characters."""

    def fold(self, *, policy):
        text = str(self)
        if text.isascii() and len(self.name) + len(text) + 2 <= 998:
            return f"{self.name}: {text}{policy.linesep}"
        return super().fold(policy=policy)


#: RFC 2047 §2: a line with encoded words is at most 76 characters long.
_ENCODED_LINE = 76
_WORD_START, _WORD_END = "=?utf-8?b?", "?="


def _fold_words(first: str, words: list[str], *, width: int, linesep: str) -> str:
    """`first` and then `words`, each after one space, starting a continuation line (that
    space its folding white space) when the next word would pass `width`. Unfolding
    (RFC 5322 §2.2.3: remove each line break) gives back exactly first + " " + word ..."""
    lines, line = [], first
    for word in words:
        if word and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = " " + word
        else:
            line += " " + word
    return linesep.join([*lines, line]) + linesep


def _encoded_words(text: str, *, first_room: int) -> list[str]:
    """`text` as RFC 2047 "B" encoded words of whole characters: the first fits in
    `first_room` characters, the others in a continuation line of their own. The white space
    between adjacent encoded words is not part of the text (§6.2), so the spaces of `text` are
    encoded inside the words and the decoded text is `text` exactly."""
    words, chunk = [], ""
    room = first_room
    for char in text:
        if len(_encoded_word(chunk + char)) > room and chunk:
            words.append(_encoded_word(chunk))
            chunk, room = "", _ENCODED_LINE - 1
        chunk += char
    words.append(_encoded_word(chunk))
    return words


def _encoded_word(text: str) -> str:
    return f"{_WORD_START}{base64.b64encode(text.encode()).decode('ascii')}{_WORD_END}"


class _SubjectHeader(UnstructuredHeader):
    """A Subject a strict parser reads back as it was written. Python's own folding can put
    two encoded words together with no white space between them (RFC 2047 §5 requires it; a
    decoder then shows the words run together or a double space), keep a space at the end of
    a line, and start the header with an empty folded line (read back with a leading space).

    Plain ASCII is folded at its spaces, never before the first word. Anything else (or text
    that looks like an encoded word itself) is written as encoded words, one per line, split
    between whole characters."""

    @classmethod
    def parse(cls, value, kwds):
        super().parse(value, kwds)
        if "\n" not in value and "\r" not in value:
            # The text the program set, as it is: a title that merely looks like an encoded
            # word ("=?utf-8?q?x?=") is not decoded on the way in.
            kwds["decoded"] = value

    def fold(self, *, policy):
        text = str(self)
        name, linesep = self.name, policy.linesep
        width = policy.max_line_length or 78
        if not text:
            return f"{name}: {linesep}"
        plain = (text.isascii() or policy.utf8) and "=?" not in text
        words = text.split(" ")
        if plain and all(len(name) + 2 + len(word) <= 998 for word in words):
            return _fold_words(f"{name}: {words[0]}", words[1:], width=width, linesep=linesep)
        encoded = _encoded_words(text, first_room=_ENCODED_LINE - len(name) - 2)
        return f"{name}: {linesep.join(' ' + word for word in encoded).lstrip()}{linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _UnfoldedHeader)
_HEADERS.map_to_type("message-id", _UnfoldedHeader)
_HEADERS.map_to_type("subject", _SubjectHeader)


_ICS_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


class Message(EmailMultiAlternatives):
    """EmailMultiAlternatives that keeps List-Unsubscribe and Message-ID on one line, writes
    a Subject that parses back exactly (`_SubjectHeader`) and gives an iCalendar attachment
    its calendar's METHOD as a Content-Type parameter (RFC 6047 §2.4)."""

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy.clone(header_factory=_HEADERS))
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                method = _ICS_METHOD.search(part.get_content())
                if method:
                    part.set_param("method", method[1].upper())
        return message


def make_message(name: str, to: User, context: Mapping[str, Any]) -> Message:
    """Render templates/emails/<name>-subject.txt, -body.txt and -body.html for `to`.

    In the recipient's language and time zone, with absolute links and a one-click
    unsubscribe (RFC 8058) that stops this kind of email.
    """
    scope = SCOPE_BY_TEMPLATE.get(name, Scope.REMINDERS)
    unsubscribe_url = absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=to.pk, scope=scope)])
    )
    with translation.override(to.language), timezone.override(zone_named(to.time_zone)):
        values = {
            **context,
            "recipient": to,
            "site_url": settings.SITE_URL,
            "preferences_url": absolute(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe_url,
            "unsubscribe_scope": str(scope),
        }
        subject = _one_line(render_to_string(f"emails/{name}-subject.txt", values))
        values["subject"] = subject
        text = _tidy_text(render_to_string(f"emails/{name}-body.txt", values))
        html = render_to_string(f"emails/{name}-body.html", values)
    message = Message(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_group_fragment(group_digest, fmt: str) -> str:
    """One working group's part of a digest ("html" or "txt"), in the active language and
    time zone. It depends on nothing about the recipient, so it is rendered once per run for
    everyone who shares the group, window and local day (see GroupDigest.fragments)."""
    key = (fmt, translation.get_language(), timezone.get_current_timezone_name())
    if key not in group_digest.fragments:
        group_digest.fragments[key] = render_to_string(
            f"emails/_digest_group.{fmt}", {"g": group_digest, "group_url": group_digest.url}
        )
    return group_digest.fragments[key]


def message_id_for(*, kind: str, recipient_id: int, subject_key: str, period: str) -> str:
    """A Message-ID that follows from the claim key: the same email always has the same id,
    so a resend after "check" can be recognised by the receiving side."""
    host = urlsplit(settings.SITE_URL).hostname or "charterhub.invalid"
    local = ".".join(
        "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in part)
        for part in (kind, str(recipient_id), subject_key, period)
    )
    return f"<{local}@{host}>"


def row_fields(message: EmailMultiAlternatives) -> dict[str, Any]:
    """What an outbox row stores of a composed message."""
    html = next(
        (str(part.content) for part in message.alternatives if part.mimetype == "text/html"), ""
    )
    return {
        "from_email": message.from_email,
        "to_email": message.to[0],
        "subject": message.subject[:300],
        "body_text": message.body,
        "body_html": html,
        "headers": dict(message.extra_headers),
        "attachments": [
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in message.attachments
        ],
    }


def message_from_row(row: EmailLog) -> Message:
    """The message exactly as it was decided."""
    headers = dict(row.headers)
    if row.message_id:
        headers["Message-ID"] = row.message_id
    message = Message(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers=headers,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message
