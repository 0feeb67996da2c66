"""``manage.py import_milestones FILE [--dry-run] [--user EMAIL]``."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from apps.milestones.models import Milestone, MilestoneUpdate
from tests.milestones.test_roadmap_csv import csv_bytes, row

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_milestones", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def roadmap(tmp_path, energy):
    Milestone.objects.create(
        group=energy,
        section=energy.section,
        title="Old",
        due_date=datetime.date(2026, 9, 30),
        external_ref="EN-1",
    )
    path = tmp_path / "roadmap.csv"
    path.write_bytes(csv_bytes(row(ref="EN-1", title="New"), row(ref="EN-2"), newline="\r\n"))
    return path


def test_it_dry_runs_printing_what_would_change_and_writing_nothing(roadmap, staff):
    before = list(Milestone.objects.values()), MilestoneUpdate.objects.count()
    out, _err = run(str(roadmap), "--dry-run")
    assert "line 2: would change EN-1" in out
    assert "title: Old → New" in out
    assert "line 3: would create EN-2" in out
    assert "Dry run (nothing written): 1 to create, 1 to change, 0 unchanged." in out
    assert (list(Milestone.objects.values()), MilestoneUpdate.objects.count()) == before


def test_it_imports_and_a_second_run_changes_nothing(roadmap, staff):
    out, _err = run(str(roadmap))
    assert "1 created, 1 changed, 0 unchanged." in out
    assert Milestone.objects.get(external_ref="EN-1").title == "New"
    out, _err = run(str(roadmap))
    assert "0 created, 0 changed, 2 unchanged." in out
    assert Milestone.objects.count() == 2


def test_it_acts_as_the_given_user(roadmap, cochair_az, connectivity, tmp_path):
    out, _err = run(str(roadmap), "--user", cochair_az.email.upper())
    assert "1 created" in out
    assert Milestone.objects.get(external_ref="EN-2").updates.get().author == cochair_az
    other = tmp_path / "other.csv"
    other.write_bytes(csv_bytes(row(ref="C-1", group="connectivity")))
    with pytest.raises(CommandError, match="1 error"):
        run(str(other), "--user", cochair_az.email)


def test_it_prints_every_error_and_writes_nothing(tmp_path, staff, energy):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(row(ref="A", due="soon"), row(ref="B", progress="150")))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 error\(s\) .* nothing was imported"):
        call_command("import_milestones", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 2, column due_date:" in err.getvalue()
    assert "line 3, column progress: 150 is not between 0 and 100" in err.getvalue()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["/no/such/file.csv"], "no such file"),
        (["{roadmap}", "--user", "nobody@example.test"], "no active user"),
        (["{roadmap}", "--user", "member@example.test"], "Only co-chairs and staff"),
    ],
)
def test_it_fails_clearly_on_bad_arguments(roadmap, staff, member, args, message):
    args = [arg.format(roadmap=roadmap) for arg in args]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Milestone.objects.count() == 1


def test_it_needs_a_user_when_there_is_no_superuser(roadmap):
    with pytest.raises(CommandError, match="pass --user"):
        run(str(roadmap))
