"""Seed 000, the phone code: found by the mobile the caller reads out, the member's login
account offers its phone-code actions in the lookup's results (no second lookup); the outcome
names the number the code went to, never the username; the 4th code of the day is refused
with the time it becomes possible again."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

# Demo login account 20010048 has had its 3 codes today (admin/demo/members.py).
AT_LIMIT = "20010048"
# Demo member number 0 logs in with a PIN (admin/demo/members.py); its mobile is +393331000000.
PIN_MEMBER_MOBILE, PIN_MEMBER_E164 = "333 100 0000", "+393331000000"


def test_the_fourth_code_of_the_day_is_refused_with_when_it_is_possible_again(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")

    _pk, panel = console.open_row_action(
        page, f"/admin/login_accounts/list?q={AT_LIMIT}", "send-phone-code"
    )
    panel.get_by_test_id("confirm").click()

    expect(panel.get_by_test_id("refusal")).to_contain_text("can be sent again from 00:00")


def test_a_code_is_sent_from_the_lookup_and_names_the_number(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")

    page.get_by_test_id("lookup").fill(PIN_MEMBER_MOBILE)
    account = page.get_by_test_id("lookup-account")
    expect(account).to_have_count(1)
    username = account.get_attribute("data-username") or ""
    account.get_by_test_id("lookup-send-phone-code").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()

    outcome = page.get_by_test_id("lookup-results").get_by_test_id("outcome")
    expect(outcome).to_contain_text(f"The code went by text message to {PIN_MEMBER_E164}")
    expect(outcome).not_to_contain_text(username)
    assert username  # the account was found by the member's mobile, not by its username
