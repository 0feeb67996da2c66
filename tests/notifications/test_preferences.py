"""The email preferences page: digest frequency, reminders and lead days, language, time zone."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.accounts.models import DigestFrequency, User
from apps.notifications.emails import unsubscribe_token
from apps.notifications.forms import PreferencesForm, parse_lead_days
from apps.notifications.models import EmailLog
from apps.notifications.services import preferences_fingerprint, preferences_of

pytestmark = pytest.mark.django_db

URL = "/notifications/preferences/"
HTMX = {"HX-Request": "true"}


def form_data(user, **changes) -> dict:
    data = {
        "digest_frequency": "daily",
        "reminders_enabled": "on",
        "reminder_lead_days": "21, 3",
        "language": "az",
        "time_zone": "America/New_York",
        "fingerprint": preferences_fingerprint(preferences_of(user)),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def saved(user) -> dict:
    return preferences_of(User.objects.get(pk=user.pk))


def test_it_shows_the_current_preferences(signed_in, member):
    response = signed_in.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["reminder_lead_days"] == "14, 7, 1"
    assert form.initial["time_zone"] == "Asia/Baku"
    body = response.content.decode()
    assert '<option value="Asia/Baku" selected>Baku (UTC+4)</option>' in body
    assert "Asia/Baku<" not in body  # no raw zone ids
    assert 'hx-post="/notifications/preferences/"' in body
    assert 'action="/notifications/preferences/"' in body


def test_it_saves_and_redirects_back_with_a_message(signed_in, member):
    response = signed_in.post(URL, form_data(member))
    assert response.status_code == 302
    assert response["Location"] == URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your email preferences are saved."
    ]
    assert saved(member) == {
        "digest_frequency": "daily",
        "reminders_enabled": True,
        "reminder_lead_days": [21, 3],
        "language": "az",
        "time_zone": "America/New_York",
    }


def test_it_answers_htmx_with_the_updated_form(signed_in, member):
    response = signed_in.post(URL, form_data(member), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="preferences-form"')
    assert "Your email preferences are saved." in body
    new_fingerprint = preferences_fingerprint(saved(member))
    assert f'value="{new_fingerprint}"' in body


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_it_sums_up_the_errors_at_the_top_linking_to_each_field(signed_in, member, htmx):
    response = signed_in.post(
        URL, form_data(member, reminder_lead_days="abc"), headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    body = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    assert '<a href="#id_reminder_lead_days">“abc” is not a whole number of days.</a>' in summary
    assert body.index("error-summary") < body.index('action="/notifications/preferences/"')
    assert '<div class="form-group form-group--error">' in body
    assert body.count('class="button"') == 1  # one primary button


def test_it_names_zones_as_people_do_in_the_readers_language(client, other_member):
    client.force_login(other_member)  # Russian
    body = client.get(URL).content.decode()
    assert '<option value="America/New_York">Вашингтон (UTC−5)</option>' in body
    assert re.search(r'<option value="Asia/Kolkata"[^>]*>Kolkata \(UTC\+5:30\)</option>', body)


def test_it_turns_reminders_off_and_keeps_an_empty_lead_day_list(signed_in, member):
    signed_in.post(URL, form_data(member, reminders_enabled=None, reminder_lead_days=""))
    assert saved(member)["reminders_enabled"] is False
    assert saved(member)["reminder_lead_days"] == []


@pytest.mark.parametrize(
    "lead_days, message",
    [
        ("abc", "“abc” is not a whole number of days."),
        ("7.5", "“7.5” is not a whole number of days."),
        ("-1", "“-1” is not a whole number of days."),
        ("٣", "“٣” is not a whole number of days."),
        ("0", "Lead days must be from 1 to 90; 0 is not."),
        ("91", "Lead days must be from 1 to 90; 91 is not."),
        ("7, 7", "7 is listed twice."),
        ("1, 2, 3, 4, 5, 6", "Give at most 5 lead days."),
        ("9" * 101, "Ensure this value has at most 100 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_rejects_bad_lead_days_with_a_clear_message(signed_in, member, lead_days, message, htmx):
    before = saved(member)
    response = signed_in.post(
        URL, form_data(member, reminder_lead_days=lead_days), headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert ("<html" in response.content.decode()) is not htmx
    assert saved(member) == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("time_zone", "localtime"),
        ("language", "fr"),
        ("digest_frequency", "hourly"),
        ("fingerprint", None),
        ("digest_frequency", None),
    ],
)
def test_it_rejects_other_bad_input_and_changes_nothing(signed_in, member, field, value):
    before = saved(member)
    response = signed_in.post(URL, form_data(member, **{field: value}), headers=HTMX)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert saved(member) == before


def test_it_reports_a_change_made_elsewhere_meanwhile(signed_in, client, member):
    stale = form_data(member, digest_frequency="weekly", language="ru")
    # Meanwhile the member clicks "unsubscribe" in a digest.
    client.post(f"/unsubscribe/{unsubscribe_token(user_id=member.pk, scope='digest')}/")
    assert saved(member)["digest_frequency"] == DigestFrequency.OFF
    before = saved(member)

    response = signed_in.post(URL, stale, headers=HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed somewhere else since you opened this page" in body
    assert [(r.label, r.theirs, r.yours) for r in response.context["conflict"].rows] == [
        ("Progress digest", "Off", "Weekly (Monday)"),
        ("Remind me this many days before a due date", "14, 7, 1", "21, 3"),
        ("Email language", "en", "ru"),
        ("Time zone", "Asia/Baku", "America/New_York"),
    ]
    assert response.context["form"].initial["digest_frequency"] == DigestFrequency.OFF
    assert saved(member) == before

    full = signed_in.post(URL, stale)
    assert full.status_code == 409
    assert "<html" in full.content.decode()
    assert saved(member) == before


def test_it_takes_the_same_form_twice(signed_in, member):
    data = form_data(member)
    assert signed_in.post(URL, data).status_code == 302
    assert signed_in.post(URL, data).status_code == 302  # a double submit is not a conflict


def test_it_needs_a_login(client, member):
    response = client.post(URL, form_data(member))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert saved(member)["digest_frequency"] == "weekly"


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_page_query_count(signed_in, member, rows, django_assert_num_queries):
    EmailLog.objects.bulk_create(
        EmailLog(
            kind="digest",
            recipient=member,
            to_email=member.email,
            subject_key="digest",
            period=f"p{n}",
        )
        for n in range(rows)
    )
    with django_assert_num_queries(3):  # session, user
        assert signed_in.get(URL).status_code == 200
    # session, user, savepoint, the user locked, update, release
    with django_assert_num_queries(6):
        assert signed_in.post(URL, form_data(member), headers=HTMX).status_code == 200


# Any lead-day text over HTTP (never a 5xx, a refusal changes nothing): tests/fuzz/test_endpoints.py
# (notifications:preferences). What the form makes of any text, without HTTP:
@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_it_reads_any_lead_day_text_as_the_parser_does(text):
    form = PreferencesForm(data={"reminder_lead_days": text})
    form.is_valid()
    try:
        days = parse_lead_days(text)
    except ValidationError:
        assert "reminder_lead_days" in form.errors
    else:
        assert "reminder_lead_days" not in form.errors
        assert form.cleaned_data["reminder_lead_days"] == days


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_it_says_what_is_wrong_when_the_fingerprint_is_missing(signed_in, member, htmx):
    data = form_data(member)
    del data["fingerprint"]
    before = saved(member)
    response = signed_in.post(URL, data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    assert saved(member) == before
    body = response.content.decode()
    assert any(marker in body for marker in ('role="alert"', 'class="errorlist')), body[:2000]


@pytest.mark.parametrize(
    "text, days",
    [("14, 7, 1", [14, 7, 1]), ("1 7 14", [14, 7, 1]), (" 3;30 ", [30, 3]), ("", []), (",,", [])],
)
def test_it_parses_lead_days_leniently_in_their_separators(text, days):
    assert parse_lead_days(text) == days
