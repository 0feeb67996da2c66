"""Evidence on a milestone: links and files (type checked by extension and content, size
bounded, stored under a random name), added and removed by the group's members."""

import errno
import logging
import os
import uuid
import zipfile
from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.charter.access import group_access
from apps.milestones.access import CLOSED_STATUSES, can_remove_evidence
from apps.milestones.models import (
    Evidence,
    Milestone,
    UpdateKind,
)
from apps.milestones.services.milestones import _lock, _log, _require_edit

EVIDENCE_MAX_BYTES: Final = 10 * 1024 * 1024
EVIDENCE_TYPES: Final = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}
_SNIFF_BYTES = 8192
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ", b"\x7fELF", b"GIF8")
_TEXT_CONTROL_OK = {9, 10, 11, 12, 13, 26, 27}  # tab, newlines, form feed, DOS EOF, escape
_STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})

logger = logging.getLogger(__name__)


# --- evidence -------------------------------------------------------------------------------


def _looks_like_text(head: bytes) -> bool:
    if head.startswith(_BINARY_MAGIC):
        return False
    return not any(byte < 32 and byte not in _TEXT_CONTROL_OK for byte in head)


def _is_office_zip(file: UploadedFile, part: str) -> bool:
    """A real .docx/.xlsx: a zip archive with the Office content types and its main part."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and part in names


def _content_matches(extension: str, head: bytes, file: UploadedFile) -> bool:
    match extension:
        case "pdf":
            return head.startswith(b"%PDF-")
        case "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        case "jpg" | "jpeg":
            return head.startswith(b"\xff\xd8\xff")
        case "docx":
            return head.startswith(b"PK\x03\x04") and _is_office_zip(file, "word/document.xml")
        case "xlsx":
            return head.startswith(b"PK\x03\x04") and _is_office_zip(file, "xl/workbook.xml")
        case "csv" | "txt":
            return _looks_like_text(head)
    return False


def validate_evidence_file(file: UploadedFile) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload, or ValidationError.

    Checked by the name's extension and by the first bytes of the content; the
    browser's declared content type is ignored.
    """
    name = os.path.basename(file.name or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "This type of file is not accepted. Upload a PDF, PNG, JPEG, Word (.docx), "
                    "Excel (.xlsx), CSV or plain-text file."
                )
            },
            code="file_type",
        )
    if file.size is None or file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than 10 MB. Upload a smaller file or add a link.")},
            code="file_size",
        )
    if file.size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="file_empty")
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    if not _content_matches(extension, head, file):
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file's content is not a real .%(extension)s file."),
                    code="file_content",
                    params={"extension": extension},
                )
            }
        )
    return extension, EVIDENCE_TYPES[extension]


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise ValidationError({"url": _("Keep the link to 500 characters.")}, code="max_length")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise ValidationError(
            {"url": _("Enter a web address starting with http:// or https://.")},
            code="url_scheme",
        ) from error
    return url


def _clean_filename(name: str) -> str:
    name = "".join(ch for ch in os.path.basename(name or "") if ch.isprintable()).strip()
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension)] + extension
    return name or "file"


def _discard_partial(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not remove the partly written evidence file %s", name)


def _store_evidence_file(evidence: Evidence, file: UploadedFile, extension: str) -> str:
    """Write the upload under a fresh random name and point ``evidence.file`` at it.

    If the write fails, whatever part of the file reached the disk is removed. A full disk
    (or quota) is a ValidationError on ``file`` (logged), so the user reads why; any other
    storage error propagates.
    """
    field = evidence.file.field
    storage = evidence.file.storage
    target = field.generate_filename(evidence, f"{uuid.uuid4().hex}.{extension}")
    existed = storage.exists(target)  # a random name: never, but never delete another's file
    try:
        name = storage.save(target, file, max_length=field.max_length)
    except OSError as error:
        if not existed:
            _discard_partial(storage, target)
        if error.errno in _STORAGE_FULL_ERRNOS:
            logger.error(
                "Storage full: evidence for milestone %s was not saved (%s)",
                evidence.milestone_id,
                error,
                exc_info=True,
            )
            raise ValidationError(
                {
                    "file": _(
                        "The file could not be saved because the server's storage is full. "
                        "Nothing was added: try again later, or add a link instead."
                    )
                },
                code="storage_full",
            ) from error
        raise
    evidence.file = name
    return name


def evidence_add(
    *,
    milestone_id: int,
    user: User,
    title: str = "",
    url: str = "",
    file: UploadedFile | None = None,
) -> Evidence:
    """Attach a link (http/https) or a file (≤ 10 MB, an accepted type) to a milestone.

    The file is stored under a random name in MEDIA_ROOT/evidence/<year>/<month>/; its
    original name is kept for the download. A full disk is a ValidationError on ``file``
    and leaves no row and no partial file behind.
    """
    url = (url or "").strip()
    if url and file is not None:
        raise ValidationError(_("Add either a link or a file, not both."), code="link_and_file")
    if not url and file is None:
        raise ValidationError(_("Add a link or choose a file."), code="nothing")
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the title to 200 characters.")}, code="max_length")

    with transaction.atomic():
        milestone = _lock(milestone_id)
        access = group_access(user=user, group=milestone.group)
        _require_edit(access)
        if milestone.status in CLOSED_STATUSES and not access.can_manage:
            raise ValidationError(
                _("Only a co-chair or staff can change a done or cancelled milestone."),
                code="closed",
            )
        evidence = Evidence(milestone=milestone, added_by=user)
        if url:
            evidence.url = _clean_url(url)
            evidence.title = title or evidence.url[:200]
        else:
            extension, content_type = validate_evidence_file(file)
            evidence.original_filename = _clean_filename(file.name)
            evidence.title = title or evidence.original_filename[:200]
            evidence.size = file.size
            evidence.content_type = content_type
        stored = None
        try:
            if file is not None:
                stored = _store_evidence_file(evidence, file, extension)
            evidence.save()
            _log(
                milestone=milestone,
                user=user,
                kind=UpdateKind.EVIDENCE_ADDED,
                old_status=milestone.status,
                old_progress=milestone.progress,
                changes={"evidence": [None, evidence.title]},
            )
        except BaseException:
            if stored:
                evidence.file.storage.delete(stored)
            raise
    return evidence


def evidence_remove(*, evidence_id: int, user: User) -> Milestone:
    """Remove a piece of evidence (its file goes once the transaction commits)."""
    with transaction.atomic():
        evidence = Evidence.objects.select_related("milestone").filter(pk=evidence_id).first()
        if evidence is None:
            raise ValidationError(_("This evidence was already removed."), code="gone")
        milestone = _lock(evidence.milestone_id)
        evidence.milestone = milestone
        access = group_access(user=user, group=milestone.group)
        _require_edit(access)
        if not can_remove_evidence(user=user, access=access, evidence=evidence):
            raise PermissionDenied(
                gettext("Only whoever added it, a co-chair or staff can remove this evidence.")
            )
        stored, storage = evidence.file.name, evidence.file.storage
        title = evidence.title
        evidence.delete()
        _log(
            milestone=milestone,
            user=user,
            kind=UpdateKind.EVIDENCE_REMOVED,
            old_status=milestone.status,
            old_progress=milestone.progress,
            changes={"evidence": [title, None]},
        )
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
        return milestone
