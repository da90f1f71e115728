"""Issue 13, "the operator's own trail": an operator resends a password link, the outcome
names the audit event that records it, and My recent actions shows it with its outcome, so
the desk can answer "did I already send that link?" alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from admin.demo import demo_tax_code
from tests.browser.axe import blocking, violations
from tests.browser.conftest import Console

# Demo member number 2 has an e-mail address (admin/demo/members.py).
WITH_EMAIL_TAX_CODE = demo_tax_code(2)


def test_an_operator_finds_the_link_they_sent_in_their_recent_actions(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    _pk, panel = console.open_row_action(
        page, f"/admin/members/list?q={WITH_EMAIL_TAX_CODE}", "resend-password"
    )
    panel.get_by_test_id("confirm").click()

    named = page.get_by_test_id("outcome").get_by_test_id("outcome-event")
    expect(named).to_contain_text("Recorded as audit event")
    event_id = named.get_attribute("data-event-id") or ""
    assert event_id.isdecimal()
    expect(named).to_contain_text(event_id)
    expect(named.get_by_test_id("outcome-event-link")).to_have_count(0)  # not for operators

    serious = blocking(violations(page))
    assert not serious, "\n".join(map(str, serious))
    named.get_by_test_id("outcome-mine-link").click()

    expect(page).to_have_url(f"{console.url}/admin/mine")
    row = page.locator(f"[data-testid=my-event][data-event-id='{event_id}']")
    expect(row).to_have_attribute("data-action", "member.resend_password")
    expect(row.get_by_test_id("my-event-outcome")).to_have_text("success")
    expect(row.get_by_test_id("my-event-record").locator("a")).to_be_visible()

    page.get_by_test_id("my-action").select_option("member.resend_password")
    expect(page.locator("[data-testid=my-event]")).to_have_count(1)
    expect(page).to_have_url(f"{console.url}/admin/mine?window=today&action=member.resend_password")
    serious = blocking(violations(page))
    assert not serious, "\n".join(map(str, serious))
