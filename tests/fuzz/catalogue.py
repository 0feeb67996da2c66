"""Every URL that accepts POST, with what to send it: the fuzzing catalogue.

``tests/fuzz/test_catalogue.py`` fails when a URL pattern answers POST (anything but 405 to an
empty POST from staff) and has no entry here, and when an entry names a URL that is gone or
refuses POST. ``tests/fuzz/test_endpoints.py`` runs one hypothesis test per entry: hostile
values, as plain form posts and with ``HX-Request``, URL-encoded and multipart, as allowed and
denied users, against the user's own objects and other groups' objects, with and without a
CSRF token.

Adding an endpoint is one entry in ``CATALOGUE`` (about three lines)::

    Endpoint("meetings:note_add", url=on("meeting"), allowed=EDITORS, denied=NOT_EDITORS,
             fields={"text": text(5000), "version": version(lambda w: w.own.meeting)}),

- ``name``: the URL name. ``url``: its targets — ``on("<attribute of a World side>")`` for a
  ``<int:pk>`` URL (tests/fuzz/world.py: milestone, awaiting, evidence, meeting, …),
  ``GROUP_QUERY`` for ``?group=<slug>``, ``GROUP_SLUG``, ``NO_ARGS``, or ``Targets`` of your
  own (``own``: the acting user's object; ``foreign``: URLs they must not reach).
- ``allowed`` / ``denied``: roles of tests/fuzz/world.py ``ROLES`` (defaults: the group's
  editors may, observers, other groups' members, outsiders and anonymous may not).
- ``fields``: form field → tests/fuzz/values.py ``text(max_length)``, ``integer(lo, hi)``,
  ``date(lo=, hi=)``, ``local_datetime()``, ``choice(values)``, ``ids(good, refused)``,
  ``version(of)``, ``email(...)``, ``pick(good, refused)``, ``files(good, refused)``,
  ``anything()``, ``omittable(...)``: what the field accepts and what it must refuse.
- Optional: ``refused_when`` (a rule across fields, e.g. "a link or a file, not both"),
  ``prepare`` (a step before each example, e.g. opening an emailed link), ``csrf_exempt``,
  ``refusal_statuses`` (a refusal answered with 200, like Django's login form),
  ``error_markers``.

What is asserted (tests/fuzz/harness.py): never a 5xx; a denied role, another group's object,
an unknown id, a refused value or a missing CSRF token is refused — a 4xx whose page shows an
error (``role="alert"``, an error list, a field error), or a redirect with an error message —
and a refused request changes nothing (``snapshot``: every row of every table, and the files).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from apps.accounts.models import DigestFrequency, Language
from apps.charter.models import CharterSection
from apps.milestones.models import Status
from apps.notifications import emails
from tests.fuzz.values import (
    EXE,
    JPEG,
    MISSING,
    NOT_EMAILS,
    NUL,
    PDF,
    PNG,
    SVG,
    UNKNOWN_ID,
    Drawn,
    Upload,
    Values,
    anything,
    choice,
    date,
    email,
    files,
    ids,
    integer,
    local_datetime,
    office_zip,
    omittable,
    pick,
    text,
    version,
)
from tests.fuzz.world import World

# --- who acts ------------------------------------------------------------------------------------

EDITORS = ("member", "cochair_us", "staff")
NOT_EDITORS = ("observer", "other_member", "outsider", "anonymous")
MANAGERS = ("cochair_az", "staff")
NOT_MANAGERS = ("member", "observer", "other_member", "outsider", "anonymous")
SIGNERS = ("cochair_az", "cochair_us")
NOT_SIGNERS = ("staff", "member", "observer", "other_member", "outsider", "anonymous")
SIGNED_IN = ("member", "observer", "outsider")
ANONYMOUS = ("anonymous",)

# --- where -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kwargs: Mapping[str, Any]
    query: str = ""
    #: Another group's object that staff may reach (staff manage every group).
    staff_ok: bool = False


@dataclass(frozen=True)
class Targets:
    """The URL of the user's own object, and URLs of objects they must not reach."""

    own: Callable[[World], Target]
    foreign: Callable[[World], list[Target]] = lambda world: []


