"""Seed 001, client records: requests recorded at intake, the probable duplicates of a client
found, merged into the target with the preview, the merge undone, merged again, and the
emptied record deleted. The scenario records its own clients (a fresh tag in their names), so
it also runs against a demo instance in QA mode."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

FLASH = "#alertContainer .alert"  # the message a page shows after an action


def _tag() -> str:
    return "Kerlo" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(5))


def _record(page: Page, console: Console, name: str, email: str) -> str:
    """Record a request through the intake form; return the client number it went to."""
    page.goto(f"{console.url}/admin/intake")
    form = page.get_by_test_id("intake-form")
    form.get_by_test_id("legal_name").fill(name)
    form.get_by_test_id("requester_email").fill(email)
    form.get_by_test_id("kind").select_option("event_cover")
    form.get_by_test_id("description").fill(f"Couverture: {name}")
    form.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("client-events")).to_be_visible()
    flash = page.locator(FLASH).first
    number = re.search(r"C\d{6}", flash.inner_text())
    assert number, flash.inner_text()
    return number.group(0)


def _events(page: Page) -> int:
    return page.get_by_test_id("client-event").count()


def test_find_merge_undo_merge_again_and_delete(page: Page, console: Console) -> None:
    tag = _tag()
    console.login(page, "demo-operator")
    target = _record(page, console, f"Mairie de {tag}", f"mairie@{tag.lower()}.example.fr")
    expect(page.locator(FLASH).first).to_contain_text("New client")
    again = _record(page, console, f"MAIRIE DE {tag.upper()} S.A.S.", "accueil@example.fr")
    assert again == target  # same legal name once case and legal form are set aside
    expect(page.locator(FLASH).first).to_contain_text("same legal name")
    source = _record(page, console, f"Mairie de {tag} Ouest", f"ouest@{tag.lower()}.example.fr")
    assert source != target

    # The probable duplicates of the new client, from its page.
    page.get_by_test_id("find-duplicates").click()
    [pair] = page.get_by_test_id("duplicate-pair").all()
    expect(pair).to_contain_text("same group of words")
    assert (pair.get_attribute("data-first"), pair.get_attribute("data-second")) == (
        target,
        source,
    )
    group = page.get_by_test_id("duplicate-group")
    expect(group.locator(f"[data-number={target}] [data-testid=events]")).to_have_text("2")
    expect(group.locator(f"[data-number={source}] [data-testid=events]")).to_have_text("1")

    # Merge with the preview.
    pair.get_by_test_id("merge-pair").click()
    panel = page.get_by_test_id("action-panel")
    expect(panel.get_by_test_id("target")).to_have_value(target)
    panel.get_by_test_id("preview").click()
    expect(panel.get_by_test_id("merge-preview")).to_contain_text(f"{target} Mairie de {tag} stays")
    expect(panel.get_by_test_id("moving")).to_contain_text("1 events move")
    panel.get_by_test_id("confirm").click()
    # The outcome stays in the panel with Undo; the page behind shows the merge done.
    expect(panel.get_by_test_id("outcome")).to_contain_text(f"{source} is merged into {target}")
    expect(panel.get_by_test_id("outcome")).to_contain_text("the merge can be undone")
    expect(page.get_by_test_id("no-duplicates")).to_be_visible()  # a merged client is no duplicate

    # Undo, in place and in one click: the outcome above said what moved.
    panel.get_by_test_id("undo").click()
    expect(panel.get_by_test_id("outcome")).to_contain_text("The merge is undone")
    expect(panel.get_by_test_id("outcome")).to_contain_text(
        f"{source} is no longer merged into {target}"
    )
    expect(page.get_by_test_id("duplicate-pair")).to_have_count(1)  # the pair is back

    # The source's event is back on its page.
    page.goto(f"{console.url}/admin/clients/list?q={source}")  # the search reads starts
    page.locator(f"tr:has-text('{source}') a[href*='/detail']").first.click()
    assert _events(page) == 1

    # Merge again from the same page, choosing the target by its name.
    page.locator("[data-testid^=merge-]").first.click()
    panel.get_by_test_id("target").press_sequentially(f"Mairie de {tag}", delay=20)
    option = panel.locator(f"#merge-targets option[value={target}]")
    expect(option).to_have_count(1)
    panel.get_by_test_id("target").fill(target)
    panel.get_by_test_id("preview").click()
    panel.get_by_test_id("confirm").click()
    expect(panel.get_by_test_id("outcome")).to_contain_text(f"{source} is merged into {target}")
    expect(panel.get_by_test_id("undo")).to_be_visible()
    expect(page.get_by_test_id("no-events")).to_be_visible()
    panel.get_by_test_id("close").click()

    # Delete the emptied record: the typed number is required.
    page.locator("[data-testid^=delete-client-]").click()
    panel.get_by_test_id("confirmation").fill("C")
    panel.get_by_test_id("confirm").click()
    expect(panel.get_by_test_id("refusal")).to_contain_text(source)
    panel.get_by_test_id("confirmation").fill(source)
    panel.get_by_test_id("confirm").click()
    expect(page.locator(FLASH).first).to_contain_text(f"{source} is deleted")
    assert "/admin/clients/list" in page.url

    page.goto(f"{console.url}/admin/clients/list?q={target}")
    page.locator(f"tr:has-text('{target}') a[href*='/detail']").first.click()
    assert _events(page) == 3
    expect(page.get_by_test_id("client-merge")).to_have_count(2)

    if console.mailbox is not None:  # the new clients' numbers reached their requesters
        console.wait_until_sent(page, f"ouest@{tag.lower()}.example.fr")
        bodies = [m.get_payload(decode=True).decode() for m in console.mailbox.messages]
        assert any(source in body for body in bodies)


def _row_action(page: Page, console: Console, number: str, testid: str) -> None:
    console.open_row_action(page, f"/admin/clients/list?q={number}", testid)


def _merge(page: Page, console: Console, source: str, target: str) -> None:
    _row_action(page, console, source, "merge")
    panel = page.get_by_test_id("action-panel")
    panel.get_by_test_id("target").fill(target)
    panel.get_by_test_id("preview").click()
    expect(panel.get_by_test_id("merge-preview")).to_be_visible()
    panel.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text(f"{source} is merged into {target}")


def _undo(page: Page, console: Console, source: str) -> Page:
    _row_action(page, console, source, "undo-merge")
    page.get_by_test_id("action-panel").get_by_test_id("confirm").click()
    return page


def _events_of(page: Page, console: Console, number: str) -> int:
    page.goto(f"{console.url}/admin/clients/list?q={number}")
    page.locator(f"tr:has-text('{number}') a[href*='/detail']").first.click()
    expect(page.get_by_test_id("client-merges")).to_be_visible()  # each took part in one
    return _events(page)


def test_a_chain_of_merges_is_undone_latest_first_and_every_event_goes_home(
    page: Page, console: Console
) -> None:
    tag = _tag()
    console.login(page, "demo-operator")
    first = _record(page, console, f"Quartier {tag}", f"q@{tag.lower()}.example.fr")
    second = _record(page, console, f"Mairie de {tag}", f"m@{tag.lower()}.example.fr")
    third = _record(page, console, f"Ville de {tag} Nord", f"v@{tag.lower()}.example.fr")
    _merge(page, console, first, second)
    _merge(page, console, second, third)

    _undo(page, console, first)
    refusal = page.get_by_test_id("action-panel").get_by_test_id("refusal")
    expect(refusal).to_contain_text(f"{second}, which received the events of {first}")
    expect(refusal).to_contain_text(f"merged into {third} afterwards")
    _undo(page, console, second)
    expect(page.get_by_test_id("outcome")).to_contain_text(f"2 events are back on {second}")
    _undo(page, console, first)
    expect(page.get_by_test_id("outcome")).to_contain_text(f"1 events are back on {first}")

    assert [_events_of(page, console, n) for n in (first, second, third)] == [1, 1, 1]


def test_a_merge_from_the_list_is_undone_from_its_outcome(page: Page, console: Console) -> None:
    tag = _tag()
    console.login(page, "demo-operator")
    target = _record(page, console, f"Mairie de {tag}", f"m@{tag.lower()}.example.fr")
    source = _record(page, console, f"Quartier {tag}", f"q@{tag.lower()}.example.fr")
    _merge(page, console, source, target)

    page.get_by_test_id("outcome").get_by_test_id("undo").click()
    panel = page.get_by_test_id("action-panel")
    undone = panel.get_by_test_id("outcome")
    expect(undone).to_contain_text(f"1 events are back on {source}")
    expect(undone).to_contain_text(f"no longer merged into {target}")

    # The merge's Undo, clicked again, is refused with the reason.
    page.locator("tr.sportello-outcome-row").get_by_test_id("undo").click()
    expect(panel.get_by_test_id("refusal")).to_contain_text(f"{source} is not merged")
