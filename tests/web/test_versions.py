"""No lost update: every view of the console that edits a record through its form refuses a
form opened before a colleague saved a change, and keeps the colleague's change.

The views are read from the built application, not listed here; a view is skipped only when
its own declared permission says it cannot edit."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from starlette_admin.views import BaseModelView

from admin.demo import load_demo_data
from tests.conftest import PASSWORD, Personas, log_in
from tests.web.forms import forms_of, text_inputs
from views.base import SportelloModelView


def edit_form(client: TestClient, key: str, pk: Any) -> tuple[str, dict[str, str]]:
    page = client.get(f"/admin/{key}/edit", params={"pk": pk})
    assert page.status_code == 200, f"{key}: the edit form answers {page.status_code}"
    post_forms = [fields for method, fields in forms_of(page.text) if method == "POST"]
    form = max(post_forms, key=len)  # the record's form, not the page's logout button
    return page.text, form


def save_one_change(
    client: TestClient, key: str, pk: Any, html: str, form: dict[str, str], mark: str
) -> tuple[str, str]:
    """Change one text box (the first one the view accepts a change in) and save it."""
    for name in text_inputs(html):
        if name not in form:
            continue
        value = (form[name] or "x") + mark
        saved = client.post(
            f"/admin/{key}/edit",
            params={"pk": pk},
            data=form | {name: value},
            follow_redirects=False,
        )
        if saved.status_code == 303:
            return name, value
    raise AssertionError(f"{key}: no text box of the edit form accepts a change")


def test_every_editing_view_refuses_a_stale_form_and_keeps_the_saved_change(
    app: Any, client: TestClient, personas: Personas, session: Session
) -> None:
    load_demo_data(session, PASSWORD, members=3)
    session.commit()
    log_in(client, "ada")
    checked, skipped = [], []
    for view in app.state.admin._model_views:
        if not isinstance(view, BaseModelView):
            continue
        assert isinstance(view, SportelloModelView), f"{view.key} is not a console view"
        key = str(view.key)
        if view.edit_role is None:  # the view's own permission: edited only by actions
            page = client.get(f"/admin/{view.key}/edit", params={"pk": 1})
            assert page.status_code == 403, f"{view.key} declares no editing but edits"
            skipped.append(view.key)
            continue
        row = session.scalar(select(view.model).limit(1))
        assert row is not None, f"{view.key}: the demo data has no record to edit"
        html, stale = edit_form(client, key, row.id)
        _html, current = edit_form(client, key, row.id)
        name, saved_value = save_one_change(client, key, row.id, html, current, " one")

        refused = client.post(
            f"/admin/{view.key}/edit",
            params={"pk": row.id},
            data=stale | {name: (stale[name] or "x") + " two"},
            follow_redirects=False,
        )

        assert refused.status_code == 422, f"{view.key}: a stale form answers {refused.status_code}"
        soup = BeautifulSoup(refused.text, "html.parser")
        assert soup.select_one("[data-testid=conflict]") is not None, view.key
        assert "Someone else changed this record" in refused.text, view.key
        kept = soup.select_one(f"input[name={name}]")
        assert kept is not None and kept["value"] == (stale[name] or "x") + " two", view.key
        _html, after = edit_form(client, key, row.id)
        assert after[name] == saved_value, f"{view.key}: the colleague's change was overwritten"
        checked.append(view.key)
    assert checked and "clients" in checked and "organizations" in checked, (checked, skipped)
