"""Every seed procedure, counted: from the lookup box (or the procedure's own page for the
knowledge base, appointments and trainings), at most 3 clicks and 1 full page load, the one
that opens the record.

The operator types what the caller reads out into the lookup box and presses Enter, which
opens the best match (that is the one page load); everything after it happens in that page.
Keys and typed fields are counted too, and printed (`pytest -s`), but the target is on clicks
and loads. The scenarios change the demo records they use (a pending member validated, an
account forgotten): against a running instance (`--base-url`) they run once per fresh demo.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import zoneinfo

from playwright.sync_api import Locator, Page, expect

from admin.demo import demo_tax_code
from tests.browser.conftest import Console
from tests.browser.hops import Hops

# Demo members and records (admin/demo/): member 0 is pending with a login account of its
# own (+393331000000), member 1 pending with no e-mail, member 2 owns 20010047 whose
# activation expired, member 14 has no login account and 20010045 is an unlinked one;
# C000006 "Comune di Rona" is a probable duplicate of C000005 "Comune di Roma".
PENDING, NO_EMAIL, EXPIRED, NO_ACCOUNT = (demo_tax_code(n) for n in (0, 1, 2, 14))
MOBILE_OF_PENDING = "333 100 0000"
DUPLICATE, TARGET = "C000006", "C000005"
CAMPAIGN, ZONE = "Infissi autunno", "Europe/Rome"  # admin/demo/appointments.py

OUTCOME = "[data-testid=outcome], #alertContainer .alert"  # in place, or flashed on a page


def _start(page: Page, console: Console, path: str = "/admin/") -> Hops:
    """Signed in, on `path`: the counting starts here."""
    console.login(page, "demo-operator")
    page.set_default_timeout(10_000)  # a step that is not offered fails soon
    if path != "/admin/":
        page.goto(f"{console.url}{path}")
    return Hops(page)


def _open(page: Page, hops: Hops, query: str) -> None:
    """Type into the lookup box and press Enter: the best match opens."""
    box = page.get_by_test_id("lookup")
    hops.fill(box, query)
    expect(page.get_by_test_id("lookup-hit").first).to_be_visible()
    with page.expect_navigation(wait_until="load"):
        hops.press(box, "Enter")
    expect(page).to_have_url(re.compile(r"/detail\?pk=\d+$"))


def _panel(page: Page) -> Locator:
    return page.get_by_test_id("action-panel")


def _outcome(page: Page) -> Locator:
    return page.locator(OUTCOME).first


def _report(name: str, hops: Hops) -> None:
    print(f"\n{name}: {hops}")  # the figures README lists


def test_validate_an_account(page: Page, console: Console) -> None:
    hops = _start(page, console)
    _open(page, hops, PENDING)
    expect(page.get_by_test_id("diagnosis")).to_contain_text("Pending validation")

    hops.click(page.get_by_test_id("fix-validate"))
    hops.click(_panel(page).get_by_test_id("confirm"))

    expect(_outcome(page)).to_contain_text("validated")
    expect(page.locator("[data-testid=finding]:has-text('Pending validation')")).to_have_count(0)
    _report("validate", hops)
    hops.assert_within()


def test_resend_password_after_filling_in_the_email(page: Page, console: Console) -> None:
    address = f"caller.{secrets.token_hex(3)}@example.org"
    hops = _start(page, console)
    _open(page, hops, NO_EMAIL)

    hops.click(page.get_by_test_id("fix-resend_password"))
    hops.fill(_panel(page).get_by_test_id("email"), address)
    hops.click(_panel(page).get_by_test_id("confirm"))

    expect(_outcome(page)).to_contain_text(address)
    _report("resend password", hops)
    hops.assert_within()


def test_link_a_library_card(page: Page, console: Console) -> None:
    hops = _start(page, console)
    _open(page, hops, NO_ACCOUNT)

    hops.click(page.get_by_test_id("fix-link_card"))
    hops.fill(_panel(page).get_by_test_id("card-number"), "20010045")
    hops.click(_panel(page).get_by_test_id("find"))
    expect(_panel(page).get_by_test_id("found-email")).to_contain_text("@")
    hops.click(_panel(page).get_by_test_id("confirm"))

    expect(_outcome(page)).to_contain_text("is linked")
    _report("link card", hops)
    hops.assert_within()


def test_forget_and_generate_a_login_account(page: Page, console: Console) -> None:
    hops = _start(page, console)
    _open(page, hops, EXPIRED)
    expect(page.get_by_test_id("diagnosis")).to_contain_text("expired")

    hops.click(page.get_by_test_id("fix-forget"))
    hops.click(_panel(page).get_by_test_id("confirm"))
    expect(_outcome(page)).to_contain_text("no longer linked")
    hops.click(_panel(page).get_by_test_id("next-generate_account"))  # offered by Forget

    expect(_outcome(page)).to_contain_text("valid 24 hours")
    _report("forget + generate", hops)
    hops.assert_within()


def test_merge_a_duplicate_client_and_undo(page: Page, console: Console) -> None:
    hops = _start(page, console)
    _open(page, hops, DUPLICATE)
    panel = _panel(page)

    hops.click(page.locator("[data-testid^=merge-]").first)
    hops.fill(panel.get_by_test_id("target"), TARGET)
    panel.get_by_test_id("target").press("Enter")  # the preview, as from the lookup box
    hops.click(panel.get_by_test_id("confirm"))
    expect(panel.get_by_test_id("outcome")).to_contain_text(f"{DUPLICATE} is merged into {TARGET}")
    hops.click(panel.get_by_test_id("undo"))  # one click: the outcome said what moved

    expect(_outcome(page)).to_contain_text(f"{DUPLICATE} is no longer merged into {TARGET}")
    _report("merge + undo", hops)
    hops.assert_within()


def test_send_a_phone_code_from_a_lookup_by_mobile(page: Page, console: Console) -> None:
    """The member found by the mobile offers its login account's phone code in the lookup's
    results: no second lookup, no page load."""
    hops = _start(page, console)
    hops.fill(page.get_by_test_id("lookup"), MOBILE_OF_PENDING)
    account = page.get_by_test_id("lookup-account")

    hops.click(account.get_by_test_id("lookup-send-phone-code"))
    hops.click(_panel(page).get_by_test_id("confirm"))

    outcome = page.get_by_test_id("lookup-results").get_by_test_id("outcome")
    expect(outcome).to_contain_text("+393331000000")
    _report("phone code", hops)
    hops.assert_within()


def test_search_the_knowledge_base_then_open_a_ticket(page: Page, console: Console) -> None:
    hops = _start(page, console, "/admin/kb")

    hops.choose(page.get_by_test_id("kb-language"), "it")
    hops.fill(page.get_by_test_id("kb-query"), "cedolino pdf")
    hops.click(page.get_by_test_id("kb-search"))
    expect(page.get_by_test_id("kb-hit-title").first).to_contain_text("cedolino")
    hops.click(page.get_by_test_id("open-ticket"))
    form = page.get_by_test_id("ticket-open-form")
    expect(form.get_by_test_id("after-search")).to_contain_text("cedolino pdf")
    expect(form.get_by_test_id("requester_name")).to_be_focused()  # subject: the search's words
    hops.fill(form.get_by_test_id("requester_name"), "Anna Verdi")
    hops.fill(form.get_by_test_id("requester_email"), f"anna.{secrets.token_hex(3)}@example.it")
    if not form.get_by_test_id("subject").input_value():  # prefilled from the search
        hops.fill(form.get_by_test_id("subject"), "Il PDF del cedolino è vuoto")
    hops.click(form.get_by_test_id("confirm"))

    expect(_outcome(page)).to_contain_text("is open")
    _report("knowledge search + ticket", hops)
    hops.assert_within()


def _wall(delta: dt.timedelta) -> str:
    now = dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).replace(tzinfo=None)
    return (now + delta).strftime("%Y-%m-%dT%H:%M")


def test_book_cancel_and_see_the_report_of_a_campaign(page: Page, console: Console) -> None:
    """From the campaign's page: book an appointment, cancel it (more than 2 days ahead) and
    read the campaign's report per agent, which follows both."""
    prospect = f"Ferramenta {secrets.token_hex(3)}"
    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/campaigns/list?q={CAMPAIGN}")
    pk = page.locator("tr[data-sa-pk]").first.get_attribute("data-sa-pk")
    page.goto(f"{console.url}/admin/campaigns/detail?pk={pk}")
    hops = Hops(page)
    booking = page.get_by_test_id("campaign-book")

    hops.fill(booking.get_by_test_id("prospect"), prospect)
    hops.fill(booking.get_by_test_id("address"), "Via Roma 1, Macerata")
    hops.fill(booking.get_by_test_id("starts-at"), _wall(dt.timedelta(days=10)))
    hops.click(booking.get_by_test_id("confirm"))
    expect(_outcome(page)).to_contain_text("booked")
    row = page.get_by_test_id("campaign-appointments").locator(
        f"tr[data-sa-pk]:has-text('{prospect}')"
    )
    hops.click(row.locator("[data-testid^=cancel-appointment-]"))
    hops.click(_panel(page).get_by_test_id("confirm"))

    expect(row.locator("[data-state]")).to_have_attribute("data-state", "cancelled")
    report = page.get_by_test_id("campaign-report-table")
    expect(report).to_be_visible()
    cancelled = [int(c.inner_text()) for c in report.locator("td[data-column=cancelled]").all()]
    assert sum(cancelled) == int(page.get_by_test_id("box-cancelled").inner_text())
    _report("book + cancel + report", hops)
    hops.assert_within()


