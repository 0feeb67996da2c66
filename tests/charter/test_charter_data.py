"""The charter, its sections and the five working groups arrive with `migrate` (0002)."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from apps.charter.models import Charter, CharterSection, WorkingGroup

pytestmark = pytest.mark.django_db

GROUPS = ["economy", "energy", "connectivity", "ai-digital", "security"]
SECTIONS = [
    "regional-connectivity",
    "economic-investment",
    "security-defense",
    "institutional-cooperation",
]
LANGUAGES = ("en", "az", "ru")
data_migration = importlib.import_module("apps.charter.migrations.0002_charter_data")


def counts() -> tuple[int, int, int]:
    return Charter.objects.count(), CharterSection.objects.count(), WorkingGroup.objects.count()


def test_it_creates_the_five_groups_in_order():
    assert list(WorkingGroup.objects.values_list("slug", flat=True)) == GROUPS


def test_it_creates_the_four_sections_in_order():
    charter = Charter.objects.get()
    assert list(charter.sections.values_list("slug", flat=True)) == SECTIONS


def test_it_puts_each_group_under_its_section():
    sections = dict(WorkingGroup.objects.values_list("slug", "section__slug"))
    assert sections == {
        "economy": "economic-investment",
        "energy": "regional-connectivity",
        "connectivity": "regional-connectivity",
        "ai-digital": "economic-investment",
        "security": "security-defense",
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", ["name", "description"])
def test_it_gives_every_group_a_distinct_text_per_language(field, language):
    texts = [getattr(group, f"{field}_{language}") for group in WorkingGroup.objects.all()]
    assert all(text.strip() for text in texts)
    assert len(set(texts)) == len(GROUPS)


@pytest.mark.parametrize("field", ["title", "summary"])
def test_it_translates_the_charter_and_every_section(field):
    for obj in [Charter.objects.get(), *CharterSection.objects.all()]:
        texts = [getattr(obj, f"{field}_{language}") for language in LANGUAGES]
        assert all(text.strip() for text in texts), obj.slug
        assert len(set(texts)) == len(LANGUAGES), obj.slug


def test_it_uses_azerbaijani_latin_letters():
    text = " ".join(WorkingGroup.objects.values_list("description_az", flat=True))
    assert set("əğıöüçş") <= set(text)


def test_it_restricts_only_the_security_group():
    restricted = WorkingGroup.objects.filter(restricted=True).values_list("slug", flat=True)
    assert list(restricted) == ["security"]


def test_it_records_the_charter_dates():
    charter = Charter.objects.get(slug="az-us-strategic-partnership-2026")
    assert charter.signed_on == datetime.date(2026, 2, 10)
    assert charter.roadmap_due == datetime.date(2026, 5, 10)
    assert charter.signed_at == "Baku"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_active_language(energy, language):
    with translation.override(language):
        assert energy.name == getattr(energy, f"name_{language}")
        assert energy.description == getattr(energy, f"description_{language}")
        assert energy.section.title == getattr(energy.section, f"title_{language}")


def test_it_falls_back_to_english_for_an_unknown_language(energy):
    with translation.override("de"):
        assert energy.name == energy.name_en == "Energy"
        assert energy.localized("description") == energy.description_en


def test_it_is_idempotent():
    before = counts()
    historical = MigrationLoader(connection).project_state(("charter", "0002_charter_data")).apps
    data_migration.upsert_charter(historical, using=connection.alias)
    data_migration.upsert_charter(historical, using=connection.alias)
    assert counts() == before == (1, 4, 5)


def test_it_restores_edited_rows():
    WorkingGroup.objects.filter(slug="energy").update(name_az="", restricted=True)
    historical = MigrationLoader(connection).project_state(("charter", "0002_charter_data")).apps
    data_migration.upsert_charter(historical, using=connection.alias)
    energy = WorkingGroup.objects.get(slug="energy")
    assert energy.name_az == "Enerji"
    assert energy.restricted is False
