"""The member's side of a reset link: choose a new password. Outside the console."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

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


def routes() -> list[Route]:
    return [Route("/reset/{token}", reset, methods=["GET", "POST"], name="reset")]
