"""A Content-Security-Policy on every answer: scripts only from the console, the pinned CDN
files and the templates' own inline scripts (with the answer's nonce); images from the
console only."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.testclient import TestClient

from admin.app import build_app
from admin.settings import CHART_CDN_URL, HTMX_CDN_URL
from tests.conftest import Personas, log_in, settings_for


def _directives(response: Any) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _nonce(directives: dict[str, list[str]]) -> str:
    found = [s for s in directives["script-src"] if s.startswith("'nonce-")]
    assert len(found) == 1
    return found[0].removeprefix("'nonce-").rstrip("'")


def test_every_script_of_a_page_carries_the_answers_nonce(
    client: TestClient, personas: Personas
) -> None:
    login_page = client.get("/admin/login")
    log_in(client, "ada")
    for response in (
        login_page,
        client.get("/admin/"),
        client.get("/admin/members/list"),
        client.get("/admin/appointments/report"),
    ):
        directives = _directives(response)
        nonce = _nonce(directives)
        scripts = BeautifulSoup(response.text, "html.parser").find_all("script")
        assert scripts, response.url
        assert {script.get("nonce") for script in scripts} == {nonce}, response.url
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'unsafe-eval'" not in directives["script-src"]
        assert directives["img-src"] == ["'self'", "data:"]
        assert directives["object-src"] == ["'none'"]


def test_each_answer_has_a_nonce_of_its_own(client: TestClient) -> None:
    first, second = (_nonce(_directives(client.get("/admin/login"))) for _ in range(2))

    assert first != second and len(first) >= 16


def test_the_pinned_cdn_files_are_the_only_other_scripts_allowed(
    database_url: str, engine: Engine
) -> None:
    settings = settings_for(database_url, HTMX_URL=HTMX_CDN_URL, CHART_URL=CHART_CDN_URL)
    with TestClient(build_app(settings, engine=engine), base_url="http://testserver") as client:
        sources = _directives(client.get("/admin/login"))["script-src"]

    hosts = [s for s in sources if not s.startswith("'")]
    assert hosts == [HTMX_CDN_URL, CHART_CDN_URL]
    assert all(
        re.fullmatch(r"'(self|unsafe-hashes|nonce-\S+|sha256-\S+)'", s)
        for s in sources
        if s.startswith("'")
    )


def test_the_members_reset_page_has_the_policy_too(client: TestClient) -> None:
    response = client.get("/reset/not-a-token")

    assert "script-src" in _directives(response)
