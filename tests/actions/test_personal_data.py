from __future__ import annotations

import pytest

from actions import personal_data
from actions.errors import Refused
from admin import i18n


@pytest.mark.parametrize("typed", ["RSSMRA85T10A562S", "rssmra85t10a562s", " RSS MRA 85T10 A562S "])
def test_a_valid_tax_code_is_accepted_in_any_case_and_spacing(typed: str) -> None:
    assert personal_data.tax_code(typed) == "RSSMRA85T10A562S"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("RSSMRA85T10A562T", "check character"),
        ("RSSMRA85T10A562", "length"),
        ("RSSMRA85T10A56!S", "not valid"),
    ],
)
def test_a_wrong_tax_code_is_refused_naming_the_field(typed: str, why: str) -> None:
    with pytest.raises(Refused, match=why) as refusal:
        personal_data.tax_code(typed)
    assert refusal.value.field == "tax_code"
    assert "The tax code" in str(refusal.value)


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("00743110157", "IT"),
        ("IT 00743110157", "IT"),
        ("FR 40 303 265 045", "FR"),
        ("NL004495445B01", "NL"),
    ],
)
def test_a_valid_vat_number_is_accepted(value: str, country: str) -> None:
    assert personal_data.vat_number(value, country)


@pytest.mark.parametrize(
    ("value", "country"), [("00743110158", "IT"), ("0074311015", "IT"), ("FR 41 303 265 045", "FR")]
)
def test_a_wrong_vat_number_is_refused(value: str, country: str) -> None:
    with pytest.raises(Refused, match="VAT number") as refusal:
        personal_data.vat_number(value, country)
    assert refusal.value.field == "vat_number"


@pytest.mark.parametrize(
    "typed", ["+39 333 1234567", "0039 333 1234567", "333 1234567", "333-123-4567", "+393331234567"]
)
def test_a_mobile_in_any_usual_form_is_stored_e164(typed: str) -> None:
    assert personal_data.mobile(typed, "IT") == "+393331234567"


@pytest.mark.parametrize("typed", ["333", "not a number", "+39 06 1234 5678"])
def test_a_wrong_or_fixed_line_number_is_refused(typed: str) -> None:
    with pytest.raises(Refused) as refusal:
        personal_data.mobile(typed, "IT")
    assert refusal.value.field == "mobile"


def test_a_dutch_mobile_is_read_with_the_organisations_country() -> None:
    assert personal_data.mobile("06 12345678", "NL") == "+31612345678"


@pytest.mark.parametrize(
    ("typed", "stored"), [("NL-1234AB", "NL-1234AB"), ("nl-1234AB", "NL-1234AB")]
)
def test_an_isil_code_is_accepted(typed: str, stored: str) -> None:
    assert personal_data.isil(typed) == stored


@pytest.mark.parametrize("typed", ["NL1234AB", "N-1234", "NL-", "NL-123456789012"])
def test_a_malformed_isil_code_is_refused(typed: str) -> None:
    with pytest.raises(Refused, match="ISIL"):
        personal_data.isil(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("214 301 376 00015", "21430137600015"),  # SIRET
        ("214301376", "214301376"),  # SIREN
        ("00743110157", "00743110157"),  # partita IVA
        ("fr 40 303 265 045", "FR40303265045"),
        ("NL004495445B01", "NL004495445B01"),
    ],
)
def test_a_company_identifier_is_a_siret_siren_or_vat_number(typed: str, stored: str) -> None:
    assert personal_data.company_identifier(typed) == stored


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("214 301 376 00016", "check character"),  # last digit off by one
        ("00743110158", "check character"),
        ("2143013760001", "neither a SIRET"),  # 13 digits
        ("ACME", "not valid"),  # letters without a country's digits
    ],
)
def test_a_wrong_company_identifier_is_refused_with_the_reason(typed: str, why: str) -> None:
    with pytest.raises(Refused, match=why) as refusal:
        personal_data.company_identifier(typed)
    assert refusal.value.field == "identifier"


def test_the_reason_is_translated_with_the_message() -> None:
    with pytest.raises(Refused) as refusal:
        personal_data.tax_code("RSSMRA85T10A562T")
    i18n.install()
    i18n.set_locale("it")
    try:
        italian = refusal.value.translated()
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)
    assert "does not match" not in italian and "RSSMRA85T10A562T" in italian
