from charterhub.formats.common import *  # noqa: F403 — the same style in every language
