"""Seed 001, "Validation des comptes": a pending (yellow) member is validated from the list."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console


def test_an_operator_validates_a_pending_member_without_reloading_the_page(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/validation/list")
    button = page.locator("[data-testid^=validate-]").first
    pk = (button.get_attribute("data-testid") or "").removeprefix("validate-")
    row = page.locator(f"tr[data-sa-pk='{pk}']").first
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "pending")
    yellow = row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
    assert yellow == "rgb(255, 243, 191)"
    page.evaluate("window.__sameDocument = true")

    button.click()
    panel = page.get_by_test_id("action-panel")
    expect(panel.get_by_test_id("validate-form")).to_be_visible()
    panel.get_by_test_id("confirm").click()

    expect(row.locator("[data-state]")).to_have_attribute("data-state", "validated")
    expect(page.get_by_test_id("outcome")).to_contain_text("validated")
    expect(panel).to_be_empty()
    assert page.evaluate("window.__sameDocument") is True  # no reload


def test_a_refusal_is_shown_in_the_panel_with_its_reason(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    _pk, panel = console.open_row_action(page, "/admin/validation/list", "validate")

    panel.get_by_test_id("dues-year").fill("1999")
    panel.get_by_test_id("confirm").click()

    expect(panel.get_by_test_id("refusal")).to_contain_text("Dues must be paid for")
    expect(panel.get_by_test_id("dues-year")).to_have_value("1999")
