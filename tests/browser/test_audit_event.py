"""A supervisor reads what an operator changed: the event page shows the changed fields,
old → new."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import blocking, violations
from tests.browser.conftest import Console


def test_a_supervisor_reads_the_change_of_a_member_edit(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
    page.goto(f"{console.url}/admin/members/edit?pk={pk}")
    old_address = page.input_value("input[name=address]")
    page.fill("input[name=address]", "Via dei Mille 12, Torino")
    with page.expect_navigation(wait_until="load"):
        page.locator(".card-footer button[type=submit]:not([name])").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.context.clear_cookies()

    console.login(page, "demo-supervisor")
    page.goto(f"{console.url}/admin/audit/list?operator=demo-operator&action=member.edit")
    page.locator("a[href*='/admin/audit/detail?pk=']").first.click()

    expect(page.get_by_test_id("event-action")).to_have_text("member.edit")
    change = page.locator("[data-testid=diff-field][data-field=address]")
    expect(change.get_by_test_id("diff-before")).to_have_text(old_address)
    expect(change.get_by_test_id("diff-after")).to_have_text("Via dei Mille 12, Torino")
    expect(page.get_by_test_id("diff-field")).to_have_count(1)
    expect(page.get_by_test_id("event-record")).to_have_attribute("data-state", "exists")
    expect(page.get_by_test_id("event-chain")).to_have_attribute("data-intact", "true")
    serious = blocking(violations(page))
    assert not serious, "\n".join(map(str, serious))
