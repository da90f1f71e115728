"""The side menu's groups open and close with the mouse and with the keyboard; the group
holding the page being shown is open when the page loads."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Console


def group(page: Page, name: str) -> Locator:
    return page.get_by_test_id(f"menu-group-{name}")


def toggle(page: Page, name: str) -> Locator:
    return group(page, name).get_by_test_id("menu-toggle")


def entry(page: Page, name: str, label: str) -> Locator:
    return group(page, name).get_by_role("link", name=label, exact=True)


def expect_open(page: Page, name: str, shown: bool) -> None:
    """The group's button says whether it is open, and the group has finished opening or
    closing (a click while it moves is ignored)."""
    expect(toggle(page, name)).to_have_attribute("aria-expanded", "true" if shown else "false")
    entries = group(page, name).get_by_test_id("menu-entries")
    expect(entries).to_have_class("collapse show" if shown else "collapse")


def test_the_group_holding_the_page_is_open_on_load(page: Page, console: Console) -> None:
    console.login(page, "demo-supervisor")

    page.goto(f"{console.url}/admin/audit/list")

    expect_open(page, "supervision", True)
    expect(entry(page, "supervision", "Audit")).to_be_visible()
    expect(entry(page, "supervision", "Audit")).to_have_attribute("aria-current", "page")
    expect_open(page, "members", False)
    expect(entry(page, "members", "Members")).to_be_hidden()


def test_a_group_opens_and_closes_with_the_mouse(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    expect(entry(page, "clients", "Duplicate clients")).to_be_hidden()

    toggle(page, "clients").click()

    expect_open(page, "clients", True)
    expect(entry(page, "clients", "Duplicate clients")).to_be_visible()

    toggle(page, "clients").click()

    expect_open(page, "clients", False)
    expect(entry(page, "clients", "Duplicate clients")).to_be_hidden()

    toggle(page, "clients").click()
    entry(page, "clients", "Duplicate clients").click()

    expect(page).to_have_url(f"{console.url}/admin/duplicates")
    expect_open(page, "clients", True)
    expect_open(page, "members", False)


def test_a_group_opens_and_closes_with_the_keyboard(page: Page, console: Console) -> None:
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    members, appointments = toggle(page, "members"), toggle(page, "appointments")

    members.focus()
    page.keyboard.press("Enter")

    expect_open(page, "members", False)
    expect(entry(page, "members", "Members")).to_be_hidden()

    appointments.focus()
    page.keyboard.press("Space")

    expect_open(page, "appointments", True)
    expect(entry(page, "appointments", "Appointment reports")).to_be_visible()

    page.keyboard.press("Tab")  # into the group just opened: its first entry
    expect(entry(page, "appointments", "Campaigns")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")

    expect_open(page, "appointments", False)
    expect(entry(page, "appointments", "Campaigns")).to_be_hidden()
