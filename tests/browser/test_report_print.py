"""The charter-wide progress report printed to PDF by Chromium: the title block on the first
page and "page / pages" numbers in the bottom margin of every page (print.css's @page
margin boxes), read back with pdftotext (``-raw``: ``-layout`` squeezes "1 / 5" to "1/5")."""

import shutil
import subprocess

import pytest
from django.utils import timezone

from apps.milestones.models import Milestone, Status
from apps.reports.periods import Period
from tests.conftest import require

pytestmark = pytest.mark.browser


def test_it_prints_the_title_block_and_numbers_the_pages(
    log_in, live_server, member, energy, artifacts
):
    require(shutil.which("pdftotext") is not None, "no pdftotext (apt-get install poppler-utils)")
    member.display_name = "Mina Member"
    member.language = "en"
    member.save(update_fields=["display_name", "language"])
    today = timezone.localdate()
    Milestone.objects.create(
        group=energy,
        section=energy.section,
        title="Grid interconnection roadmap",
        due_date=today,
        status=Status.BLOCKED,
    )
    period = Period.of(today)
    page = log_in(member)
    page.goto(f"{live_server.url}/reports/{period.slug}/")
    pdf = artifacts / "report-print.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [content for content in text.split("\f") if content.strip()]
    first = " ".join(pages[0].split())
    assert f"Progress report, {period}" in first
    assert "All groups" in first
    assert f"Q{period.quarter} {period.year}, 1 " in first
    assert "by Mina Member." in first
    assert len(pages) > 1
    for number, content in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in content, number
    assert "Grid interconnection roadmap" in text
