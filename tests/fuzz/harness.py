"""Send one drawn case to an endpoint and judge the answer.

One case: who acts (an allowed or a denied role), which object the URL names (the user's own,
or another group's / an unknown one), the form values with their verdicts, plain post or htmx,
multipart or URL-encoded, and the CSRF situation. Each case runs inside a savepoint that is
rolled back, so every case starts from the same database.

The rules (``judge``):
- never a 5xx;
- a denied role, a foreign object, a refused value or a missing CSRF token → refused;
- refused → nothing changed (``snapshot``: every row of every table, except the ones that
  record refusals by design — sessions, login throttling, the audit log — and the files under
  MEDIA_ROOT);
- refused with a 4xx (other than 401/403/404) → the page says what is wrong (an element with
  ``role="alert"``, Django's error list or a field error: ``Endpoint.error_markers``);
  refused with a redirect → an error or warning message was queued (or it is the login page).
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string
from hypothesis import strategies as st

from tests.fuzz.catalogue import Endpoint, Target
from tests.fuzz.values import MISSING, Drawn, Upload, Values, anything
from tests.fuzz.world import World

#: Tables whose rows a refused request may add, by design.
UNJUDGED_TABLES = {
    "sessions.Session",  # a request may save its session (messages, a rotated key)
    "axes.AccessAttempt",  # failed logins are counted: that is the throttling
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "audit.AuditEvent",  # refusals (login failed, access denied, CSRF) are audited
    "admin.LogEntry",
}
#: Refusals that need no message of their own on the page (401: an htmx request whose
#: session is gone gets HX-Redirect to the login page, apps/accounts/session_timeout.py).
QUIET_STATUSES = {401, 403, 404, 405}
#: How the examples were answered, per endpoint (printed by test_endpoints with FUZZ_STATS=1).
STATS: Counter = Counter()
EXTRA_NAMES = ["extra", "id", "pk", "is_staff", "is_superuser", "group", "user", "created_by"]


@dataclass(frozen=True)
class Case:
    role: str
    target: Target
    foreign: bool
    data: dict[str, Drawn]
    extra: dict[str, Any]
    htmx: bool
    multipart: bool
    csrf: str  # "off" (not enforced), "valid" (enforced, token sent), "missing" (enforced, none)


def _resolve(spec: Any, world: World) -> Values:
    return spec if isinstance(spec, Values) else spec(world)


def _repeatable(strategy: st.SearchStrategy[Drawn]) -> st.SearchStrategy[Drawn]:
    """Sometimes the key repeated ("a list where a scalar is expected"): views read the last."""

    def repeat(pair: tuple[Drawn, str]) -> Drawn:
        drawn, junk = pair
        if isinstance(drawn.value, str):
            return Drawn([junk, drawn.value], drawn.bad)
        return drawn

    repeated = st.tuples(strategy, st.sampled_from(["", "\x00", "x" * 1000, "1", "on"])).map(repeat)
    return st.one_of(strategy, strategy, strategy, repeated)


#: What an example tries, and how often (out of 10).
SCENARIOS = (
    ["valid"] * 2  # an allowed user, their own object, acceptable values only
    + ["one bad"] * 2  # ... exactly one refused value
    + ["hostile"] * 3  # ... any values
    + ["denied", "foreign", "no csrf"]  # a denied user; another group's object; no CSRF token
)


def cases(endpoint: Endpoint, world: World) -> st.SearchStrategy[Case]:
    fields = {name: _resolve(spec, world) for name, spec in endpoint.fields.items()}
    good = {name: _repeatable(values.good) for name, values in fields.items()}
    hostile = {name: _repeatable(values.any()) for name, values in fields.items()}
    refusable = sorted(name for name, values in fields.items() if values.bad is not None)
    own = endpoint.url.own(world)
    foreign = endpoint.url.foreign(world)
    extra_names = [name for name in EXTRA_NAMES if name not in endpoint.fields]
    has_files = "file" in endpoint.fields

    @st.composite
    def case(draw) -> Case:
        scenario = draw(st.sampled_from(SCENARIOS))
        if scenario == "one bad" and not refusable:
            scenario = "valid"
        if (scenario == "denied" and not endpoint.denied) or (
            scenario == "foreign" and not foreign
        ):
            scenario = "hostile"
        if scenario == "valid":
            data = draw(st.fixed_dictionaries(good))
        elif scenario == "one bad":
            name = draw(st.sampled_from(refusable))
            data = draw(st.fixed_dictionaries({**good, name: _repeatable(fields[name].bad)}))
        else:
            data = draw(st.fixed_dictionaries(hostile))
        role = draw(st.sampled_from(endpoint.denied if scenario == "denied" else endpoint.allowed))
        target = draw(st.sampled_from(foreign)) if scenario == "foreign" else own
        if scenario == "no csrf":
            csrf = "missing"
        else:
            csrf = draw(st.sampled_from(["off", "off", "off", "valid"]))
        return Case(
            role=role,
            target=target,
            foreign=scenario == "foreign",
            data=data,
            extra=draw(
                st.dictionaries(
                    st.sampled_from(extra_names),
                    anything().good.map(lambda d: d.value),
                    max_size=2,
                )
            ),
            htmx=draw(st.booleans()),
            multipart=has_files or draw(st.booleans()),
            csrf=csrf,
        )

    return case()


# --- the database before and after ---------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    """Every row of every judged table, and the files under MEDIA_ROOT."""
    state: dict[str, Any] = {}
    for model in django_apps.get_models():
        meta = model._meta
        if meta.label in UNJUDGED_TABLES or not meta.managed or meta.proxy:
            continue
        state[meta.label] = list(model._base_manager.order_by("pk").values_list())
    media = Path(settings.MEDIA_ROOT)
    state["<files>"] = sorted(
        (str(path.relative_to(media)), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in media.rglob("*")
        if path.is_file()
    )
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    diff = {}
    for label in before.keys() | after.keys():
        old = {repr(row) for row in before.get(label, [])}
        new = {repr(row) for row in after.get(label, [])}
        if old != new:
            diff[label] = {"gone": sorted(old - new), "new": sorted(new - old)}
    return diff


# --- sending -------------------------------------------------------------------------------------


def _part(value: Any) -> Any:
    if isinstance(value, Upload):
        return SimpleUploadedFile(value.name, value.content, content_type=value.content_type)
    return value


def path_of(endpoint: Endpoint, target: Target) -> str:
    path = reverse(endpoint.name, kwargs=dict(target.kwargs))
    return f"{path}?{target.query}" if target.query else path


def send(endpoint: Endpoint, case: Case, client: Client) -> HttpResponse:
    payload: dict[str, Any] = {}
    for name, drawn in case.data.items():
        if drawn.value is MISSING:
            continue
        value = drawn.value
        payload[name] = [_part(v) for v in value] if isinstance(value, list) else _part(value)
    for name, value in case.extra.items():
        if value is not MISSING:
            payload[name] = value
    headers = {"HX-Request": "true"} if case.htmx else {}
    if case.csrf == "valid":
        secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        if case.htmx:
            headers["X-CSRFToken"] = secret  # as htmx sends it (hx-headers on <body>)
        else:
            payload["csrfmiddlewaretoken"] = secret
    path = path_of(endpoint, case.target)
    if case.multipart:
        return client.post(path, payload, headers=headers)
    body = urlencode(payload, doseq=True)
    return client.post(
        path, body, content_type="application/x-www-form-urlencoded", headers=headers
    )


# --- judging -------------------------------------------------------------------------------------


def _message_levels(response: HttpResponse) -> list[int]:
    return [message.level for message in get_messages(response.wsgi_request)]


def refused(endpoint: Endpoint, response: HttpResponse) -> bool:
    status = response.status_code
    location = response.headers.get("Location") or response.headers.get("HX-Redirect")
    # A client redirect (htmx) answers 200 too: it is not one of the endpoint's refusals.
    if status >= 400 or (status in endpoint.refusal_statuses and "HX-Redirect" not in response):
        return True
    if location is None:
        return False
    if location.startswith(reverse(settings.LOGIN_URL)):
        return True
    levels = _message_levels(response)
    return any(level >= messages.WARNING for level in levels) and messages.SUCCESS not in levels


def must_refuse(endpoint: Endpoint, case: Case) -> str | None:
    """Why this case must be refused (None when it may succeed)."""
    if case.csrf == "missing" and not endpoint.csrf_exempt:
        return "no CSRF token"
    if case.role in endpoint.denied:
        return f"{case.role} may not do this"
    if case.foreign and not (case.role == "staff" and case.target.staff_ok):
        return (
            f"another group's or an unknown object: {dict(case.target.kwargs)} {case.target.query}"
        )
    bad = [name for name, drawn in case.data.items() if drawn.bad]
    if bad:
        return f"refused values in {bad}"
    if endpoint.refused_when and endpoint.refused_when(case.data):
        return "a rule across the fields"
    return None


def judge(endpoint: Endpoint, case: Case, response: HttpResponse, before, after) -> None:
    status = response.status_code
    assert status < 500, f"{status} for {case}"
    was_refused = refused(endpoint, response)
    if was_refused:
        assert before == after, f"refused ({status}) yet changed: {changes(before, after)}"
    reason = must_refuse(endpoint, case)
    STATS[
        endpoint.name,
        status,
        "refused" if was_refused else "accepted",
        (reason or "may succeed").split(":")[0],
    ] += 1
    if reason:
        assert was_refused, f"accepted ({status}) though {reason}: {case}"
    if case.csrf == "missing" and not endpoint.csrf_exempt and case.role != "anonymous":
        assert status == 403, status
    if was_refused and status >= 400 and status not in QUIET_STATUSES:
        body = response.content.decode(errors="replace")
        assert any(marker in body for marker in endpoint.error_markers), (
            f"{status} without an error message on the page: {body[:2000]}"
        )


def exercise(endpoint: Endpoint, world: World, case: Case) -> None:
    """One case, inside a savepoint rolled back afterwards."""
    with transaction.atomic():
        client = Client(enforce_csrf_checks=case.csrf != "off")
        user = world.user(case.role)
        if user is not None:
            client.force_login(user)
        if endpoint.prepare:
            endpoint.prepare(client, world)
        before = snapshot()
        response = send(endpoint, case, client)
        after = snapshot()
        judge(endpoint, case, response, before, after)
        transaction.set_rollback(True)
