"""The dashboard and the group page on a phone (390 × 844) in every language: nothing scrolls
sideways, nothing sticks out of the screen (the members' Remove buttons included), and the
dashboard's "My work" starts on the first screen."""

import pytest

from apps.accounts.models import Sector, Side
from apps.charter.models import Role
from tests.browser import axe
from tests.conftest import join, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "az", "ru"]

#: Elements of main whose box reaches past the right edge of the screen.
STICKING_OUT = r"""() => [...document.querySelectorAll("main *")]
  .filter((el) => el.getClientRects().length > 0)
  // Not what is hidden: closed dialogs, visually hidden text, the charts' tables until asked for.
  .filter((el) => !el.closest("dialog:not([open]), .visually-hidden, .chart-data"))
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((el) => `${el.tagName}.${el.className}: ${(el.textContent || "").trim().slice(0, 40)}`)"""


@pytest.fixture
def crowd(energy):
    """Members with long names and organisations, as in real groups."""
    for i, side in enumerate([Side.AZ, Side.US, Side.OTHER]):
        user = make_user(
            f"long{i}@example.test",
            side=side,
            display_name=f"Aygün Məmmədova-Hüseynzadə {i}",
            organisation="Azərbaycan Respublikasının İqtisadiyyat Nazirliyi yanında Agentlik",
            sector=Sector.PRIVATE if i == 1 else Sector.GOVERNMENT,
        )
        join(user, energy, Role.MEMBER if i != 2 else Role.OBSERVER)


def check(page, url: str, language: str) -> None:
    page.goto(url)
    axe.assert_no_serious_violations_if_installed(page, f"{url} in {language} at 390 px")
    assert page.evaluate("document.documentElement.lang") == language
    where = f"{url} in {language}"
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"
    out = page.evaluate(STICKING_OUT)
    assert not out, f"past the right edge on {where}: {out[:5]}"


@pytest.mark.parametrize("who", ["staff", "cochair_az"])
def test_the_dashboard_and_group_page_fit_a_phone_in_every_language(
    request, live_server, page, log_in, cochair_us, crowd, who, artifacts
):
    user = request.getfixturevalue(who)
    page.set_viewport_size(PHONE)
    log_in(user)
    for language in LANGUAGES:
        user.language = language
        user.save(update_fields=["language"])
        check(page, f"{live_server.url}/", language)
        top = page.locator("#my-work-heading").bounding_box()["y"]
        assert top < PHONE["height"] / 2, f"My work starts at {top} px in {language}"
        page.screenshot(path=artifacts / f"dashboard-390-{who}-{language}.png")
        check(page, f"{live_server.url}/groups/energy/", language)
        # Every Remove button on screen width-wise, when there are any.
        for box in [b.bounding_box() for b in page.locator("form.member-remove button").all()]:
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        page.locator("#members").screenshot(path=artifacts / f"members-390-{who}-{language}.png")
