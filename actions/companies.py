"""Support-portal companies (seed 002): the access code, mailed to the address on file and
stored hashed; the registration, once, by the person who becomes the company's
administrator; the administrator creating the company's other users."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import credentials, outbox, personal_data, throttle
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused, clock
from actions.login_accounts import issue_activation, mail_link
from actions.passwords import hash_password, verify_password
from actions.tickets import require_desk
from actions.unique import refused_if_taken
from admin.i18n import N_, translate
from models import (
    AccountState,
    CredentialPolicy,
    LoginAccount,
    Member,
    MemberState,
    Organization,
    utcnow,
)
from models.outbox import SecretKind

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class WrongAccessCode(Refused):
    """A wrong access code: counted against the company (`throttle`), like a wrong password."""

    def __init__(self, organization: Organization) -> None:
        super().__init__(
            N_(
                "The access code is not the one mailed to %(company)s. "
                "Check it, or send a new code to the address on file."
            ),
            field="access_code",
            company=organization.name,
        )
        self.organization_id = organization.id


def _attempts_key(organization_id: int) -> str:
    return f"organization:{organization_id}:access_code"


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    tax_code: str
    email: str
    username: str
    password: str = ""  # the administrator chooses it at registration; users activate by mail


def by_vat(session: Session, vat_number: str, *, field: str = "vat_number") -> Organization | None:
    """The company with this Partita IVA (checked, checksum included)."""
    try:
        compact = personal_data.vat_number(vat_number, "IT")
    except Refused as refusal:
        refusal.field = field
        raise
    return session.scalar(
        select(Organization).where(Organization.vat_number == compact).order_by(Organization.id)
    )


def send_access_code(session: Session, actor: Actor, organization_id: int) -> Organization:
    """A new access code, mailed to the company's address on file (never elsewhere)."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise Refused(N_("This company no longer exists."))
    with audited(session, actor, "company.send_access_code", organization) as scope:
        require_desk(actor)
        if organization.registered_at is not None:
            raise Refused(
                N_(
                    "%(company)s is already registered: its administrator creates its users. "
                    "Use a recovery path instead."
                ),
                company=organization.name,
            )
        if not organization.email:
            raise Refused(
                N_("%(company)s has no e-mail address on file: fill it in first."),
                field="email",
                company=organization.name,
            )
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        organization.access_code_hash = hash_password(code)
        throttle.reset(session, _attempts_key(organization.id))  # a new code, a new count
        language = organization.language
        message = outbox.enqueue(
            session,
            recipient=organization.email,
            subject=translate(language, N_("Your access code for the support portal")),
            body=translate(
                language,
                N_(
                    "Hello,\n\nthe access code of %(company)s for the support portal is "
                    "%(code)s. The person who registers with it becomes the company's "
                    "administrator.\n"
                ),
            )
            % {"company": organization.name, "code": code},
            caused_by="company.send_access_code",
            entity=organization,
            secret=SecretKind.ACCESS_CODE,
            hidden=(code,),
        )
        scope.note(outbox_id=message.id, sent_to=organization.email)
    return organization


def register_company(
    session: Session,
    actor: Actor,
    vat_number: str,
    access_code: str,
    person: Person,
    *,
    link_base: str = "",
    now: dt.datetime | None = None,
) -> Member:
    """The first registration of a company, with its access code: the person registering
    becomes its administrator. A company registers once. With a password (the portal) the
    account is active at once; without one (the desk registering for a caller) an activation
    link is mailed so that the administrator chooses it. Wrong codes are throttled per
    company like logins: after 5 in a row one attempt a minute, after 20 none until a new
    code is sent."""
    now = now or utcnow()
    try:
        return _register_company(
            session, actor, vat_number, access_code, person, link_base=link_base, now=now
        )
    except WrongAccessCode as wrong:  # counted outside the refused change, so it stays
        throttle.record(session, _attempts_key(wrong.organization_id), now)
        raise


