"""The roadmap CSV format and the import service: parsing variants, formula escaping, every
error listed with line and column, all-or-nothing writes, re-import by external_ref, and the
export → import round trip."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.charter.models import Role
from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status
from apps.milestones.roadmap_csv import (
    BOM,
    COLUMNS,
    MAX_ROWS,
    escape_cell,
    parse_roadmap,
    unescape_cell,
    write_roadmap,
)
from apps.milestones.roadmap_import import RoadmapInvalid, roadmap_import, roadmap_plan
from tests.conftest import join, make_user

HEADER = ",".join(COLUMNS)


def csv_bytes(*lines: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *lines, ""]).encode()


def row(
    ref="EN-1",
    group="energy",
    section="",
    title="Pipeline study",
    description="",
    owner="",
    due="2026-09-30",
    status="planned",
    progress="0",
) -> str:
    return ",".join([ref, group, section, title, description, owner, due, status, progress])


def exported(milestones) -> bytes:
    return b"".join(write_roadmap(milestones))


# --- the format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, escaped",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_it_escapes_formulas_and_unescapes_them_back(value, escaped):
    assert escape_cell(value) == escaped
    assert unescape_cell(escaped) == value


@given(st.text(max_size=30))
def test_it_round_trips_any_cell_through_escaping(value):
    assert unescape_cell(escape_cell(value)) == value


@given(st.binary(max_size=300))
@settings(max_examples=200)
def test_it_never_crashes_on_arbitrary_bytes(content):
    parsed = parse_roadmap(content)
    assert parsed.rows or parsed.errors or not content.strip()


def _variants() -> dict[str, bytes]:
    rows = [
        [
            "EN-1",
            "energy",
            "",
            "Pipeline, phase 1",
            'Line one\nLine "two"',
            "",
            "2026-09-30",
            "planned",
            "10",
        ],
        ["EN-2", "energy", "", "Ўзбек ё Ğ ş ə", "", "", "2026-10-01", "in_progress", "20"],
    ]

    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',;"\n') else cell

    def build(delimiter: str, newline: str) -> str:
        lines = [delimiter.join(COLUMNS)] + [delimiter.join(quote(c) for c in r) for r in rows]
        return newline.join(lines) + newline

    return {
        "comma": build(",", "\n").encode(),
        "bom": (BOM + build(",", "\n")).encode(),
        "semicolon": build(";", "\n").encode(),
        "crlf": build(",", "\r\n").encode(),
        "bom-semicolon-crlf": (BOM + build(";", "\r\n")).encode(),
        "all-quoted": (
            "\r\n".join(
                ",".join('"' + c.replace('"', '""') + '"' for c in line)
                for line in [list(COLUMNS), *rows]
            )
            + "\r\n"
        ).encode(),
    }


def test_it_parses_bom_semicolon_excel_quoting_and_crlf_the_same():
    variants = _variants()
    parsed = {name: parse_roadmap(content) for name, content in variants.items()}
    for name, result in parsed.items():
        assert result.errors == [], name
    reference = [r.values for r in parsed["comma"].rows]
    assert reference[0]["title"] == "Pipeline, phase 1"
    assert reference[0]["description"] in ('Line one\nLine "two"', 'Line one\r\nLine "two"')
    assert reference[1]["title"] == "Ўзбек ё Ğ ş ə"
    for name, result in parsed.items():
        values = [
            dict(r.values, description=r.values["description"].replace("\r\n", "\n"))
            for r in result.rows
        ]
        assert values[0]["description"] == 'Line one\nLine "two"', name
        assert values[1] == reference[1], name
        assert [r.line for r in result.rows] == [2, 4], name


@pytest.mark.parametrize(
    "header, expected",
    [
        (HEADER.replace("title", "titel"), "did you mean “title”"),
        (HEADER.replace(",progress", ""), "missing column(s): progress"),
        (HEADER + ",colour", "unknown column “colour”"),
        (HEADER + ",title", "more than once"),
    ],
)
def test_it_names_unknown_misspelled_duplicate_and_missing_columns(header, expected):
    parsed = parse_roadmap(csv_bytes(row(), header=header))
    assert parsed.rows == []
    assert any(expected in str(error) for error in parsed.errors), parsed.errors


def test_it_accepts_header_names_in_any_case_and_order():
    header = ",".join(reversed([c.upper() for c in COLUMNS]))
    values = list(reversed(row().split(",")))
    parsed = parse_roadmap(csv_bytes(",".join(values), header=header))
    assert parsed.errors == []
    assert parsed.rows[0].values["external_ref"] == "EN-1"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (HEADER.encode() + b"\n\xff\xfe bad\n", "line 2: the file is not UTF-8"),
        (csv_bytes("a,b"), "line 2: expected 9 values, found 2"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
        (csv_bytes("EN\x00,energy"), "NUL"),
    ],
)
def test_it_reports_broken_files_clearly(content, expected):
    parsed = parse_roadmap(content)
    assert any(expected in str(error) for error in parsed.errors), parsed.errors


def test_it_refuses_more_than_the_row_limit():
    lines = [row(ref=f"R{n}") for n in range(MAX_ROWS + 1)]
    parsed = parse_roadmap(csv_bytes(*lines))
    assert any("more than 5000 rows" in str(error) for error in parsed.errors)


def test_it_skips_blank_lines():
    parsed = parse_roadmap(csv_bytes(row(), "", ",,,,,,,,", row(ref="EN-2")))
    assert parsed.errors == []
    assert [r.line for r in parsed.rows] == [2, 5]


# --- validation against the database -------------------------------------------------------


@pytest.fixture
def energy_owner(energy, member):
    return member


def test_it_rejects_a_bad_file_whole_listing_every_error_with_line_and_column(
    cochair_az, member, connectivity
):
    content = csv_bytes(
        row(ref="OK-1", title="Fine row"),
        row(ref="BAD-1", group="atlantis"),
        row(ref="BAD-2", due="30/09/2026"),
        row(ref="BAD-3", progress="150"),
        row(ref="BAD-4", owner="nobody@example.test"),
        row(ref="OK-1"),
        row(ref="BAD-5", status="finished"),
        row(ref="BAD-6", status="done"),
        row(ref="", title=""),
        row(ref="BAD-7", group="connectivity"),
        row(ref="BAD-8", section="no-such-section"),
        row(ref="BAD-9", owner="outsider@example.test"),
    )
    make_user("outsider@example.test")
    with pytest.raises(RoadmapInvalid) as raised:
        roadmap_import(content=content, user=cochair_az)
    messages = [str(error) for error in raised.value.plan.errors]
    expected = [
        "line 3, column group: unknown group “atlantis”",
        "line 4, column due_date: “30/09/2026” is not a date",
        "line 5, column progress: 150 is not between 0 and 100",
        "line 6, column owner_email: no user has the address nobody@example.test",
        "line 7, column external_ref: “OK-1” is also on line 2",
        "line 8, column status: “finished” is not a status",
        "line 9, column status: an import cannot set “Done”",
        "line 10, column external_ref: required",
        "line 10, column title: required",
        "line 11, column group: you are not a co-chair of “connectivity”",
        "line 12, column section: unknown section “no-such-section”",
        "line 13, column owner_email: outsider@example.test is not a member of “energy”",
    ]
    for start in expected:
        assert any(message.startswith(start) for message in messages), (start, messages)
    assert len(messages) == len(expected)
    assert not Milestone.objects.exists()
    assert not MilestoneUpdate.objects.exists()


def test_it_creates_updates_and_leaves_unchanged_rows_alone(cochair_az, member):
    content = csv_bytes(
        row(
            ref="EN-1",
            title="Pipeline study",
            owner=member.email,
            status="in_progress",
            progress="40",
        ),
        row(ref="EN-2", title="Grid link", description='Phase 1; with "quotes"'),
    )
    plan = roadmap_import(content=content, user=cochair_az)
    assert (plan.created, plan.updated, plan.unchanged) == (2, 0, 0)
    first = Milestone.objects.get(external_ref="EN-1")
    assert (first.status, first.progress, first.owner, first.group.slug) == (
        Status.IN_PROGRESS,
        40,
        member,
        "energy",
    )
    assert first.section == first.group.section
    versions = dict(Milestone.objects.values_list("external_ref", "version"))

    again = roadmap_import(content=content, user=cochair_az)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Milestone.objects.count() == 2
    assert dict(Milestone.objects.values_list("external_ref", "version")) == versions

    changed = csv_bytes(
        row(
            ref="EN-1",
            title="Pipeline study (revised)",
            owner="",
            status="at_risk",
            progress="45",
            due="2026-12-01",
        ),
        row(ref="EN-2", title="Grid link", description='Phase 1; with "quotes"'),
    )
    plan = roadmap_plan(content=changed, user=cochair_az)
    changes = {c.field: (c.old, c.new) for c in plan.rows[0].changes}
    assert changes == {
        "title": ("Pipeline study", "Pipeline study (revised)"),
        "owner": (member.email, "—"),
        "due_date": ("2026-09-30", "2026-12-01"),
        "status": ("in_progress", "at_risk"),
        "progress": ("40", "45"),
    }
    roadmap_import(content=changed, user=cochair_az)
    first.refresh_from_db()
    assert (first.title, first.owner, first.status, first.progress, first.due_date) == (
        "Pipeline study (revised)",
        None,
        Status.AT_RISK,
        45,
        datetime.date(2026, 12, 1),
    )
    assert first.updates.filter(note="Imported from a CSV roadmap.").exists()


def test_it_keeps_done_only_when_the_milestone_is_already_done(cochair_az, cochair_us, energy):
    done = Milestone.objects.create(
        group=energy,
        section=energy.section,
        title="Signed",
        due_date=datetime.date(2026, 5, 1),
        external_ref="EN-DONE",
        status=Status.DONE,
        progress=100,
        completed_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    )
    SignOff.objects.create(milestone=done, side="az", signed_by=cochair_az)
    content = csv_bytes(
        row(ref="EN-DONE", title="Signed", due="2026-05-01", status="done", progress="100")
    )
    plan = roadmap_import(content=content, user=cochair_az)
    assert plan.unchanged == 1
    awaiting = csv_bytes(
        row(
            ref="EN-DONE",
            title="Signed",
            due="2026-05-01",
            status="awaiting_signoff",
            progress="100",
        )
    )
    with pytest.raises(RoadmapInvalid):
        roadmap_import(content=awaiting, user=cochair_az)
    # Reopening a done milestone (co-chair) clears its completion and sign-offs.
    reopen = csv_bytes(
        row(ref="EN-DONE", title="Signed", due="2026-05-01", status="in_progress", progress="90")
    )
    roadmap_import(content=reopen, user=cochair_az)
    done.refresh_from_db()
    assert (done.status, done.completed_at, done.signoffs.count()) == (Status.IN_PROGRESS, None, 0)


def test_it_never_moves_a_milestone_to_another_group(staff, energy, connectivity):
    Milestone.objects.create(
        group=connectivity,
        section=connectivity.section,
        title="Rail",
        due_date=datetime.date(2026, 6, 1),
        external_ref="X-1",
    )
    with pytest.raises(RoadmapInvalid) as raised:
        roadmap_import(content=csv_bytes(row(ref="X-1", title="Rail")), user=staff)
    assert "cannot move a milestone" in str(raised.value.plan.errors[0])
    assert Milestone.objects.get(external_ref="X-1").group == connectivity


def test_it_hides_restricted_groups_from_co_chairs_of_other_groups(cochair_az, security, staff):
    with pytest.raises(RoadmapInvalid) as raised:
        roadmap_import(content=csv_bytes(row(group="security")), user=cochair_az)
    assert "unknown group “security”" in str(raised.value.plan.errors[0])
    plan = roadmap_import(content=csv_bytes(row(group="security")), user=staff)
    assert plan.created == 1
    # A co-chair of the restricted group may import its rows.
    chair = make_user("chair.security@example.test")
    join(chair, security, Role.CO_CHAIR)
    assert roadmap_plan(content=csv_bytes(row(ref="S-2", group="security")), user=chair).is_valid


def test_it_refuses_members_observers_and_outsiders(member, observer, outsider):
    for user in (member, observer, outsider):
        with pytest.raises(PermissionDenied):
            roadmap_import(content=csv_bytes(row()), user=user)
    assert not Milestone.objects.exists()


def test_it_dry_runs_without_writing(cochair_az):
    plan = roadmap_import(content=csv_bytes(row()), user=cochair_az, dry_run=True)
    assert plan.created == 1
    assert not Milestone.objects.exists()


# --- round trip --------------------------------------------------------------------------


@pytest.fixture
def varied(energy, member, cochair_us):
    tricky = [
        '=HYPERLINK("http://evil")',
        "+1 555",
        "-minus",
        "@at",
        'Comma, semicolon; "quote"',
        "Ölkə — Азербайджан",
        "'=already",
    ]
    milestones = []
    for number, text in enumerate(tricky):
        milestones.append(
            Milestone.objects.create(
                group=energy,
                section=energy.section,
                external_ref=f"RT-{number}",
                title=text,
                description=f"{text}\nsecond line",
                owner=member if number % 2 else cochair_us,
                due_date=datetime.date(2026, 1 + number, 15),
                status=[Status.PLANNED, Status.IN_PROGRESS, Status.AT_RISK, Status.BLOCKED][
                    number % 4
                ],
                progress=number * 10,
            )
        )
    return milestones


def test_it_round_trips_an_export_losslessly(varied, cochair_az):
    content = exported(Milestone.objects.select_related("group", "section", "owner"))
    assert content.startswith(BOM.encode())
    assert b"'=HYPERLINK" in content and b"''=already" in content
    before = list(Milestone.objects.values())
    plan = roadmap_import(content=content, user=cochair_az)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, len(varied))
    assert list(Milestone.objects.values()) == before

    # Into an empty database: the same milestones come back.
    fields = (
        "external_ref",
        "title",
        "description",
        "owner_id",
        "due_date",
        "status",
        "progress",
        "group_id",
        "section_id",
    )
    snapshot = sorted(Milestone.objects.values_list(*fields))
    MilestoneUpdate.objects.all().delete()
    Milestone.objects.all().delete()
    plan = roadmap_import(content=content, user=cochair_az)
    assert plan.created == len(varied)
    assert sorted(Milestone.objects.values_list(*fields)) == snapshot


@given(
    title=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool),
)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_it_round_trips_any_title(title, cochair_az, energy):
    Milestone.objects.filter(external_ref="HY-1").delete()
    Milestone.objects.create(
        group=energy,
        section=energy.section,
        external_ref="HY-1",
        title=title,
        due_date=datetime.date(2026, 3, 3),
    )
    content = exported(Milestone.objects.select_related("group", "section", "owner"))
    plan = roadmap_plan(content=content, user=cochair_az)
    assert plan.errors == []
    assert plan.unchanged == 1, [c for r in plan.rows for c in r.changes]


@pytest.mark.parametrize("count", [10, 1000])
def test_it_validates_a_file_in_a_fixed_number_of_queries(
    count, cochair_az, member, energy, django_assert_num_queries
):
    Milestone.objects.bulk_create(
        Milestone(
            group=energy,
            section=energy.section,
            title=f"T{n}",
            external_ref=f"R{n}",
            due_date=datetime.date(2026, 9, 30),
        )
        for n in range(0, count, 2)
    )
    content = csv_bytes(*(row(ref=f"R{n}", owner=member.email) for n in range(count)))
    # groups, the user's memberships, sections, owners' accounts, owners' memberships, milestones
    with django_assert_num_queries(6):
        plan = roadmap_plan(content=content, user=cochair_az)
    assert plan.errors == []
    assert (plan.created, plan.updated) == (count // 2, count // 2)


def test_it_plans_the_largest_allowed_file_without_an_error(cochair_az, member):
    """A file of exactly MAX_ROWS rows is accepted (MAX_ROWS + 1 is refused:
    test_it_refuses_more_than_the_row_limit); the plan's queries do not grow with it."""
    content = csv_bytes(*(row(ref=f"BIG-{n}", owner=member.email) for n in range(MAX_ROWS)))
    plan = roadmap_plan(content=content, user=cochair_az)
    assert plan.errors == []
    assert plan.created == MAX_ROWS


