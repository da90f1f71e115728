"""Section 4 of the supervisor's console: an operator merges two clients and undoes a
merge through the console; a supervisor opens Supervision > Review queue, marks the merge
Fine and sees it reviewed in place; saying the undo was wrong takes a comment. The scenario
records its own clients (a fresh tag in their names), so it also runs against a demo
instance in QA mode."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import blocking, violations
from tests.browser.conftest import Console
from tests.browser.test_client_merge import _record


def _tag() -> str:
    return "Revo" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(5))


def _merge_from_the_list(page: Page, console: Console, source: str, target: str) -> None:
    console.open_row_action(page, f"/admin/clients/list?q={source}", "merge")
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("target").fill(target)
    panel.get_by_test_id("preview").click()
    expect(panel.get_by_test_id("merge-preview")).to_be_visible()
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text(f"{source} is merged into {target}")


def _open_the_review_queue(page: Page) -> None:
    group = page.get_by_test_id("menu-group-supervision")
    entry = group.get_by_role("link", name="Review queue", exact=True)
    if not entry.is_visible():
        group.get_by_test_id("menu-toggle").click()
    entry.click()
    expect(page.get_by_test_id("review-queue")).to_be_visible()


def _assert_accessible(page: Page) -> None:
    page.wait_for_load_state("load")
    serious = blocking(violations(page))
    assert not serious, "\n".join(map(str, serious))


def _item(page: Page, action: str, client_id: str) -> Locator:
    return page.locator(
        f"[data-testid=review-item][data-action='{action}'][data-entity-id='{client_id}']"
    )


def test_a_supervisor_reviews_a_merge(page: Page, console: Console) -> None:
    tag = _tag()
    console.login(page, "demo-operator")
    target = _record(page, console, f"Mairie de {tag}", f"m@{tag.lower()}.example.fr")
    source = _record(page, console, f"Quartier {tag}", f"q@{tag.lower()}.example.fr")
    source_id = parse_qs(urlsplit(page.url).query)["pk"][0]
    _merge_from_the_list(page, console, source, target)
    page.get_by_test_id("outcome").get_by_test_id("undo").click()
    expect(page.get_by_test_id("action-panel").get_by_test_id("outcome")).to_contain_text(
        f"no longer merged into {target}"
    )
    page.context.clear_cookies()

    console.login(page, "demo-supervisor")
    _open_the_review_queue(page)
    merge = _item(page, "client.merge", source_id)
    _assert_accessible(page)
    expect(merge.get_by_test_id("review-operator")).to_have_text("demo-operator")
    expect(merge.locator("[data-testid=diff-field][data-field=target]")).to_contain_text(target)
    merge.get_by_test_id("review-fine").click()
    done = merge.get_by_test_id("review-done")
    expect(done).to_contain_text("Reviewed by demo-supervisor")
    expect(done).to_have_attribute("data-wrong", "false")
    expect(merge.get_by_test_id("review-form")).to_have_count(0)

    undo = _item(page, "client.undo_merge", source_id)
    undo.get_by_test_id("review-wrong").click()
    expect(undo.get_by_test_id("refusal")).to_contain_text("a comment is required")
    undo.get_by_test_id("review-comment-input").fill("Undone without asking the client.")
    undo.get_by_test_id("review-wrong").click()
    expect(undo.get_by_test_id("review-done")).to_have_attribute("data-wrong", "true")
    expect(undo.get_by_test_id("review-comment")).to_have_text("Undone without asking the client.")

    page.reload()  # reviewed: out of the queue of what is left to review
    expect(_item(page, "client.merge", source_id)).to_have_count(0)
    page.get_by_test_id("show-wrong").click()
    expect(
        _item(page, "client.undo_merge", source_id).get_by_test_id("review-done")
    ).to_be_visible()


def test_the_dashboard_draws_its_chart_and_links_to_the_review_queue(
    page: Page, console: Console
) -> None:
    console.login(page, "demo-operator")  # an action today, for the chart
    page.context.clear_cookies()
    console.login(page, "demo-supervisor")
    page.get_by_test_id("menu-group-supervision").get_by_role(
        "link", name="Dashboard", exact=True
    ).click()

    expect(page.get_by_test_id("activity-table")).to_be_visible()
    chart = page.get_by_test_id("activity-chart")
    page.wait_for_function("() => window.Chart && Chart.getChart('activity-chart') !== undefined")
    expect(chart).to_be_visible()
    _assert_accessible(page)
    page.get_by_test_id("figure-unreviewed").click()
    expect(page.get_by_test_id("review-queue")).to_be_visible()
