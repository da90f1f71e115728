from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from admin.auth import COOKIE
from models import OperatorSession, utcnow
from tests.conftest import Personas, csrf_token, htmx_headers, log_in
from tests.helpers import last_event

CSRF_COOKIE = "starlette_admin_csrftoken"


def test_the_login_page_is_served_without_a_session(client: TestClient) -> None:
    page = client.get("/admin/login")

    assert page.status_code == 200
    assert 'name="password"' in page.text


def test_a_good_password_opens_the_console(client: TestClient, personas: Personas) -> None:
    response = log_in(client, "olivia")

    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on a laptop
    assert client.get("/admin/members/list").status_code == 200


def test_a_bad_password_is_refused_with_the_reason(
    client: TestClient, personas: Personas, session: Session
) -> None:
    response = log_in(client, "olivia", "not the password")

    assert response.status_code == 400
    assert "Wrong username or password." in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")
    assert last_event(session, "operator.login_failed").operator_username == "olivia"


def test_the_refusal_speaks_the_browsers_language(client: TestClient, personas: Personas) -> None:
    response = log_in(client, "olivia", "not the password", **{"Accept-Language": "it-IT,it;q=0.9"})

    assert response.status_code == 400
    assert '<html lang="it"' in response.text
    assert "Nome utente o password errati." in response.text


def test_login_issues_a_new_session_token(
    client: TestClient, personas: Personas, session: Session
) -> None:
    client.cookies.set(COOKIE, "planted-by-someone-else", domain="testserver.local")
    first = _issued_token(log_in(client, "olivia"))
    session.execute(update(OperatorSession).values(last_seen_at=utcnow() - dt.timedelta(hours=1)))
    session.commit()

    second = _issued_token(log_in(client, "olivia"))

    assert first not in (None, "planted-by-someone-else")
    assert second not in (None, first)


def _issued_token(response: object) -> str | None:
    header = getattr(response, "headers", {}).get("set-cookie", "")
    prefix = f"{COOKIE}="
    return header.split(prefix, 1)[1].split(";", 1)[0] if prefix in header else None


def test_an_idle_session_sends_the_browser_to_the_login_page(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    session.execute(
        update(OperatorSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=31))
    )
    session.commit()

    response = client.get("/admin/members/list", follow_redirects=False)

    assert response.status_code == 303
    assert "/admin/login" in response.headers["location"]


def test_a_session_older_than_12_hours_ends_even_when_active(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    session.execute(update(OperatorSession).values(created_at=utcnow() - dt.timedelta(hours=12)))
    session.commit()

    assert client.get("/admin/members/list", follow_redirects=False).status_code == 303


def test_htmx_gets_a_full_page_redirect_when_the_session_expired(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client)
    session.execute(update(OperatorSession).values(last_seen_at=utcnow() - dt.timedelta(hours=1)))
    session.commit()

    response = client.get("/admin/do/members/1/validate", headers=headers, follow_redirects=False)

    assert response.status_code == 200
    assert "/admin/login" in response.headers["hx-redirect"]
    assert response.text == ""


def test_logout_ends_the_session_on_the_server(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    token = client.cookies.get(COOKIE)
    page = client.get("/admin/")

    client.post("/admin/logout", data={"csrftoken": csrf_token(page.text)})

    client.cookies.set(COOKIE, token or "")
    assert client.get("/admin/members/list", follow_redirects=False).status_code == 303
    assert last_event(session, "operator.logout").operator_username == "olivia"


def test_cookies_are_secure_behind_https(
    database_url: str, engine: Engine, personas: Personas
) -> None:
    from admin.app import build_app
    from tests.conftest import settings_for

    app = build_app(settings_for(database_url, BASE_URL="https://desk.example.org"), engine=engine)
    with TestClient(app, base_url="https://testserver") as client:
        response = log_in(client, "olivia")

    assert "Secure" in response.headers["set-cookie"]


def _told(response: Any) -> tuple[int, str]:
    """The status and the message, the time it names left out (the attempts are seconds apart)."""
    alert = BeautifulSoup(response.text, "html.parser").select_one(".alert-description")
    text = alert.get_text(strip=True) if alert else ""
    return response.status_code, re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", text)


def test_six_attempts_do_not_tell_whether_an_operator_exists(
    client: TestClient, personas: Personas
) -> None:
    known = [_told(log_in(client, "olivia", "not the password")) for _ in range(6)]
    unknown = [_told(log_in(client, "nobody", "not the password")) for _ in range(6)]

    assert unknown == known
    assert known[-1][1].startswith("Too many failed logins for this account.")


def test_a_form_token_from_before_the_login_is_refused_after_it(
    client: TestClient, personas: Personas
) -> None:
    before = csrf_token(client.get("/admin/login").text)
    held_before = client.cookies.get(CSRF_COOKIE)
    log_in(client, "olivia")

    with_the_new_cookie = client.post("/admin/logout", data={"csrftoken": before})
    client.cookies.set(CSRF_COOKIE, held_before or "", domain="testserver.local")
    with_the_old_cookie = client.post(
        "/admin/logout", data={"csrftoken": before}, follow_redirects=False
    )

    assert with_the_new_cookie.status_code == with_the_old_cookie.status_code == 403
    assert client.get("/admin/members/list", follow_redirects=False).status_code == 200


def test_a_form_token_from_another_operators_session_is_refused(
    app: Any, client: TestClient, personas: Personas
) -> None:
    with TestClient(app, base_url="http://testserver") as sams_browser:
        log_in(sams_browser, "sam")
        sams_token = csrf_token(sams_browser.get("/admin/portal").text)
        sams_cookie = sams_browser.cookies.get(CSRF_COOKIE)
    log_in(client, "olivia")
    client.cookies.set(CSRF_COOKIE, sams_cookie or "", domain="testserver.local")

    response = client.post("/admin/logout", data={"csrftoken": sams_token}, follow_redirects=False)

    assert response.status_code == 403
    assert client.get("/admin/members/list", follow_redirects=False).status_code == 200


def test_the_form_token_changes_at_login(client: TestClient, personas: Personas) -> None:
    before = csrf_token(client.get("/admin/login").text)
    log_in(client, "olivia")
    after = csrf_token(client.get("/admin/portal").text)

    assert after != before
    logged_out = client.post("/admin/logout", data={"csrftoken": after}, follow_redirects=False)
    assert logged_out.status_code == 303
