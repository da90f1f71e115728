"""The one-box lookup: the operator types what the caller reads out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console

# Demo member number 4 has the mobile +393331000004 (admin/demo/members.py).
MOBILE_WITH_SPACES, MEMBER_NUMBER = "333 100 0004", 4


def test_a_mobile_typed_with_spaces_finds_the_member(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    box = page.get_by_test_id("lookup")

    box.fill(MOBILE_WITH_SPACES)

    hit = page.get_by_test_id("lookup-hit").first
    expect(hit).to_have_attribute("data-kind", "member")
    expect(hit).to_contain_text("mobile")


def test_a_lower_case_tax_code_and_enter_open_the_member(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    code = demo_tax_code(MEMBER_NUMBER)

    page.get_by_test_id("lookup").fill(code.lower())
    expect(page.get_by_test_id("lookup-hit").first).to_contain_text("tax code")
    page.get_by_test_id("lookup").press("Enter")

    expect(page).to_have_url(f"{console.url}/admin/members/detail?pk={MEMBER_NUMBER + 1}")
    expect(page.get_by_text(code).first).to_be_visible()


def test_a_siret_read_with_spaces_and_enter_open_the_client(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")

    page.get_by_test_id("lookup").fill("214 301 376 00015")  # the demo's Mairie de Toulon
    hit = page.get_by_test_id("lookup-hit").first
    expect(hit).to_have_attribute("data-kind", "client")
    expect(hit).to_contain_text("SIRET/VAT")
    page.get_by_test_id("lookup").press("Enter")

    expect(page).to_have_url(re.compile(r"/admin/clients/detail\?pk=\d+$"))
    expect(page.get_by_test_id("client-events")).to_be_visible()