NO_ARGS = Targets(own=lambda world: Target({}))
OVERFLOW_IDS = (UNKNOWN_ID, 2**63, 2**64, 10**30)


def on(attribute: str, kwarg: str = "pk") -> Targets:
    """``<int:pk>`` of ``world.own.<attribute>``; other groups' and unknown ids are foreign."""
    return Targets(
        own=lambda world: Target({kwarg: getattr(world.own, attribute).pk}),
        foreign=lambda world: [
            Target({kwarg: getattr(world.other, attribute).pk}, staff_ok=True),
            Target({kwarg: getattr(world.secret, attribute).pk}, staff_ok=True),
            *(Target({kwarg: pk}) for pk in OVERFLOW_IDS),
        ],
    )


GROUP_QUERY = Targets(
    own=lambda world: Target({}, "group=energy"),
    foreign=lambda world: [
        Target({}, "group=connectivity", staff_ok=True),
        Target({}, "group=security", staff_ok=True),
        Target({}, "group=no-such-group"),
        Target({}, "group=energy%00"),
        Target({}, "group=" + "e" * 300),
        Target({}, "group=%E2%80%AEenergy"),
    ],
)
GROUP_SLUG = Targets(
    own=lambda world: Target({"slug": "energy"}),
    foreign=lambda world: [
        Target({"slug": "connectivity"}, staff_ok=True),
        Target({"slug": "security"}, staff_ok=True),
        Target({"slug": "no-such-group"}),
        Target({"slug": "e" * 300}),
    ],
)
MEMBERSHIP = Targets(
    own=lambda world: Target({"slug": "energy", "membership_id": world.own.membership.pk}),
    foreign=lambda world: [
        Target({"slug": "energy", "membership_id": world.other.membership.pk}),
        Target({"slug": "energy", "membership_id": world.secret.membership.pk}),
        Target({"slug": "connectivity", "membership_id": world.other.membership.pk}, staff_ok=True),
        Target({"slug": "security", "membership_id": world.secret.membership.pk}, staff_ok=True),
        *(Target({"slug": "energy", "membership_id": pk}) for pk in OVERFLOW_IDS),
    ],
)


def _forged_token(payload: dict) -> str:
    from django.core import signing

    return signing.dumps(payload, salt=emails.UNSUBSCRIBE_SALT)


UNSUBSCRIBE_TOKEN = Targets(
    own=lambda world: Target({"token": world.extra["unsubscribe_token"]}),
    foreign=lambda world: [
        Target({"token": "x"}),
        Target({"token": NUL}),
        Target({"token": "a:b:c"}),
        Target({"token": world.extra["unsubscribe_token"][:-2] + "zz"}),
        Target({"token": "😀" * 100}),
        Target({"token": _forged_token({"u": UNKNOWN_ID, "s": "digest"})}),
        Target({"token": _forged_token({"u": 2**64, "s": "digest"})}),
        Target({"token": _forged_token({"u": world.own.editor.pk, "s": "everything"})}),
        Target({"token": _forged_token(["u", 1])}),
    ],
)


def _this_quarter() -> str:
    # Imported here: a change in that module then fails this entry only, not the catalogue.
    from apps.core.time import today_for
    from apps.reports.periods import Period

    return str(Period.of(today_for()))


NARRATIVE = Targets(
    own=lambda world: Target({"slug": "energy", "period": _this_quarter(), "side": "az"}),
    foreign=lambda world: [
        Target({"slug": "energy", "period": _this_quarter(), "side": "us"}),
        Target({"slug": "energy", "period": _this_quarter(), "side": "xx"}),
        Target({"slug": "connectivity", "period": _this_quarter(), "side": "az"}),
        Target({"slug": "security", "period": _this_quarter(), "side": "az"}),
        Target({"slug": "energy", "period": "2026-Q9", "side": "az"}),
        Target({"slug": "energy", "period": "0000-Q1", "side": "az"}),
        Target({"slug": "energy", "period": "9999-Q4", "side": "az"}),
        Target({"slug": "energy", "period": "1999-Q1", "side": "az"}),
        Target({"slug": "energy", "period": "2026-Q1\x00", "side": "az"}),
    ],
)


