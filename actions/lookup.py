"""The one-box lookup: find a member, a login account or a client from whatever the caller
reads out.

Each kind of query is answered by an index, never by scanning: an e-mail by lower(email),
a mobile by its E.164 form, a tax code by its compact form, a card number by the card or
the library's ISIL + card username, a username by lower(username), a name by a prefix range
on the normalised "last first" or "first last" name; a client by its number, its SIRET/VAT
key or a prefix range on its normalised legal name. Identifier matches come before name
matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.link_card import card_usernames
from admin.i18n import N_
from models import Client, LoginAccount, Member, Organization
from models.client import company_key, identifier_key
from models.member import search_key

LIMIT = 8
TAX_CODE = re.compile(r"^[A-Z0-9]{16}$")


@dataclass(frozen=True)
class Hit:
    kind: str  # "member", "login_account" or "client"
    id: int
    label: str
    detail: str
    matched: str  # what matched: one of MATCHED


MATCHED = (
    N_("e-mail"),
    N_("mobile"),
    N_("tax code"),
    N_("card"),
    N_("username"),
    N_("name"),
    N_("client number"),
    N_("SIRET/VAT"),
    N_("legal name"),
)


def lookup(session: Session, query: str, *, country: str = "IT", limit: int = LIMIT) -> list[Hit]:
    text = " ".join(query.split())
    if len(text) < 2:
        return []
    hits: list[Hit] = []
    finders = (
        _by_email,
        _by_mobile,
        _by_tax_code,
        _by_client_identifier,
        _by_card_or_username,
        _by_name,
        _by_legal_name,
    )
    for finder in finders:
        for hit in finder(session, text, country, limit):
            if (hit.kind, hit.id) not in {(h.kind, h.id) for h in hits}:
                hits.append(hit)
        if len(hits) >= limit:
            break
    return hits[:limit]


def _member_hit(member: Member, matched: str) -> Hit:
    detail = " · ".join(p for p in (member.email, member.tax_code, member.organization.name) if p)
    return Hit("member", member.id, member.full_name, detail, matched)


def _account_hit(account: LoginAccount, matched: str) -> Hit:
    owner = account.member.full_name if account.member else "—"
    return Hit(
        "login_account",
        account.id,
        account.username,
        f"{account.login_email or ''} · {owner}",
        matched,
    )


def _by_email(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    if "@" not in text:
        return []
    email = text.lower()
    members = session.scalars(select(Member).where(func.lower(Member.email) == email).limit(limit))
    accounts = session.scalars(
        select(LoginAccount).where(func.lower(LoginAccount.login_email) == email).limit(limit)
    )
    return [_member_hit(m, "e-mail") for m in members] + [
        _account_hit(a, "e-mail") for a in accounts
    ]


def _by_mobile(session: Session, text: str, country: str, limit: int) -> list[Hit]:
    digits = re.sub(r"[\s./()-]", "", text)
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return []
    try:
        number = phonenumbers.parse(digits, country)
    except phonenumbers.NumberParseException:
        return []
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    members = session.scalars(select(Member).where(Member.mobile == e164).limit(limit))
    return [_member_hit(m, "mobile") for m in members]


def _by_tax_code(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    code = text.replace(" ", "").upper()
    if not TAX_CODE.match(code):
        return []
    members = session.scalars(select(Member).where(Member.tax_code == code).limit(limit))
    return [_member_hit(m, "tax code") for m in members]


def _by_card_or_username(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    """A username in any case, or a card number with or without the library's ISIL prefix,
    also when the caller reads out the ISIL code and the card together ("NL-1234AB 0012345"
    finds the account 0012345)."""
    isils = session.scalars(select(Organization.isil).where(Organization.isil.is_not(None))).all()
    usernames = card_usernames(text, [isil for isil in isils if isil])
    if not usernames:
        return []
    key = text.lower()
    accounts = session.scalars(
        select(LoginAccount).where(func.lower(LoginAccount.username).in_(usernames)).limit(limit)
    ).all()
    cards = {text} | {u for u in usernames if u.isdigit()}
    members = session.scalars(
        select(Member).where(Member.card_number.in_(cards)).limit(limit)
    ).all()
    return [
        _account_hit(a, "username" if a.username.lower() == key else "card") for a in accounts
    ] + [_member_hit(m, "card") for m in members]


def _by_name(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    """What was typed starts the name, last name first or first name first ("rossi mar",
    "mario ross"): a prefix range on each of the two normalised names."""
    key = search_key(text)
    if not key or any(c.isdigit() for c in key):
        return []
    found: list[Member] = []
    for column in (Member.search_name, Member.search_name_reversed):
        found += session.scalars(
            select(Member).where(column >= key, column < key + "\x7f").order_by(column).limit(limit)
        ).all()
    return [_member_hit(m, "name") for m in dict.fromkeys(found)][:limit]


def _client_hit(client: Client, matched: str) -> Hit:
    detail = " · ".join(p for p in (client.client_number, client.identifier, client.email) if p)
    return Hit("client", client.id, client.legal_name, detail, matched)


def _by_client_identifier(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    """A client number (C000123, in any case) or a SIRET/VAT number typed in any form."""
    number = text.replace(" ", "").upper()
    by_number = session.scalars(select(Client).where(Client.client_number == number)).all()
    key = identifier_key(text)
    by_identifier = (
        session.scalars(select(Client).where(Client.identifier_key == key).limit(limit)).all()
        if key and any(c.isdigit() for c in key)
        else []
    )
    return [_client_hit(c, "client number") for c in by_number] + [
        _client_hit(c, "SIRET/VAT") for c in by_identifier
    ]


def _by_legal_name(session: Session, text: str, _country: str, limit: int) -> list[Hit]:
    key = company_key(text)
    if len(key) < 2 or any(c.isdigit() for c in key):
        return []
    clients = session.scalars(
        select(Client)
        .where(Client.name_key >= key, Client.name_key < key + "\x7f")
        .order_by(Client.name_key)
        .limit(limit)
    )
    return [_client_hit(c, "legal name") for c in clients]
