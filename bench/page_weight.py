"""Bytes a browser downloads for each main page, on a first and on a repeat visit.

Starts the console on a fresh SQLite file with the demo data (htmx and Chart.js from the
local copies: the offline case, where every byte comes from the console), signs in with
Chromium and opens each page twice in the same browser: the first visit with an empty
cache, then again. Bytes are what went over the wire (Chromium's encodedDataLength: headers
and compressed bodies).

Baseline, measured in the same run: the same pages with compression refused
(`Accept-Encoding: identity`) and the browser cache disabled, i.e. every file sent in full
on every page, as before responses were compressed and static files given long lifetimes.

    .venv/bin/python bench/page_weight.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn
from playwright.sync_api import BrowserContext, sync_playwright

from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.demo import load_demo_data
from admin.migrate import upgrade
from admin.settings import load

PASSWORD = "page weight bench"
PAGES = {
    "sign-in": "/admin/login",
    "home": "/admin/",
    "members list": "/admin/members/list",
    "member page": "/admin/members/detail?pk=1",
    "member edit": "/admin/members/edit?pk=1",
    "clients list": "/admin/clients/list",
    "tickets list": "/admin/tickets/list",
    "appointment report": "/admin/appointments/report",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Weight:
    bytes: int = 0
    requests: int = 0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def console() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/weight.db"
        port = free_port()
        settings = load(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "page-weight-bench-" + "x" * 32,
                "HTMX_URL": "/static/vendor/htmx.min.js",
                "CHART_URL": "/static/vendor/chart.umd.min.js",
                "BASE_URL": f"http://127.0.0.1:{port}",
            }
        )
        upgrade(url)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            load_demo_data(session, PASSWORD)
            session.commit()
        server = uvicorn.Server(
            uvicorn.Config(build_app(settings, engine=engine), port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)
            engine.dispose()


def visit(context: BrowserContext, url: str, cache: bool) -> Weight:
    """Open `url` in a new tab of `context`; the bytes and requests it took to load."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    weight = Weight()

    def finished(event: dict[str, Any]) -> None:
        weight.bytes += int(event["encodedDataLength"])
        weight.requests += int(event["encodedDataLength"]) > 0  # not from the cache

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # late requests (htmx's first swaps, the chart's data)
    page.close()
    return weight


def measure(base: str, browser: Any, *, compressed: bool) -> dict[str, tuple[Weight, Weight]]:
    headers = {} if compressed else {"Accept-Encoding": "identity"}
    context = browser.new_context(extra_http_headers=headers)
    results: dict[str, tuple[Weight, Weight]] = {}
    login = context.new_page()
    login.goto(f"{base}/admin/login")
    login.fill("input[name=username]", "demo-operator")
    login.fill("input[name=password]", PASSWORD)
    with login.expect_navigation(wait_until="load"):
        login.click("button[type=submit]")
    login.close()
    signed_in = context.storage_state()
    for name, path in PAGES.items():
        # A first visit: an empty cache, signed in except for the sign-in page itself.
        state = None if name == "sign-in" else signed_in
        fresh = browser.new_context(extra_http_headers=headers, storage_state=state)
        first = visit(fresh, base + path, cache=compressed)
        again = visit(fresh, base + path, cache=compressed)
        fresh.close()
        results[name] = (first, again)
    context.close()
    return results


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    with console() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        now = measure(base, browser, compressed=True)
        before = measure(base, browser, compressed=False)
        browser.close()
    print("Bytes over the wire per page (htmx and Chart.js from the console, not a CDN)")
    print(
        f"{'page':<20} {'first visit':>12} {'baseline':>12} {'ratio':>6}   "
        f"{'repeat visit':>12} {'baseline':>12} {'ratio':>6}   requests over the network first/repeat"
    )
    for name in PAGES:
        (first, again), (base_first, base_again) = now[name], before[name]
        print(
            f"{name:<20} {kb(first.bytes):>12} {kb(base_first.bytes):>12} "
            f"{first.bytes / base_first.bytes:>6.2f}   {kb(again.bytes):>12} "
            f"{kb(base_again.bytes):>12} {again.bytes / base_again.bytes:>6.2f}   "
            f"{first.requests}/{again.requests}"
        )
    print("baseline: compression refused and the browser cache disabled (every file in full)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
