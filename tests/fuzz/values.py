"""Hostile values, each drawn with its verdict.

Each helper describes one form field as a ``Values``: a strategy of acceptable values and one
of values the endpoint must refuse, each drawn as ``Drawn(value, bad)``. ``bad=True``: the
request must be refused (4xx with an error, or a redirect with an error message, and nothing
changed). ``bad=False``: acceptable on its own (the request may still be refused for another
reason, so an acceptable value is never asserted to succeed). Values whose fate is not certain
(an unusual but parseable date, a DST gap, an extreme year) count as acceptable: only the
"must refuse" half of the oracle is asserted.

``value`` is a ``str`` (one form value), a ``list`` (the key repeated), an ``Upload`` (a file
part) or ``MISSING`` (the key is left out).

Fields that depend on the fixtures (ids, versions, emails) take callables of the ``World``
(tests/fuzz/world.py) and are resolved when the test runs.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request (a fresh file object is made for each send)."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"Upload({self.name!r}, {len(self.content)} bytes)"


@dataclass(frozen=True)
class Drawn:
    value: Any
    bad: bool = False

    @property
    def last(self) -> Any:
        """What a view's ``request.POST.get`` sees: the last of repeated values."""
        return self.value[-1] if isinstance(self.value, list) else self.value


@dataclass(frozen=True)
class Values:
    """One field: what it accepts and what it must refuse (None: nothing is refused)."""

    good: st.SearchStrategy[Drawn]
    bad: st.SearchStrategy[Drawn] | None = None

    @classmethod
    def of(cls, good: list, bad: list) -> "Values":
        good, bad = [g for g in good if g is not None], [b for b in bad if b is not None]
        return cls(st.one_of(good), st.one_of(bad) if bad else None)

    def any(self) -> st.SearchStrategy[Drawn]:
        return self.good if self.bad is None else st.one_of(self.good, self.bad)


#: A field: its ``Values``, or a function of the World that makes them.
Field = Values | Callable[[Any], Values]


def ok(values: Iterable[Any]) -> st.SearchStrategy[Drawn] | None:
    values = list(values)
    return st.sampled_from([Drawn(value) for value in values]) if values else None


def bad(values: Iterable[Any]) -> st.SearchStrategy[Drawn] | None:
    values = list(values)
    return st.sampled_from([Drawn(value, bad=True) for value in values]) if values else None


def omittable(values: Values) -> Values:
    """A field the request may leave out (then it is left alone), though not send blank."""
    refused = None
    if values.bad is not None:
        refused = values.bad.filter(lambda d: d.value is not MISSING)
    return Values(st.one_of(values.good, st.just(Drawn(MISSING))), refused)


def pick(good: Iterable[Any], refused: Iterable[Any] = (), maybe: Iterable[Any] = ()) -> Values:
    """Listed values: ``good`` and ``maybe`` (a rule may refuse it) acceptable, ``refused`` not."""
    return Values.of([ok(good), ok(maybe)], [bad(refused)])


# --- text ------------------------------------------------------------------------------------

#: Odd but legitimate text: RTL/LTR marks and overrides, zero-width characters, a BOM, emoji
#: (with ZWJ sequences and skin tones), combining marks, other scripts, markup and SQL that must
#: stay text, format strings, line and paragraph separators. (Lone surrogates cannot be sent.)
ODD_PIECES = [
    "\u200f",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "😀",
    "👩‍👩‍👧‍👦",
    "👍🏽",
    "🇦🇿",
    "e\u0301",
    "Z̤̈́͐a̷̜l̶g̵o",
    "ǅ",
    "İı",
    "ß",
    "ﷺ",
    "𝔘𝔫𝔦",
    "Əliyev",
    "Москва",
    "عربى",
    "עברית",
    "中文",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "'; DROP TABLE milestones_milestone; --",
    "{{ 7|add:7 }}{% debug %}",
    "%s %(name)s {0}",
    "\\\\server\\share",
    "\r\n",
    "\u2028\u2029",
    "\x1b[31m",
    "\x7f",
    "\t",
    "http://evil.example/",
    "javascript:alert(1)",
]
#: Repeated to build over-long values: no whitespace (nothing to strip), several byte widths.
LONG_UNIT = "Ab1\u202eд😀\u0301ə"
NUL = "\x00"


def plain_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=NUL),
        max_size=max_size,
    )


def odd_text(max_length: int | None = None) -> st.SearchStrategy[str]:
    """Text with at least one visible character, within ``max_length``."""
    pieces = st.lists(st.sampled_from(ODD_PIECES) | plain_text(20), min_size=1, max_size=6)
    text = pieces.map(lambda parts: "x" + "".join(parts))
    if max_length is not None:
        text = text.map(lambda value: value[:max_length])
    return text


