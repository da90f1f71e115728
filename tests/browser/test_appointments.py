"""Seed 003, appointment campaigns: booking at the 36-hour boundary, a cancellation refused
with its reason, the campaign's boxes following a confirmation without a page reload, and the
report per zone agreeing with them. The prospect's name is fresh, so the scenarios also run
against a demo instance."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

CAMPAIGN, ZONE = "Infissi autunno", "Europe/Rome"  # admin/demo/appointments.py


def _campaign_page(page: Page, console: Console) -> str:
    page.goto(f"{console.url}/admin/campaigns/list?q={CAMPAIGN}")
    pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
    page.goto(f"{console.url}/admin/campaigns/detail?pk={pk}")
    expect(page.get_by_test_id("campaign-boxes")).to_be_visible()
    return str(pk)


def _box(page: Page, name: str) -> int:
    return int(page.get_by_test_id(f"box-{name}").inner_text())


def _wall(delta: dt.timedelta) -> str:
    """Now plus `delta` on the campaign's clock, as a datetime-local box takes it."""
    now = dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).replace(tzinfo=None)
    return (now + delta).strftime("%Y-%m-%dT%H:%M")


def _book(page: Page, prospect: str, start: str) -> None:
    page.get_by_test_id("campaign-boxes").wait_for()
    page.locator("[data-testid^=book-]").first.click()
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("prospect").fill(prospect)
    panel.get_by_test_id("address").fill("Via Roma 1, Macerata")
    panel.get_by_test_id("starts-at").fill(start)
    panel.get_by_test_id("confirm").click()


def test_a_supervisor_renews_then_books_at_the_boundary_and_a_late_cancellation_is_refused(
    page: Page, console: Console
) -> None:
    """Renewing by the two places these scenarios book keeps the demo campaign open when they
    run again and again against one instance."""
    prospect = f"Ferramenta {secrets.token_hex(3)}"
    console.login(page, "demo-supervisor")
    _campaign_page(page, console)
    purchased, remaining = _box(page, "purchased"), _box(page, "remaining")
    page.locator("[data-testid^=renew-]").first.click()
    page.get_by_test_id("action-panel").get_by_test_id("added").fill("2")
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()
    expect(page.get_by_test_id("box-purchased")).to_have_text(str(purchased + 2))
    expect(page.get_by_test_id("box-remaining")).to_have_text(str(remaining + 2))
    taken = _box(page, "taken")

    # 35 hours 58 minutes ahead: booking closed two minutes ago.
    _book(page, prospect, _wall(dt.timedelta(hours=35, minutes=58)))
    panel = page.get_by_test_id("action-panel")
    expect(panel.get_by_test_id("refusal")).to_contain_text("within 36 hours")
    expect(panel.get_by_test_id("prospect")).to_have_value(prospect)

    # 36 hours and 3 minutes ahead: still open for three minutes.
    panel.get_by_test_id("starts-at").fill(_wall(dt.timedelta(hours=36, minutes=3)))
    panel.get_by_test_id("confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("booked")
    expect(page.get_by_test_id("box-taken")).to_have_text(str(taken + 1))

    # It starts in less than 2 days: too late to cancel.
    row = page.get_by_test_id("campaign-appointments").locator(
        f"tr[data-sa-pk]:has-text('{prospect}')"
    )
    row.locator("[data-testid^=cancel-appointment-]").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()
    refusal = page.get_by_test_id("action-panel").get_by_test_id("refusal")
    expect(refusal).to_contain_text("at least 2 days before")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "to_confirm")
    expect(page.get_by_test_id("box-cancelled")).to_be_visible()


def test_the_boxes_follow_a_confirmation_without_a_page_reload(
    page: Page, console: Console
) -> None:
    prospect = f"Bar {secrets.token_hex(3)}"
    console.login(page, "demo-operator")
    _campaign_page(page, console)
    _book(page, prospect, _wall(dt.timedelta(days=10)))
    expect(page.locator(".alert-success")).to_contain_text("booked")
    taken, to_confirm = _box(page, "taken"), _box(page, "to-confirm")
    page.evaluate("window.sportelloSamePage = true")

    row = page.get_by_test_id("campaign-appointments").locator(
        f"tr[data-sa-pk]:has-text('{prospect}')"
    )
    row.locator("[data-testid^=confirm-appointment-]").click()
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()

    expect(page.get_by_test_id("outcome")).to_contain_text("is confirmed")
    expect(page.get_by_test_id("box-to-confirm")).to_have_text(str(to_confirm - 1))
    expect(page.get_by_test_id("box-taken")).to_have_text(str(taken))
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "confirmed")
    assert page.evaluate("window.sportelloSamePage") is True  # the page was not reloaded


def test_the_report_per_zone_adds_up_to_the_campaign_boxes(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    pk = _campaign_page(page, console)
    boxes = {name: _box(page, name) for name in ("taken", "to-confirm", "cancelled")}

    page.goto(f"{console.url}/admin/appointments/report")
    page.get_by_test_id("report-by").select_option("zone")
    page.get_by_test_id("report-campaign").select_option(pk)
    page.get_by_test_id("report-show").click()

    rows = page.get_by_test_id("report-row")
    expect(rows.first).to_be_visible()
    assert {r.get_attribute("data-label") for r in rows.all()} >= {"Macerata", "Ancona", "Pesaro"}

    def column(name: str) -> list[int]:
        return [int(c.inner_text()) for c in page.locator(f"td[data-column={name}]").all()]

    assert sum(column("taken")) == boxes["taken"]
    assert sum(column("to_confirm")) == boxes["to-confirm"]
    assert sum(column("cancelled")) == boxes["cancelled"]
    drawn = page.evaluate(
        "() => Chart.getChart('report-chart').data.datasets.find(d => d.key === 'taken').data"
    )
    assert drawn == column("taken")
    csv_link = page.get_by_test_id("report-csv").get_attribute("href") or ""
    assert "by=zone" in csv_link and f"campaign={pk}" in csv_link
