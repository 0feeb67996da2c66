"""The milestone CSV format (DESIGN.md, a stable interface): reading and writing it.

Columns, in this order on export and in any order on import::

    external_ref, group, section, title, description, owner_email, due_date, status, progress

Reading accepts UTF-8 with or without a byte-order mark, commas or semicolons (told apart
on the header line), Excel's quoting (quoted fields holding delimiters, newlines and doubled
quotes) and CRLF line ends. Every problem is reported with its line (and column when there
is one to blame); nothing here touches the database.

Formula injection: a cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return — after any apostrophes) gets one leading
apostrophe on export, and import strips exactly that one apostrophe back, so an export
re-imports unchanged.
"""

import codecs
import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.milestones.models import Milestone

COLUMNS: Final = (
    "external_ref",
    "group",
    "section",
    "title",
    "description",
    "owner_email",
    "due_date",
    "status",
    "progress",
)
#: What a person reads for each column (the headers themselves stay as in ``COLUMNS``).
COLUMN_LABELS: Final = {
    "external_ref": gettext_lazy("Reference"),
    "group": gettext_lazy("Group"),
    "section": gettext_lazy("Charter section"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "owner_email": gettext_lazy("Owner"),
    "due_date": gettext_lazy("Due date"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress (%)"),
}
MAX_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 5000
BOM: Final = "\ufeff"

_FORMULA: Final = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED: Final = re.compile(r"^'+[=+\-@\t\r]")


def column_label(name: str | None) -> str:
    """The label of a column for a page ("" for none, the name itself for an unknown one)."""
    if not name:
        return ""
    return str(COLUMN_LABELS.get(name, name))


def escape_cell(value: str) -> str:
    """The cell as written to a file: a would-be formula gets a leading apostrophe."""
    return "'" + value if _FORMULA.match(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of ``escape_cell``: drop the one apostrophe export added."""
    return value[1:] if _ESCAPED.match(value) else value


@dataclass(frozen=True)
class CsvError:
    """One problem in a file: where (line, column) and what."""

    line: int | None
    column: str | None
    message: str

    @property
    def column_label(self) -> str:
        """The column as a page names it ("Reference", not ``external_ref``)."""
        return column_label(self.column)

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass(frozen=True)
class CsvRow:
    """One data row: the line it starts on and its values by column name (stripped,
    formula escaping undone)."""

    line: int
    values: dict[str, str]


@dataclass
class ParsedFile:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _check_header(header: list[str]) -> list[CsvError]:
    errors = []
    names = [name.strip().lower() for name in header]
    expected = ", ".join(COLUMNS)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            errors.append(CsvError(1, name, _("this column appears more than once.")))
        seen.add(name)
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            if close:
                message = _(
                    "unknown column “%(name)s” (did you mean “%(suggestion)s”?). "
                    "The columns are: %(expected)s."
                ) % {"name": name, "suggestion": close[0], "expected": expected}
            else:
                message = _("unknown column “%(name)s”. The columns are: %(expected)s.") % {
                    "name": name,
                    "expected": expected,
                }
            errors.append(CsvError(1, None, message))
    missing = [name for name in COLUMNS if name not in seen]
    if missing:
        errors.append(
            CsvError(
                1,
                None,
                _("missing column(s): %(missing)s. The columns are: %(expected)s.")
                % {"missing": ", ".join(missing), "expected": expected},
            )
        )
    return errors


def parse_roadmap(content: bytes) -> ParsedFile:
    """Read a roadmap file into rows, or say everything that is wrong with its shape.

    Only the file's structure is checked here (encoding, size, header, number of cells);
    what the values mean is checked by ``apps.milestones.roadmap_import``.
    """
    parsed = ParsedFile()
    if len(content) > MAX_BYTES:
        parsed.errors.append(
            CsvError(None, None, _("The file is larger than 2 MB. Split it into smaller files."))
        )
        return parsed
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        parsed.errors.append(
            CsvError(
                line,
                None,
                _("the file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."),
            )
        )
        return parsed
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        parsed.errors.append(CsvError(line, None, _("the file contains a NUL character.")))
        return parsed
    if not text.strip():
        parsed.errors.append(CsvError(None, None, _("The file is empty.")))
        return parsed

    header_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    previous_end = 0
    header: list[str] | None = None
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if header is None:
                header = cells
                header_errors = _check_header(header)
                if header_errors:
                    parsed.errors.extend(header_errors)
                    return parsed
                names = [name.strip().lower() for name in header]
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(parsed.rows) >= MAX_ROWS:
                parsed.errors.append(
                    CsvError(
                        start,
                        None,
                        _("the file has more than %(limit)s rows. Split it into smaller files.")
                        % {"limit": MAX_ROWS},
                    )
                )
                return parsed
            if len(cells) != len(names):
                parsed.errors.append(
                    CsvError(
                        start,
                        None,
                        _(
                            "expected %(expected)s values, found %(found)s (a value holding a "
                            "comma or semicolon must be in double quotes)."
                        )
                        % {"expected": len(names), "found": len(cells)},
                    )
                )
                continue
            values = {
                name: unescape_cell(cell.strip()) for name, cell in zip(names, cells, strict=True)
            }
            parsed.rows.append(CsvRow(start, values))
    except csv.Error as error:
        parsed.errors.append(
            CsvError(
                reader.line_num,
                None,
                _("the file is not valid CSV (%(error)s).") % {"error": error},
            )
        )
    if header is None:
        parsed.errors.append(CsvError(None, None, _("The file is empty.")))
    return parsed


def milestone_cells(milestone: Milestone) -> list[str]:
    """One milestone as CSV cells (needs group, section and owner loaded)."""
    return [
        milestone.external_ref,
        milestone.group.slug,
        milestone.section.slug,
        milestone.title,
        milestone.description,
        milestone.owner.email if milestone.owner_id else "",
        milestone.due_date.isoformat(),
        milestone.status,
        str(milestone.progress),
    ]


class _Echo:
    """A file-like object whose write returns what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def write_roadmap(milestones: Iterable[Milestone]) -> Iterator[bytes]:
    """The file, chunk by chunk: a UTF-8 byte-order mark (so Excel reads Azerbaijani and
    Russian correctly), the header, then one CRLF-terminated row per milestone."""
    writer = csv.writer(_Echo())
    encoder = codecs.getincrementalencoder("utf-8")()
    yield encoder.encode(BOM + writer.writerow(COLUMNS))
    for milestone in milestones:
        yield encoder.encode(
            writer.writerow([escape_cell(cell) for cell in milestone_cells(milestone)])
        )
