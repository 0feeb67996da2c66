from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (`manage.py seed_demo`). Holds no models."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
