"""The officials' workload for `make loadtest` (driven by tests/perf/loadtest.py).

Each simulated user is a seeded official (a synthetic member of one working group, listed by
the driver in LOADTEST_ACCOUNTS) who signs in once through the login form, then repeats a
weighted mix of what officials do: the dashboard, the milestone list with and without filters,
milestone and group pages, the meetings list, an inline edit of a list row (HTMX POST) and
logging progress on a milestone (HTMX POST carrying the version the page showed). Alongside,
the anonymous login page is fetched with no cookies: the reference the figures are read against.

A 409 (someone else changed the milestone first) is a correct answer, not an error: it is
counted, the page is fetched again and the write retried once. Every write the server accepted
is appended to LOADTEST_LEDGER (one JSON object a line), so that the driver can check that each
is in the database afterwards; LOADTEST_SAMPLES receives every request (name, status, time).

Run it through the driver (`make loadtest`); by hand:

    LOADTEST_ACCOUNTS=accounts.json LOADTEST_LEDGER=ledger.jsonl LOADTEST_SAMPLES=samples.jsonl \\
        .venv/bin/locust -f tests/perf/locustfile.py --headless -u 50 -r 10 -t 60s \\
        --host https://127.0.0.1:8443
"""

import html
import itertools
import json
import os
import random
import re
import time
import uuid
from urllib.parse import urlencode

import gevent
import gevent.event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser
from locust.exception import StopUser

ACCOUNTS_PATH = os.environ.get("LOADTEST_ACCOUNTS", "")
LEDGER_PATH = os.environ.get("LOADTEST_LEDGER", "")
SAMPLES_PATH = os.environ.get("LOADTEST_SAMPLES", "")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "charterhub-demo")
#: Think time between two actions of one official, in seconds ("min-max").
WAIT = os.environ.get("LOADTEST_WAIT", "2-6")
#: A prefix shared by every note this run writes, so the driver can find them all.
RUN_ID = os.environ.get("LOADTEST_RUN_ID") or uuid.uuid4().hex[:12]
#: The measured window: once every official has signed in, this many seconds, then stop.
DURATION = float(os.environ.get("LOADTEST_DURATION", "60"))
#: How long the sign-ins may take before the window starts anyway (with whoever got in).
SIGN_IN_LIMIT = 180
WINDOW_PATH = os.environ.get("LOADTEST_WINDOW", "")

OPEN_FOR_MEMBERS = ["planned", "in_progress", "at_risk", "blocked"]

# Request names in the statistics (and in the driver's table).
LOGIN_PAGE = "login page (anonymous)"
LOGIN_POST = "sign in (POST)"
DASHBOARD = "dashboard"
LIST = "milestone list"
LIST_FILTERED = "milestone list, filtered"
DETAIL = "milestone detail"
GROUP = "group page"
MEETINGS = "meetings list"
INLINE_EDIT = "inline edit (HTMX POST)"
LOG = "log progress (HTMX POST)"

ROW_RE = re.compile(r'<tbody id="milestone-row-(\d+)"(.*?)</tbody>', re.S)
CSRF_RE = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')
FORM_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GROUP_OPTION_RE = re.compile(r'<option value="([a-z0-9-]+)"')


def _attr(chunk: str, name: str) -> str | None:
    """The value="" of the row input named ``name``."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', chunk)
    return html.unescape(match.group(1)) if match else None


def parse_rows(body: str) -> list[dict]:
    """The editable rows of a milestone list page: what each row's inline form would post."""
    rows = []
    for pk, chunk in ROW_RE.findall(body):
        if 'name="version"' not in chunk:
            continue  # read-only row
        status = re.search(r'<select name="status".*?<option value="([^"]+)" selected', chunk, re.S)
        values = {name: _attr(chunk, name) for name in ("owner", "due_date", "progress", "version")}
        if status is None or None in values.values():
            continue
        rows.append({"id": int(pk), "status": status.group(1), **values})
    return rows


