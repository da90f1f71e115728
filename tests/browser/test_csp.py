"""The Content-Security-Policy lets every page of the console work and blocks nothing it
needs: Chromium reports no violation while an administrator goes through the pages, opens
a row action and changes the page size (an inline handler of starlette-admin's); a script
planted in a page does not run."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

PAGES = [
    "/admin/",
    "/admin/members/list",
    "/admin/members/detail?pk=1",
    "/admin/members/edit?pk=1",
    "/admin/login_accounts/list",
    "/admin/clients/list",
    "/admin/tickets/list",
    "/admin/knowledge/list",
    "/admin/campaigns/list",
    "/admin/appointments/report",
    "/admin/outbox/list",
    "/admin/audit/list",
    "/admin/audit/detail?pk=1",
    "/admin/operators/list",
    "/admin/portal",
    "/admin/intake",
    "/admin/duplicates",
]


def test_no_page_of_the_console_breaks_its_content_security_policy(
    page: Page, console: Console
) -> None:
    page.add_init_script(WATCH)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    console.login(page, "demo-admin")
    for path in PAGES:
        page.goto(f"{console.url}{path}", wait_until="load")
        expect(page.get_by_test_id("page")).to_be_visible()

    page.goto(f"{console.url}/admin/validation/list")
    page.locator("[data-testid^=validate-]").first.click()
    expect(page.get_by_test_id("action-panel").locator("form")).to_be_visible()

    page.goto(f"{console.url}/admin/members/list")
    page.get_by_label("Page size").select_option(index=1)
    expect(page).to_have_url(re.compile(r"page_size="))

    violations = page.evaluate("window.__cspViolations")
    assert violations == [] and console_errors == [], violations + console_errors

    # A script that reaches a page any other way than from a template does not run.
    page.evaluate(
        """() => {
            const planted = document.createElement("script");
            planted.textContent = "window.__planted = true";
            document.body.appendChild(planted);
        }"""
    )
    assert page.evaluate("window.__planted === undefined")
    assert [v.split()[0] for v in page.evaluate("window.__cspViolations")] == ["script-src-elem"]
