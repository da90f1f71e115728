"""Seed 002, the support portal's desk: an unknown company's access-code request becomes a
ticket; an operator assigns, answers and resolves a ticket; a join request is approved through
the administrator's mailed link. Names, VAT and tax codes are fresh, so the scenarios also run
against a demo instance (the mailed link needs the test's own mail server)."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect
from stdnum.it import codicefiscale, iva

from admin.demo import PORTAL_COMPANIES
from tests.browser.conftest import Console

FLASH = "#alertContainer .alert"


def fresh_vat() -> str:
    while True:
        base = f"{secrets.randbelow(10**7):07d}001"
        for digit in "0123456789":
            if iva.is_valid(base + digit):
                return base + digit


def fresh_tax_code() -> str:
    letters = "".join(secrets.choice("BCDFGHLMNPRSTVZ") for _ in range(6))
    first = f"{letters}80A01H{secrets.randbelow(1000):03d}"
    return first + codicefiscale.calc_check_digit(first)


def test_an_unknown_companys_access_code_request_becomes_a_ticket(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/portal")
    form = page.get_by_test_id("portal-access-code")
    form.get_by_test_id("vat_number").fill(fresh_vat())
    form.get_by_test_id("company_name").fill("Nuova Ditta S.r.l.")
    form.get_by_test_id("requester_name").fill("Paolo Russo")
    form.get_by_test_id("requester_email").fill("paolo.russo@example.it")
    form.get_by_test_id("consent").check()
    form.get_by_test_id("confirm").click()

    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text("Company not present. Ticket T")
    page.get_by_test_id("answered-ticket").click()
    expect(page.locator("[data-state=company_not_present]")).to_be_visible()
    expect(page.locator("[data-state=new]").first).to_be_visible()


def _open_ticket(page: Page, console: Console, subject: str, email: str) -> str:
    page.goto(f"{console.url}/admin/tickets/open")
    form = page.get_by_test_id("ticket-open-form")
    form.get_by_test_id("subject").fill(subject)
    form.get_by_test_id("requester_name").fill("Anna Verdi")
    form.get_by_test_id("requester_email").fill(email)
    form.get_by_test_id("priority").select_option("high")
    form.get_by_test_id("confirm").click()
    flash = page.locator(FLASH).first
    expect(flash).to_contain_text("is open")
    number = re.search(r"T\d{6}", flash.inner_text())
    assert number
    return number.group(0)


def test_an_operator_assigns_replies_and_resolves_a_ticket(page: Page, console: Console) -> None:
    email = f"anna.{secrets.token_hex(3)}@example.it"
    console.login(page, "demo-operator")
    number = _open_ticket(page, console, "Il cedolino non si stampa", email)

    page.goto(f"{console.url}/admin/tickets_unassigned/list?q={number}")
    row = page.locator("tr[data-sa-pk]").first
    expect(row).to_contain_text(number)
    page.evaluate("window.__sameDocument = true")
    row.locator("[data-testid^=assign-]").click()
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("confirm").click()  # "me" is chosen already
    expect(page.get_by_test_id("outcome")).to_contain_text(f"{number} is assigned")
    expect(row.locator("td[data-column=state] [data-state]")).to_have_attribute(
        "data-state", "open"
    )

    row.locator("[data-testid^=reply-]").click()
    panel.get_by_test_id("body").fill("Aggiorni alla versione 3.2 e riprovi.")
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome").first).to_contain_text("comment is added")

    row.locator("[data-testid^=change-state-]").click()
    panel.get_by_test_id("state-choice").select_option("resolved")
    panel.get_by_test_id("confirm").click()
    expect(row.locator("td[data-column=state] [data-state]")).to_have_attribute(
        "data-state", "resolved"
    )
    assert page.evaluate("window.__sameDocument") is True  # no reload along the way

    console.wait_until_sent(page, email)
    if console.mailbox is not None:
        bodies = [
            m.get_payload(decode=True).decode()
            for m in console.mailbox.wait_for(2)
            if m["To"] == email
        ]
        assert any("Aggiorni alla versione 3.2" in body for body in bodies)


def test_a_join_request_is_approved_through_the_mailed_link(page: Page, console: Console) -> None:
    if console.mailbox is None:
        pytest.skip("the administrator's mail reaches only the test's own mail server")
    name, vat = PORTAL_COMPANIES[0][0], PORTAL_COMPANIES[0][1]
    requester = f"marco.{secrets.token_hex(3)}@example.it"
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/portal")
    form = page.get_by_test_id("portal-join")
    form.get_by_test_id("vat_number").fill(vat)
    form.get_by_test_id("requester_name").fill("Marco Gialli")
    form.get_by_test_id("requester_email").fill(requester)
    form.get_by_test_id("tax_code").fill(fresh_tax_code())
    form.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("answer")).to_contain_text(f"administrator of {name}")

    console.wait_until_sent(page, "giulia.bianchi@gestionali.example.it")
    mails = [m for m in console.mailbox.wait_for(1) if "Marco Gialli" in str(m["Subject"])]
    link = re.search(r"\S+/access/join/\S+", mails[-1].get_payload(decode=True).decode())
    assert link
    administrator = page.context.browser.new_page() if page.context.browser else page
    administrator.goto(link.group(0))  # the first link approves
    administrator.get_by_test_id("decide").click()
    expect(administrator.get_by_test_id("outcome")).to_contain_text("Marco Gialli joins")

    page.goto(f"{console.url}/admin/access_requests/list?q={requester}")
    expect(
        page.locator("tr[data-sa-pk] td[data-column=state] [data-state]").first
    ).to_have_attribute("data-state", "approved")
    console.wait_until_sent(page, requester)