def detail_state(body: str, pk: int) -> tuple[int, int] | None:
    """(version the log form carries, current progress) from a detail page or fragment."""
    version = re.search(
        rf'action="/milestones/{pk}/log/".*?name="version" value="(\d+)"', body, re.S
    )
    progress = re.search(r'class="ms-progress-number">(\d+) %', body)
    if not version or not progress:
        return None
    return int(version.group(1)), int(progress.group(1))


def answer(response) -> str:
    """The status, or for no answer at all, what went wrong (timeout, connection reset …)."""
    if response.status_code:
        return str(response.status_code)
    return f"nothing ({getattr(response, 'error', None)!r})"


def other_progress(current: int) -> int:
    """A different progress, in the 5 % steps officials use."""
    return random.choice([value for value in range(0, 100, 5) if value != current])


# --- accounts, and what happened (one locust process; gevent, so no real threads) --------

_accounts: list[dict] = []
_next_account = itertools.count()
_files: dict[str, object] = {}


def next_account() -> dict:
    global _accounts
    if not _accounts:
        if not ACCOUNTS_PATH:
            raise RuntimeError("LOADTEST_ACCOUNTS must name the accounts file the driver writes")
        with open(ACCOUNTS_PATH, encoding="utf-8") as handle:
            _accounts = json.load(handle)
    return _accounts[next(_next_account) % len(_accounts)]


def _append(path: str, entry: dict) -> None:
    if not path:
        return
    if path not in _files:
        _files[path] = open(path, "a", encoding="utf-8")  # noqa: SIM115 — closed on quitting
    _files[path].write(json.dumps(entry) + "\n")


def record(entry: dict) -> None:
    """A write the official attempted, and its outcome, for the driver's database check."""
    _append(LEDGER_PATH, entry)


@events.request.add_listener
def _sample(request_type, name, response_time, response, exception, start_time, **_kwargs):
    """Every request, for the driver's figures: locust's own CSV is written before the
    last requests of the stop phase finish, and its percentiles are rounded."""
    _append(
        SAMPLES_PATH,
        {
            "t": round(start_time, 3),
            "name": name,
            "method": request_type,
            "status": getattr(response, "status_code", 0) or 0,
            "ms": round(response_time or 0, 2),
            "error": None if exception is None else str(exception)[:300],
        },
    )


@events.quitting.add_listener
def _close(**_kwargs):
    for handle in _files.values():
        handle.close()
    _files.clear()


# --- the measured window -----------------------------------------------------------------

_sign_ins = {"ok": 0, "failed": 0}
_all_signed_in = gevent.event.Event()


def signed_in(*, ok: bool, expected: int) -> None:
    _sign_ins["ok" if ok else "failed"] += 1
    if _sign_ins["ok"] + _sign_ins["failed"] >= expected:
        _all_signed_in.set()


@events.test_start.add_listener
def _start_conductor(environment, **_kwargs):
    gevent.spawn(_conduct, environment)


def _conduct(environment) -> None:
    """Wait until every official has signed in (50 password checks at once take the CPU for
    a while), then measure for DURATION seconds with all of them at work, then stop."""
    _all_signed_in.wait(timeout=SIGN_IN_LIMIT)
    start = time.time()
    gevent.sleep(DURATION)
    window = {"start": start, "end": time.time(), **_sign_ins}
    if WINDOW_PATH:
        with open(WINDOW_PATH, "w", encoding="utf-8") as handle:
            json.dump(window, handle)
    environment.runner.quit()


def _wait() -> tuple[float, float]:
    low, _, high = WAIT.partition("-")
    return float(low), float(high or low)


# --- the officials ----------------------------------------------------------------------


