"""The login accounts of the members a lookup found by their mobile: the caller is on the
phone about a code (seed 000), so the results offer that account's actions at once, with no
second lookup."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.lookup import Hit
from models import LoginAccount

PHONE_ACTIONS = ("send_phone_code", "confirm_phone_code")


def accounts_for_mobile_hits(session: Session, hits: list[Hit]) -> dict[int, LoginAccount]:
    """Member id → its login account, for the members found by their mobile number."""
    members = [hit.id for hit in hits if hit.kind == "member" and hit.matched == "mobile"]
    if not members:
        return {}
    accounts = session.scalars(select(LoginAccount).where(LoginAccount.member_id.in_(members)))
    return {account.member_id: account for account in accounts if account.member_id is not None}
