"""The member's side of the mailed links, outside the console: choose a new password
(/reset/...), activate a login account or choose a new PIN or password (/account/...)."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from actions.account_secret import account_for_link, set_secret
from actions.errors import Refused
from actions.reset_link import check_link, use_link


async def reset(request: Request) -> Response:
    token = request.path_params["token"]
    factory = request.app.state.session_factory
    ip = request.client.host if request.client else None

    def perform(password: str | None) -> str | None:
        with factory() as session:
            try:
                if password is None:
                    check_link(session, token)
                else:
                    use_link(session, token, password, ip=ip)
            except Refused as refusal:
                session.commit()
                return refusal.translated()
            session.commit()
            return None

    password = None
    if request.method == "POST":
        password = str((await request.form()).get("password", ""))
    error = await anyio.to_thread.run_sync(perform, password)
    template = request.app.state.templates.env.get_template("reset/page.html")
    done = request.method == "POST" and error is None
    html = template.render(request=request, error=error, done=done)
    return HTMLResponse(html, status_code=200 if error is None else 400)


async def account_link(request: Request) -> Response:
    kind, token = request.path_params["kind"], request.path_params["token"]
    if kind not in ("activation", "reset"):
        return HTMLResponse(status_code=404)
    factory = request.app.state.session_factory

    def perform(secret: str | None) -> tuple[str | None, str]:
        with factory() as session:
            try:
                account = account_for_link(session, kind, token)
                policy = account.organization.credential_policy.value
                if secret is not None:
                    set_secret(session, kind, token, secret)
            except Refused as refusal:
                session.commit()
                return refusal.translated(), "password"
            session.commit()
            return None, policy

    secret = None
    if request.method == "POST":
        secret = str((await request.form()).get("password", ""))
    error, policy = await anyio.to_thread.run_sync(perform, secret)
    template = request.app.state.templates.env.get_template("reset/page.html")
    done = request.method == "POST" and error is None
    html = template.render(request=request, error=error, done=done, policy=policy)
    return HTMLResponse(html, status_code=200 if error is None else 400)


def routes() -> list[Route]:
    return [
        Route("/reset/{token}", reset, methods=["GET", "POST"], name="reset"),
        Route(
            "/account/{kind}/{token}", account_link, methods=["GET", "POST"], name="account-link"
        ),
    ]
