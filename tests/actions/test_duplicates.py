from __future__ import annotations

import random

from sqlalchemy.orm import Session

from actions.duplicates import BLOCK_LIMIT, PREFIX_LIMIT, find_duplicates
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
    assert report.candidates_scored < all_pairs / 1000
    assert report.candidates_scored < report.clients  # fewer than one per client here
    assert any(p.certainty == "probable" and p.score >= 85 for p in report.pairs)


def _word(rng: random.Random, letters: int) -> str:
    return "".join(rng.choice("bcdfglmnprstvz") + rng.choice("aeiou") for _ in range(letters))


def test_a_crowded_prefix_is_split_not_dropped(session: Session) -> None:
    """In a large table every four letters are common: the names sharing "toul" are too many
    to compare together, those sharing a longer prefix are still compared."""
    rng = random.Random(7)
    crowd = [f"Mairie de Toul{_word(rng, 3)}" for _ in range(PREFIX_LIMIT * 10)]
    _clients(session, *crowd, "Mairie de Toulonnet", "Mairie de Toulonnat")

    report = find_duplicates(session)

    first, second = f"C{len(crowd) + 1:06d}", f"C{len(crowd) + 2:06d}"
    assert any(
        (p.first, p.second, p.reason) == (first, second, "near spelling") for p in report.pairs
    )
    all_pairs = report.clients * (report.clients - 1) // 2
    assert report.candidates_scored < all_pairs / 10
    assert report.candidates_scored < report.clients * PREFIX_LIMIT / 2


def test_two_common_words_together_still_make_a_block(session: Session) -> None:
    """Every service of Toulon is a client and there are town halls everywhere: neither
    "toulon" nor "mairie" is a block alone, "mairie" and "toulon" together are."""
    rng = random.Random(8)
    services = [f"Club {_word(rng, 3)} de Toulon" for _ in range(BLOCK_LIMIT)]
    town_halls = [f"Mairie de {_word(rng, 3)}" for _ in range(BLOCK_LIMIT)]
    _clients(session, *services, *town_halls, "Mairie de Toulon", "Mairie de Toulon Ouest")

    pairs = _pairs(session)

    first, second = f"C{2 * BLOCK_LIMIT + 1:06d}", f"C{2 * BLOCK_LIMIT + 2:06d}"
    assert (first, second, "probable", "same group of words") in pairs