def test_enrol_a_trainee(page: Page, console: Console) -> None:
    hops = _start(page, console, "/admin/trainings/list?q=First aid")

    hops.click(page.locator("tr[data-sa-pk]:has-text('First aid') [data-testid^=enrol-]").first)
    hops.fill(_panel(page).get_by_test_id("trainee-name"), "Claire Dubois")
    hops.fill(
        _panel(page).get_by_test_id("trainee-email"), f"claire.{secrets.token_hex(3)}@example.fr"
    )
    hops.click(_panel(page).get_by_test_id("confirm"))

    expect(_outcome(page)).to_contain_text("Claire Dubois is enrolled")
    _report("enrol", hops)
    hops.assert_within()


def test_the_count_leaves_out_htmx_answers_and_moves_in_the_history(
    page: Page, console: Console
) -> None:
    """The harness itself: what htmx swaps in, or an address pushed into the history, is no
    page load; a reload and a link followed are."""
    hops = _start(page, console, "/admin/kb")

    hops.fill(page.get_by_test_id("kb-query"), "cedolino")
    hops.click(page.get_by_test_id("kb-search"))  # htmx, and the address follows the search
    expect(page).to_have_url(re.compile(r"q=cedolino"))
    page.evaluate("history.pushState({}, '', '/admin/kb?moved=1')")
    assert hops.counts() == {"clicks": 1, "typed": 1, "keys": 0, "loads": 0}

    page.reload()
    hops.click(page.get_by_test_id("frequent-search").first)
    expect(page.get_by_test_id("kb-summary")).to_be_visible()
    assert hops.loads == 2, hops.addresses
