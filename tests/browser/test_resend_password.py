"""Seed 001, "Renvoyer mot de passe": the member has no e-mail yet; the operator fills it
in, the link is sent, and the mail arrives."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console

# Demo member number 1 is pending and has no e-mail (admin/demo/members.py).
NO_EMAIL_TAX_CODE = demo_tax_code(1)


def test_an_operator_fills_in_the_missing_email_and_the_mail_arrives(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    _pk, panel = console.open_row_action(
        page, f"/admin/members/list?q={NO_EMAIL_TAX_CODE}", "resend-password"
    )

    panel.get_by_test_id("email").fill("caller@example")
    panel.get_by_test_id("confirm").click()
    expect(panel.get_by_test_id("refusal")).to_be_visible()
    expect(panel.get_by_test_id("email")).to_have_value("caller@example")

    address = f"caller.{int(time.time())}@example.org"
    panel.get_by_test_id("email").fill(address)
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text(address)
    expect(page.locator("td[data-column=email]").first).to_contain_text(address)

    console.wait_until_sent(page, address)
    if console.mailbox is not None:
        mails = [m for m in console.mailbox.wait_for(1) if m["To"] == address]
        assert len(mails) == 1
        assert "/reset/" in mails[0].get_payload(decode=True).decode()
