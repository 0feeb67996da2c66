"""Hostile input on every POST endpoint of the catalogue (tests/fuzz/catalogue.py).

One hypothesis test per endpoint; each example is one request (see tests/fuzz/harness.py for
what is drawn and what is asserted), run in a savepoint that is rolled back. Examples per
endpoint: 40, FUZZ_EXAMPLES to override (tests/fuzz/profiles.py); seeded per endpoint, so CI
runs the same examples every time.
A failure is reported as drawn, not shrunk (shrinking a request costs minutes); set
FUZZ_SHRINK=1 to have hypothesis look for the smallest failing case.
"""

import os
import zlib

import pytest
from hypothesis import given, seed

from tests.fuzz.catalogue import CATALOGUE
from tests.fuzz.harness import STATS, cases, exercise
from tests.fuzz.profiles import fuzz_settings

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings()  # tests/fuzz/profiles.py: 40 examples, FUZZ_EXAMPLES to override


@pytest.mark.parametrize("endpoint", CATALOGUE, ids=str)
def test_it_survives_hostile_input(endpoint, world):
    @FUZZ
    @seed(zlib.crc32(endpoint.name.encode()))  # fixed, but not the same stream for every entry
    @given(case=cases(endpoint, world))
    def run(case):
        exercise(endpoint, world, case)

    run()
    if os.environ.get("FUZZ_STATS") == "1":
        for (name, status, outcome, reason), count in sorted(STATS.items(), key=str):
            if name == endpoint.name:
                print(f"{name:32} {status} {outcome:8} {count:3}  {reason}")
