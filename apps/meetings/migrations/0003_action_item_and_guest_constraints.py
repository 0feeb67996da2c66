"""Two rules that were only kept by the services become database constraints.

* ``action_completed_at_iff_done``: an action item has a completion time exactly when it is
  done.
* ``attendance_guest_name_not_blank``: a guest (an attendance row without a member) has a
  name that is not only spaces.

Existing rows are repaired first, without losing anything a person entered:

* a done item without a completion time gets its creation time (the earliest moment it can
  have been done; the true moment was never recorded);
* an open or cancelled item that still carries a completion time (left over from before it
  was reopened) has it cleared, as the service does when an item leaves "done";
* a guest whose name is only spaces is named "Unnamed guest" (the row, its organisation and
  its attendance are kept, and staff can correct the name in the admin).
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models
from django.db.models.functions import Length, Trim


def repair(apps, schema_editor):
    ActionItem = apps.get_model("meetings", "ActionItem")
    Attendance = apps.get_model("meetings", "Attendance")
    ActionItem.objects.filter(status="done", completed_at__isnull=True).update(
        completed_at=models.F("created_at")
    )
    ActionItem.objects.exclude(status="done").filter(completed_at__isnull=False).update(
        completed_at=None
    )
    Attendance.objects.filter(user__isnull=True).annotate(
        trimmed=Length(Trim("guest_name"))
    ).filter(trimmed=0).update(guest_name="Unnamed guest")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meeting_updated_by"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="actionitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "done"), ("completed_at__isnull", False)),
                    models.Q(
                        models.Q(("status", "done"), _negated=True),
                        ("completed_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="action_completed_at_iff_done",
                violation_error_message="Only a done action item has a completion time.",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("user__isnull", False),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.functions.text.Length(
                            django.db.models.functions.text.Trim("guest_name")
                        ),
                        0,
                    ),
                    _connector="OR",
                ),
                name="attendance_guest_name_not_blank",
                violation_error_message="Give the guest's name.",
            ),
        ),
    ]
