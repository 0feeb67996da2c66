"""How hard the fuzz tests (test_endpoints, test_query_strings) try: one hypothesis profile.

40 examples per endpoint or page, derandomized and seeded per endpoint, so a run draws the same
examples every time; ``FUZZ_EXAMPLES=<n>`` overrides it (``FUZZ_EXAMPLES=200`` for a deeper
run) and ``FUZZ_SHRINK=1`` adds the shrink phase (minutes per failure, off by default).

The preferences POST without its hidden fingerprint that 20 examples drew once answered 422
with no message; it now says the form is out of date (tests/notifications/test_preferences.py).
"""

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "fuzz",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz_settings() -> settings:
    base = settings.get_profile("fuzz")
    return settings(
        base,
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", base.max_examples)),
        phases=[*base.phases, *([Phase.shrink] if os.environ.get("FUZZ_SHRINK") == "1" else [])],
    )