def long_text(min_length: int, max_length: int) -> st.SearchStrategy[str]:
    return st.integers(min_length, max_length).map(
        lambda n: (LONG_UNIT * (n // len(LONG_UNIT) + 1))[:n]
    )


def text(max_length: int | None, *, required: bool = True) -> Values:
    """A CharField: ``required`` refuses blank and missing; longer than ``max_length`` and any
    NUL byte are always refused (Django's forms prohibit NUL)."""
    good = [odd_text(max_length).map(Drawn)]
    refused = [st.tuples(odd_text(), odd_text()).map(lambda p: Drawn(p[0] + NUL + p[1], True))]
    if max_length is not None:
        cap = max(100_000, max_length + 1_000)
        refused.append(long_text(max_length + 1, cap).map(lambda v: Drawn(v, True)))
    else:
        good.append(long_text(1_000, 100_000).map(Drawn))
    blank = ["", "   ", "\t\r\n", MISSING]
    (refused if required else good).append(bad(blank) if required else ok(blank))
    return Values.of(good, refused)


# --- numbers and dates -----------------------------------------------------------------------

NOT_INTEGERS = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1.5",
    "1e3",
    "0x10",
    "0b1",
    "--1",
    "1-",
    "one",
    "½",
    "1\x00",
    NUL,
    "[]",
    "{}",
    "null",
    "true",
]


def integer(lo: int, hi: int, *, required: bool = True) -> Values:
    extremes = [lo - 1, hi + 1, -(10**30), 10**30, 2**63, -(2**63) - 1, 2**31, -(2**31) - 1]
    outside = [str(n) for n in extremes if not lo <= n <= hi]
    blank = ["", MISSING]
    return Values.of(
        [st.integers(lo, hi).map(lambda n: Drawn(str(n))), None if required else ok(blank)],
        [bad(outside + NOT_INTEGERS), bad(blank) if required else None],
    )


NOT_DATES = [
    "0000-00-00",
    "2026-02-30",
    "2026-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "-1",
    "0",
    "99999-01-01",
    "2026/02/30",
    "yesterday",
    "2026-01-01\x00",
    NUL,
    "NaN",
    "2026-01-01T25:00",
]


def date(*, lo: dt.date | None = None, hi: dt.date | None = None, required: bool = True) -> Values:
    """An ISO date; outside ``lo``..``hi`` is refused when they are given (acceptable but
    extreme otherwise)."""
    first = max(lo or dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    last = min(hi or dt.date(2035, 12, 31), dt.date(2035, 12, 31))
    extreme = [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1899, 12, 31)]
    outside = [d for d in extreme if (lo and d < lo) or (hi and d > hi)]
    inside = [d for d in extreme if d not in outside]
    blank = ["", MISSING]
    return Values.of(
        [
            st.dates(first, last).map(lambda d: Drawn(d.isoformat())),
            ok([d.isoformat() for d in inside]),
            None if required else ok(blank),
        ],
        [bad(NOT_DATES), bad([d.isoformat() for d in outside]), bad(blank) if required else None],
    )


def local_datetime(*, required: bool = True) -> Values:
    """A wall-clock ``datetime-local`` value (years 2000–2100 are accepted)."""
    fine = st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2035, 12, 31)).map(
        lambda d: Drawn(d.strftime("%Y-%m-%dT%H:%M"))
    )
    gaps = ok(["2026-03-08T02:30", "2026-03-29T04:30", "2026-11-01 01:30"])  # DST gaps, folds
    blank = ["", MISSING]
    return Values.of(
        [fine, gaps, None if required else ok(blank)],
        [
            bad(blank) if required else None,
            bad(
                [
                    "2026-02-30T10:00",
                    "0000-00-00T00:00",
                    "2026-04-20T25:00",
                    "2026-04-20T10:60",
                    "-1",
                    "2026-04-20",
                    "10:00",
                    "9999-12-31T23:59",
                    "0001-01-01T00:00",
                    "2026-04-20T10:00\x00",
                    "NaN",
                ]
            ),
        ],
    )


# --- choices, ids, emails --------------------------------------------------------------------

GARBAGE = [
    NUL,
    "null",
    "None",
    "undefined",
    "[object Object]",
    "' OR '1'='1",
    "../../etc/passwd",
    "x" * 300,
    "\u202e",
    "😀",
]


