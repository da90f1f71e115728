"""Demo organisations, their members, and the library's login accounts (seeds 000 and 004)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.it import codicefiscale

from models import AccountState, CredentialPolicy, LoginAccount, Member, MemberState, Organization

ORGANIZATIONS = [
    ("Welfare Aziendale Rossi S.p.A.", "ROSSI2026", "IT", "it"),
    ("Association Secours Var", "SECOURS83", "FR", "en"),
    ("Bibliotheek Utrecht", "BIBUTRECHT", "NL", "en"),
]
LIBRARY_ISIL = "NL-1234AB"
PIN_MEMBER = 0
# Library login accounts (seed 004): username, demo member number or None (unlinked), state,
# activation expired days ago, phone codes sent today.
ACCOUNTS = [
    ("20010045", None, AccountState.ACTIVE, None, 0),  # unlinked, found by card number
    ("NL-1234AB-20010046", None, AccountState.ACTIVE, None, 0),  # found by ISIL + card number
    (
        "20010047",
        2,
        AccountState.PENDING_ACTIVATION,
        3,
        0,
    ),  # activation expired 3 days ago
    ("20010048", 5, AccountState.ACTIVE, None, 3),  # phone-code limit reached today
    ("20010049", 8, AccountState.LOCKED, None, 0),  # locked after failed logins
]
FIRST = [
    "Mario",
    "Giulia",
    "Luca",
    "Francesca",
    "Marco",
    "Chiara",
    "Jean",
    "Sophie",
    "Paolo",
    "Elena",
    "Claire",
    "Pierre",
    "Anna",
    "Davide",
    "Marie",
]
LAST = [
    "Rossi",
    "Bianchi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Dupont",
    "Martin",
    "Romano",
    "Colombo",
    "Ricci",
    "Bernard",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
]
STREETS = ["Via Roma", "Corso Italia", "Rue de la Paix", "Via Garibaldi", "Avenue Foch"]


def add_organizations(session: Session) -> tuple[list[Organization], int]:
    found, created = [], 0
    for name, code, country, language in ORGANIZATIONS:
        org = session.scalar(select(Organization).where(Organization.company_code == code))
        if org is None:
            org = Organization(name=name, company_code=code, country=country, language=language)
            if country == "NL":
                org.isil, org.timezone = LIBRARY_ISIL, "Europe/Amsterdam"
            if country == "IT":
                org.credential_policy = CredentialPolicy.PIN  # seed 000: members log in with a PIN
            session.add(org)
            created += 1
        found.append(org)
    return found, created


def demo_tax_code(index: int) -> str:
    """The valid codice fiscale of demo member number `index` (name, birth date, checksum)."""
    first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
    letters = (last[:3] + first[:3]).upper().ljust(6, "X")
    born = f"{(1950 + index % 50) % 100:02d}{'ABCDEHLMPRST'[index % 12]}{1 + index % 28:02d}"
    body = f"{letters}{born}{'ABCDEFGHILM'[index % 11]}{100 + index:03d}"
    return body + codicefiscale.calc_check_digit(body)


def add_members(session: Session, organizations: list[Organization], count: int) -> int:
    existing = set(session.scalars(select(Member.tax_code)))
    states = [
        MemberState.PENDING,
        MemberState.PENDING,
        MemberState.VALIDATED,
        MemberState.INCOMPLETE,
        MemberState.REJECTED,
    ]
    created = 0
    for index in range(count):
        tax_code = demo_tax_code(index)
        if tax_code in existing:
            continue
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
        state = states[index % len(states)]
        member = Member(
            organization=organizations[index % len(organizations)],
            first_name=first,
            last_name=last,
            tax_code=tax_code,
            birth_date=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
            address=f"{STREETS[index % len(STREETS)]} {index + 1}",
            email=None if index % 6 == 1 else f"{first}.{last}{index}@example.org".lower(),
            mobile=f"+39333{1000000 + index}",
            state=state,
        )
        if state == MemberState.INCOMPLETE or index % 10 == 7:
            member.address = None  # some pending members too: not in the validation queue
        if state == MemberState.VALIDATED:
            member.dues_year = 2026
            member.validated_at = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
            # certified with a phone code: nobody else registers with this number
            member.mobile_verified_at = dt.datetime(2026, 1, 10, 18, 5, tzinfo=dt.UTC)
        session.add(member)
        created += 1
    return created


def add_pin_account(session: Session, welfare: Organization) -> int:
    """Demo member number 0 logs in to the welfare platform with a PIN (seed 000)."""
    member = session.scalar(select(Member).where(Member.tax_code == demo_tax_code(PIN_MEMBER)))
    if member is None or member.email is None or member.login_account is not None:
        return 0
    session.add(
        LoginAccount(
            organization=welfare,
            member=member,
            username=member.email,
            login_email=member.email,
            state=AccountState.ACTIVE,
        )
    )
    return 1


def add_accounts(session: Session, library: Organization) -> int:
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(ZoneInfo(library.timezone)).date()
    created = 0
    for username, member_number, state, expired_days, codes in ACCOUNTS:
        if (
            session.scalar(select(LoginAccount).where(LoginAccount.username == username))
            is not None
        ):
            continue
        member = (
            session.scalar(select(Member).where(Member.tax_code == demo_tax_code(member_number)))
            if member_number is not None
            else None
        )
        if member is not None:
            member.organization, member.card_number = library, username.rsplit("-", 1)[-1]
        account = LoginAccount(
            organization=library,
            member=member,
            username=username,
            state=state,
            login_email=member.email
            if member and member.email
            else f"reader{username[-2:]}@example.nl",
            activation_expires_at=now - dt.timedelta(days=expired_days) if expired_days else None,
            phone_sends_today=codes,
            phone_sends_day=today if codes else None,
            failed_attempts=10 if state == AccountState.LOCKED else 0,
        )
        session.add(account)
        created += 1
    return created
