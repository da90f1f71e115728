from __future__ import annotations

import random

from sqlalchemy.orm import Session

from actions.duplicates import find_duplicates
from models import Client


def _clients(session: Session, *names: str | tuple[str, str]) -> None:
    for index, entry in enumerate(names):
        name, identifier = entry if isinstance(entry, tuple) else (entry, None)
        session.add(
            Client(client_number=f"C{index + 1:06d}", legal_name=name, identifier=identifier)
        )
    session.commit()


def _pairs(session: Session) -> set[tuple[str, str, str, str]]:
    return {(p.first, p.second, p.certainty, p.reason) for p in find_duplicates(session).pairs}


def test_certain_duplicates_same_name_or_same_identifier(session: Session) -> None:
    _clients(
        session,
        "Mairie de Toulon",
        "MAIRIE DE TOULON",
        ("Comune di Roma", "IT 02438750586"),
        ("Roma Capitale", "02438750586"),
        "Gemeente Utrecht B.V.",
        "gemeente utrecht",
    )

    assert _pairs(session) == {
        ("C000001", "C000002", "certain", "same name"),
        ("C000003", "C000004", "certain", "same SIRET/VAT"),
        ("C000005", "C000006", "certain", "same name"),
    }


def test_probable_duplicates_in_french_italian_and_dutch(session: Session) -> None:
    _clients(
        session,
        "Mairie de Toulon",
        "Mairie de Toulon Ouest",
        "Croce Rossa Italiana Comitato di Milano",
        "Croce Rossa Italiana Comitato Milano",
        "Stichting Rode Kruis Utrecht",
        "Stichting Rode Kruys Utrecht",
        "Boulangerie Martin",
        "Pompiers de Marseille",
    )

    pairs = _pairs(session)

    assert ("C000001", "C000002", "probable", "same group of words") in pairs
    assert ("C000003", "C000004", "probable", "same group of words") in pairs
    assert ("C000005", "C000006", "probable", "near spelling") in pairs
    assert not any("C000007" in (a, b) or "C000008" in (a, b) for a, b, _c, _r in pairs)


def test_a_merged_client_is_not_reported_again(session: Session) -> None:
    _clients(session, "Mairie de Toulon", "Mairie de Toulon")
    session.get_one(Client, 2).merged_into_id = 1
    session.commit()

    assert _pairs(session) == set()


def test_it_never_compares_all_pairs(session: Session) -> None:
    rng = random.Random(4)
    towns = [
        f"{rng.choice('bcdfglmnprstv')}{rng.choice('aeiou')}{rng.choice('bcdfglmnprstv')}"
        f"{rng.choice('aeiou')}{rng.choice('lnrst')}{i}x"
        for i in range(2000)
    ]
    kinds = ["Mairie de", "Comune di", "Gemeente", "Association sportive de", "Pompiers de"]
    _clients(
        session,
        *[f"{kinds[i % len(kinds)]} {town}" for i, town in enumerate(towns)],
        "Mairie de Toulon",
        "Mairie de Toulon Ouest",
    )

    report = find_duplicates(session)

    all_pairs = report.clients * (report.clients - 1) // 2
    assert report.candidates_scored < all_pairs / 100
    assert any(p.certainty == "probable" and p.score >= 85 for p in report.pairs)
