"""An operator reads a member's history: after changing the member, the History panel of the
member's page opens in place and shows the change, old → new, newest first."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import blocking, violations
from tests.browser.conftest import Console

NEW_ADDRESS = "Via della Storia 7, Bologna"


def test_an_operator_reads_a_members_history(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
    page.goto(f"{console.url}/admin/members/edit?pk={pk}")
    old_address = page.input_value("input[name=address]")
    page.fill("input[name=address]", NEW_ADDRESS)
    with page.expect_navigation(wait_until="load"):
        page.locator(".card-footer button[type=submit]:not([name])").click()
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto(f"{console.url}/admin/members/detail?pk={pk}")
    history = page.get_by_test_id("history")
    expect(history).not_to_have_attribute("open", "")
    expect(history.get_by_test_id("history-event")).to_have_count(0)  # read when opened
    page.evaluate("window.__sameDocument = true")

    history.get_by_test_id("history-toggle").click()

    newest = history.get_by_test_id("history-event").first
    expect(newest.get_by_test_id("history-action")).to_have_text("member.edit")
    expect(newest.get_by_test_id("history-who")).to_have_text("demo-operator")
    change = newest.locator("[data-testid=diff-field][data-field=address]")
    expect(change.get_by_test_id("diff-before")).to_have_text(old_address)
    expect(change.get_by_test_id("diff-after")).to_have_text(NEW_ADDRESS)
    # An operator reads the change, not where it was made from, nor the trail's pages.
    expect(history.get_by_test_id("history-origin")).to_have_count(0)
    expect(history.get_by_test_id("history-event-link")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True  # no page load
    serious = blocking(violations(page))  # the opened panel reads well with a screen reader
    assert not serious, "\n".join(map(str, serious))


def test_a_supervisor_reads_where_each_change_came_from_and_opens_its_event(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-supervisor")
    page.goto(f"{console.url}/admin/members/list")
    pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
    page.goto(f"{console.url}/admin/members/detail?pk={pk}")
    history = page.get_by_test_id("history")

    history.get_by_test_id("history-toggle").click()

    newest = history.get_by_test_id("history-event").first
    expect(newest.get_by_test_id("history-origin")).to_be_visible()
    serious = blocking(violations(page))
    assert not serious, "\n".join(map(str, serious))
    newest.get_by_test_id("history-event-link").click()
    expect(page).to_have_url(re.compile(r"/admin/audit/detail\?pk=\d+$"))