def _uid(pk: int) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(pk))


def _open_reset_link(client, world: World) -> None:
    """Follow the member's emailed link: Django keeps its token in the session and sends the
    browser on to ``…/set-password/``, where the form is posted."""
    from django.contrib.auth.tokens import default_token_generator

    member = world.user("member")
    token = default_token_generator.make_token(member)
    client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": _uid(member.pk), "token": token})
    )


RESET_LINK = Targets(
    own=lambda world: Target({"uidb64": _uid(world.user("member").pk), "token": "set-password"}),
    foreign=lambda world: [
        Target({"uidb64": _uid(world.user("member").pk), "token": "abc-123"}),
        Target({"uidb64": _uid(world.user("other_member").pk), "token": "set-password"}),
        Target({"uidb64": _uid(UNKNOWN_ID), "token": "set-password"}),
        Target({"uidb64": _uid(10**30), "token": "set-password"}),
        Target({"uidb64": "AAAA", "token": "set-password"}),
        Target({"uidb64": NUL, "token": "set-password"}),
        Target({"uidb64": "😀" * 20, "token": NUL}),
    ],
)

# --- values that need the world ----------------------------------------------------------------


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
STATUSES_ANYONE = [Status.PLANNED, Status.IN_PROGRESS, Status.AT_RISK, Status.BLOCKED]
STATUSES_RULED = [Status.DONE, Status.AWAITING_SIGNOFF, Status.CANCELLED]
TIME_ZONES = ["Asia/Baku", "America/New_York", "UTC", "Europe/London"]
NOT_TIME_ZONES = ["Mars/Olympus", "localtime", "Factory", "Asia/Baku\x00", "asia/baku", "+04:00"]
WEB_LINKS = ["https://example.org/report", "http://example.org/a?b=c#d"]
NOT_WEB_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/x",
    "file:///etc/passwd",
    "https://",
    "https://exa mple.org",
    "https://example.org/\x00",
    "https://example.org/" + "x" * 600,
]
PASSWORD = "test-pass-1234"
NEW_PASSWORD = "Fuzz-Pass-8471-xyz"
ENERGY_ROW = "FZ-1,energy,,Fuzz import,,,2026-09-30,planned,10\n"
CSV_HEADER = "external_ref,group,section,title,description,owner_email,due_date,status,progress\n"


def _emails(*roles: str) -> Callable[[World], list[str]]:
    return lambda world: [world.user(role).email for role in roles]


def _pks(*paths: str) -> Callable[[World], list[int]]:
    """``_pks("own.guest", "other.guest")`` → those objects' ids."""

    def resolve(world: World) -> list[int]:
        values = []
        for path in paths:
            obj: Any = world
            for part in path.split("."):
                obj = getattr(obj, part) if not isinstance(obj, dict) else obj[part]
            values.append(obj.pk)
        return values

    return resolve


def _user_pks(*roles: str) -> Callable[[World], list[int]]:
    return lambda world: [world.user(role).pk for role in roles]


def _sections(world: World) -> list[int]:
    return list(CharterSection.objects.values_list("pk", flat=True)[:3])


def _fingerprint(world: World) -> Values:
    current = world.extra["fingerprint"]
    return pick([current], refused=["0" * 16, current[::-1], "", MISSING, NUL, "x" * 65])


def _present(drawn: Drawn | None) -> bool:
    value = drawn.last if drawn else MISSING
    return isinstance(value, str) and bool(value.strip())


