"""Lookups shared by the member actions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.errors import Refused
from admin.i18n import N_, NC_
from models import Member


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
    "validated": NC_("member state", "validated"),
    "rejected": N_("rejected"),
}
