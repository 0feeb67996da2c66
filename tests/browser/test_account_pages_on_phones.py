"""The account-side pages at 390 px in English, Azerbaijani and Russian: nothing wider than
the screen (the Russian and Azerbaijani labels are much longer), one h1 each."""

import pytest
from django.conf import settings

from apps.accounts.models import User
from apps.calendar import services
from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SIGNED_IN_PAGES = [
    "/calendar/",
    "/notifications/preferences/",
    "/notifications/emails/",
    "/notifications/emails/{email}/",
    "/accounts/password/",
]
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/password/reset/"]


def assert_fits(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width} px wide"
    assert page.locator("h1").count() == 1, where


def set_language_cookie(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_it_fits_a_phone_in_every_language(live_server, page, log_in, member, language):
    page.set_viewport_size(PHONE)
    services.calendar_token_regenerate(user=member)
    email = outbox_row(member, subject="Xatırlatma: Şəbəkə qarşılıqlı əlaqə tədqiqatı " * 2)
    for path in ANONYMOUS_PAGES:
        set_language_cookie(page, live_server, language)
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == language
        assert_fits(page, f"{path} in {language}")
    set_language_cookie(page, live_server, "en")  # log_in fills the English labels
    log_in(member)
    User.objects.filter(pk=member.pk).update(language=language)
    for path in SIGNED_IN_PAGES:
        url = f"{live_server.url}{path.format(email=email.pk)}"
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        assert_fits(page, f"{path} in {language}")
