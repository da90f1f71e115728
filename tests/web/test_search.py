"""`%` and `_` typed in a list search are the characters themselves, never wildcards."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from admin.demo import load_demo_data
from models import Organization
from tests.conftest import Personas, log_in, make_member


def _shown(client: TestClient, key: str, q: str) -> set[str]:
    page = client.get(f"/admin/{key}/list", params={"q": q, "page_size": 100})
    assert page.status_code == 200, (key, q)
    soup = BeautifulSoup(page.text, "html.parser")
    return {str(tr["data-sa-pk"]) for tr in soup.select("tr[data-sa-pk]")}


def test_a_percent_sign_in_any_list_search_finds_only_texts_that_contain_it(
    app: Any, client: TestClient, personas: Personas, session: Session
) -> None:
    load_demo_data(session, "demo password 2026", members=4)
    session.commit()
    log_in(client, "ada")
    searched = []
    for view in app.state.views:
        if view.key == "audit":  # the trail narrows by chosen values, not by typed text
            continue
        if not view.searchable_fields or not _shown(client, view.key, ""):
            continue
        assert _shown(client, view.key, "%") == set(), view.key
        assert _shown(client, view.key, "%%") == set(), view.key
        searched.append(view.key)
    assert "members" in searched and "clients" in searched


def test_an_underscore_in_the_member_search_is_an_underscore(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    underscored = make_member(session, organization, email="mario_rossi@example.org")
    make_member(session, organization, email="marioxrossi@example.org", tax_code="BNCLRA80A41H501X")
    log_in(client, "olivia")

    assert _shown(client, "members", "mario_rossi") == {str(underscored.id)}


@pytest.mark.parametrize(
    "rule",
    [
        "email__contains=%",
        "email__contains=_",
        "email__startswith=%",
        "email__endswith=%org",
        "email__not_contains=%",
    ],
)
def test_a_text_filter_takes_percent_and_underscore_literally(
    client: TestClient, personas: Personas, session: Session, organization: Organization, rule: str
) -> None:
    underscored = make_member(session, organization, email="mario_rossi@example.org")
    plain = make_member(session, organization, email="marioxrossi@example.org", tax_code="X2")
    log_in(client, "olivia")

    page = client.get("/admin/members/list", params={"filter": rule, "page_size": 100})

    assert page.status_code == 200
    shown = {
        str(tr["data-sa-pk"])
        for tr in BeautifulSoup(page.text, "html.parser").select("tr[data-sa-pk]")
    }
    expected = {
        "email__contains=_": {str(underscored.id)},
        "email__not_contains=%": {str(underscored.id), str(plain.id)},
    }.get(rule, set())
    assert shown == expected
