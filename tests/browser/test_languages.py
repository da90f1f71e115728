"""Seeds 001 (French) and 004 (Dutch): an operator whose browser speaks the desk's language
walks the members list, a member's page and a row action refused, and reads no English.

English is told by the catalogs, not by a hand list: every msgid of Sportello's catalog and
of starlette-admin's whose translation differs from it (tests/catalogs.py) must not be a
whole text of the page, nor a placeholder, aria-label, title or alt. Hidden texts count
too: a menu or a dialog shows them once opened.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from admin import i18n
from admin.demo import demo_tax_code
from tests.browser.conftest import Console
from tests.catalogs import english_texts

# Demo member number 1 is pending and has no e-mail (admin/demo/members.py).
NO_EMAIL_TAX_CODE = demo_tax_code(1)
JANUARY = {"it": "Gennaio", "fr": "janvier", "nl": "januari"}  # as flatpickr writes them

# Texts marked as another language are not the page's: the language menu names each language
# in itself (`<a lang="en">English</a>`; starlette-admin's own menu marks it `data-sa-lang`).
TEXTS = """() => {
    const page = document.documentElement.lang;
    const own = (element) => {
        const marked = element.closest("[lang], [data-sa-lang]");
        return (marked?.getAttribute("lang") ?? marked?.dataset.saLang ?? page) === page;
    };
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        const text = node.textContent.trim();
        if (!text || !parent || parent.closest("script, style, noscript") || !own(parent)) continue;
        const hidden = parent.checkVisibility() ? "" : " (hidden)";
        texts.push([parent.tagName.toLowerCase() + hidden, text]);
    }
    for (const name of ["placeholder", "aria-label", "title", "alt"]) {
        for (const element of document.querySelectorAll(`[${name}]`)) {
            if (!own(element)) continue;
            texts.push([`${element.tagName.toLowerCase()}[${name}]`, element.getAttribute(name)]);
        }
    }
    texts.push(["title", document.title]);
    return texts;
}"""


def english_in(page: Page, locale: str, step: str) -> list[str]:
    """Each text of the page that is one of the console's English msgids, as
    `step: where: 'text' (msgid 'msgid')`."""
    english = english_texts(locale)
    found = []
    for where, text in page.evaluate(TEXTS):
        shown = " ".join(str(text).split())
        msgid = next((m for m, pattern in english.items() if pattern.fullmatch(shown)), None)
        if msgid is not None:
            found.append(f"{step}: {where}: {shown!r} (msgid {msgid!r})")
    return list(dict.fromkeys(found))


@pytest.fixture
def speaking(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page of a browser whose language (Accept-Language, navigator.language) is the
    test's `locale`."""
    i18n.install()
    context = browser.new_context(locale=request.node.callspec.params["locale"])
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("locale", ["fr", "nl", "it"])
def test_an_operator_reads_the_members_and_a_refusal_in_the_browser_language(
    speaking: Page, console: Console, locale: str
) -> None:
    page = speaking
    english: list[str] = []
    page.goto(f"{console.url}/admin/login")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    english += english_in(page, locale, "login")

    console.login(page, "demo-operator")
    page.goto(f"{console.url}/admin/members/list")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    english += english_in(page, locale, "members list")

    pk, panel = console.open_row_action(
        page, f"/admin/members/list?q={NO_EMAIL_TAX_CODE}", "resend-password"
    )
    panel.get_by_test_id("email").fill("caller@example")
    panel.get_by_test_id("confirm").click()
    expect(panel.get_by_test_id("refusal")).to_be_visible()
    english += english_in(page, locale, "resend password refused")

    assert (page.goto(f"{console.url}/admin/members/detail?pk={pk}") or 0).ok
    expect(page.locator("html")).to_have_attribute("lang", locale)
    english += english_in(page, locale, "member page")

    assert not english, f"English left in the {locale} console:\n" + "\n".join(english)


@pytest.mark.parametrize("locale", ["fr", "nl", "it"])
def test_the_date_picker_speaks_the_browser_language(
    speaking: Page, console: Console, locale: str
) -> None:
    page = speaking
    console.login(page, "demo-operator")
    pk, _panel = console.open_row_action(
        page, f"/admin/members/list?q={NO_EMAIL_TAX_CODE}", "resend-password"
    )

    page.goto(f"{console.url}/admin/members/edit?pk={pk}")
    page.wait_for_function("() => document.querySelector('#birth_date')?._flatpickr")

    january = page.evaluate(
        "document.querySelector('#birth_date')._flatpickr.l10n.months.longhand[0]"
    )
    assert january == JANUARY[locale]


def test_the_check_reports_an_english_text_left_in_a_page(page: Page) -> None:
    i18n.install()
    page.set_content(
        "<html lang='fr'><head><title>Membres</title></head><body>"
        "<h1>Validation queue</h1>"  # a Sportello msgid left in English
        "<p>Affichage de 1 à 20 sur 340 entrées</p>"  # starlette-admin's, translated
        "<p hidden>Showing 1 to 20 of 340 entries</p>"  # the same, in English and hidden
        "<input placeholder='Search in list'>"  # starlette-admin's, in an attribute
        "<th>Actions</th>"  # written the same in French
        "<a lang='en'>English</a>"  # marked as another language
        "<p>Mario Rossi</p></body></html>"
    )

    found = english_in(page, "fr", "page")

    assert [line.split(" (msgid")[0] for line in found] == [
        "page: h1: 'Validation queue'",
        "page: p (hidden): 'Showing 1 to 20 of 340 entries'",
        "page: input[placeholder]: 'Search in list'",
    ]
