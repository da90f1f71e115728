"""Every string the console shows is translated into Italian, French and Dutch, and
languages are picked right.

Sportello's messages are extracted here with babel.cfg, the mapping scripts/messages.sh
gives pybabel, so a new string fails the suite until every catalog has it translated: run
scripts/messages.sh, translate, run the tests again. starlette-admin's own strings are
extracted from its templates and code and looked up in the catalog the console uses
(`admin.i18n.catalog`: starlette-admin's, ours for it, then Sportello's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from admin import i18n
from tests.catalogs import ROOT, sportello_messages, starlette_admin_messages, translation

TRANSLATIONS = ROOT / "admin" / "translations"
TRANSLATED = [locale for locale in i18n.LOCALES if locale != i18n.DEFAULT_LOCALE]


def _catalog_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "sportello.po"


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _name(msgid: str, context: str | None) -> str:
    return f"{msgid!r}" if context is None else f"{msgid!r} (context {context!r})"


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def test_extraction_reads_python_code_templates_and_the_extra_messages() -> None:
    found = sportello_messages()

    assert ("Wrong username or password.", None) in found  # N_ in actions/
    assert ("Validation queue", None) in found  # lazy_gettext in views/
    assert ("Your role does not allow this action.", None) in found  # _ in views/
    assert ("Validate %(name)s", None) in found  # _ in a template, newstyle
    assert ("Change language", None) in found  # admin/extra_messages.py, for starlette-admin


def test_extraction_keeps_the_context_of_a_message() -> None:
    found = sportello_messages()

    assert ("resolved", "ticket state") in found
    assert ("resolved", "access request state") in found
    assert ("resolved", None) not in found


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_in_the_source_is_translated(locale: str) -> None:
    path = _catalog_path(locale)
    catalog = _read(path)
    problems = []
    for (msgid, context), found in sorted(
        sportello_messages().items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        where = found.where
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problems.append(f"{_name(msgid, context)} ({where}): not in the catalog")
        elif entry.fuzzy:
            problems.append(f"{_name(msgid, context)} ({where}): fuzzy")
        elif not _translated(entry.string):
            problems.append(f"{_name(msgid, context)} ({where}): not translated")

    assert not problems, (
        f"{path.relative_to(ROOT)} is behind the source; run scripts/messages.sh, "
        f"then translate ({len(problems)}):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_starlette_admin_message_is_translated(locale: str) -> None:
    """starlette-admin's strings as the console reads them: its own catalog for the
    language (French), completed by admin/translations/<locale>/starlette_admin.po and
    Sportello's catalog (admin/extra_messages.py)."""
    problems = [
        f"{_name(msgid, context)} ({found.where})"
        for (msgid, context), found in sorted(starlette_admin_messages().items(), key=str)
        if translation(locale, msgid, context) is None
    ]

    assert not problems, (
        f"starlette-admin's strings without a {locale} translation; add them to "
        f"admin/translations/{locale}/LC_MESSAGES/starlette_admin.po ({len(problems)}):\n"
        + "\n".join(problems)
    )


def test_the_starlette_admin_check_reads_its_templates_and_code() -> None:
    found = starlette_admin_messages()

    assert ("Change language", None) in found  # layout.html
    assert ("Delete", None) in found  # actions, in Python
    assert len(found) > 150


def test_an_untranslated_entry_is_told_apart_from_a_translated_one() -> None:
    assert translation("it", "Delete") == "Elimina"
    assert translation("it", "resolved", "ticket state") == "risolto"
    assert translation("it", "a message nobody translated") is None


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


def test_a_ticket_and_an_access_request_are_resolved_each_in_its_own_words() -> None:
    from actions.tickets import STATE_LABELS as TICKET_STATES
    from views.access_requests import STATE_LABELS as REQUEST_STATES

    assert i18n.translate("it", TICKET_STATES["resolved"]) == "risolto"
    assert i18n.translate("it", REQUEST_STATES["resolved"]) == "risolta"


@pytest.fixture
def italian() -> Iterator[None]:
    i18n.install()
    i18n.set_locale("it")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.mark.usefixtures("italian")
def test_a_term_keeps_the_context_of_its_msgid() -> None:
    from actions.errors import Refused, Term
    from actions.tickets import STATE_LABELS

    refusal = Refused(
        "Ticket %(number)s is %(state)s: it cannot become %(to)s.",
        number="T-1",
        state=Term(STATE_LABELS["resolved"]),
        to=Term(STATE_LABELS["new"]),
    )
    assert refusal.translated() == "Il ticket T-1 è risolto: non può diventare nuovo."
    assert str(refusal) == "Ticket T-1 is resolved: it cannot become new."


@pytest.mark.usefixtures("italian")
def test_an_enrolment_and_an_appointment_are_cancelled_each_in_its_own_words() -> None:
    from actions.appointments import STATE_LABELS as APPOINTMENT_STATES
    from actions.enroll import STATE_LABELS as ENROLMENT_STATES
    from actions.errors import Refused, Term

    enrolment = Refused(
        "This enrolment is already %(state)s.", state=Term(ENROLMENT_STATES["cancelled"])
    )

    assert enrolment.translated() == "Questa iscrizione è già annullata."
    assert i18n.gettext(APPOINTMENT_STATES["cancelled"]) == "annullato"


