from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """Calendar feeds: each user's private iCalendar URLs and the page that hands them out."""

    name = "apps.calendar"
    label = "calendar"
