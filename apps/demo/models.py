from django.db import models


class DemoAnchor(models.Model):
    """The day the demo data's dates are counted from (one row, kept by `seed_demo`).

    `seed_demo` on a later day moves the demo's own dates to that day and records it here, so
    a demo opened a month later is not a month stale (apps/demo/services.py, demo_seed).
    """

    day = models.DateField("day the demo's dates are counted from")

    class Meta:
        verbose_name = "demo anchor"

    def __str__(self) -> str:
        return self.day.isoformat()
