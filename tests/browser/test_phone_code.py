"""Seed 000, the phone-code limit: the 4th code of the day is refused with the time it becomes
possible again."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

# Demo login account 20010048 has had its 3 codes today (admin/demo/members.py).
AT_LIMIT = "20010048"


def test_the_fourth_code_of_the_day_is_refused_with_when_it_is_possible_again(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")

    _pk, panel = console.open_row_action(
        page, f"/admin/login_accounts/list?q={AT_LIMIT}", "send-phone-code"
    )
    panel.get_by_test_id("confirm").click()

    expect(panel.get_by_test_id("refusal")).to_contain_text("can be sent again from 00:00")
