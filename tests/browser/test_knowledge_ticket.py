"""Seed 002, "Richiesta Assistenza su MySupport": the desk searches the knowledge base on a
caller's behalf; "Open a ticket" appears only after a search, and the ticket keeps the search
and the articles it showed."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

FLASH = "#alertContainer .alert"


def test_a_search_then_a_ticket_that_keeps_it(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/kb")
    expect(page.get_by_test_id("open-ticket")).to_have_count(0)  # no search yet

    page.get_by_test_id("kb-language").select_option("it")
    page.get_by_test_id("kb-query").fill("cedolino pdf")
    page.get_by_test_id("kb-search").click()
    first = page.get_by_test_id("kb-hit-title").first
    expect(first).to_contain_text("cedolino")
    title = first.inner_text()

    page.get_by_test_id("open-ticket").click()
    form = page.get_by_test_id("ticket-open-form")
    expect(page.get_by_test_id("after-search")).to_contain_text("cedolino pdf")
    form.get_by_test_id("subject").fill("Il PDF del cedolino è vuoto")
    form.get_by_test_id("requester_name").fill("Anna Verdi")
    form.get_by_test_id("requester_email").fill(f"anna.{secrets.token_hex(3)}@example.it")
    form.get_by_test_id("confirm").click()

    expect(page.locator(FLASH).first).to_contain_text("is open")
    expect(page.get_by_test_id("search-before")).to_contain_text("cedolino pdf")
    expect(page.get_by_test_id("search-before")).to_contain_text(title.strip())
    expect(page.locator("[data-state=search]")).to_be_visible()
