"""Seed 004, "not activated within 24 hours": forget the login account, generate a new one,
and the customer receives a new activation mail, valid 24 hours."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console

# Demo login account 20010047 belongs to demo member 2; its activation expired 3 days ago.
EXPIRED_USERNAME, MEMBER_TAX_CODE = "20010047", demo_tax_code(2)


def test_an_operator_forgets_and_generates_and_the_new_mail_arrives(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")

    _pk, panel = console.open_row_action(
        page, f"/admin/login_accounts/list?q={EXPIRED_USERNAME}", "forget"
    )
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("no longer linked")

    _pk, panel = console.open_row_action(
        page, f"/admin/members/list?q={MEMBER_TAX_CODE}", "generate-account"
    )
    panel.get_by_test_id("confirm").click()
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text("valid 24 hours")
    # "… valid 24 hours, to ADDRESS." then the audit event that records it
    address = outcome.inner_text().splitlines()[0].rsplit(" ", 1)[-1].rstrip(".")

    console.wait_until_sent(page, address)
    if console.mailbox is not None:
        mails = [m for m in console.mailbox.wait_for(1) if m["To"] == address]
        assert (
            len(mails) == 1 and "/account/activation/" in mails[0].get_payload(decode=True).decode()
        )
