"""The member page says what is wrong and fixes it with one click (seed 001: pending)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console


def test_the_pending_member_is_validated_from_the_diagnosis(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    pk, _panel = console.open_row_action(page, "/admin/validation/list", "validate")
    page.goto(f"{console.url}/admin/members/detail?pk={pk}")
    expect(page.get_by_test_id("diagnosis")).to_contain_text("Pending validation")

    page.get_by_test_id("fix-validate").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()

    expect(page.get_by_test_id("diagnosis")).not_to_contain_text("Pending validation")
