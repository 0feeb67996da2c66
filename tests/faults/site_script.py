"""Run against the fault tests' own database (DATABASE_URL) to prepare or inspect it.

    python -m tests.faults.site_script setup      → JSON: session key, milestone id
    python -m tests.faults.site_script milestone ID  → JSON: the milestone's progress, version

The test database pytest-django makes is not visible to a server subprocess, so the
subprocess tests prepare their own database through this script.
"""

import datetime
import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charterhub.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.models import Side, User
    from apps.charter.models import Membership, Role, WorkingGroup
    from apps.milestones.models import Milestone

    command = argv[0]
    if command == "setup":
        group = WorkingGroup.objects.get(slug="energy")
        user = User.objects.create_user(
            email="faults.member@example.test",
            password="faults-pass-1234",
            display_name="Faults Member",
            side=Side.AZ,
        )
        Membership.objects.create(user=user, group=group, role=Role.MEMBER, side=Side.AZ)
        milestone = Milestone.objects.create(
            group=group,
            section=group.section,
            title="Grid interconnection study",
            owner=user,
            due_date=datetime.date(2026, 12, 31),
            progress=10,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        print(json.dumps({"session": session.session_key, "milestone": milestone.pk}))
    elif command == "milestone":
        milestone = Milestone.objects.get(pk=int(argv[1]))
        print(json.dumps({"progress": milestone.progress, "version": milestone.version}))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
