from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The dashboard and the group page: status, figures and charts across every app."""

    name = "apps.overview"
    label = "overview"
