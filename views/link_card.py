"""The first step of "link card": show the account found and its e-mail for the operator
to confirm with the customer. The rule itself is in actions/link_card.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from actions.link_card import Found, find_by_card, not_found
from actions.members import get_member
from views.fragments import is_htmx, refused, render


def find_account_by_card(session: Session, member_id: int, card_number: str) -> Found | None:
    return find_by_card(session, get_member(session, member_id), card_number)


def refused_or_confirm(
    request: Request, view: Any, member: Any, values: dict[str, str], found: Found | None
) -> Response:
    if found is None:
        return refused(
            request,
            not_found(values["card_number"]),
            "link_card_form.html",
            view=view,
            member=member,
            values=values,
            found=None,
            offer_generate=True,
        )
    response = render(
        request, "link_card_form.html", view=view, member=member, values=values, found=found
    )
    if is_htmx(request):
        response.headers["HX-Retarget"] = "#action-panel"
        response.headers["HX-Reswap"] = "innerHTML"
    return response