class Official(FastHttpUser):
    wait_time = between(*_wait())
    # Sync gunicorn workers close the connection after each response; one at a time per user.
    concurrency = 1

    def on_start(self) -> None:
        self.account = next_account()
        self.home = self.account["group"]
        self.user_id = self.account["user_id"]
        self.rows: list[dict] = []  # editable rows seen on the last list page
        self.milestone_ids: list[int] = []  # milestones seen, for the detail page
        self.groups: list[str] = [self.home]
        self.csrf = ""
        # The login page as a first-time visitor sees it: a session of its own, no cookies.
        self.anonymous = FastHttpSession(
            base_url=self.host,
            request_event=self.environment.events.request,
            user=self,
            insecure=True,
            concurrency=1,
            # As the official's own client: FastHttpSession's defaults would time out after
            # 5 s and retry 3 times, hiding slow answers instead of measuring them.
            network_timeout=self.network_timeout,
            connection_timeout=self.connection_timeout,
            max_retries=self.max_retries,
        )
        self.sign_in()

    # helpers

    def headers(self, referer: str, *, htmx_target: str | None = None) -> dict:
        headers = {"Referer": self.host + referer}
        if htmx_target is not None:
            headers.update(
                {
                    "HX-Request": "true",
                    "HX-Current-URL": self.host + referer,
                    "HX-Target": htmx_target,
                    "X-CSRFToken": self.csrf,
                    "Origin": self.host,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        return headers

    def page(self, path: str, name: str) -> str | None:
        """GET a page as the signed-in official; remember its CSRF token. None on failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {answer(response)}")
                return None
            body = response.text or ""
            if "/accounts/logout/" not in body:
                response.failure(f"{path} did not show a signed-in page")
                return None
            token = CSRF_RE.search(body)
            if token:
                self.csrf = token.group(1)
            return body

    def sign_in(self) -> None:
        path = "/accounts/login/"
        expected = self.environment.runner.target_user_count or 1
        with self.client.get(path, name=LOGIN_PAGE, catch_response=True) as response:
            token = FORM_CSRF_RE.search(response.text or "")
            if response.status_code != 200 or token is None:
                response.failure(f"login page answered {answer(response)} without a form")
        if token is None or response.status_code != 200:
            signed_in(ok=False, expected=expected)
            raise StopUser  # counted as a failed request; this official stops here
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.account["email"],
            "password": PASSWORD,
        }
        with self.client.post(
            path,
            name=LOGIN_POST,
            data=urlencode(form),
            headers={
                **self.headers(path),
                "Origin": self.host,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302
            if not ok:
                response.failure(f"sign-in answered {answer(response)}, not 302")
        signed_in(ok=ok, expected=expected)
        if not ok:
            raise StopUser

    def remember(self, body: str) -> None:
        rows = parse_rows(body)
        if rows:
            self.rows = rows
        ids = [int(pk) for pk, _chunk in ROW_RE.findall(body)]
        self.milestone_ids = (ids + self.milestone_ids)[:200]

    # the mix

    @task(10)
    def dashboard(self) -> None:
        self.page("/", DASHBOARD)

    @task(6)
    def milestone_list(self) -> None:
        body = self.page(f"/milestones/?group={self.home}", LIST)
        if body:
            self.remember(body)
            slugs = GROUP_OPTION_RE.findall(body.split('name="group"', 1)[-1].split("</select>")[0])
            self.groups = slugs or self.groups

    @task(8)
    def milestone_list_filtered(self) -> None:
        filters: list[tuple[str, str]] = [("group", random.choice(self.groups))]
        for status in random.sample(OPEN_FOR_MEMBERS, k=random.randint(1, 3)):
            filters.append(("status", status))
        choice = random.random()
        if choice < 0.3:
            filters.append(("owner", str(self.user_id)))
        elif choice < 0.6:
            filters.append(("window", random.choice(["overdue", "7", "14", "30"])))
        if random.random() < 0.2:
            filters.append(("page", "2"))
        body = self.page(f"/milestones/?{urlencode(filters)}", LIST_FILTERED)
        if body and filters[0][1] == self.home:
            self.remember(body)

    @task(8)
    def milestone_detail(self) -> None:
        if not self.milestone_ids:
            return self.milestone_list()
        pk = random.choice(self.milestone_ids)
        self.page(f"/milestones/{pk}/", DETAIL)

    @task(4)
    def group_page(self) -> None:
        slug = self.home if random.random() < 0.7 else random.choice(self.groups)
        self.page(f"/groups/{slug}/", GROUP)

    @task(4)
    def meetings_list(self) -> None:
        self.page("/meetings/", MEETINGS)

    @task(5)
    def login_page(self) -> None:
        self.anonymous.cookiejar.clear()
        with self.anonymous.get("/accounts/login/", name=LOGIN_PAGE, catch_response=True) as r:
            if r.status_code != 200 or "csrfmiddlewaretoken" not in (r.text or ""):
                r.failure(f"login page answered {answer(r)}")

    @task(5)
    def inline_edit(self) -> None:
        """Change a row's progress from the list, as the row's form posts it (HTMX)."""
        if not self.rows or not self.csrf:
            return self.milestone_list()
        row = random.choice(self.rows)
        referer = f"/milestones/?group={self.home}"
        progress = other_progress(int(row["progress"]))  # what this official means to save
        for attempt in (1, 2):
            form = {
                "csrfmiddlewaretoken": self.csrf,
                "owner": row["owner"],
                "due_date": row["due_date"],
                "status": row["status"],
                "progress": str(progress),
                "version": row["version"],
                "fragment": "row",
                "next": referer,
            }
            entry = {
                "kind": "edit",
                "milestone": row["id"],
                "progress": progress,
                "attempt": attempt,
                "user": self.account["email"],
            }
            with self.client.post(
                f"/milestones/{row['id']}/update/",
                name=INLINE_EDIT,
                data=urlencode(form),
                headers=self.headers(referer, htmx_target=f"milestone-row-{row['id']}"),
                catch_response=True,
            ) as response:
                body = response.text or ""
                shown = parse_rows(body)
                if response.status_code == 409 and shown:
                    # A correct answer: the conflict row keeps this official's values and
                    # carries the current version, so "Save mine" posts them again, unless
                    # the other change already set the very same values (no row "differs").
                    response.success()
                    record({**entry, "outcome": "conflict"})
                    if 'class="differs"' not in body:
                        record({**entry, "outcome": "already so"})
                        return
                    row = shown[0]
                    continue
                if response.status_code != 200 or not shown:
                    response.failure(f"inline edit answered {answer(response)}: {body[:200]}")
                    record({**entry, "outcome": f"failed {response.status_code}"})
                    return
                if int(shown[0]["progress"]) != progress:
                    response.failure("the saved row does not show the new progress")
                    record({**entry, "outcome": "failed: progress not shown"})
                    return
                record({**entry, "outcome": "saved", "version": int(shown[0]["version"])})
                self.rows = [shown[0] if r["id"] == row["id"] else r for r in self.rows]
                return
        record(
            {
                "kind": "edit",
                "milestone": row["id"],
                "outcome": "gave up",
                "user": self.account["email"],
            }
        )

    @task(6)
    def log_progress(self) -> None:
        """Open a milestone and log progress on it: a note with a unique token and a new
        progress, posted with the version the page showed (HTMX). On 409, open the page
        again and retry once."""
        if not self.rows:
            return self.milestone_list()
        pk = random.choice(self.rows)["id"]
        path = f"/milestones/{pk}/"
        for attempt in (1, 2):
            state = detail_state(self.page(path, DETAIL) or "", pk)
            if state is None:
                return  # no longer open to members (closed meanwhile): nothing to log
            version, current = state
            token = f"lt-{RUN_ID}-{uuid.uuid4().hex[:12]}"
            progress = other_progress(current)
            form = {
                "csrfmiddlewaretoken": self.csrf,
                "version": str(version),
                "next": path,
                "note": f"Load test progress note {token}",
                "status": "",
                "progress": str(progress),
            }
            entry = {
                "kind": "log",
                "milestone": pk,
                "token": token,
                "progress": progress,
                "attempt": attempt,
                "user": self.account["email"],
            }
            with self.client.post(
                f"/milestones/{pk}/log/",
                name=LOG,
                data=urlencode(form),
                headers=self.headers(path, htmx_target="milestone"),
                catch_response=True,
            ) as response:
                if response.status_code == 409:
                    response.success()  # a correct answer: refetch the page, retry once
                    record({**entry, "outcome": "conflict"})
                    continue
                if response.status_code != 200 or token not in (response.text or ""):
                    response.failure(f"log answered {answer(response)} without the note")
                    record({**entry, "outcome": f"failed {response.status_code}"})
                    return
                record({**entry, "outcome": "saved"})
                return
        record(
            {"kind": "log", "milestone": pk, "outcome": "gave up", "user": self.account["email"]}
        )