@pytest.mark.usefixtures("italian")
def test_a_refusal_names_days_and_times_as_the_operators_language_writes_them() -> None:
    from actions.errors import Refused, clock, day

    unavailable = Refused(
        "%(agent)s is already unavailable on %(day)s.",
        agent="Marco",
        day=day(dt.date(2026, 12, 27)),
    )
    locked = Refused(
        "Too many failed logins for this account. Try again after %(time)s UTC.",
        time=clock(dt.datetime(2026, 12, 7, 19, 30, 13), seconds=True),
    )

    assert unavailable.translated() == "Marco è già non disponibile il 27 dic 2026."
    assert str(unavailable) == "Marco is already unavailable on 2026-12-27."  # the audit's
    assert locked.translated().endswith("Riprova dopo le 19:30:13 UTC.")
    i18n.set_locale("fr")
    assert "27 déc. 2026" in unavailable.translated()


@pytest.mark.usefixtures("italian")
def test_an_appointment_refusal_names_its_start_on_the_campaign_clock_in_the_language() -> None:
    from actions.appointments.clock import shown
    from actions.errors import Refused
    from models import Campaign

    campaign = Campaign(name="Caldaie", time_zone="Europe/Rome")
    start = shown(campaign, dt.datetime(2026, 10, 2, 10, 0, tzinfo=dt.UTC))
    refusal = Refused(
        "The appointment with %(prospect)s on %(start)s is done.", prospect="Bar", start=start
    )

    assert str(refusal) == "The appointment with Bar on 2026-10-02 12:00 is done."
    assert "02/10/26, 12:00" in refusal.translated()


APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"  # French typography, as the catalog writes it


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("giulia", "il manque le @. Demandez à"),
        ("giulia@example", "pas un domaine qui reçoit du courrier"),
        ("giulia bianchi@example.org", "elle contient un caractère interdit"),
    ],
)
def test_a_french_operator_reads_why_an_email_address_is_refused_and_what_to_do(
    typed: str, says: str
) -> None:
    from actions import personal_data
    from actions.errors import Refused

    with pytest.raises(Refused) as refusal:
        personal_data.email(typed)
    i18n.install()
    i18n.set_locale("fr")
    try:
        french = refusal.value.translated()
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)

    assert french.startswith(f"{typed} n{APOSTROPHE}est pas une adresse mail valide")
    assert says in french


def test_english_writes_the_day_first_and_a_24_hour_clock() -> None:
    i18n.set_locale("en")

    assert i18n.format_when(dt.datetime(2026, 12, 7, 19, 30)) == "07/12/2026, 19:30"


@pytest.mark.parametrize(
    ("locale", "written"),
    [("en", "12,345.5"), ("it", "12.345,5"), ("fr", "12\u202f345,5"), ("nl", "12.345,5")],
)
def test_numbers_are_written_as_each_language_writes_them(locale: str, written: str) -> None:
    i18n.install()
    i18n.set_locale(locale)
    try:
        assert i18n.format_number(12345.5) == written
        assert i18n.format_number(None) == ""
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.mark.usefixtures("italian")
def test_templates_translate_in_a_message_context() -> None:
    from jinja2 import Environment

    from views.access_requests import STATE_LABELS

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install_formats(env)
    template = env.from_string('{{ _(label) }} / {{ pgettext("ticket state", "resolved") }}')
    assert template.render(label=STATE_LABELS["resolved"]) == "risolta / risolto"


@pytest.mark.parametrize(
    ("policy", "subject", "opening"),
    [
        ("password", "Scegli una nuova password", "per scegliere una nuova password per"),
        ("pin", "Scegli un nuovo PIN", "per scegliere un nuovo PIN per"),
    ],
)
def test_the_italian_reset_mail_agrees_with_its_credential(
    policy: str, subject: str, opening: str
) -> None:
    from actions.login_accounts import MAILS

    mail_subject, body = (i18n.translate("it", text) for text in MAILS["reset", policy])

    assert mail_subject == subject
    assert opening in body


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


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"),
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("nl-BE", "nl"),
    ],
)
def test_a_french_or_dutch_browser_gets_its_language(header: str, locale: str) -> None:
    assert i18n.negotiate(header) == locale


def test_a_language_we_do_not_offer_falls_back_to_the_next_accepted_one() -> None:
    assert "de" not in i18n.LOCALES
    assert i18n.negotiate("de-CH, de;q=0.9, en;q=0.8, fr;q=0.7") == "en"


def test_the_language_menu_names_each_language_in_itself() -> None:
    names = [i18n.language_name(locale) for locale in i18n.LOCALES]

    assert names == ["English", "Italiano", "Français", "Nederlands"]


@pytest.mark.parametrize(
    ("header", "locale", "sign_in"),
    [("fr-FR,fr;q=0.9", "fr", "Se connecter"), ("nl-BE,nl;q=0.9", "nl", "Inloggen")],
)
def test_a_french_or_dutch_browser_reads_the_console_in_its_language(
    client: TestClient, header: str, locale: str, sign_in: str
) -> None:
    page = BeautifulSoup(
        client.get("/admin/login", headers={"Accept-Language": header}).text, "html.parser"
    )

    assert page.html is not None and page.html["lang"] == locale
    assert [name.get_text(strip=True) for name in page.select("[data-sa-lang]")] == [
        "English",
        "Italiano",
        "Français",
        "Nederlands",
    ]
    submit = page.select_one("button[type=submit]")
    assert submit is not None and submit.get_text(strip=True) == sign_in


def test_no_accept_language_header_means_no_preference() -> None:
    assert i18n.negotiate(None) is None
