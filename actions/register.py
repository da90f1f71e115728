"""Registration on behalf of a caller (seeds 000 and 002): the organisation's company code,
the personal data, checked; the same person (same tax code, or same e-mail, in the
organisation) registers once, and a second attempt is refused with "already registered"
and the reset offered instead. A new member gets a login account and its activation mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from actions import personal_data
from actions.account_links import require_operator
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused, Term
from actions.login_accounts import by_username, issue_activation, mail_link
from actions.members import FIELD_LABELS
from actions.unique import refused_if_taken
from admin.i18n import N_
from models import AccountState, LoginAccount, Member, MemberState, Organization, utcnow


class AlreadyRegistered(Refused):
    """The person is already registered: offer the reset instead."""

    def __init__(self, member: Member) -> None:
        super().__init__(
            N_(
                "%(name)s is already registered in %(organization)s: send a PIN or password reset "
                "instead."
            ),
            name=member.full_name,
            organization=member.organization.name,
        )
        self.member_id = member.id


@dataclass(frozen=True)
class Registration:
    company_code: str
    first_name: str
    last_name: str
    tax_code: str
    email: str
    mobile: str


def _refuse_a_number_certified_for_someone_else(
    session: Session, mobile: str, tax_code: str
) -> None:
    """A mobile certified with a phone code belongs to its person (seed 000): another person
    (another tax code) registers with a number of their own."""
    taken = session.scalar(
        select(Member.id)
        .where(Member.mobile == mobile, Member.mobile_verified_at.is_not(None))
        .where(or_(Member.tax_code.is_(None), Member.tax_code != tax_code))
        .limit(1)
    )
    if taken is not None:
        raise Refused(
            N_(
                "The mobile number %(mobile)s is already certified for another person: ask the "
                "caller for a mobile number of their own. If the number is now theirs, the other "
                "person's record must be corrected first."
            ),
            field="mobile",
            mobile=mobile,
        )


def _refuse_a_username_taken(session: Session, email: str) -> None:
    """The e-mail becomes the username, unique across organisations: the same person in a
    second organisation registers with another address, or keeps using the account."""
    taken = by_username(session, email)
    if taken is not None:
        raise Refused(
            N_(
                "The e-mail address %(email)s is already the username of a login account of "
                "%(organization)s: register the caller with another e-mail address, or, if that "
                "account is theirs and they cannot log in, send them a PIN or password reset "
                "from the login accounts list."
            ),
            field="email",
            email=email,
            organization=taken.organization.name,
        )


def register(
    session: Session,
    actor: Actor,
    data: Registration,
    *,
    link_base: str,
    now: dt.datetime | None = None,
) -> Member:
    now = now or utcnow()
    with audited(session, actor, "member.register", ("member", None)) as scope:
        require_operator(actor)
        organization = session.scalar(
            select(Organization).where(
                func.lower(Organization.company_code) == data.company_code.strip().lower()
            )
        )
        if organization is None:
            raise Refused(
                N_("No organisation has the company code %(code)s: check it with the caller."),
                field="company_code",
                code=data.company_code.strip(),
            )
        for name in ("first_name", "last_name"):
            if not getattr(data, name).strip():
                raise Refused(
                    N_("The %(what)s is missing."), field=name, what=Term(FIELD_LABELS[name])
                )
        tax_code = personal_data.tax_code(data.tax_code)
        email = personal_data.email(data.email)
        mobile = personal_data.mobile(data.mobile, organization.country)
        existing = session.scalar(
            select(Member)
            .where(Member.organization_id == organization.id)
            .where(or_(Member.tax_code == tax_code, func.lower(Member.email) == email.lower()))
        )
        if existing is not None:
            raise AlreadyRegistered(existing)
        _refuse_a_number_certified_for_someone_else(session, mobile, tax_code)
        _refuse_a_username_taken(session, email)
        member = Member(
            organization=organization,
            first_name=data.first_name.strip(),
            last_name=data.last_name.strip(),
            tax_code=tax_code,
            email=email,
            mobile=mobile,
            state=MemberState.INCOMPLETE,
        )
        account = LoginAccount(
            organization=organization,
            member=member,
            username=email,
            login_email=email,
            state=AccountState.PENDING_ACTIVATION,
        )
        with refused_if_taken(session, lambda: _refuse_a_username_taken(session, email)):
            session.add_all([member, account])
        token = issue_activation(account, now)
        message = mail_link(session, account, "activation", token, link_base, "member.register")
        session.flush()
        scope.entity_id = str(member.id)
        scope.note(login_account=account.username, outbox_id=message.id)
    return member
