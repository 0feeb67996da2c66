from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"

    def ready(self) -> None:
        from apps.meetings import receivers  # noqa: F401 — connects the signal receivers
