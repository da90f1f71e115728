"""axe-core in a page: the accessibility rules a person with a screen reader, a keyboard or
low vision relies on, checked by the library that browsers' own audits use.

axe-core is fetched by `make install` (scripts/fetch_vendor.sh) into tests/browser/vendor/
and evaluated through the browser's debugging protocol, which the pages'
Content-Security-Policy does not govern: the console itself never serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA and axe's best practices (landmarks, regions, heading order).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" ..." if len(self.targets) > 5 else "")
        return f"{self.impact:8} {self.rule}: {self.help} ({len(self.targets)}: {shown})"


def violations(page: Page) -> list[Violation]:
    """Every violation axe finds in the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if not AXE.exists():
            raise FileNotFoundError(f"{AXE} is missing: run `make install`")
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})
                    .then(result => result.violations)""",
        TAGS,
    )
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "minor",
            help=v["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in v["nodes"]),
        )
        for v in found
    ]


def blocking(found: list[Violation]) -> list[Violation]:
    """The serious and critical violations: those the console must not have."""
    return [v for v in found if v.impact in BLOCKING]
