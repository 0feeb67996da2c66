"""The database refuses a milestone whose charter section is not a section of its group's
charter (``milestone_section_in_group_charter``).

The rule spans three tables, so triggers keep it, on SQLite and PostgreSQL alike:

* a milestone is inserted, or its group or section changes;
* a working group moves to a section of another charter while it has milestones with
  sections of the old one;
* a charter section moves to another charter while milestones of its own, or of its
  groups, would be left across two charters.

A refused write fails like a check constraint: SQLite's ``RAISE(ABORT)`` and PostgreSQL's
``check_violation`` (SQLSTATE 23514) both reach Django as ``IntegrityError``. On PostgreSQL
each trigger also takes a share lock on the rows it reads, so two transactions changing a
milestone and its group at once cannot each pass on the other's old state. An update fires
the check only when one of the columns it reads actually changes, so the usual saves (which
write every column) cost nothing extra and take no locks.

Existing rows are not repaired: a milestone filed under another charter's section has no
obvious right section, so the migration refuses to run while any exists and names them
(set each one's section in the admin, then migrate again). The services always choose a
section of the group's own charter, so none is expected.

On SQLite, a later migration that rebuilds one of these tables (Django remakes a table for
many field changes) drops its triggers: such a migration must create them again. The tests
in tests/milestones/test_rules.py fail if it does not.
"""

from django.db import migrations

# --- SQLite -------------------------------------------------------------------------------

