"""Lookups shared by the member actions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.errors import Refused
from admin.i18n import N_
from models import CredentialPolicy, Member


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise Refused(N_("This member no longer exists. Search for them again."))
    return member


FIELD_LABELS = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "birth_date": N_("birth date"),
    "tax_code": N_("tax code"),
    "address": N_("address"),
    "email": N_("e-mail"),
}

STATE_LABELS = {
    "incomplete": N_("incomplete"),
    "pending": N_("pending"),
    "validated": N_("validated"),
    "rejected": N_("rejected"),
}


def keep_registered_email(session: Session, member_id: object, typed: str | None) -> None:
    """Seed 000: members of a PIN-policy organisation sign in with the e-mail they
    registered with; it never changes (the way out is deleting the account and registering
    again), so no link can be sent to another address through an edited record."""
    key = str(member_id)
    member = session.get(Member, int(key)) if key.isdigit() and int(key) < 2**31 else None
    if member is None or not member.email:
        return
    if member.organization.credential_policy != CredentialPolicy.PIN:
        return
    if (typed or "").strip().lower() != member.email.lower():
        raise Refused(
            N_(
                "The e-mail of %(organization)s members cannot be changed: delete the account, "
                "then register again with the new address."
            ),
            field="email",
            organization=member.organization.name,
        )
