from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console


def test_an_operator_logs_in_with_the_right_password(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")

    expect(page).to_have_url(f"{console.url}/admin/")
    expect(page.get_by_text("Demo Operator").first).to_be_attached()
    expect(page.locator("a[href$='/admin/members/list']").first).to_be_visible()


def test_a_wrong_password_is_refused_with_the_reason(page: Page, console: Console) -> None:
    console.login(page, "demo-operator", "certainly not the password")

    expect(page).to_have_url(f"{console.url}/admin/login")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
