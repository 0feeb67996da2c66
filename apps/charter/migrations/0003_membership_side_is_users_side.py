"""The database refuses a group membership whose side differs from its user's side
(``membership_side_is_users_side``).

The rule spans two tables, so triggers keep it, on SQLite and PostgreSQL alike:

* a membership is inserted, or its side or user changes, to a side other than the user's;
* a user's side changes while they hold a membership of another side. To move someone to
  another side, remove their memberships, change the side, and add them again.

A refused write fails like a check constraint: SQLite's ``RAISE(ABORT)`` and PostgreSQL's
``check_violation`` (SQLSTATE 23514) both reach Django as ``IntegrityError``. On PostgreSQL
the membership trigger takes a share lock on the user's row, so a membership added and a
side changed at the same moment cannot each pass on the other's old state. An update fires
the check only when a column it reads actually changes, so the usual saves (which write every
column) cost nothing extra and take no locks.

Existing rows are repaired where the answer is clear, else the migration refuses to run:

* a user whose memberships all carry one side, different from the user's own, takes that
  side. The membership's side is the one the application acted on (co-chair seats,
  sign-offs, minutes adoption), so keeping it changes no group's seats or records;
* a user whose memberships carry several sides has no clear side: the migration stops and
  names them (remove or change the memberships in the admin, then migrate again).

On SQLite, a later migration that rebuilds one of these tables (Django remakes a table for
many field changes) drops its triggers: such a migration must create them again. The tests
in tests/charter/test_rules.py fail if it does not.
"""

from django.db import migrations
from django.db.models import Count, F

SQLITE_CREATE = [
    """
    CREATE TRIGGER membership_side_is_users_side_insert
    BEFORE INSERT ON charter_membership
    FOR EACH ROW WHEN NEW.side <> (SELECT side FROM accounts_user WHERE id = NEW.user_id)
    BEGIN SELECT RAISE(ABORT, 'membership_side_is_users_side: a membership is on the side of its user'); END
    """,
    """
    CREATE TRIGGER membership_side_is_users_side_update
    BEFORE UPDATE OF side, user_id ON charter_membership
    FOR EACH ROW WHEN (NEW.side <> OLD.side OR NEW.user_id <> OLD.user_id) AND NEW.side <> (SELECT side FROM accounts_user WHERE id = NEW.user_id)
    BEGIN SELECT RAISE(ABORT, 'membership_side_is_users_side: a membership is on the side of its user'); END
    """,
    """
    CREATE TRIGGER membership_side_is_users_side_user
    BEFORE UPDATE OF side ON accounts_user
    FOR EACH ROW WHEN NEW.side <> OLD.side AND EXISTS (
        SELECT 1 FROM charter_membership WHERE user_id = NEW.id AND side <> NEW.side
    )
    BEGIN SELECT RAISE(ABORT, 'membership_side_is_users_side: a membership is on the side of its user'); END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS membership_side_is_users_side_insert",
    "DROP TRIGGER IF EXISTS membership_side_is_users_side_update",
    "DROP TRIGGER IF EXISTS membership_side_is_users_side_user",
]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION membership_side_is_users_side() RETURNS trigger AS $$
    DECLARE
        user_side varchar;
    BEGIN
        SELECT side INTO user_side FROM accounts_user WHERE id = NEW.user_id FOR SHARE;
        IF NEW.side <> user_side THEN
            RAISE EXCEPTION 'membership_side_is_users_side: a membership is on the side of its user (membership %)', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER membership_side_is_users_side
    BEFORE INSERT ON charter_membership
    FOR EACH ROW EXECUTE FUNCTION membership_side_is_users_side()
    """,
    """
    CREATE TRIGGER membership_side_is_users_side_update
    BEFORE UPDATE OF side, user_id ON charter_membership
    FOR EACH ROW WHEN (NEW.side <> OLD.side OR NEW.user_id <> OLD.user_id)
    EXECUTE FUNCTION membership_side_is_users_side()
    """,
    """
    CREATE OR REPLACE FUNCTION membership_side_is_users_side_user() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM charter_membership WHERE user_id = NEW.id AND side <> NEW.side
        ) THEN
            RAISE EXCEPTION 'membership_side_is_users_side: a membership is on the side of its user (user %)', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER membership_side_is_users_side_user
    BEFORE UPDATE OF side ON accounts_user
    FOR EACH ROW WHEN (NEW.side <> OLD.side)
    EXECUTE FUNCTION membership_side_is_users_side_user()
    """,
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS membership_side_is_users_side ON charter_membership",
    "DROP TRIGGER IF EXISTS membership_side_is_users_side_update ON charter_membership",
    "DROP TRIGGER IF EXISTS membership_side_is_users_side_user ON accounts_user",
    "DROP FUNCTION IF EXISTS membership_side_is_users_side()",
    "DROP FUNCTION IF EXISTS membership_side_is_users_side_user()",
]

SQL = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _statements(schema_editor, index: int) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise RuntimeError(f"membership_side_is_users_side: no triggers for {vendor}")
    return SQL[vendor][index]


def repair_existing(apps, schema_editor):
    Membership = apps.get_model("charter", "Membership")
    User = apps.get_model("accounts", "User")
    mismatched = (
        Membership.objects.exclude(side=F("user__side"))
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    sides = (
        Membership.objects.filter(user_id__in=list(mismatched))
        .order_by()
        .values("user_id")
        .annotate(count=Count("side", distinct=True))
    )
    unclear = sorted(row["user_id"] for row in sides if row["count"] > 1)
    if unclear:
        emails = User.objects.filter(pk__in=unclear[:20]).order_by("email")
        raise RuntimeError(
            "These users hold group memberships of more than one side, so their side is "
            f"unclear: {', '.join(user.email for user in emails)}. Put each user's memberships "
            "on one side (in the admin), then run the migration again."
        )
    for row in sides:
        side = (
            Membership.objects.filter(user_id=row["user_id"]).values_list("side", flat=True).first()
        )
        User.objects.filter(pk=row["user_id"]).update(side=side)


def create(apps, schema_editor):
    repair_existing(apps, schema_editor)
    for statement in _statements(schema_editor, 0):
        schema_editor.execute(statement, params=None)  # no placeholders: % is literal


def drop(apps, schema_editor):
    for statement in _statements(schema_editor, 1):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_calendar_token"),
        ("charter", "0002_charter_data"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
