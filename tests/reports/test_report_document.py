"""The progress report as an official document: its title block, every open milestone of the
quarter in one section, and the print stylesheet's page numbers and unbroken status tags (the
narratives as sanitised Markdown: test_progress_report.py).

The clock is frozen on 15 August 2026 (2026-Q3: 1 July to 30 September), as in
test_progress_report.py, whose helpers these tests use.
"""

import re
from pathlib import Path

from django.conf import settings

from apps.milestones.models import Milestone, Status
from tests.reports.test_progress_report import at, frozen, get, milestone, section  # noqa: F401

SECTIONS = ("completed", "overdue", "due_later", "coming")


# --- every open milestone of the quarter in one section -------------------------------------


def test_it_puts_each_milestone_of_the_quarter_in_exactly_one_section(client, member, energy):
    expected = {
        "Done in July": "completed",
        "Overdue since June": "overdue",
        "Overdue since July": "overdue",
        "Due today": "due_later",
        "Due in September": "due_later",
        "Due on the last day": "due_later",
        "Due in October": "coming",
    }
    milestone(
        energy, "Done in July", due="2026-09-20", status=Status.DONE, completed_at=at("2026-07-10")
    )
    milestone(energy, "Overdue since June", due="2026-06-10", status=Status.BLOCKED)
    milestone(energy, "Overdue since July", due="2026-07-20", status=Status.IN_PROGRESS)
    milestone(energy, "Due today", due="2026-08-15")
    milestone(energy, "Due in September", due="2026-09-10", status=Status.AT_RISK)
    milestone(energy, "Due on the last day", due="2026-09-30", status=Status.AWAITING_SIGNOFF)
    milestone(energy, "Due in October", due="2026-10-15")
    milestone(energy, "Dropped", due="2026-09-01", status=Status.CANCELLED)
    response = get(client, member, "/groups/energy/report/2026-Q3/")
    report = section(response)
    found: dict[str, list[str]] = {}
    for name in SECTIONS:
        for row in getattr(report, name):
            found.setdefault(row.title, []).append(name)
    assert found == {title: [name] for title, name in expected.items()}
    assert [row.title for row in report.due_later] == [
        "Due today",
        "Due in September",
        "Due on the last day",
    ]
    body = response.content.decode()
    assert "Due later this quarter (15 August – 30 September 2026)" in body


def test_it_has_nothing_due_later_in_a_closed_period(client, member, energy):
    late = milestone(energy, "Open in June", due="2026-06-20")
    Milestone.objects.filter(pk=late.pk).update(created_at=at("2026-05-01"))
    report = section(get(client, member, "/groups/energy/report/2026-Q2/"))
    assert [row.title for row in report.overdue] == ["Open in June"]
    assert not report.due_later
    assert b"Due later this quarter" not in get(client, member, "/reports/2026-Q2/").content


def test_it_adds_the_due_later_column_to_the_charter_report(client, member, energy, connectivity):
    milestone(energy, "Soon", due="2026-09-01")
    milestone(connectivity, "Soon too", due="2026-08-20")
    response = get(client, member, "/reports/2026-Q3/")
    assert response.context["totals"]["due_later"] == 2
    assert '<th scope="col" class="num">Due later this quarter</th>' in response.content.decode()


# --- the title block ------------------------------------------------------------------------


def title_block(response) -> str:
    body = response.content.decode()
    return body.split('<header class="report-head">', 1)[1].split("</header>", 1)[0]


def test_it_opens_the_group_report_with_a_title_block(client, member, energy):
    member.display_name = "Mina Member"
    member.language = "en"
    member.save(update_fields=["display_name", "language"])
    head = title_block(get(client, member, "/groups/energy/report/2026-Q3/"))
    assert "Charter on Strategic Partnership between" in head
    assert f"<dd>{energy.name_en}</dd>" in head
    assert "Q3 2026, 1 July – 30 September 2026" in head
    assert "Prepared on 15 August 2026 by Mina Member." in head


def test_it_names_all_groups_in_the_charter_reports_title_block(client, member, energy):
    head = title_block(get(client, member, "/reports/2026-Q2/"))
    assert "<dd>All groups</dd>" in head
    assert "Q2 2026, 1 April – 30 June 2026" in head


# --- print ----------------------------------------------------------------------------------


def test_it_numbers_the_printed_pages_and_keeps_status_tags_whole():
    css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    assert re.search(r'@bottom-right \{ content: counter\(page\) " / " counter\(pages\);', css)
    tags = re.search(r"\.rag, \.ms-status, \.badge \{([^}]+)\}", css)[1]
    for rule in ("break-inside: avoid", "white-space: nowrap", "print-color-adjust: exact"):
        assert rule in tags, rule
