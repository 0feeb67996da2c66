"""The catalogue covers every URL that accepts POST (and names no URL that does not).

"Accepts POST" is asked of the views themselves: an empty POST from a signed-in staff user
to each URL pattern (admin excepted — Django's own, covered by tests/*/test_admin.py), with
made-up path arguments; anything but 405 means the view handles POST. A view that only reads
must say so (``require_safe``), so a POST to it is refused and not treated as a GET.
"""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.fuzz.catalogue import BY_NAME

pytestmark = pytest.mark.django_db

SAMPLE_BY_CONVERTER = {
    "IntConverter": 999_999_999,
    "SlugConverter": "energy",
    "StringConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": uuid.UUID(int=1),
}


def url_patterns(resolver=None, namespace: str = ""):
    """(url name, pattern) for every named URL, the admin's left out."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def sample_path(name: str, pattern: URLPattern) -> str:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {
        key: SAMPLE_BY_CONVERTER.get(type(converter).__name__, "1")
        for key, converter in converters.items()
    }
    for key in pattern.pattern.regex.groupindex:
        kwargs.setdefault(key, "1")
    return reverse(name, kwargs=kwargs)


def accepts_post(path: str, staff) -> bool:
    client = Client()  # a fresh session each time: one of these URLs logs out
    client.force_login(staff)
    return client.post(path).status_code != 405


def test_it_has_an_entry_for_every_url_that_accepts_post(staff):
    answering = {
        name for name, pattern in url_patterns() if accepts_post(sample_path(name, pattern), staff)
    }
    missing = sorted(answering - set(BY_NAME))
    assert not missing, (
        f"These URLs accept POST but have no entry in tests/fuzz/catalogue.py: {missing}. "
        "Add one (see the module docstring), or make a read-only view require_safe."
    )


def test_it_names_only_urls_that_accept_post(staff):
    patterns = dict(url_patterns())
    unknown = sorted(set(BY_NAME) - set(patterns))
    assert not unknown, f"Catalogue entries for URLs that do not exist: {unknown}"
    refusing = sorted(
        name for name in BY_NAME if not accepts_post(sample_path(name, patterns[name]), staff)
    )
    assert not refusing, f"Catalogue entries for URLs that refuse POST: {refusing}"
