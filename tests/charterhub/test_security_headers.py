"""Security headers on a full page and on an HTMX fragment."""

import re

import pytest

PAGES = {
    "full page": ("/", {}),
    "htmx fragment": ("/milestones/", {"HX-Request": "true"}),
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_it_sends_the_security_headers(client, member, kind):
    path, headers = PAGES[kind]
    client.force_login(member)
    response = client.get(path, headers=headers, secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", csp)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_it_puts_the_nonce_on_the_htmx_script(client, member):
    client.force_login(member)
    response = client.get("/", secure=True)
    nonce = re.search(r"'nonce-([\w+/=-]+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    assert f'nonce="{nonce}"' in body
    assert "<script>" not in body  # no inline script without a nonce
