"""The member's side of the mailed links, outside the console: choose a new secret through
a member reset link (/reset/...) or a login-account link (/account/activation/... and
/account/reset/...). One page for all of them: it asks for what the organisation's policy
wants (a 6-digit PIN or a password) and stays that page after a refusal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio.to_thread
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from actions.account_secret import account_for_link, set_secret
from actions.errors import Refused
from actions.reset_link import link_policy, use_link
from models import CredentialPolicy


@dataclass(frozen=True)
class Outcome:
    error: str | None = None
    policy: CredentialPolicy | None = None  # None: the link itself is not usable


# How to read a link's policy, and how to set the secret through it.
Policy = Callable[[Session], CredentialPolicy]
Setter = Callable[[Session, str], object]


async def reset(request: Request) -> Response:
    token = request.path_params["token"]
    ip = request.client.host if request.client else None
    return await _secret_page(
        request,
        lambda db: link_policy(db, token),
        lambda db, secret: use_link(db, token, secret, ip=ip),
    )


async def account_link(request: Request) -> Response:
    kind, token = request.path_params["kind"], request.path_params["token"]
    if kind not in ("activation", "reset"):
        return HTMLResponse(status_code=404)
    return await _secret_page(
        request,
        lambda db: account_for_link(db, kind, token).organization.credential_policy,
        lambda db, secret: set_secret(db, kind, token, secret),
    )


async def _secret_page(request: Request, policy_of: Policy, set_it: Setter) -> Response:
    factory = request.app.state.session_factory

    def perform(secret: str | None) -> Outcome:
        with factory() as session:
            try:
                policy = policy_of(session)
            except Refused as refusal:
                return Outcome(refusal.translated())
            try:
                if secret is not None:
                    set_it(session, secret)
            except Refused as refusal:
                session.commit()  # the refusal's audit event
                return Outcome(refusal.translated(), policy)
            session.commit()
            return Outcome(None, policy)

    secret = None
    if request.method == "POST":
        secret = str((await request.form()).get("password", ""))
    outcome = await anyio.to_thread.run_sync(perform, secret)
    template = request.app.state.templates.env.get_template("reset/page.html")
    html = template.render(
        request=request,
        error=outcome.error,
        done=request.method == "POST" and outcome.error is None,
        policy=outcome.policy.value if outcome.policy else None,
    )
    return HTMLResponse(html, status_code=200 if outcome.error is None else 400)


def routes() -> list[Route]:
    return [
        Route("/reset/{token}", reset, methods=["GET", "POST"], name="reset"),
        Route(
            "/account/{kind}/{token}", account_link, methods=["GET", "POST"], name="account-link"
        ),
    ]
