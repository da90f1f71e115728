"""Names, not ids: the members list names each member's organisation, a member's page is
titled with the name, and saving a member says which member was saved."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

GENERIC = re.compile(r"\b[A-Z][A-Za-z]*\(\d+\)")  # starlette-admin's "Organization(1)"


def test_an_operator_reads_names_on_the_members_list_the_member_page_and_after_a_save(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    organisations = page.locator("tr[data-sa-pk] td[data-column=organization]")
    expect(organisations.first).to_be_visible()
    for cell in organisations.all_inner_texts():
        assert cell.strip() and not GENERIC.search(cell), cell
    assert "-null-" not in page.locator("table").inner_text()

    row = page.locator("tr[data-sa-pk]").first
    pk = row.get_attribute("data-sa-pk")
    first = row.locator("td[data-column=first_name]").inner_text().strip()
    last = row.locator("td[data-column=last_name]").inner_text().strip()
    name = f"{first} {last}"
    page.goto(f"{console.url}/admin/members/detail?pk={pk}")

    expect(page.get_by_test_id("record-heading")).to_have_text(name)
    assert page.title().startswith(name)
    expect(page.locator(".breadcrumb .active")).to_have_text(f"{name} (member {pk})")

    page.goto(f"{console.url}/admin/members/edit?pk={pk}")
    page.fill("input[name=address]", "Via Nuova 2, Roma")
    with page.expect_navigation(wait_until="load"):
        page.locator(".card-footer button[type=submit]:not([name])").click()

    expect(page.locator(".alert-success")).to_contain_text(f"{name} (member {pk}) was changed.")
