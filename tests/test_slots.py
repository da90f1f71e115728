"""A process lets in as many requests as its pool can serve; the others wait their turn."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from admin import db
from admin.app import run_dispatcher
from admin.slots import RequestSlots
from tests.conftest import settings_for


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    # In a thread of its own: after a browser scenario, Playwright's event loop runs in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_requests_past_the_capacity_wait_their_turn_in_order() -> None:
    slots = RequestSlots(2, patience=10)
    inside: list[int] = []
    most = 0

    async def request(n: int, release: asyncio.Event) -> None:
        nonlocal most
        async with slots.held():
            inside.append(n)
            most = max(most, len(inside))
            await release.wait()
            inside.remove(n)

    async def scenario() -> list[int]:
        releases = [asyncio.Event() for _ in range(5)]
        tasks = [asyncio.create_task(request(n, releases[n])) for n in range(5)]
        await asyncio.sleep(0.05)
        first_in = sorted(inside)
        for release in releases:  # let each one out; the next in line comes in
            release.set()
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)
        return first_in

    assert _run(scenario()) == [0, 1]
    assert most == 2


def test_a_request_that_waits_past_its_patience_is_answered_as_a_saturated_database() -> None:
    slots = RequestSlots(1, patience=0.1)

    async def scenario() -> BaseException | None:
        async with slots.held():
            try:
                async with slots.held():
                    return None
            except PoolTimeout as refused:
                return refused

    refused = _run(scenario())
    assert isinstance(refused, PoolTimeout)
    assert db.saturated(refused)  # so the request context answers 503 with Retry-After


def test_the_capacity_is_half_the_pools_connections(database_url: str) -> None:
    engine: Engine = db.make_engine(database_url)
    try:
        slots = RequestSlots.for_engine(engine)
        assert slots is not None
        assert slots.capacity == (engine.pool.size() + engine.pool._max_overflow) // 2  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    unbounded = db.make_engine(database_url, poolclass=NullPool)
    assert RequestSlots.for_engine(unbounded) is None
    unbounded.dispose()


def test_when_no_turn_comes_a_page_answers_503_and_static_files_still_load(
    app: Any, client: Any
) -> None:
    assert isinstance(app.state.request_slots, RequestSlots)  # the served console takes turns
    app.state.request_slots = RequestSlots(0, patience=0.1)  # no turn ever comes

    page = client.get("/admin/login")
    fragment = client.get("/admin/login", headers={"HX-Request": "true"})
    static = client.get("/static/sportello.css")

    assert (page.status_code, page.headers["retry-after"]) == (503, "5")
    assert "<html" in page.text.lower()
    assert fragment.status_code == 503 and "<html" not in fragment.text.lower()
    assert static.status_code == 200


def test_a_dispatcher_finding_every_connection_taken_says_so_in_one_line_and_goes_on(
    database_url: str, caplog: Any
) -> None:
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    held = engine.connect()  # a request holds the process's only connection
    stop = threading.Event()
    worker = threading.Thread(
        target=run_dispatcher, args=(settings_for(database_url), engine, stop, 0.05)
    )
    with caplog.at_level(logging.WARNING, logger="sportello"):
        worker.start()
        try:
            for _ in range(200):
                if any("no database connection free" in r.getMessage() for r in caplog.records):
                    break
                stop.wait(0.05)
        finally:
            stop.set()
            worker.join(10)
            held.close()
            engine.dispose()
    lines = [r for r in caplog.records if r.name == "sportello"]
    assert any("no database connection free" in r.getMessage() for r in lines)
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in lines)
    assert not worker.is_alive()