SQLITE_CREATE = [
    """
    CREATE TRIGGER milestone_section_in_group_charter_insert
    BEFORE INSERT ON milestones_milestone
    FOR EACH ROW WHEN
    (SELECT charter_id FROM charter_chartersection WHERE id = NEW.section_id)
    <> (SELECT s.charter_id FROM charter_workinggroup g
        JOIN charter_chartersection s ON s.id = g.section_id WHERE g.id = NEW.group_id)
    BEGIN SELECT RAISE(ABORT, 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group'); END
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_update
    BEFORE UPDATE OF section_id, group_id ON milestones_milestone
    FOR EACH ROW WHEN (NEW.section_id <> OLD.section_id OR NEW.group_id <> OLD.group_id) AND
    (SELECT charter_id FROM charter_chartersection WHERE id = NEW.section_id)
    <> (SELECT s.charter_id FROM charter_workinggroup g
        JOIN charter_chartersection s ON s.id = g.section_id WHERE g.id = NEW.group_id)
    BEGIN SELECT RAISE(ABORT, 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group'); END
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_group
    BEFORE UPDATE OF section_id ON charter_workinggroup
    FOR EACH ROW WHEN NEW.section_id <> OLD.section_id AND EXISTS (
        SELECT 1 FROM milestones_milestone m
        JOIN charter_chartersection ms ON ms.id = m.section_id
        WHERE m.group_id = NEW.id
        AND ms.charter_id <> (SELECT charter_id FROM charter_chartersection WHERE id = NEW.section_id)
    )
    BEGIN SELECT RAISE(ABORT, 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group'); END
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_section
    BEFORE UPDATE OF charter_id ON charter_chartersection
    FOR EACH ROW WHEN NEW.charter_id <> OLD.charter_id AND EXISTS (
        SELECT 1 FROM milestones_milestone m
        JOIN charter_workinggroup g ON g.id = m.group_id
        JOIN charter_chartersection ms ON ms.id = m.section_id
        JOIN charter_chartersection gs ON gs.id = g.section_id
        WHERE (ms.id = NEW.id OR gs.id = NEW.id)
        AND (CASE WHEN ms.id = NEW.id THEN NEW.charter_id ELSE ms.charter_id END)
            <> (CASE WHEN gs.id = NEW.id THEN NEW.charter_id ELSE gs.charter_id END)
    )
    BEGIN SELECT RAISE(ABORT, 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group'); END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_insert",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_update",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_group",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_section",
]

# --- PostgreSQL ---------------------------------------------------------------------------

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION milestone_section_in_group_charter() RETURNS trigger AS $$
    DECLARE
        section_charter integer;
        group_charter integer;
    BEGIN
        PERFORM 1 FROM charter_workinggroup WHERE id = NEW.group_id FOR SHARE;
        SELECT charter_id INTO section_charter FROM charter_chartersection
            WHERE id = NEW.section_id FOR SHARE;
        SELECT s.charter_id INTO group_charter FROM charter_workinggroup g
            JOIN charter_chartersection s ON s.id = g.section_id
            WHERE g.id = NEW.group_id FOR SHARE OF s;
        IF section_charter <> group_charter THEN
            RAISE EXCEPTION 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group (milestone %)', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter
    BEFORE INSERT ON milestones_milestone
    FOR EACH ROW EXECUTE FUNCTION milestone_section_in_group_charter()
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_update
    BEFORE UPDATE OF section_id, group_id ON milestones_milestone
    FOR EACH ROW
    WHEN (NEW.section_id <> OLD.section_id OR NEW.group_id <> OLD.group_id)
    EXECUTE FUNCTION milestone_section_in_group_charter()
    """,
    """
    CREATE OR REPLACE FUNCTION milestone_section_in_group_charter_group() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM milestones_milestone m
            JOIN charter_chartersection ms ON ms.id = m.section_id
            WHERE m.group_id = NEW.id
            AND ms.charter_id <> (
                SELECT charter_id FROM charter_chartersection WHERE id = NEW.section_id FOR SHARE
            )
        ) THEN
            RAISE EXCEPTION 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group (working group %)', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_group
    BEFORE UPDATE OF section_id ON charter_workinggroup
    FOR EACH ROW WHEN (NEW.section_id <> OLD.section_id)
    EXECUTE FUNCTION milestone_section_in_group_charter_group()
    """,
    """
    CREATE OR REPLACE FUNCTION milestone_section_in_group_charter_section() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM milestones_milestone m
            JOIN charter_workinggroup g ON g.id = m.group_id
            JOIN charter_chartersection ms ON ms.id = m.section_id
            JOIN charter_chartersection gs ON gs.id = g.section_id
            WHERE (ms.id = NEW.id OR gs.id = NEW.id)
            AND (CASE WHEN ms.id = NEW.id THEN NEW.charter_id ELSE ms.charter_id END)
                <> (CASE WHEN gs.id = NEW.id THEN NEW.charter_id ELSE gs.charter_id END)
        ) THEN
            RAISE EXCEPTION 'milestone_section_in_group_charter: the section of a milestone must belong to the charter of its group (charter section %)', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER milestone_section_in_group_charter_section
    BEFORE UPDATE OF charter_id ON charter_chartersection
    FOR EACH ROW WHEN (NEW.charter_id <> OLD.charter_id)
    EXECUTE FUNCTION milestone_section_in_group_charter_section()
    """,
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter ON milestones_milestone",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_update ON milestones_milestone",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_group ON charter_workinggroup",
    "DROP TRIGGER IF EXISTS milestone_section_in_group_charter_section ON charter_chartersection",
    "DROP FUNCTION IF EXISTS milestone_section_in_group_charter()",
    "DROP FUNCTION IF EXISTS milestone_section_in_group_charter_group()",
    "DROP FUNCTION IF EXISTS milestone_section_in_group_charter_section()",
]

SQL = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _statements(schema_editor, index: int) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise RuntimeError(f"milestone_section_in_group_charter: no triggers for {vendor}")
    return SQL[vendor][index]


def refuse_existing(apps, schema_editor):
    Milestone = apps.get_model("milestones", "Milestone")
    from django.db.models import F

    bad = list(
        Milestone.objects.exclude(section__charter_id=F("group__section__charter_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    if bad:
        raise RuntimeError(
            "These milestones have a charter section of another charter than their group's: "
            f"{', '.join(map(str, bad))}. Choose a section of the group's charter for each "
            "(in the admin), then run the migration again."
        )


def create(apps, schema_editor):
    refuse_existing(apps, schema_editor)
    for statement in _statements(schema_editor, 0):
        schema_editor.execute(statement, params=None)  # no placeholders: % is literal


def drop(apps, schema_editor):
    for statement in _statements(schema_editor, 1):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("charter", "0002_charter_data"),
        ("milestones", "0003_milestone_figure_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
