"""How a progress-log entry reads (milestone_tags.change_lines, services.display_value)."""

import datetime as dt

from apps.accounts.models import User
from apps.milestones.models import MilestoneUpdate, Status, UpdateKind
from apps.milestones.services import display_value
from apps.milestones.templatetags.milestone_tags import change_lines


def entry(**changes) -> MilestoneUpdate:
    return MilestoneUpdate(
        kind=UpdateKind.UPDATED,
        old_status=Status.PLANNED,
        new_status=Status.PLANNED,
        changes=changes,
    )


def test_it_reads_unknown_values_and_fields_without_failing():
    lines = change_lines(
        entry(due_date=["not a date", None], external_ref=["", "EN-7"], signoffs=[["xx"], []])
    )
    assert "Due date: not a date → —" in lines
    assert "External reference: — → EN-7" in lines
    assert "Sign-offs withdrawn: xx" in lines


def test_it_reads_each_kind_of_value_as_a_person_would():
    assert display_value("owner", None) == "unassigned"
    assert display_value("progress", 40) == "40 %"
    assert display_value("status", "at_risk") == "At risk"
    assert display_value("owner", User(display_name="Leyla Aliyeva")) == "Leyla Aliyeva"
    assert display_value("due_date", dt.date(2026, 5, 10)) == "10 May 2026"
