"""A supervisor finds what an operator did in the last hour in 2 clicks from the trail, and
opens one of those events."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console
from tests.browser.hops import Hops


def test_a_supervisor_finds_an_operators_last_hour_in_two_clicks(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")
    pk, panel = console.open_row_action(page, "/admin/validation/list", "validate")
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()
    page.context.clear_cookies()
    console.login(page, "demo-supervisor")
    page.locator("#sidebar-menu a[href$='/admin/audit/list']").first.click()
    expect(page.get_by_test_id("trail-heading")).to_be_visible()

    hops = Hops(page)
    operator = page.get_by_test_id("narrow-operator").filter(has_text="demo-operator").first
    hops.click(operator)
    expect(page.get_by_test_id("chip").and_(page.locator("[data-filter=operator]"))).to_be_visible()
    hops.click(page.get_by_test_id("window-hour"))
    expect(page.get_by_test_id("window-hour")).to_have_attribute("aria-current", "true")

    hops.assert_within(clicks=2, loads=0)  # htmx replaced the trail; the address followed
    assert parse_qs(urlsplit(page.url).query) == {
        "operator": ["demo-operator"],
        "window": ["hour"],
    }
    rows = page.get_by_test_id("trail-row")
    expect(rows.first).to_be_visible()
    for cell in rows.locator("td[data-column=operator_username]").all():
        expect(cell).to_have_text("demo-operator")
    validated = rows.filter(has_text="member.validate").first
    expect(validated.locator("td[data-column=record]")).to_contain_text(f"member {pk}")

    seq = validated.get_attribute("data-seq")
    event_id = validated.get_attribute("data-sa-pk")
    validated.get_by_test_id("event-link").click()

    expect(page).to_have_url(re.compile(rf"/admin/audit/detail\?pk={event_id}$"))
    expect(page.get_by_test_id("record-heading")).to_be_visible()
    expect(page.get_by_test_id("chain-seq")).to_have_text(str(seq))
    expect(page.get_by_test_id("diff")).to_be_visible()


def test_filters_apply_at_once_and_a_chip_takes_one_off(page: Page, console: Console) -> None:
    console.login(page, "demo-supervisor")
    page.goto(f"{console.url}/admin/audit/list")

    page.get_by_test_id("filter-outcome").select_option("success")
    expect(page).to_have_url(re.compile(r"outcome=success"))
    page.get_by_test_id("window-7d").click()
    expect(page).to_have_url(re.compile(r"window=7d"))
    expect(page.get_by_test_id("chip")).to_have_count(2)

    page.locator("[data-testid=chip][data-filter=outcome]").click()

    expect(page.get_by_test_id("chip")).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query) == {"window": ["7d"]}
    expect(page.get_by_test_id("filter-outcome")).to_have_value("")
