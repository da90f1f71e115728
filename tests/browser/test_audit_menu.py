"""Supervisors audit what operators did; operators do not see the trail."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console


def test_an_operator_does_not_see_the_audit_menu(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")

    expect(page.get_by_role("link", name="Members").first).to_be_visible()
    expect(page.locator("a[href$='/admin/audit/list']")).to_have_count(0)


def test_a_supervisor_sees_what_the_operator_just_did(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    pk, panel = console.open_row_action(page, "/admin/validation/list", "validate")
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()
    page.context.clear_cookies()

    console.login(page, "demo-supervisor")
    page.locator("a[href$='/admin/audit/list']").first.click()
    page.goto(f"{console.url}/admin/audit/list?action=member.validate")

    row = (
        page.locator("tr[data-sa-pk]", has_text="member.validate")
        .filter(has_text="demo-operator")
        .first
    )
    expect(row).to_be_visible()
    expect(row.locator("td[data-column=record]")).to_contain_text(f"member {pk}")
