"""Our wording of starlette-admin's own strings holds once the console is built: building
the Admin merges its theme's catalogs over the active ones, and ours go back on top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from starlette.testclient import TestClient
from starlette_admin import i18n as sa_i18n

from tests.web.conftest import page_of

TRANSLATIONS = Path(__file__).resolve().parents[2] / "admin" / "translations"


@pytest.mark.parametrize("locale", ["it", "fr", "nl"])
def test_our_wording_of_starlette_admins_strings_wins_in_the_built_console(
    app: Any, locale: str
) -> None:
    ours = _catalog(locale, "starlette_admin")
    sportello = _catalog(locale, "sportello")  # a msgid in both reads as Sportello's
    active = sa_i18n.translations[locale]

    replaced = [
        (message.id, active.ugettext(message.id), wanted)
        for message in ours
        if isinstance(message.id, str) and message.id and message.string
        for wanted in [(sportello.get(message.id) or message).string]
        if active.ugettext(message.id) != wanted
    ]

    assert replaced == []


def test_a_french_list_offers_to_create_a_record_in_our_words(signed_in: TestClient) -> None:
    page = page_of(signed_in.get("/admin/members/list", headers={"Accept-Language": "fr"}))

    create = page.select_one("a[href*='/members/create']")
    assert create is not None
    assert create.get_text(strip=True) == "Créer\u00a0: Adhérent"


def _catalog(locale: str, domain: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=locale)