# Rows imported for the time budget: a twentieth of the largest file, same rows per second.
SAMPLE_ROWS = MAX_ROWS // 20


def test_it_imports_a_large_file_within_the_time_budget(cochair_az, member):
    """The largest allowed file must import in under 120 s; a row costs the same whatever the
    file's size (the plan's queries are constant, each row is written on its own), so a
    twentieth of it must import in under a twentieth of that."""
    import time

    content = csv_bytes(*(row(ref=f"BIG-{n}", owner=member.email) for n in range(SAMPLE_ROWS)))
    started = time.monotonic()
    plan = roadmap_import(content=content, user=cochair_az)
    assert plan.created == SAMPLE_ROWS
    assert Milestone.objects.count() == SAMPLE_ROWS
    assert time.monotonic() - started < 120 * SAMPLE_ROWS / MAX_ROWS


def test_it_marks_the_changes_that_empty_a_field(cochair_az, member, energy):
    Milestone.objects.create(
        group=energy,
        section=energy.section,
        external_ref="EN-1",
        title="Pipeline study",
        description="Terms",
        owner=member,
        due_date=datetime.date(2026, 9, 30),
    )
    plan = roadmap_plan(content=csv_bytes(row(status="in_progress")), user=cochair_az)
    changes = {change.field: change for change in plan.rows[0].changes}
    assert set(changes) == {"description", "owner", "status"}
    assert [changes[name].emptied for name in ("description", "owner", "status")] == [
        True,
        True,
        False,
    ]
    assert (changes["owner"].label, changes["owner"].new) == ("Owner", "—")
    assert (changes["status"].old_label, changes["status"].new_label) == (
        "Planned",
        "In progress",
    )
    assert plan.emptied() == {"description": 1, "owner": 1}
    assert plan.groups() == [energy]


def test_it_names_an_error_s_column_by_its_label_and_prints_its_header(cochair_az):
    plan = roadmap_plan(content=csv_bytes(row(ref="")), user=cochair_az)
    [error] = plan.errors
    assert error.column == "external_ref"
    assert error.column_label == "Reference"
    assert str(error).startswith("line 2, column external_ref: required")  # the command's
