from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (`manage.py seed_demo`); DemoAnchor records the demo's day."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
