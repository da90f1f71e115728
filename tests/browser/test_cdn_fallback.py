"""htmx and Chart.js come from their pinned CDN addresses, checked by their integrity hashes;
when the CDN does not answer, or answers with a file that does not match the hash, the copy
fetched at set-up is loaded in its place and the console works as before (the lookup box
suggests, the appointment report draws its chart).

The browser never reaches the internet here: every request to the CDN is answered by the
test (refused, or served from the local copy), as a firewall or a proxy would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from admin.settings import CHART_CDN_URL, HTMX_CDN_URL, ROOT
from tests.browser.conftest import Console, running_console

CDN = "https://cdn.jsdelivr.net/**"
LOCAL_HTMX = ROOT / "static" / "vendor" / "htmx.min.js"


@pytest.fixture(scope="module")
def cdn_console(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Console]:
    """The console with its default settings: htmx and Chart.js from the CDN."""
    with running_console(
        template_database, tmp_path_factory, HTMX_URL=HTMX_CDN_URL, CHART_URL=CHART_CDN_URL
    ) as console:
        yield console


def _serve(body: bytes) -> object:
    def answer(route: Route) -> None:
        route.fulfill(
            status=200,
            body=body,
            content_type="application/javascript",
            headers={"Access-Control-Allow-Origin": "*"},
        )

    return answer


def _scripts_loaded(page: Page) -> list[str]:
    return list(
        page.evaluate(
            "performance.getEntriesByType('resource')"
            ".filter(e => e.initiatorType === 'script').map(e => e.name)"
        )
    )


def _lookup_suggests(page: Page) -> None:
    page.get_by_test_id("lookup").fill("rossi")
    expect(page.get_by_test_id("lookup-results")).not_to_be_empty()


def test_without_the_cdn_the_local_copy_is_loaded_and_the_lookup_suggests(
    page: Page, cdn_console: Console
) -> None:
    asked: list[str] = []

    def refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(CDN, refuse)
    cdn_console.login(page, "demo-operator")

    assert set(asked) == {HTMX_CDN_URL}  # the CDN was tried first, on each page
    assert page.evaluate("typeof window.htmx") == "object"
    assert any("/static/vendor/htmx.min.js?v=" in url for url in _scripts_loaded(page))
    _lookup_suggests(page)


def test_a_file_from_the_cdn_that_does_not_match_its_hash_is_not_run(
    page: Page, cdn_console: Console
) -> None:
    page.route(CDN, _serve(b"window.tampered = true;\n" + LOCAL_HTMX.read_bytes()))
    cdn_console.login(page, "demo-operator")

    assert page.evaluate("window.tampered === undefined")
    assert any("/static/vendor/htmx.min.js?v=" in url for url in _scripts_loaded(page))
    _lookup_suggests(page)


def test_when_the_cdn_answers_its_copy_is_used_and_the_local_one_is_not_asked_for(
    page: Page, cdn_console: Console
) -> None:
    page.route(CDN, _serve(Path(LOCAL_HTMX).read_bytes()))
    cdn_console.login(page, "demo-operator")

    loaded = _scripts_loaded(page)
    assert HTMX_CDN_URL in loaded
    assert not any("/static/vendor/htmx.min.js" in url for url in loaded)
    _lookup_suggests(page)


def test_without_the_cdn_the_appointment_report_draws_its_chart_from_the_local_copy(
    page: Page, cdn_console: Console
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(CDN, lambda route: route.abort("internetdisconnected"))
    cdn_console.login(page, "demo-supervisor")
    page.goto(f"{cdn_console.url}/admin/appointments/report")

    assert CHART_CDN_URL in requested
    assert any("/static/vendor/chart.umd.min.js?v=" in url for url in _scripts_loaded(page))
    drawn = "(() => { const c = document.getElementById('report-chart'); return !!(c && Chart.getChart(c)); })()"
    page.wait_for_function(drawn)
