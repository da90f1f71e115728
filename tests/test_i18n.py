"""Every string Sportello shows has an Italian translation, and languages are picked right.

The messages are extracted here with babel.cfg, the mapping scripts/messages.sh gives
pybabel, so a new string fails the suite until it is in the Italian catalog and translated:
run scripts/messages.sh, translate, run the tests again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from admin import i18n

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "admin" / "translations"
ITALIAN = TRANSLATIONS / "it" / "LC_MESSAGES" / "sportello.po"


def _source_messages() -> dict[str, str]:
    """Each msgid found in the source tree, with the first place it was found."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def test_extraction_reads_python_code_templates_and_the_extra_messages() -> None:
    found = _source_messages()

    assert "Wrong username or password." in found  # N_ in actions/
    assert "Validation queue" in found  # lazy_gettext in views/
    assert "Your role does not allow this action." in found  # _ in views/
    assert "Validate %(name)s" in found  # _ in a template, newstyle
    assert "Change language" in found  # admin/extra_messages.py, for starlette-admin


def test_every_message_in_the_source_has_an_italian_translation() -> None:
    catalog = _read(ITALIAN)
    problems = []
    for msgid, where in sorted(_source_messages().items()):
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"{msgid!r} ({where}): not in the catalog")
        elif entry.fuzzy:
            problems.append(f"{msgid!r} ({where}): fuzzy")
        elif not entry.string:
            problems.append(f"{msgid!r} ({where}): not translated")

    assert not problems, (
        f"{ITALIAN.relative_to(ROOT)} is behind the source; run scripts/messages.sh, "
        "then translate:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "po_path",
    sorted(TRANSLATIONS.glob("*/LC_MESSAGES/sportello.po")),
    ids=lambda path: path.parts[-3],
)
def test_the_translations_keep_the_placeholders_of_their_msgid(po_path: Path) -> None:
    errors = [
        f"{message.id!r}: {'; '.join(str(error) for error in message_errors)}"
        for message, message_errors in _read(po_path).check()
    ]

    assert not errors, "\n".join(errors)


def test_every_supported_locale_but_english_has_a_sportello_catalog() -> None:
    for locale in i18n.LOCALES:
        if locale != i18n.DEFAULT_LOCALE:
            assert (TRANSLATIONS / locale / "LC_MESSAGES" / "sportello.po").exists(), locale


def test_a_message_is_translated_into_italian_outside_a_request() -> None:
    assert i18n.translate("it", "Validate") == "Convalida"


def test_the_mail_body_keeps_its_lines_in_italian() -> None:
    body = i18n.translate(
        "it",
        "Hello %(name)s,\n\nto choose a new password, open this link within 24 hours:\n\n"
        "%(link)s\n\nThe link works once. If you did not ask for it, ignore this mail.\n",
    ) % {"name": "Mario Rossi", "link": "https://desk.example.org/reset/x"}

    assert body.startswith("Ciao Mario Rossi,\n\n")
    assert "\n\nhttps://desk.example.org/reset/x\n\n" in body
    assert body.endswith("\n")


def test_an_italian_browser_gets_italian() -> None:
    assert i18n.negotiate("it-IT,it;q=0.9,en;q=0.8") == "it"


def test_a_language_we_do_not_offer_falls_back_to_the_next_accepted_one() -> None:
    assert "fr" not in i18n.LOCALES
    assert i18n.negotiate("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == "en"


def test_no_accept_language_header_means_no_preference() -> None:
    assert i18n.negotiate(None) is None
