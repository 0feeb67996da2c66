"""An email's page in a real browser: the designed email shows in its sandboxed frame (its
own strict CSP allows its <style> and this site framing it) and nothing in it runs."""

import pytest
from playwright.sync_api import expect

from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.browser


def test_it_shows_the_designed_email_and_runs_nothing_in_it(live_server, page, log_in, member):
    email = outbox_row(
        member,
        subject="Designed",
        body_html=(
            "<style>p.lead { color: rgb(255, 0, 0); }</style><p class='lead'>Hello in red</p>"
            "<script>document.body.dataset.ran = 'yes'</script>"
        ),
    )
    log_in(member)
    page.goto(f"{live_server.url}/notifications/emails/{email.pk}/")
    frame = page.frame_locator("iframe.email-frame")
    lead = frame.locator("p.lead")
    expect(lead).to_have_text("Hello in red")
    expect(lead).to_have_css("color", "rgb(255, 0, 0)")
    assert frame.locator("body").get_attribute("data-ran") is None
    # The plain text is there too, folded away.
    expect(page.locator("details.email-plain .email-text")).to_contain_text(email.body_text.strip())
