"""The page around the fragments: htmx pinned, nothing fetched from the internet."""

from __future__ import annotations

import base64
import hashlib

from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.testclient import TestClient

from admin.app import build_app
from admin.settings import HTMX_CDN_INTEGRITY, HTMX_CDN_URL
from tests.conftest import Personas, log_in, settings_for


def _external_urls(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = {tag.get("src") or tag.get("href") for tag in soup.select("[src], link[href]")}
    return {
        u
        for u in urls
        if u and u.startswith(("http://", "https://", "//")) and "testserver" not in u
    }


def test_by_default_htmx_comes_from_the_pinned_cdn_with_its_integrity_hash(
    database_url: str, engine: Engine, personas: Personas
) -> None:
    settings = settings_for(database_url, HTMX_URL=HTMX_CDN_URL)
    with TestClient(build_app(settings, engine=engine), base_url="http://testserver") as client:
        log_in(client, "olivia")
        page = client.get("/admin/members/list").text

    script = BeautifulSoup(page, "html.parser").select_one(f"script[src='{HTMX_CDN_URL}']")
    assert script is not None
    assert script["integrity"] == HTMX_CDN_INTEGRITY
    assert script["crossorigin"] == "anonymous"
    assert _external_urls(page) == {HTMX_CDN_URL}


def test_with_the_local_copy_the_page_reaches_nothing_outside(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "olivia")

    for url in ("/admin/", "/admin/members/list", "/admin/login"):
        assert _external_urls(client.get(url).text) == set(), url


def test_the_local_copy_is_the_pinned_release(client: TestClient) -> None:
    body = client.get("/static/vendor/htmx.min.js").content

    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert f"sha384-{digest}" == HTMX_CDN_INTEGRITY


def test_the_csrf_token_rides_on_every_htmx_request(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    body = BeautifulSoup(client.get("/admin/members/list").text, "html.parser").select_one("body")

    assert body is not None and "X-CSRFToken" in body["hx-headers"]


def test_the_date_picker_speaks_italian_and_dutch(client: TestClient) -> None:
    for locale in ("it", "nl"):
        response = client.get(f"/admin/static/i18n/flatpickr/{locale}.js")
        assert response.status_code == 200, locale
        assert "flatpickr" in response.text