def _evidence_refused(data: dict[str, Drawn]) -> bool:
    """A link or a file, exactly one of them."""
    has_file = isinstance(data["file"].last, Upload)
    return _present(data["url"]) == has_file


def _import_refused(data: dict[str, Drawn]) -> bool:
    """Confirming needs a preview first; previewing needs a file."""
    return data["action"].last == "confirm" or not isinstance(data["file"].last, Upload)


EVIDENCE_FILES = files(
    good=[
        Upload("report.pdf", PDF, "application/pdf"),
        Upload("photo.PNG", PNG, "image/png"),
        Upload("photo.jpeg", JPEG, "image/jpeg"),
        Upload("minutes.docx", office_zip("word/document.xml")),
        Upload("budget.xlsx", office_zip("xl/workbook.xml")),
        Upload("data.csv", "a,b\n1,ə😀\n".encode(), "text/csv"),
        Upload("notes.txt", "Заметки\n".encode(), "text/plain"),
        Upload("отчёт 😀 \u202egpj.pdf", PDF, "application/pdf"),
    ],
    refused=[
        Upload("setup.exe", EXE, "application/x-msdownload"),
        Upload("report.pdf.exe", EXE),
        Upload("page.html", b"<script>alert(1)</script>", "text/html"),
        Upload("image.svg", SVG, "image/svg+xml"),
        Upload("fake.pdf", EXE, "application/pdf"),
        Upload("fake.png", JPEG, "image/png"),
        Upload("fake.docx", PDF),
        Upload("zip.xlsx", office_zip("word/document.xml")),
        Upload("binary.txt", b"\x00\x01\x02\xff" * 64, "text/plain"),
        Upload("empty.pdf", b"", "application/pdf"),
        Upload("noextension", PDF),
        Upload("x" * 300 + ".pdf", PDF, "application/pdf"),
    ],
)
ROADMAP_FILES = files(
    good=[
        Upload("roadmap.csv", (CSV_HEADER + ENERGY_ROW).encode(), "text/csv"),
        Upload(
            "ROADMAP.CSV", ("\ufeff" + CSV_HEADER + ENERGY_ROW).encode(), "application/vnd.ms-excel"
        ),
    ],
    refused=[
        Upload("roadmap.csv", b""),
        Upload("roadmap.csv", (CSV_HEADER + ENERGY_ROW).encode("utf-16")),
        Upload(
            "roadmap.csv",
            (CSV_HEADER + "FZ-1,energy,,Zaqatala Çay,,,2026-09-30,planned,10\n").encode("cp1254"),
        ),
        Upload("roadmap.csv", (CSV_HEADER + ENERGY_ROW).encode() + b"\x00"),
        Upload("roadmap.csv", PNG, "image/png"),
        Upload("roadmap.csv", (CSV_HEADER + ENERGY_ROW.replace("energy", "connectivity")).encode()),
        Upload(
            "roadmap.csv", (CSV_HEADER + ENERGY_ROW.replace("2026-09-30", "2026-02-30")).encode()
        ),
        Upload("roadmap.csv", (CSV_HEADER + ENERGY_ROW.replace(",10", ",1000")).encode()),
        Upload("roadmap.csv", b"x" * (2 * 1024 * 1024 + 1), "text/csv"),
        Upload("roadmap.xlsx", (CSV_HEADER + ENERGY_ROW).encode()),
        Upload("roadmap.csv.exe", (CSV_HEADER + ENERGY_ROW).encode()),
        Upload("roadmap", (CSV_HEADER + ENERGY_ROW).encode()),
    ],
)
MEETING_DETAILS = {
    "title": text(300),
    "starts_at_local": local_datetime(),
    "time_zone": choice(TIME_ZONES, refused=NOT_TIME_ZONES),
    "duration_minutes": integer(1, 24 * 60),
    "location": text(300, required=False),
    "link": pick([*WEB_LINKS, "", MISSING], refused=NOT_WEB_LINKS, maybe=["example.org/x"]),
    "agenda": text(20_000, required=False),
}

