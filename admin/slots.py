"""How many requests of one process use the database at once.

A request holds a pooled connection from its first query to its commit, and runs each
query in one of anyio's worker threads. When more requests start than the pool has
connections, the surplus blocks worker threads in the pool's checkout, and the requests that
hold a connection wait for a thread to go on: throughput collapses and pages time out. The
request context therefore lets in at most half the pool's connections' worth of requests (a
request may use a second connection of its own: the login session check, a refusal's audit
event); the others wait in the event loop, first come first served, and after
`PATIENCE` seconds answer 503 like a saturated database.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool

PATIENCE = 10.0  # seconds a request waits for its turn before answering 503


class RequestSlots:
    def __init__(self, capacity: int, patience: float = PATIENCE) -> None:
        self.capacity = capacity
        self.patience = patience
        # One semaphore per event loop (a served process has one; tests may run several).
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._by_loop = weakref.WeakKeyDictionary()

    @classmethod
    def for_engine(cls, engine: Engine) -> RequestSlots | None:
        """Slots for a pool of bounded size; None for a pool without bound."""
        pool = engine.pool
        if not isinstance(pool, QueuePool):
            return None
        return cls(max(1, (pool.size() + pool._max_overflow) // 2))

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        free = self._by_loop.get(loop)
        if free is None:
            free = self._by_loop[loop] = asyncio.Semaphore(self.capacity)
        try:
            await asyncio.wait_for(free.acquire(), self.patience)
        except TimeoutError:
            raise PoolTimeout(f"no request slot free within {self.patience:g} s") from None
        try:
            yield
        finally:
            free.release()
