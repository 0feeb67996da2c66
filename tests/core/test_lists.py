"""The "first N of M" list (apps/core/lists.py)."""

import pytest

from apps.charter.models import WorkingGroup
from apps.core.lists import FirstOf


def test_it_counts_what_it_leaves_out_of_a_list():
    shown = FirstOf.from_rows(list(range(7)), limit=5)
    assert (list(shown), shown.more, shown.total) == ([0, 1, 2, 3, 4], 2, 7)
    assert not FirstOf.from_rows([], limit=5)


@pytest.mark.django_db
def test_it_reads_one_row_past_the_limit_of_a_query(charter_data, django_assert_num_queries):
    groups = WorkingGroup.objects.order_by("pk")
    with django_assert_num_queries(1):
        shown = FirstOf.from_query(groups, limit=2)
    assert len(shown) == 2 and shown.more == 1 and shown.total is None
    everything = FirstOf.from_query(groups, limit=100)
    assert everything.more == 0 and len(everything) == groups.count()