# --- the catalogue -------------------------------------------------------------------------------

ERROR_MARKERS = ('role="alert"', 'class="errorlist', 'class="field-error', 'aria-invalid="true"')


@dataclass(frozen=True)
class Endpoint:
    name: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    allowed: tuple[str, ...] = EDITORS
    denied: tuple[str, ...] = NOT_EDITORS
    url: Targets = NO_ARGS
    refused_when: Callable[[dict[str, Drawn]], bool] | None = None
    csrf_exempt: bool = False
    #: Statuses other than 4xx that mean "refused" (Django's login form answers 200).
    refusal_statuses: frozenset[int] = frozenset()
    #: Run before each example, after signing in (e.g. to open an emailed link first).
    prepare: Callable[[Any, World], None] | None = None
    #: What a refusing 4xx page must contain to count as "a clear message": the markup the
    #: templates give an error (an alert, Django's error list, a field error).
    error_markers: tuple[str, ...] = ERROR_MARKERS

    def __str__(self) -> str:
        return self.name


CATALOGUE: list[Endpoint] = [
    # --- accounts ---
    Endpoint(
        "login",
        allowed=ANONYMOUS,
        denied=(),
        refusal_statuses=frozenset({200}),
        fields={
            "username": email(_emails("member")),
            "password": pick([PASSWORD], refused=["wrong-pass", "", MISSING, NUL, "x" * 5000]),
            "next": anything(),
        },
    ),
    Endpoint("logout", allowed=("member", "anonymous"), denied=(), fields={"next": anything()}),
    Endpoint(
        "password_change",
        allowed=("member",),
        denied=ANONYMOUS,
        fields={
            "old_password": pick([PASSWORD], refused=["wrong-pass", "", MISSING, NUL]),
            "new_password1": pick([NEW_PASSWORD], refused=["123", "password", "", NUL]),
            "new_password2": pick([NEW_PASSWORD], refused=["Other-Pass-1234", "", "x" * 10_000]),
        },
    ),
    Endpoint(
        "password_reset",
        allowed=("anonymous", "member"),
        denied=(),
        fields={"email": pick(["member@example.test", "nobody@example.test"], refused=NOT_EMAILS)},
    ),
    Endpoint(
        "password_reset_confirm",
        url=RESET_LINK,
        allowed=ANONYMOUS,
        denied=(),
        prepare=_open_reset_link,
        refusal_statuses=frozenset({200}),  # "this link is not valid" (role="alert")
        fields={
            "new_password1": pick([NEW_PASSWORD], refused=["123", "password", "", MISSING, NUL]),
            "new_password2": pick([NEW_PASSWORD], refused=["Other-Pass-1234", "", "x" * 10_000]),
        },
    ),
    Endpoint(
        "set_language",
        allowed=("member", "anonymous"),
        denied=(),
        fields={"language": choice(Language.values), "next": anything()},
    ),
    # --- charter: members ---
    Endpoint(
        "charter:member_add",
        url=GROUP_SLUG,
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
        fields={
            "email": email(
                _emails("outsider"), maybe=_emails("member", "other_member", "cochair_az")
            ),
            "role": choice(["member", "observer"], maybe=["co_chair"]),
            # A member sits on their own side (the outsider's is "other"; blank means theirs).
            "side": choice(["other"], maybe=["az", "us"], required=False),
        },
    ),
    Endpoint(
        "charter:member_change",
        url=MEMBERSHIP,
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
        fields={
            "role": choice(["member", "observer"], maybe=["co_chair"]),
            "side": choice(["az", "us"], maybe=["other"]),
        },
    ),
    Endpoint("charter:member_remove", url=MEMBERSHIP, allowed=MANAGERS, denied=NOT_MANAGERS),
    # --- milestones ---
    Endpoint(
        "milestones:create",
        url=GROUP_QUERY,
        fields={
            "title": text(300),
            "description": text(20_000, required=False),
            "due_date": date(lo=EARLIEST, hi=LATEST),
            "owner": email(
                _emails("member", "cochair_az"),
                refused=_emails("other_member", "outsider", "observer"),
                required=False,
            ),
            "section": ids(_sections, required=False),
            "external_ref": text(64, required=False),
        },
    ),
    Endpoint(
        "milestones:update",
        url=on("milestone"),
        fields={
            "version": version(lambda w: w.own.milestone),
            "status": omittable(choice(STATUSES_ANYONE, maybe=STATUSES_RULED)),
            "progress": omittable(integer(0, 100)),
            "due_date": omittable(date(lo=EARLIEST, hi=LATEST)),
            "owner": email(
                _emails("member", "cochair_az"),
                refused=_emails("other_member", "outsider", "observer"),
                required=False,
            ),
            "note": text(5000, required=False),
            "fragment": anything(),
            "next": anything(),
        },
    ),
    Endpoint(
        "milestones:row_edit",
        url=on("milestone"),
        fields={
            "version": version(lambda w: w.own.milestone),
            "status": omittable(choice(STATUSES_ANYONE, maybe=STATUSES_RULED)),
            "progress": omittable(integer(0, 100)),
            "due_date": omittable(date(lo=EARLIEST, hi=LATEST)),
            "owner": email(
                _emails("member", "cochair_az"),
                refused=_emails("other_member", "outsider", "observer"),
                required=False,
            ),
            "next": anything(),
        },
    ),
    Endpoint(
        "milestones:log",
        url=on("milestone"),
        fields={
            "version": version(lambda w: w.own.milestone),
            "note": text(5000),
            "status": choice(STATUSES_ANYONE, maybe=STATUSES_RULED, required=False),
            "progress": integer(0, 100, required=False),
            "next": anything(),
        },
    ),
    Endpoint("milestones:sign", url=on("awaiting"), allowed=SIGNERS, denied=NOT_SIGNERS),
    Endpoint(
        "milestones:decline",
        url=on("awaiting"),
        allowed=SIGNERS,
        denied=NOT_SIGNERS,
        # Unconfirmed, it answers the confirmation page and changes nothing (apps/core/confirm.py).
        fields={"reason": text(5000), "next": anything(), "confirmed": pick(["yes", MISSING])},
    ),
    Endpoint(
        "milestones:evidence_add",
        url=on("milestone"),
        refused_when=_evidence_refused,
        fields={
            "title": text(200, required=False),
            "url": pick([*WEB_LINKS, "", " ", MISSING], refused=NOT_WEB_LINKS),
            "file": EVIDENCE_FILES,
        },
    ),
    Endpoint(
        "milestones:evidence_remove",
        url=on("evidence"),
        allowed=("member", "cochair_az", "staff"),
        fields={"confirmed": pick(["yes", MISSING])},
    ),
    # --- meetings ---
    Endpoint("meetings:create", url=GROUP_QUERY, fields=MEETING_DETAILS),
    Endpoint(
        "meetings:edit",
        url=on("meeting"),
        fields={**MEETING_DETAILS, "version": version(lambda w: w.own.meeting)},
    ),
    Endpoint(
        "meetings:attendance",
        url=on("meeting"),
        fields={
            "attendance_id": ids(
                _pks("own.member_attendance", "own.guest"),
                refused=_pks("other.member_attendance", "other.guest", "secret.guest"),
            ),
            "status": choice(["present", "apologies", "absent"], refused=["invited"]),
        },
    ),
    Endpoint(
        "meetings:guest_add",
        url=on("meeting"),
        fields={"name": text(200), "organisation": text(200, required=False)},
    ),
    Endpoint(
        "meetings:guest_remove",
        url=on("meeting"),
        fields={
            "attendance_id": ids(
                _pks("own.guest"),
                refused=_pks("other.guest", "secret.guest"),
                maybe=_pks("own.member_attendance"),
            )
        },
    ),
    Endpoint(
        "meetings:minutes",
        url=on("meeting"),
        fields={
            "minutes": text(100_000, required=False),
            "version": version(lambda w: w.own.meeting),
        },
    ),
    Endpoint("meetings:decision_add", url=on("meeting"), fields={"text": text(5000)}),
    Endpoint(
        "meetings:decision_remove",
        url=on("meeting"),
        fields={
            "decision_id": ids(
                _pks("own.decision"), refused=_pks("other.decision", "secret.decision")
            )
        },
    ),
    Endpoint(
        "meetings:action_add",
        url=on("meeting"),
        fields={
            "title": text(300),
            "owner": ids(
                _user_pks("member", "cochair_az"),
                refused=_user_pks("other_member", "outsider", "observer"),
                required=False,
            ),
            "due_date": date(lo=EARLIEST, hi=LATEST, required=False),
        },
    ),
    Endpoint(
        "meetings:action_status",
        url=on("meeting"),
        fields={
            "action_item_id": ids(
                _pks("own.action"), refused=_pks("other.action", "secret.action")
            ),
            "status": choice(["open", "done", "cancelled"]),
        },
    ),
    Endpoint(
        "meetings:action_promote",
        url=on("meeting"),
        fields={
            "action_item_id": ids(
                _pks("own.action"), refused=_pks("other.action", "secret.action")
            ),
            "due_date": date(lo=EARLIEST, hi=LATEST, required=False),
        },
    ),
    Endpoint(
        "meetings:adopt",
        url=on("meeting"),
        allowed=SIGNERS,
        denied=("member", "observer", "other_member", "outsider", "anonymous"),
        fields={
            "version": version(lambda w: w.own.meeting, required=False),
            # Confirmed: the unconfirmed post only asks (tests/meetings/test_views.py).
            "confirmed": pick(["yes"]),
        },
    ),
    # --- notifications ---
    Endpoint(
        "notifications:preferences",
        allowed=("member",),
        denied=ANONYMOUS,
        fields={
            "digest_frequency": choice(DigestFrequency.values),
            "reminders_enabled": anything(),
            "reminder_lead_days": pick(
                ["14, 7, 1", "", MISSING, "1", "90", " 3;30 "],
                refused=["abc", "0", "91", "1,1", "1,2,3,4,5,6", "-1", "1.5", NUL, "1 " * 60],
            ),
            "language": choice(Language.values),
            "time_zone": choice(TIME_ZONES, refused=NOT_TIME_ZONES),
            "fingerprint": _fingerprint,
        },
    ),
    Endpoint(
        "notifications:unsubscribe",
        url=UNSUBSCRIBE_TOKEN,
        allowed=("anonymous", "member", "observer"),
        denied=(),
        csrf_exempt=True,
        error_markers=(*ERROR_MARKERS, 'id="invalid-heading"'),
        fields={"List-Unsubscribe": pick(["One-Click", "", MISSING], maybe=["x" * 5000, NUL])},
    ),
    # --- reports ---
    Endpoint(
        "reports:narrative_save",
        url=NARRATIVE,
        allowed=("cochair_az",),
        denied=("cochair_us", "staff", "member", "observer", "other_member", "outsider"),
        fields={
            "text": text(6000, required=False),
            "version": pick(["0"], refused=["1", "7", "-1", str(2**31), "abc", "", MISSING, NUL]),
            "next": anything(),
        },
    ),
    Endpoint("calendar:regenerate", allowed=SIGNED_IN, denied=ANONYMOUS),
    Endpoint("calendar:revoke", allowed=SIGNED_IN, denied=ANONYMOUS),
    Endpoint(
        "milestones:import",
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
        refused_when=_import_refused,
        fields={
            "action": pick(["preview", "", MISSING, "upload"], refused=["confirm"]),
            "file": ROADMAP_FILES,
            "token": anything(),
            "plan": anything(),
        },
    ),
]

BY_NAME = {endpoint.name: endpoint for endpoint in CATALOGUE}
