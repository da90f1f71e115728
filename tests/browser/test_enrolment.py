"""Seed 001, trainings: enrolling a trainee again in a training of the same type cancels the
earlier enrolment; once one is validated, a new one of that type is refused with the reason.
The trainee's address is fresh, so the scenario also runs against a demo instance."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console


def _enrol(page: Page, console: Console, row: int, name: str, email: str) -> None:
    page.goto(f"{console.url}/admin/trainings/list?q=First aid")
    page.locator("tr[data-sa-pk]:has-text('First aid') [data-testid^=enrol-]").nth(row).click()
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("trainee-name").fill(name)
    panel.get_by_test_id("trainee-email").fill(email)
    panel.get_by_test_id("confirm").click()


def _states(page: Page, console: Console, email: str) -> list[str]:
    page.goto(f"{console.url}/admin/enrollments/list?q={email}")
    expect(page.locator("tr[data-sa-pk]").first).to_be_visible()
    return [
        s.get_attribute("data-state") or ""
        for s in page.locator("tr[data-sa-pk] td[data-column=state] [data-state]").all()
    ]


def test_enrol_a_trainee_twice_in_the_same_type(page: Page, console: Console) -> None:
    email = f"trainee.{secrets.token_hex(3)}@example.fr"
    console.login(page, "demo-operator")

    _enrol(page, console, 0, "Claire Dubois", email)
    expect(page.get_by_test_id("outcome")).to_contain_text("Claire Dubois is enrolled")
    expect(page.get_by_test_id("outcome-fact")).to_have_count(0)  # nothing else changed
    _enrol(page, console, 1, "Claire Dubois", email)
    outcome = page.get_by_test_id("outcome").last
    expect(outcome).to_contain_text("Claire Dubois is enrolled")
    # The earlier enrolment it cancelled is named, with its training.
    expect(outcome.get_by_test_id("outcome-fact")).to_contain_text(
        re.compile(r"earlier pending enrolment of Claire Dubois in First aid \S+ \(enrolment \d+\)")
    )
    expect(outcome.get_by_test_id("outcome-fact")).to_contain_text("is cancelled")

    assert _states(page, console, email) == ["pending", "cancelled"]  # newest first

    page.locator("[data-testid^=validate-enrollment-]").first.click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("validated")

    _enrol(page, console, 0, "Claire Dubois", email)
    panel = page.get_by_test_id("action-panel")
    expect(panel.get_by_test_id("refusal")).to_contain_text("already validated")
    expect(panel.get_by_test_id("trainee-email")).to_have_value(email)
    assert _states(page, console, email) == ["validated", "cancelled"]


def test_a_lost_confirmation_is_resent_to_the_corrected_address(
    page: Page, console: Console
) -> None:
    tag = secrets.token_hex(3)
    typo, corrected = f"marc.{tag}@exmaple.fr", f"marc.{tag}@example.fr"
    console.login(page, "demo-operator")
    _enrol(page, console, 0, "Marc Leroy", typo)
    expect(page.get_by_test_id("outcome")).to_contain_text("Marc Leroy is enrolled")
    console.wait_until_sent(page, typo)  # sent, to an address that does not exist

    page.locator("[data-testid^=resend-]").first.click()
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("recipient").fill(corrected)
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()

    console.wait_until_sent(page, corrected)
    if console.mailbox is not None:
        [mail] = [m for m in console.mailbox.wait_for(1) if m["To"] == corrected]
        assert "Marc Leroy" in mail.get_payload(decode=True).decode()
