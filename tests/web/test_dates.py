"""Dates in forms read day first in every language: starlette-admin's picker would show
"février 2, 1951" to a French operator."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient
from starlette_admin import DateTimeField

from models import Member
from tests.web.conftest import page_of


def test_a_date_picker_writes_the_day_first_in_the_operators_language(
    signed_in: TestClient, customer: Member
) -> None:
    html = signed_in.get(
        f"/admin/members/edit?pk={customer.id}", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    )

    birth = page_of(html).select_one("input[name=birth_date]")
    assert birth is not None
    assert birth["data-alt-format"] == "j F Y"
    assert birth["data-locale"] == "fr"


def test_no_date_or_time_field_of_any_view_writes_the_month_first(app: Any) -> None:
    fields = [
        (view.key, field_.name, field_.form_alt_format)
        for view in app.state.views
        for field_ in view.fields
        if isinstance(field_, DateTimeField)
    ]

    assert any(fmt == "j F Y H:i" for _key, _name, fmt in fields)  # date and time fields exist
    assert [f for f in fields if f[2] and f[2].startswith("F")] == []
