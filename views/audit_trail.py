"""The audit trail for supervisors: one-click filters kept in the address, and each event
read as a change."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
