from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor every app stands on; it imports no other app."""

    name = "apps.core"
    label = "core"
