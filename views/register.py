"""Register a caller: a page of the console (menu "Register a caller")."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin.flash import flash
from starlette_admin.views import Link

from actions.errors import Refused
from actions.register import AlreadyRegistered, Registration, register
from admin.auth import actor, has_role
from admin.i18n import _, lazy_gettext
from models import LoginAccount, Role
from views.fragments import call, forbidden, operator_link, render

FIELDS = ("company_code", "first_name", "last_name", "tax_code", "email", "mobile")


def menu_link() -> Link:
    return operator_link(lazy_gettext("Register a caller"), "fa fa-user-plus", "/admin/register")


async def page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    if request.method == "GET":
        return render(request, "register_form.html", values={}, as_page=True)
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FIELDS}
    try:
        member = await call(
            request,
            register,
            actor(request),
            Registration(**values),
            link_base=request.app.state.settings.base_url,
        )
    except AlreadyRegistered as refusal:
        account_id = await call(
            request,
            lambda db, m: db.scalar(select(LoginAccount.id).where(LoginAccount.member_id == m)),
            refusal.member_id,
        )
        return render(
            request,
            "register_form.html",
            values=values,
            as_page=True,
            error=refusal.translated(),
            error_field=refusal.field,
            existing_member=refusal.member_id,
            existing_account=account_id,
        )
    except Refused as refusal:
        return render(
            request,
            "register_form.html",
            values=values,
            as_page=True,
            error=refusal.translated(),
            error_field=refusal.field,
        )
    flash(
        request,
        _("%(name)s is registered; the activation link is on its way to %(email)s.")
        % {"name": member.full_name, "email": member.email},
        "success",
    )
    return RedirectResponse(
        request.url_for("admin:detail", key="members").include_query_params(pk=member.id),
        status_code=303,
    )


def routes() -> list[Route]:
    return [Route("/register", page, methods=["GET", "POST"], name="register")]
