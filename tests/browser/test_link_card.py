"""Seed 004, "no login account linked": link by card number after checking the e-mail with
the customer, in two steps (find, then confirm); the bare card also when the caller reads
out the library's ISIL code with it; the ISIL code + card number when the card number alone
finds nothing; "generate" (never "forget") when nothing is found."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console

# Demo members of the library without a login account; unlinked demo accounts 20010045
# (found by the card number, here read out with the ISIL code) and NL-1234AB-20010046
# (found by ISIL + card number).
BY_CARD, BY_ISIL, NOT_FOUND = (
    (demo_tax_code(14), "NL-1234AB 20010045"),
    (demo_tax_code(11), "20010046"),
    (demo_tax_code(17), "99999999"),
)


def _find(page: Page, console: Console, tax_code: str, card: str) -> Locator:
    _pk, panel = console.open_row_action(page, f"/admin/members/list?q={tax_code}", "link-card")
    panel.get_by_test_id("card-number").fill(card)
    panel.get_by_test_id("find").click()
    return panel


def test_link_by_card_number_after_the_email_check(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    panel = _find(page, console, *BY_CARD)

    expect(panel.get_by_test_id("found-account")).to_contain_text("20010045")
    expect(panel.get_by_test_id("found-email")).to_contain_text("@")
    panel.get_by_test_id("confirm").click()

    expect(page.get_by_test_id("outcome")).to_contain_text("is linked")
    page.goto(f"{console.url}/admin/login_accounts/list?q=20010045")
    row = page.locator("tr:has-text('20010045')").first
    expect(row.locator("[data-testid^=forget-]")).to_be_visible()  # offered to linked accounts


def test_link_falls_back_to_the_isil_code(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    panel = _find(page, console, *BY_ISIL)

    expect(panel.get_by_test_id("found-account")).to_contain_text("NL-1234AB-20010046")
    panel.get_by_test_id("confirm").click()

    expect(page.get_by_test_id("outcome")).to_contain_text("is linked")


def test_nothing_found_steers_to_generate(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    panel = _find(page, console, *NOT_FOUND)

    expect(panel.get_by_test_id("refusal")).to_contain_text("generate")
    expect(panel.get_by_test_id("offer-generate")).to_be_visible()
    expect(panel).not_to_contain_text("Forget")