def choice(
    values: Sequence[str],
    *,
    maybe: Sequence[str] = (),
    refused: Sequence[str] = (),
    required: bool = True,
    blank_ok: bool | None = None,
) -> Values:
    """One of ``values`` (acceptable), ``maybe`` (valid choices a rule may refuse),
    ``refused`` or garbage (refused). ``blank_ok`` defaults to ``not required``."""
    blank_ok = (not required) if blank_ok is None else blank_ok
    known = set(values) | set(maybe)
    garbage = [*refused, *(value for value in GARBAGE if value not in known)]
    garbage += sorted({value.upper() for value in values if value.upper() not in known})
    garbage += [f" {value}x" for value in list(values)[:2]]
    unknown = plain_text(20).filter(lambda v: v not in known and v.strip() not in known)
    blank = ["", MISSING]
    return Values.of(
        [ok(values), ok(maybe), ok(blank) if blank_ok else None],
        [
            bad(garbage),
            # (Whitespace-only text is left out: some views strip before they look.)
            unknown.filter(lambda v: v.strip()).map(lambda v: Drawn(v, bad=True)),
            None if blank_ok else bad(blank),
        ],
    )


UNKNOWN_ID = 10**9
BAD_IDS = ["0", "-1", str(UNKNOWN_ID), str(2**63), str(10**30), "abc", "1.5", "1e3", NUL, "NaN"]


def ids(
    good: Callable[[Any], Sequence[int]],
    refused: Callable[[Any], Sequence[int]] = lambda world: (),
    *,
    maybe: Callable[[Any], Sequence[int]] = lambda world: (),
    required: bool = True,
) -> Callable[[Any], Values]:
    """An id from a hidden input: ``good`` ids, ``refused`` ones (other groups' objects),
    ``maybe`` ones (a rule may refuse), unknown and malformed ones (refused)."""

    def build(world) -> Values:
        blank = ["", MISSING]
        return Values.of(
            [
                ok([str(pk) for pk in good(world)]),
                ok([str(pk) for pk in maybe(world)]),
                None if required else ok(blank),
            ],
            [
                bad([*(str(pk) for pk in refused(world)), *BAD_IDS]),
                bad(blank) if required else None,
            ],
        )

    return build


def version(of: Callable[[Any], Any], *, required: bool = True) -> Callable[[Any], Values]:
    """An optimistic-locking version: the current one is acceptable; any other is refused
    (422 for a malformed one, 409 for a stale one)."""

    def build(world) -> Values:
        current = of(world).version
        stale = [current + 1, current + 7, 10**30, 2**63, 0, -1]
        blank = ["", MISSING]
        return Values.of(
            [ok([str(current)]), None if required else ok(blank)],
            [
                bad([*(str(n) for n in stale if n != current), "abc", "1.5", NUL, "NaN"]),
                bad(blank) if required else None,
            ],
        )

    return build


NOT_EMAILS = [
    "not-an-email",
    "@example.test",
    "a@",
    "a@b@c",
    "member@example.test\x00",
    "member@example.test\r\nBcc: x@evil.test",
    "x" * 250 + "@example.test",
    NUL,
]


def email(
    good: Callable[[Any], Sequence[str]],
    refused: Callable[[Any], Sequence[str]] = lambda world: (),
    *,
    maybe: Callable[[Any], Sequence[str]] = lambda world: (),
    required: bool = True,
    blank_ok: bool | None = None,
) -> Callable[[Any], Values]:
    blank_ok = (not required) if blank_ok is None else blank_ok

    def build(world) -> Values:
        blank = ["", MISSING]
        return Values.of(
            [ok(good(world)), ok(maybe(world)), ok(blank) if blank_ok else None],
            [
                bad([*refused(world), *NOT_EMAILS, "nobody@example.test"]),
                None if blank_ok else bad(blank),
            ],
        )

    return build


def anything() -> Values:
    """A field whose value changes no verdict (``next``, ``fragment``, a checkbox)."""
    return Values.of(
        [
            ok(["", MISSING, "on", "true", "0", "/", "//evil.example/", "https://evil.example/"]),
            plain_text(40).map(Drawn),
            odd_text(200).map(Drawn),
            long_text(1_000, 50_000).map(Drawn),
        ],
        [],
    )


# --- files -----------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03" + b"\x00" * 60
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def office_zip(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def files(good: Sequence[Upload], refused: Sequence[Upload]) -> Values:
    """A file part: ``good`` uploads, ``refused`` ones, no part at all, or text where a file
    belongs (both acceptable on their own: whether a file is needed is a cross-field rule)."""
    return Values.of([ok(good), ok([MISSING, "not a file", ""])], [bad(refused)])
