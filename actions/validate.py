"""Validate a member: pending -> validated, recording the year the dues were paid.

Seed 001: an administrator validates new accounts manually after checking the member
paid this year's dues; only members whose personal information is complete can be
validated.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused, Term
from actions.members import FIELD_LABELS, STATE_LABELS, get_member
from admin.i18n import N_
from models import Member, MemberState, Role, utcnow


def validate(
    session: Session,
    actor: Actor,
    member_id: int,
    *,
    dues_year: int | None = None,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> Member:
    now = now or utcnow()
    member = get_member(session, member_id)
    with audited(session, actor, "member.validate", member, reason=reason):
        if not actor.may(Role.OPERATOR):
            raise Refused(N_("Your role may not validate members."))
        check_validatable(member)
        member.dues_year = check_dues_year(dues_year, now)
        member.state = MemberState.VALIDATED
        member.validated_at = now
    return member


def check_validatable(member: Member) -> None:
    if member.state != MemberState.PENDING:
        raise Refused(
            N_(
                "%(name)s is not pending validation (state: %(state)s): there is nothing to validate."
            ),
            name=member.full_name,
            state=Term(STATE_LABELS[member.state.value]),
        )
    if member.missing_fields:
        raise Refused(
            N_(
                "The personal information of %(name)s is incomplete (missing: %(fields)s). "
                "Ask the member to complete it, then validate."
            ),
            name=member.full_name,
            fields=[Term(FIELD_LABELS[f]) for f in member.missing_fields],
        )


def check_dues_year(dues_year: int | None, now: dt.datetime) -> int:
    """Dues paid for this year, or already for next year (paid in advance)."""
    year = now.year if dues_year is None else dues_year
    if year not in (now.year, now.year + 1):
        raise Refused(
            N_("Dues must be paid for %(year)s before the account is validated."),
            field="dues_year",
            year=now.year,
        )
    return year
