"""The Azerbaijani and Russian catalogs under locale/: complete, current and compiled.

Each test names what to do when it fails; the workflow is in docs/conventions.md
("Translations"): `make messages`, translate what the failures list, `make messages` again.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import require

BASE = Path(settings.BASE_DIR)
LANGUAGES = ["az", "ru"]
PLURAL_FORMS = {
    "az": "nplurals=2; plural=(n != 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
}
#: Folders `make messages` skips (MESSAGES_IGNORE in the Makefile); keep the two in step.
IGNORED = [".venv", "node_modules", "tests", "var", "staticfiles", "test-artifacts"]

PYTHON_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
BRACE_PLACEHOLDER = re.compile(r"\{(\w*)\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def po_path(language: str) -> Path:
    return BASE / "locale" / language / "LC_MESSAGES" / "django.po"


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(po_path(language)))


def where(entry: polib.POEntry) -> str:
    places = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid[:70]!r}{context} at {places}"


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def placeholders(text: str, entry: polib.POEntry) -> Counter:
    found: Counter = Counter()
    if "python-format" in entry.flags:
        found.update(
            f"%({name}){kind}" if name else f"%{kind}"
            for name, kind in PYTHON_PLACEHOLDER.findall(text)
        )
    if "python-brace-format" in entry.flags or BRACE_PLACEHOLDER.search(entry.msgid):
        found.update(f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text))
    found.update(HTML_TAG.findall(text))
    return found


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_has_the_header_of_the_language(language):
    po = catalog(language)
    assert po.metadata["Language"] == language
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' above the header"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_translates_every_entry(language):
    po = catalog(language)
    nplurals = 2 if language == "az" else 3
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check it, then remove the flag): {where(entry)}")
        elif entry.msgid_plural and len(entry.msgstr_plural) != nplurals:
            problems.append(f"needs {nplurals} plural forms: {where(entry)}")
        elif not all(text.strip() for text in translations(entry)):
            problems.append(f"not translated: {where(entry)}")
    assert not problems, f"locale/{language}: {len(problems)} entries to translate:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_placeholders_and_markup(language):
    problems = []
    for entry in catalog(language):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        expected = placeholders(entry.msgid_plural or entry.msgid, entry)
        for text in translations(entry):
            if text and placeholders(text, entry) != expected:
                problems.append(
                    f"{where(entry)}: has {sorted(placeholders(text, entry).elements())}, "
                    f"needs {sorted(expected.elements())}"
                )
    assert not problems, "\n".join(problems)


def compiled_catalog(language: str) -> dict:
    """What Django will read: the .mo file, through Python's own gettext."""
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(BASE)} is missing: run `make messages`"
    with mo.open("rb") as handle:
        return {
            key: value for key, value in gettext.GNUTranslations(handle)._catalog.items() if key
        }


def expected_catalog(language: str) -> dict:
    """What msgfmt makes of the .po: translated, non-fuzzy entries only."""
    expected = {}
    for entry in catalog(language):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, int(index))] = text
        else:
            expected[msgid] = entry.msgstr
    return expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_ships_the_mo_compiled_from_the_po(language):
    compiled, expected = compiled_catalog(language), expected_catalog(language)
    differ = {
        msgid for msgid in set(compiled) & set(expected) if compiled[msgid] != expected[msgid]
    }
    stale = sorted(str(msgid) for msgid in (set(compiled) ^ set(expected)) | differ)
    assert not stale, (
        f"locale/{language}/LC_MESSAGES/django.mo does not match django.po: run `make messages`. "
        f"First differences: {stale[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_passes_msgfmt_checks(language):
    msgfmt = shutil.which("msgfmt")
    require(msgfmt is not None, "GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str]]:
    """Every translatable string in the source, extracted the way `make messages` does, but
    into a scratch folder: a tree of links to the project, whose own locale/ is left out."""
    require(
        all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib")),
        "GNU gettext (xgettext, msguniq, msgmerge, msgattrib) is not installed",
    )
    scratch = tmp_path_factory.mktemp("messages")
    for item in BASE.iterdir():
        if item.name in IGNORED or item.name == "locale" or item.name.startswith("."):
            continue
        (scratch / item.name).symlink_to(item)
    (scratch / "locale").mkdir()
    cwd = Path.cwd()
    os.chdir(scratch)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "LOCALE_PATHS", [str(scratch / "locale")])
            call_command(
                "makemessages",
                locale=["az"],
                symlinks=True,
                ignore_patterns=[*IGNORED, "locale"],
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return {key(entry) for entry in polib.pofile(str(scratch / "locale/az/LC_MESSAGES/django.po"))}


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_has_every_string_of_the_source(language, extracted):
    in_catalog = {key(entry) for entry in catalog(language) if not entry.obsolete}
    missing = sorted(extracted - in_catalog, key=str)
    stale = sorted(in_catalog - extracted, key=str)
    assert not missing, (
        f"{len(missing)} strings of the source are not in locale/{language}: run `make messages` "
        f"and translate them. First: {missing[:5]}"
    )
    assert not stale, (
        f"{len(stale)} entries of locale/{language} are no longer in the source: run "
        f"`make messages`. First: {stale[:5]}"
    )


GETTEXT_CALLS = {
    "_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "gettext_noop": 1,
    "ngettext": 2,
    "ngettext_lazy": 2,
    "pgettext": 2,
    "pgettext_lazy": 2,
    "npgettext": 3,
    "npgettext_lazy": 3,
}


def test_it_marks_strings_where_makemessages_can_find_them():
    """xgettext sees neither a call inside an f-string nor a message held in a variable: such
    text would silently stay English. Compute the translation first, then format it."""
    problems = []
    for path in sorted([*BASE.glob("apps/**/*.py"), *BASE.glob("charterhub/**/*.py")]):
        tree = ast.parse(path.read_text(), filename=str(path))
        in_f_strings = {
            id(node)
            for joined in ast.walk(tree)
            if isinstance(joined, ast.JoinedStr)
            for node in ast.walk(joined)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in GETTEXT_CALLS:
                continue
            place = f"{path.relative_to(BASE)}:{node.lineno}"
            literal = node.args[: GETTEXT_CALLS[name]]
            if id(node) in in_f_strings:
                problems.append(f"{place}: {name}() inside an f-string")
            elif len(literal) < GETTEXT_CALLS[name] or not all(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in literal
            ):
                problems.append(f"{place}: {name}() of something other than a string literal")
    assert not problems, "\n".join(problems)
