from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Stamps the login time into the session on every login, before any request is served.
        from apps.accounts import session_timeout  # noqa: F401
