"""Every page of the site, in a real browser, at a phone's and a laptop's width, in each language.

The pages and the data are the axe test's (tests/browser/test_accessibility.py ``visits``: every
GET row of the access matrices that some role answers with 200, as that role). On each page, at
390×844 and 1366×768, in en, az and ru: no sideways scrolling, exactly one h1, the header's item
for the page's section marked ``aria-current="page"`` and visible (on a phone, once the Menu is
opened), axe-core finds nothing serious; a screenshot goes to
test-artifacts/pages/<page>-<lang>-<width>.png. Every failure is collected and reported at once.

One live server; one browser context per role per language, signed in once with a session
cookie (the storage state the login form would leave) and reused for every page and width.
"""

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.urls import resolve
from playwright.sync_api import Browser, BrowserContext

from apps.accounts.models import User
from charterhub.navigation import _where
from tests.browser import axe
from tests.browser import test_accessibility as site
from tests.browser.test_accessibility import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "az", "ru")
SIZES = ((390, 844), (1366, 768))

PROBE = """() => {
  const closed = (el) => {
    const details = el.closest("details:not([open])");
    return !!details && !details.querySelector(":scope > summary").contains(el);
  };
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !closed(el);
  const width = window.innerWidth;
  const wide = [...document.body.querySelectorAll("*")].filter(
    (el) => shown(el) && el.getBoundingClientRect().right > width + 1
  );
  const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "") +
    (el.children.length ? "" : ` "${el.textContent.trim().slice(0, 24)}"`);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    h1: document.querySelectorAll("h1").length,
    current: [...document.querySelectorAll('header a[aria-current="page"]')].some(shown),
    menu: !!document.querySelector("header details.site-menu > summary") &&
      shown(document.querySelector("header details.site-menu > summary")),
    wide: leaves.slice(0, 4).map(name),
  };
}"""


def section(path: str) -> str:
    """The header's item this page belongs to (charterhub/navigation.py), "" for none."""
    request = HttpRequest()
    request.resolver_match = resolve(urlsplit(path).path)
    return _where(request)


def context_for(browser: Browser, base_url: str, user: User | None, language: str):
    """A context signed in as ``user`` through the login form (the axe test's helper), or an
    anonymous one holding the language cookie."""
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page = context.new_page()
    site.sign_in_as(page, base_url, user)
    if user is None:
        page.goto(f"{base_url}/accounts/login/")
        page.evaluate(f"document.cookie = '{settings.LANGUAGE_COOKIE_NAME}={language}; path=/'")
    return context


def check(page, visit, language: str, width: int, artifacts) -> list[str]:
    where = f"{visit.key} ({visit.path}) {language} {width}px"
    found = page.evaluate(PROBE)
    failures = []
    if found["scrollWidth"] > found["innerWidth"]:
        failures.append(
            f"{where}: scrolls sideways ({found['scrollWidth']} > {found['innerWidth']} px; "
            f"too wide: {', '.join(found['wide']) or '?'})"
        )
    if found["h1"] != 1:
        failures.append(f"{where}: {found['h1']} h1 elements, not 1")
    serious = axe.blocking(axe.violations(page))
    if serious:
        failures.append(axe.describe(where, serious))
    page.screenshot(path=artifacts / f"{visit.key}-{language}-{width}.png", full_page=True)
    if visit.role != "anonymous" and section(visit.path):
        current = found["current"]
        if not current and found["menu"]:
            page.locator("header details.site-menu > summary").click()
            current = page.evaluate(PROBE)["current"]
        if not current:
            failures.append(
                f"{where}: no visible a[aria-current=page] in the header for "
                f"its section {section(visit.path)!r}"
            )
    return failures


def pages(world) -> list:  # noqa: F811
    """The axe test's visits, less staff's visits of the restricted group's objects where
    another role sees the same URL: the same templates."""
    visits = site.visits(world)
    others = {visit.name for visit in visits if visit.role != "staff"}
    return [visit for visit in visits if visit.role != "staff" or visit.name not in others]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_every_page_well(live_server, browser, world, artifacts, language):  # noqa: F811
    axe.require_axe()
    started = time.monotonic()
    shots = artifacts / "pages"
    shots.mkdir(exist_ok=True)
    User.objects.update(language=language)
    contexts: dict[str, BrowserContext] = {}
    failures: list[str] = []
    visits = pages(world)
    for visit in visits:
        if visit.role not in contexts:
            user = None if visit.role == "anonymous" else world.users[visit.role]
            contexts[visit.role] = context_for(browser, live_server.url, user, language)
        page = contexts[visit.role].pages[0]
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"{live_server.url}{visit.path}")
            if response is None or response.status != 200:
                status = response.status if response else "no answer"
                failures.append(f"{visit.key} ({visit.path}) {language} {width}px: {status}")
                continue
            failures.extend(check(page, visit, language, width, shots))
    for context in contexts.values():
        context.close()
    took = time.monotonic() - started
    print(f"{len(visits)} pages × {len(SIZES)} sizes in {language}: {took:.1f} s")
    assert not failures, f"{len(failures)} problems in {language}:\n" + "\n".join(failures)
