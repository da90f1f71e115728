"""Counting the hops of a procedure: what the operator clicks, the fields they type or choose,
the keys they press and the full page loads their browser makes.

A full page load is a main-frame navigation to a new document: the answers htmx swaps into
the page are not, nor are the addresses htmx pushes into the history (a navigation within
the same document), nor a download. A redirect and the page it leads to are one load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Download, Frame, Locator, Page, Request


@dataclass
class Hops:
    """Wraps the page actions of a scenario and counts them; `clicks`, `typed`, `keys` and
    `loads` say what the procedure took."""

    page: Page
    clicks: int = 0
    typed: int = 0
    keys: int = 0
    loads: int = 0
    addresses: list[str] = field(default_factory=list)  # the documents loaded, in order
    _requested: bool = False  # a main-frame document was asked for since the last navigation

    def __post_init__(self) -> None:
        self.page.on("request", self._request)
        self.page.on("framenavigated", self._navigated)
        self.page.on("download", self._download)

    def _request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._requested = True

    def _navigated(self, frame: Frame) -> None:
        if frame != self.page.main_frame or not self._requested:
            return  # a frame's own navigation, or the history moved within the same document
        self._requested = False
        self.loads += 1
        self.addresses.append(frame.url)

    def _download(self, _download: Download) -> None:
        self._requested = False  # a link that answers with a file loads no page

    # --- what the operator does --------------------------------------------------------

    def click(self, target: Locator) -> None:
        self.clicks += 1
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        """One field typed (however long the text)."""
        self.typed += 1
        target.fill(text)

    def choose(self, target: Locator, value: str) -> None:
        """One field chosen from a list: a field set, like a typed one."""
        self.typed += 1
        target.select_option(value)

    def press(self, target: Locator, key: str) -> None:
        self.keys += 1
        target.press(key)

    # --- what it took --------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {"clicks": self.clicks, "typed": self.typed, "keys": self.keys, "loads": self.loads}

    def assert_within(self, *, clicks: int = 3, loads: int = 1) -> None:
        """The target of a procedure from the lookup box: at most 3 clicks and 1 full page
        load (opening the record)."""
        counted = f"{self.counts()}; documents loaded: {self.addresses}"
        assert self.clicks <= clicks, f"more than {clicks} clicks: {counted}"
        assert self.loads <= loads, f"more than {loads} full page loads: {counted}"

    def __str__(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in self.counts().items())
