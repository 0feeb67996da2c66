"""Every page and HTMX fragment is valid HTML, by the Nu Html Checker (npm vnu-jar, Java).

The pages: every GET page of the access matrices as a role that gets 200, on the data of the
axe test (tests/browser/test_accessibility.py ``visits`` and its ``world``). The
fragments: each of those pages asked again with ``HX-Request`` where the view answers a fragment,
and each POST endpoint of the fuzz catalogue (tests/fuzz/catalogue.py) answered to an htmx post
with nothing in it (the refusal: 422) and, for the milestones and meetings actions, with the
access matrices' valid data (200, or 409 once a version is stale). A fragment is checked inside
a minimal document. All files are checked by ONE run of vnu (one JVM start).

The htmx attributes (``hx-post``, ``hx-target`` …) are not HTML: ``HX_FILTER`` drops vnu's
"attribute not allowed" error for them and for nothing else (docs/testing.md says why).
Without Java or vnu-jar (``make install`` needs npm) this skips; under CI=true it fails.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser import test_accessibility as site
from tests.browser.test_accessibility import world  # noqa: F401 (the fixture)
from tests.conftest import require
from tests.fuzz.catalogue import CATALOGUE
from tests.fuzz.world import World, build_world

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
HX_FILTER = r"Attribute “hx-[a-z:-]+” not allowed on element “[a-z0-9]+” at this point\."
HTMX = {"HX-Request": "true"}
FRAGMENT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{key}</title></head>'
    "<body>{body}</body></html>"
)


@pytest.fixture
def fuzz_world(world, energy, connectivity, security) -> World:  # noqa: F811
    """The fuzz catalogue's objects (tests/fuzz/world.py), beside the axe test's."""
    return build_world(world.users, energy, connectivity, security)


def client_for(users: dict, role: str, **headers) -> Client:
    client = Client(headers=headers)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def as_document(key: str, body: str) -> str:
    if "<html" in body[:500]:
        return body
    if body.lstrip().startswith("<tr"):
        # A row swapped into its table: a row of single cells stands for the table's columns.
        columns = max([int(n) for n in re.findall(r'colspan="(\d+)"', body)] or [1])
        body = f"<table><tbody><tr>{'<td></td>' * columns}</tr>{body}</tbody></table>"
    elif body.lstrip().startswith("<li"):
        body = f"<ul>{body}</ul>"
    return FRAGMENT.format(key=key, body=body)


def answered_html(response) -> str | None:
    if response.status_code in (200, 409, 422) and response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return response.content.decode()
    return None


def pages(data):
    """(key, HTML) of every page, then of the fragment its view answers htmx, if any."""
    for visit in site.visits(data):
        for headers, suffix in (({}, ""), (HTMX, "-htmx")):
            response = client_for(data.users, visit.role, **headers).get(visit.path)
            body = answered_html(response)
            if body is not None and (not suffix or "<html" not in body[:500]):
                yield visit.key + suffix, body


def refused_posts(data):
    for endpoint in CATALOGUE:
        if endpoint.prepare is not None or not endpoint.fields:
            continue  # nothing to refuse: an empty post would act (remove, sign, revoke)
        target = endpoint.url.own(data)
        path = reverse(endpoint.name, kwargs=dict(target.kwargs))
        path += f"?{target.query}" if target.query else ""
        response = client_for(data.users, endpoint.allowed[0], **HTMX).post(path, {})
        if (body := answered_html(response)) is not None:
            yield f"post-{endpoint.name.replace(':', '-')}-{response.status_code}", body


def valid_posts(data):
    """The milestones and meetings matrices' allowed posts, from htmx, as the member."""
    from tests.meetings.test_access import MATRIX as MEETINGS
    from tests.milestones.test_access import MATRIX as MILESTONES

    client = client_for(data.users, "member", **HTMX)
    for name, cases in MILESTONES.items():
        for index, case in enumerate(cases):
            if case.method == "POST" and case.expected.get("member") == 302:
                response = client.post(case.path(data.milestones), case.data(data.milestones))
                if (body := answered_html(response)) is not None:
                    key = f"post-{name.replace(':', '-')}-{index}-{response.status_code}"
                    yield key, body
    scene = data.scene
    for name, methods in MEETINGS.items():
        if methods.get("POST", {}).get("member") == 302:
            response = client.post(scene.path(name), scene.data(name))
            if (body := answered_html(response)) is not None:
                yield f"post-{name.replace(':', '-')}-valid-{response.status_code}", body


def run_vnu(files: list[Path]) -> list[dict]:
    command = ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html"]
    command += ["--filterpattern", HX_FILTER, *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_it_serves_valid_html_on_every_page_and_fragment(world, fuzz_world, tmp_path):  # noqa: F811
    require(shutil.which("java") is not None, "Java is not installed (apt-get install default-jre)")
    require(VNU.exists(), f"vnu-jar is not installed ({VNU}): run `make install` (needs npm)")
    documents = dict(pages(world))
    documents.update(refused_posts(fuzz_world))
    documents.update(valid_posts(world))
    out = tmp_path / "html"
    out.mkdir()
    files = []
    for key, body in documents.items():
        files.append(out / f"{key}.html")
        files[-1].write_text(as_document(key, body), encoding="utf-8")

    problems: dict[str, list[str]] = {}
    for message in run_vnu(files):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        key = Path(message.get("url", "?")).stem
        extract = re.sub(r"\s+", " ", message.get("extract", ""))[:120]
        problems.setdefault(key, []).append(
            f"    line {message.get('lastLine', '?')}: {message['message']}  «{extract}»"
        )
    report = "\n".join(f"{key}:\n" + "\n".join(lines) for key, lines in sorted(problems.items()))
    print(f"vnu checked {len(files)} documents: {', '.join(sorted(documents))}")
    assert not problems, f"invalid HTML in {len(problems)} of {len(files)} documents:\n{report}"
