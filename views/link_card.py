"""The two steps of "link card" as a row action of members. The first shows the account
found and its e-mail for the operator to confirm with the customer, with the signed token
its confirmation posts back; the rule and the token check are in actions/link_card.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from actions.errors import Refused
from actions.link_card import find_for_link, link_card, not_found
from actions.members import get_member
from actions.steps import Proof
from admin.auth import actor
from admin.i18n import _
from views.fragments import call, done, in_panel, list_row, refused


async def submit(request: Request, view: Any, pk: int) -> Response:
    """No token: find the account and ask for the confirmation. With the token: link."""
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("card_number", "step")}
    member = await call(request, get_member, pk)
    secret_key = str(request.app.state.settings.secret_key)
    try:
        if not values["step"]:
            found = await call(
                request, find_for_link, actor(request), pk, values["card_number"], secret_key
            )
            if found is None:
                raise not_found(values["card_number"])
            return in_panel(
                request, "link_card_form.html", view=view, member=member, values=values, found=found
            )
        await call(
            request,
            link_card,
            actor(request),
            pk,
            values["card_number"],
            Proof(values["step"], secret_key),
        )
    except Refused as refusal:
        return refused(
            request,
            refusal,
            "link_card_form.html",
            view=view,
            member=member,
            values={"card_number": values["card_number"]},
            found=None,
            offer_generate=refusal.msgid == not_found("").msgid,
        )
    message = _("The login account is linked to %(name)s.") % {"name": member.full_name}
    return done(request, view.key, message, await list_row(request, view, member))