def _register_company(
    session: Session,
    actor: Actor,
    vat_number: str,
    access_code: str,
    person: Person,
    *,
    link_base: str,
    now: dt.datetime,
) -> Member:
    with audited(session, actor, "company.register", ("organization", None)) as scope:
        require_desk(actor)
        organization = by_vat(session, vat_number)
        if organization is None:
            raise Refused(
                N_("No company has the VAT number %(vat)s: company not present."),
                field="vat_number",
                vat=vat_number.strip(),
            )
        scope.entity_id = str(organization.id)
        if organization.registered_at is not None:
            raise Refused(
                N_(
                    "%(company)s is already registered: its administrator creates its users, "
                    "or a recovery path helps."
                ),
                field="vat_number",
                company=organization.name,
            )
        _check_access_code(session, organization, access_code, now)
        member = _new_user(session, organization, person, now)
        account = member.login_account
        assert account is not None
        if person.password:
            account.secret_hash = hash_password(credentials.check_password(person.password))
            account.secret_kind = CredentialPolicy.PASSWORD
            account.state = AccountState.ACTIVE
        else:
            token = issue_activation(account, now)
            mail_link(session, account, "activation", token, link_base, "company.register")
        session.flush()
        organization.administrator_id = member.id
        organization.registered_at = now
        organization.access_code_hash = None  # used: it registers once
        throttle.reset(session, _attempts_key(organization.id))
        scope.note(administrator=member.id, username=account.username)
    return member


def _check_access_code(
    session: Session, organization: Organization, access_code: str, now: dt.datetime
) -> None:
    throttle.check(
        throttle.counted(session, _attempts_key(organization.id), login=False),
        now,
        locked=lambda: Refused(
            N_(
                "Too many wrong access codes for %(company)s: send a new code to the address "
                "on file, then try again with it."
            ),
            field="access_code",
            company=organization.name,
        ),
        wait=lambda retry_at: Refused(
            N_(
                "Too many wrong access codes for %(company)s in a row. Try again after "
                "%(time)s UTC."
            ),
            field="access_code",
            company=organization.name,
            time=clock(retry_at, seconds=True),
        ),
    )
    if not verify_password(organization.access_code_hash, access_code.strip().upper()):
        raise WrongAccessCode(organization)


def create_company_user(
    session: Session,
    actor: Actor,
    organization_id: int,
    requested_by: str,
    person: Person,
    *,
    link_base: str,
    now: dt.datetime | None = None,
) -> Member:
    """The company's administrator (known by the tax code the caller gives) creates another
    user; the user activates the account by mail."""
    now = now or utcnow()
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise Refused(N_("This company no longer exists."))
    with audited(session, actor, "company.create_user", ("member", None)) as scope:
        require_desk(actor)
        administrator = (
            session.get(Member, organization.administrator_id)
            if organization.administrator_id
            else None
        )
        caller = requested_by.replace(" ", "").upper()
        if administrator is None or administrator.tax_code != caller:
            raise Refused(
                N_(
                    "Only the administrator of %(company)s creates its users: ask them to call, "
                    "or send a join request for the new user."
                ),
                field="requested_by",
                company=organization.name,
            )
        member = _new_user(session, organization, person, now)
        assert member.login_account is not None
        token = issue_activation(member.login_account, now)
        message = mail_link(
            session, member.login_account, "activation", token, link_base, "company.create_user"
        )
        scope.entity_id = str(member.id)
        scope.note(by_administrator=administrator.id, outbox_id=message.id)
    return member


def _new_user(
    session: Session, organization: Organization, person: Person, now: dt.datetime
) -> Member:
    for name in ("first_name", "last_name"):
        if not getattr(person, name).strip():
            raise Refused(N_("The first and last names are needed."), field=name)
    tax_code = personal_data.tax_code(person.tax_code)
    email = personal_data.email(person.email)
    username = credentials.check_username(person.username)
    if session.scalar(
        select(Member.id).where(
            Member.organization_id == organization.id, Member.tax_code == tax_code
        )
    ):
        raise Refused(
            N_("The tax code %(code)s is already a user of %(company)s: recover the username."),
            field="tax_code",
            code=tax_code,
            company=organization.name,
        )
    _refuse_a_username_taken(session, username)
    member = Member(
        organization=organization,
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        tax_code=tax_code,
        email=email,
        state=MemberState.VALIDATED,
        validated_at=now,
    )
    account = LoginAccount(
        organization=organization,
        member=member,
        username=username,
        login_email=email,
        state=AccountState.PENDING_ACTIVATION,
    )
    with refused_if_taken(session, lambda: _refuse_a_username_taken(session, username)):
        session.add_all([member, account])
    return member


def _refuse_a_username_taken(session: Session, username: str) -> None:
    if session.scalar(
        select(LoginAccount.id).where(func.lower(LoginAccount.username) == username.lower())
    ):
        raise Refused(
            N_("The username %(username)s is taken: choose another."),
            field="username",
            username=username,
        )
