"""Browser scenarios: real Chromium against a real uvicorn server on a free port, with a
fresh database (demo data) and a real SMTP server per test module.

QA can run them alone (`pytest -m browser`) and point them at a running instance with
`--base-url http://host:port`; the demo operators' password is then read from
SPORTELLO_DEMO_PASSWORD, and checks that need the server's database or mailbox are made
through the console's own pages instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Locator, Page, expect

from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.demo import load_demo_data
from tests.conftest import PASSWORD, Mailbox, SmtpServer, free_port, fresh_database, settings_for

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """`--base-url`, as pytest-base-url reads it (its own fixture trips a pytest deprecation)."""
    value = pytestconfig.getoption("base_url", None)
    return str(value) if value else None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = (
        os.environ.get("SPORTELLO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@dataclass
class Console:
    url: str
    password: str
    mailbox: Mailbox | None  # None when the scenarios run against someone else's instance

    def login(self, page: Page, username: str, password: str | None = None) -> None:
        page.goto(f"{self.url}/admin/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or self.password)
        # Wait for the next page to finish loading: htmx binds its inputs on DOMContentLoaded, and
        # typing into the lookup box before that would send no request.
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit]")

    def wait_until_sent(self, page: Page, address: str) -> None:
        """The dispatcher works beside the console: wait for the Outbox page to show it sent."""
        page.goto(f"{self.url}/admin/outbox/list?q={address}")
        status = page.locator("tr[data-sa-pk] td[data-column=status] [data-state]").first
        for _ in range(50):
            if status.get_attribute("data-state") == "sent":
                break
            page.wait_for_timeout(200)
            page.reload()
        expect(status).to_have_attribute("data-state", "sent")

    def open_row_action(self, page: Page, list_path: str, testid: str) -> tuple[str, Locator]:
        """Open the list, click the first row's `testid` button; return its row's pk and the
        action panel the form opened in."""
        page.goto(f"{self.url}{list_path}")
        button = page.locator(f"[data-testid^={testid}-]").first
        pk = (button.get_attribute("data-testid") or "").removeprefix(f"{testid}-")
        button.click()
        return pk, page.get_by_test_id("action-panel")


class LiveServer:
    def __init__(self, app: Any, port: int) -> None:
        self.port = port
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started, "the console did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@contextlib.contextmanager
def running_console(
    template_database: str, tmp_path_factory: pytest.TempPathFactory, **env: str
) -> Iterator[Console]:
    """The console with demo data on a fresh database, its dispatcher mailing to a real SMTP
    server, served on a free port; `env` overrides the test settings (HTMX_URL, say)."""
    url, drop = fresh_database(template_database, tmp_path_factory.mktemp("browser"))
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        load_demo_data(session, PASSWORD)
        session.commit()
    smtp = SmtpServer().start()
    port = free_port()  # known before the app: the links it mails point at it
    settings = settings_for(url, smtp.url, BASE_URL=f"http://127.0.0.1:{port}", **env)
    app = build_app(settings, engine=engine, dispatcher=True, dispatch_every=0.2)
    try:
        with LiveServer(app, port) as server:
            yield Console(f"http://127.0.0.1:{server.port}", PASSWORD, smtp.mailbox)
    finally:
        smtp.stop()
        engine.dispose()
        drop()


@pytest.fixture(scope="module")
def console(
    base_url: str | None, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Console]:
    external = base_url
    if external:
        yield Console(
            str(external).rstrip("/"), os.environ.get("SPORTELLO_DEMO_PASSWORD", PASSWORD), None
        )
        return
    with running_console(template_database, tmp_path_factory) as console:
        yield console


@pytest.fixture(autouse=True)
def _patient_expectations() -> None:
    expect.set_options(timeout=10_000)
