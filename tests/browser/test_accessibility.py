"""The console's main pages have no serious or critical accessibility violation (axe-core):
contrast a person with low vision can read, every control named as it is labelled, a main
landmark and regions a screen reader can jump between, headings in order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import blocking, violations
from tests.browser.conftest import Console

MEMBER = 5  # demo member number 4 (admin/demo/members.py)
TOULON_SIRET = "21430137600015"  # two demo clients (admin/demo/clients.py)

Opener = Callable[[Page, Console], None]


def _open(path: str) -> Opener:
    def opener(page: Page, console: Console) -> None:
        page.goto(f"{console.url}{path}")

    return opener


def _first_row(list_path: str, detail_path: str) -> Opener:
    def opener(page: Page, console: Console) -> None:
        page.goto(f"{console.url}{list_path}")
        pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
        page.goto(f"{console.url}{detail_path}?pk={pk}")

    return opener


def _row_action(page: Page, console: Console) -> None:
    _pk, panel = console.open_row_action(page, "/admin/validation/list", "validate")
    expect(panel.get_by_test_id("validate-form")).to_be_visible()


def _lookup(page: Page, console: Console) -> None:
    page.goto(f"{console.url}/admin/")
    page.get_by_test_id("lookup").fill(TOULON_SIRET)
    expect(page.get_by_test_id("lookup-hit").first).to_be_visible()


def _knowledge_search(page: Page, console: Console) -> None:
    page.goto(f"{console.url}/admin/kb")
    page.get_by_test_id("kb-language").select_option("it")
    page.get_by_test_id("kb-query").fill("cedolino pdf")
    page.get_by_test_id("kb-search").click()
    expect(page.get_by_test_id("kb-hit-title").first).to_be_visible()


SIGNED_IN: dict[str, Opener] = {
    "home": _open("/admin/"),
    "members list": _open("/admin/members/list"),
    "member page": _open(f"/admin/members/detail?pk={MEMBER}"),
    "member edit form": _open(f"/admin/members/edit?pk={MEMBER}"),
    "row action panel": _row_action,
    "lookup results": _lookup,
    "client page": _first_row(f"/admin/clients/list?q={TOULON_SIRET}", "/admin/clients/detail"),
    "tickets list": _open("/admin/tickets/list"),
    "ticket page": _first_row("/admin/tickets/list", "/admin/tickets/detail"),
    "knowledge search": _knowledge_search,
    "appointment report": _open("/admin/appointments/report"),
    "support portal": _open("/admin/portal"),
    "my recent actions": _open("/admin/mine"),
}
PUBLIC: dict[str, str] = {
    "sign-in page": "/admin/login",
    "reset page": "/account/reset/not-a-token",
}


def _assert_accessible(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    found = violations(page)
    for violation in found:
        print(f"{name}: {violation}")  # every impact, for whoever reads the run
    serious = blocking(found)
    assert not serious, "\n".join(map(str, serious))


@pytest.mark.parametrize("name", SIGNED_IN)
def test_a_console_page_has_no_serious_violation(page: Page, console: Console, name: str) -> None:
    console.login(page, "demo-operator")
    SIGNED_IN[name](page, console)
    _assert_accessible(page, name)


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_page_has_no_serious_violation(page: Page, console: Console, name: str) -> None:
    page.goto(f"{console.url}{PUBLIC[name]}")
    _assert_accessible(page, name)
