"""Where a record named by the trail (its table and primary key) is shown in the console."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from views.base import SportelloModelView


def view_for(request: Request, entity_type: str | None) -> SportelloModelView | None:
    """The record view of a table (`member`, `client`...), the first one declared: the
    full list, not a queue of it. None when the console shows no such records."""
    if not entity_type:
        return None
    views: list[SportelloModelView] = request.app.state.views
    for view in views:
        if getattr(view.model, "__tablename__", None) == entity_type:
            return view
    return None


def record_url(request: Request, entity_type: str | None, entity_id: Any) -> str | None:
    """The record's page, when the console shows such records and the operator may open
    them; None otherwise (the record may still be gone: the page then says so)."""
    view = view_for(request, entity_type)
    if view is None or entity_id in (None, "") or not view.is_accessible(request):
        return None
    return str(request.url_for("admin:detail", key=view.key).include_query_params(pk=entity_id))
