"""Writes for milestones, in three modules: ``milestones`` (create, edit, log progress, the
admin's save), ``signoff`` (both sides sign; a decline withdraws) and ``evidence`` (links and
files). This package's names are the interface the views, the importer and other apps use."""

from apps.milestones.services.evidence import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    evidence_add,
    evidence_remove,
    validate_evidence_file,
)
from apps.milestones.services.milestones import (
    EDITABLE_FIELDS,
    FIELD_LABELS,
    UNSET,
    clean_section,
    conflict_rows,
    display_value,
    eligible_owners,
    milestone_admin_save,
    milestone_create,
    milestone_log_progress,
    milestone_update,
)
from apps.milestones.services.signoff import (
    DECLINED_PROGRESS_CAP,
    milestone_decline,
    milestone_sign_off,
    progress_after_decline,
)

__all__ = [
    "DECLINED_PROGRESS_CAP",
    "EDITABLE_FIELDS",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "FIELD_LABELS",
    "UNSET",
    "clean_section",
    "conflict_rows",
    "display_value",
    "eligible_owners",
    "evidence_add",
    "evidence_remove",
    "milestone_admin_save",
    "milestone_create",
    "milestone_decline",
    "milestone_log_progress",
    "milestone_sign_off",
    "milestone_update",
    "progress_after_decline",
    "validate_evidence_file",
]
