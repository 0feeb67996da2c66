"""Fixtures for the fuzz tests: the world every endpoint acts on, uploads in a temporary
MEDIA_ROOT."""

import pytest

from tests.fuzz.world import World, build_world


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(
    energy,
    connectivity,
    security,
    staff,
    cochair_az,
    cochair_us,
    member,
    observer,
    other_member,
    outsider,
) -> World:
    cast = {
        "staff": staff,
        "cochair_az": cochair_az,
        "cochair_us": cochair_us,
        "member": member,
        "observer": observer,
        "other_member": other_member,
        "outsider": outsider,
    }
    return build_world(cast, energy, connectivity, security)
