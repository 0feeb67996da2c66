"""Load the charter, its sections and the five working groups from fixtures/charter.json.

Upserts by slug, so running it again (or after the fixture changes) updates rows in place
and never duplicates them. Uses the historical models, never apps.charter.models.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURE = Path("fixtures") / "charter.json"
LANGUAGES = ("en", "az", "ru")


def read_fixture() -> dict:
    with (Path(settings.BASE_DIR) / FIXTURE).open(encoding="utf-8") as handle:
        return json.load(handle)


def translated(record: dict, *fields: str) -> dict:
    """{"title": {"en": …, "az": …, "ru": …}} → {"title_en": …, "title_az": …, "title_ru": …}."""
    values = {}
    for field in fields:
        texts = record.get(field) or {}
        for language in LANGUAGES:
            values[f"{field}_{language}"] = (texts.get(language) or "").strip()
    return values


def upsert_charter(apps, using: str = "default", data: dict | None = None) -> None:
    data = data if data is not None else read_fixture()
    Charter = apps.get_model("charter", "Charter")
    CharterSection = apps.get_model("charter", "CharterSection")
    WorkingGroup = apps.get_model("charter", "WorkingGroup")

    record = data["charter"]
    charter, _ = Charter.objects.using(using).update_or_create(
        slug=record["slug"],
        defaults={
            **translated(record, "title", "summary"),
            "signed_on": date.fromisoformat(record["signed_on"]),
            "signed_at": record["signed_at"],
            "roadmap_due": date.fromisoformat(record["roadmap_due"]),
        },
    )

    sections = {}
    for record in data["sections"]:
        sections[record["slug"]], _ = CharterSection.objects.using(using).update_or_create(
            charter=charter,
            slug=record["slug"],
            defaults={"position": record["position"], **translated(record, "title", "summary")},
        )

    for record in data["groups"]:
        WorkingGroup.objects.using(using).update_or_create(
            slug=record["slug"],
            defaults={
                "section": sections[record["section"]],
                "position": record["position"],
                "restricted": bool(record.get("restricted", False)),
                **translated(record, "name", "description"),
            },
        )


def load_charter(apps, schema_editor) -> None:
    upsert_charter(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("charter", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_charter, migrations.RunPython.noop, elidable=False),
    ]
