"""An e-mail address refused by email-validator is refused in the operator's language, with
what to do next, whatever English sentence email-validator gave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions import email_refusals, personal_data
from actions.errors import Refused
from admin import i18n


@pytest.fixture
def language() -> Iterator[None]:
    i18n.install()
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


def refused(typed: str, locale: str) -> str:
    """The refusal of `typed` as an operator reads it in `locale` (French is checked in
    tests/test_i18n.py, with the catalogs)."""
    with pytest.raises(Refused) as refusal:
        personal_data.email(typed)
    assert refusal.value.field == "email"
    i18n.set_locale(locale)
    return refusal.value.translated()


@pytest.mark.usefixtures("language")
@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("giulia", "manca la @. Chiedi a chi chiama l'indirizzo completo"),
        ("@example.org", "prima della @ non c'è nulla"),
        ("giulia@", "dopo la @ non c'è nulla"),
        ("giulia@example", "non è un dominio che riceve posta"),
        ("giulia..bianchi@example.org", "un punto o un trattino è fuori posto"),
        ("giulia bianchi@example.org", "contiene un carattere che un indirizzo non può avere"),
        ("Giulia <giulia@example.org>", "scrivi solo l'indirizzo"),
    ],
)
def test_an_italian_operator_reads_why_and_what_to_do(typed: str, says: str) -> None:
    italian = refused(typed, "it")

    assert italian.startswith(f"{typed} non è un indirizzo e-mail valido")
    assert says in italian


@pytest.mark.parametrize(
    "typed", ["giulia", "giulia@", "giulia@example", "g,b@example.org", "giulia..b@example.org"]
)
def test_the_audit_keeps_the_refusal_in_english(typed: str) -> None:
    with pytest.raises(Refused) as refusal:
        personal_data.email(typed)

    assert str(refusal.value).startswith(f"{typed} is not a valid e-mail address")
    assert "@-sign" not in str(refusal.value)  # our sentence, not email-validator's


def test_a_reason_email_validator_adds_later_reads_as_the_general_refusal() -> None:
    from email_validator import EmailSyntaxError

    refusal = email_refusals.refusal(EmailSyntaxError("A brand new reason."), "x@y.z", "email")

    assert refusal.msgid == email_refusals.GENERAL
    assert refusal.params == {"value": "x@y.z"}
