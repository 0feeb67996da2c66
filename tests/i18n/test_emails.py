"""Emails are written in the recipient's saved language: subject, body and footer."""

import pytest

from apps.milestones.models import Status
from apps.notifications import emails
from apps.notifications.selectors import MilestoneRef
from tests.notifications.factories import day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, days, subject, lines",
    [
        (
            "az",
            7,
            "[Enerji] Son tarixə 7 gün qalıb: Grid study",
            ["Mərhələnizin son tarixinə 7 gün qalıb.", "Risk altında", "Məktub seçimləri"],
        ),
        (
            "ru",
            7,
            "[Энергетика] Срок через 7 дней: Grid study",
            ["Срок вашего этапа наступает через 7 дней.", "Под угрозой", "Настройки писем"],
        ),
        # Russian has three plural forms: 1 день, 2 дня, 7 дней.
        ("ru", 2, "[Энергетика] Срок через 2 дня: Grid study", ["наступает через 2 дня."]),
        ("ru", 1, "[Энергетика] Срок через 1 день: Grid study", ["наступает через 1 день."]),
    ],
)
def test_it_writes_a_reminder_in_the_recipients_language(
    member, energy, language, days, subject, lines
):
    member.language = language
    ref = MilestoneRef(42, "Grid study", day("2026-05-11"), Status.AT_RISK, 35, energy, "Member")
    message = emails.make_message(
        "milestone_reminder",
        member,
        {"milestone": ref, "occurrence": "lead", "days": days, "today": day("2026-05-04")},
    )
    assert message.subject == subject
    for line in lines:
        assert line in message.body
        assert line in message.alternatives[0].content
    assert "Your milestone" not in message.body
