"""Seed 000, PIN reset: the operator sends the link; the member's new PIN must follow the rule."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from admin.demo import PIN_MEMBER, demo_tax_code
from tests.browser.conftest import Console


def test_a_pin_reset_mail_arrives_and_the_pin_rule_applies(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list?q={demo_tax_code(PIN_MEMBER)}")
    address = page.locator("td[data-column=email]").first.inner_text().strip()

    _pk, panel = console.open_row_action(
        page, f"/admin/login_accounts/list?q={address}", "reset-secret"
    )
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text(address)
    console.wait_until_sent(page, address)
    if console.mailbox is None:
        return  # against someone else's instance the mail is checked in the outbox only
    [mail] = [m for m in console.mailbox.wait_for(1) if m["To"] == address]
    link = re.search(r"https?://\S+/account/reset/\S+", mail.get_payload(decode=True).decode())
    assert link is not None

    page.goto(link.group(0).replace("http://testserver", console.url))
    page.fill("input[name=password]", "123478")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("refusal")).to_contain_text("ascending")
    # Refused, the page is still the PIN page: numeric keypad, the PIN rules, the PIN title.
    expect(page.locator("input[name=password]")).to_have_attribute("inputmode", "numeric")
    expect(page.get_by_test_id("reset-form")).to_have_attribute("data-policy", "pin")
    expect(page.locator("label[for=password]")).to_contain_text("6")
    expect(page).to_have_title(re.compile("PIN"))
    page.fill("input[name=password]", "120963")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("outcome")).to_be_visible()
