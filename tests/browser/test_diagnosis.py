"""The member page says what is wrong and fixes it with one click (seed 001: pending; seed
004: forget, then generate)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console

# Demo login account 20010047 belongs to demo member 2; its activation expired 3 days ago.
EXPIRED_USERNAME, EXPIRED_MEMBER_TAX_CODE = "20010047", demo_tax_code(2)


def test_the_pending_member_is_validated_from_the_diagnosis(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    pk, _panel = console.open_row_action(page, "/admin/validation/list", "validate")
    page.goto(f"{console.url}/admin/members/detail?pk={pk}")
    expect(page.get_by_test_id("diagnosis")).to_contain_text("Pending validation")

    page.get_by_test_id("fix-validate").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()

    expect(page.get_by_test_id("diagnosis")).not_to_contain_text("Pending validation")


def test_after_forget_the_diagnosis_offers_generate_not_link_card(
    page: Page, console: Console
) -> None:
    """Seed 004, "not activated within 24 hours": forget, then generate, from the member's
    page, each step offered by the diagnosis."""
    console.login(page, "demo-operator")
    page.get_by_test_id("lookup").fill(EXPIRED_MEMBER_TAX_CODE)
    expect(page.get_by_test_id("lookup-hit").first).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("lookup").press("Enter")
    diagnosis = page.get_by_test_id("diagnosis")
    expect(diagnosis).to_contain_text(f"Activation of {EXPIRED_USERNAME} expired")

    page.get_by_test_id("fix-forget").click()
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("confirm").click()

    # The outcome names the next step and offers it; the page behind shows it too.
    expect(panel.get_by_test_id("outcome")).to_contain_text("Generate login account")
    expect(panel.get_by_test_id("next-generate_account")).to_be_visible()
    expect(diagnosis).to_contain_text(f"The login account {EXPIRED_USERNAME} was forgotten on")
    expect(page.get_by_test_id("fix-link_card")).to_have_count(0)
    page.get_by_test_id("fix-generate_account").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()

    expect(diagnosis).to_contain_text("is waiting for its activation")
    expect(page.get_by_test_id("fix-generate_account")).to_have_count(0)
