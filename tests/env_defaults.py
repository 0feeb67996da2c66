"""Loaded by pytest (-p) before Django configures itself: test-only defaults.

The real settings refuse to start without SECRET_KEY when DEBUG is off; the
suite runs with DEBUG off like production, so it brings a key of its own.
"""

import os

# Not the checkout's .env (`make run` writes DEBUG=true there): the suite runs with DEBUG off.
os.environ.setdefault("ENV_FILE", "")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Playwright with live_server calls the ORM from its event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
