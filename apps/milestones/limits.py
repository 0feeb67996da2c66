"""The limits of a milestone's fields, in one place: the model fields, the forms (and the
HTML ``min``/``max``/``maxlength`` of the pages, through the ``limits`` context value), the
services and the roadmap importer all read them from here."""

import datetime
from typing import Final

TITLE_MAX_LENGTH: Final = 300
DESCRIPTION_MAX_LENGTH: Final = 20_000
EXTERNAL_REF_MAX_LENGTH: Final = 64
NOTE_MAX_LENGTH: Final = 5000
DUE_DATE_MIN: Final = datetime.date(2000, 1, 1)
DUE_DATE_MAX: Final = datetime.date(2100, 12, 31)
PROGRESS_MIN: Final = 0
PROGRESS_MAX: Final = 100
EVIDENCE_TITLE_MAX_LENGTH: Final = 200
EVIDENCE_URL_MAX_LENGTH: Final = 500
