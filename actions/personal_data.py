"""Checked personal and company data, with well-kept libraries: python-stdnum for tax and
VAT numbers, phonenumbers for mobiles, email-validator for addresses. Each refusal names
the field and what is wrong with it."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.fr import siren, siret, tva
from stdnum.it import codicefiscale, iva
from stdnum.nl import btw

from actions import email_refusals
from actions.errors import Refused, Term
from admin.i18n import N_

VAT_MODULES = {"IT": iva, "FR": tva, "NL": btw}
ISIL = re.compile(r"^[A-Z]{2}-[A-Za-z0-9:/-]{1,11}$")


def email(value: str, field: str = "email") -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise email_refusals.refusal(error, value.strip(), field) from None


def tax_code(value: str) -> str:
    """An Italian codice fiscale, checksum included; returned compact and upper-case."""
    try:
        return str(codicefiscale.validate(value))
    except ValidationError as error:
        raise Refused(
            N_("The tax code %(value)s is not valid: %(why)s. Read it again with the caller."),
            field="tax_code",
            value=value.strip(),
            why=_why(error, 16),
        ) from None


def vat_number(value: str, country: str) -> str:
    module = VAT_MODULES.get(country.upper())
    if module is None:
        raise Refused(
            N_("VAT numbers of %(country)s cannot be checked yet."),
            field="vat_number",
            country=country,
        )
    try:
        return str(module.validate(value))
    except ValidationError as error:
        raise Refused(
            N_("The VAT number %(value)s is not valid: %(why)s."),
            field="vat_number",
            value=value.strip(),
            why=_why(error, None),
        ) from None


def mobile(value: str, country: str) -> str:
    """Any usual form (+39 333 1234567, 0039 333..., 333 1234567), stored as E.164."""
    try:
        number = phonenumbers.parse(value, country.upper())
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Refused(
            N_("%(value)s is not a valid mobile number."), field="mobile", value=value.strip()
        )
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise Refused(
            N_("%(value)s is not a mobile number: text messages cannot reach it."),
            field="mobile",
            value=value.strip(),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def isil(value: str) -> str:
    """A library's ISIL code, like NL-1234AB."""
    cleaned = value.strip()
    cleaned = cleaned[:2].upper() + cleaned[2:]
    if not ISIL.match(cleaned):
        raise Refused(
            N_(
                "%(value)s is not an ISIL code (two letters, a dash, up to 11 characters: NL-1234AB)."
            ),
            field="isil",
            value=cleaned,
        )
    return cleaned


def company_identifier(value: str) -> str:
    """A client's SIRET (14 digits), SIREN (9 digits), Italian partita IVA (11 digits) or
    European VAT number with its country prefix (FR..., IT..., NL...B01, BE..., DE...),
    checksum included; returned compact."""
    compact = "".join(c for c in value if c.isalnum()).upper()
    module: Any = {14: siret, 9: siren, 11: iva}.get(len(compact)) if compact.isdigit() else None
    if module is None and compact[:2].isalpha():
        module = eu_vat
    if module is None:
        raise Refused(
            N_(
                "%(value)s is neither a SIRET (14 digits), a SIREN (9 digits), an Italian VAT "
                "number (11 digits) nor a VAT number with its country prefix (FR, IT, NL...)."
            ),
            field="identifier",
            value=value.strip(),
        )
    try:
        return str(module.validate(compact))
    except ValidationError as error:
        raise Refused(
            N_(
                "The SIRET or VAT number %(value)s is not valid: %(why)s. Check it with the caller."
            ),
            field="identifier",
            value=value.strip(),
            why=_why(error, None),
        ) from None


def _why(error: ValidationError, length: int | None) -> Term:
    if isinstance(error, InvalidLength):
        if length == 16:
            return Term(N_("the length is wrong (16 characters expected)"))
        return Term(N_("the length is wrong"))
    if isinstance(error, InvalidChecksum):
        return Term(N_("the check character does not match"))
    if isinstance(error, InvalidComponent):
        return Term(N_("a part of it (date, place or country) is impossible"))
    if isinstance(error, InvalidFormat):
        return Term(N_("it has unexpected characters"))
    return Term(N_("it is not valid"))
