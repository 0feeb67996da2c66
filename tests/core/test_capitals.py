"""``{% capitals %}``: a moment, or a span with ``until=``, on both capitals' clocks."""

import datetime as dt
import zoneinfo

from django.template import Context, Template
from django.utils import timezone, translation

START = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)  # 11:00 in Baku, 02:00 in Washington


def render(source: str, reader: str = "Asia/Baku", **context) -> str:
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo(reader)):
        return Template("{% load ui %}" + source).render(Context(context))


def test_it_shows_a_span_on_each_clock():
    until = START + dt.timedelta(hours=1)
    html = render("{% capitals start zone='Asia/Baku' until=until %}", start=START, until=until)
    assert "11:00–12:00&nbsp;Baku" in html
    assert "02:00–03:00&nbsp;Washington" in html
    assert html.count('<span class="capitals__clock">') == 2


def test_it_adds_the_readers_clock_to_a_span_and_keeps_a_moment_as_it_was():
    until = START + dt.timedelta(minutes=90)
    html = render(
        "{% capitals start zone='Asia/Baku' until=until %}",
        reader="Europe/London",
        start=START,
        until=until,
    )
    assert "07:00–08:30&nbsp;London" in html
    assert "–" not in render("{% capitals start zone='Asia/Baku' %}", start=START)


def test_it_writes_a_plain_span_for_emails():
    until = START + dt.timedelta(hours=1)
    text = render(
        "{% capitals start zone='Asia/Baku' until=until plain=True %}", start=START, until=until
    )
    assert text == "7 December 2026, 11:00–12:00 Baku · 02:00–03:00 Washington"
