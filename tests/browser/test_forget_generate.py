"""Seed 004, forget then generate from the login accounts list: the outcome of Forget names
the next step and runs it in one click; its outcome takes the action panel."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

# Demo login account 20010049 belongs to demo member 8 (admin/demo/members.py).
LINKED = "20010049"


def test_the_outcome_of_forget_generates_the_new_account_in_one_click(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    _pk, panel = console.open_row_action(page, f"/admin/login_accounts/list?q={LINKED}", "forget")
    panel.get_by_test_id("confirm").click()

    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text(f"{LINKED} is no longer linked")
    expect(outcome.get_by_test_id("outcome-fact").first).to_contain_text(
        "the next step is Generate login account"
    )
    outcome.get_by_test_id("next-generate_account").click()

    created = panel.get_by_test_id("outcome")
    expect(created).to_contain_text(f"The login account {LINKED}.2 is created")
    expect(created).to_contain_text("valid 24 hours")
