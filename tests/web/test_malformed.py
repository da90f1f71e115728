"""Every route of the console, sent malformed values in each path parameter, query parameter
and form field, answers with a page or a fragment, never a server error.

Routes are read from the application (its routes, the admin's views, their row actions);
form fields from the forms the console itself renders. Nothing here is a hand-kept list of
pages: a new route or field is walked as soon as it exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient
from starlette_admin.views import BaseModelView

from admin.demo import load_demo_data
from models import Member, OutboxMessage, Training
from tests.conftest import PASSWORD, Personas, log_in
from tests.web.forms import forms_of
from views.base import SportelloModelView

BAD_IDS = ["abc", "1.5", "12345678901234567890123", "-1", "3000000000", ""]
BAD_VALUES = [
    "abc",
    "1.5",
    "-1",
    "12345678901234567890123",
    "3000000000",
    "2026-02-30",
    "",
    "x" * 3000,
]
LONG_SEARCH = "x" * 60_000  # the longest query string the test client sends
LIST_PARAMS = ["page", "page_size", "sort", "q", "filter", "cols", "pk", "pks", "skip", "limit"]
BROKEN_BODIES: list[tuple[str, bytes]] = [
    ("application/json", b'{"first_name": ["not", "a", "form"]}'),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data\r\n\r\nbroken"),
    ("multipart/form-data", b"no boundary at all"),
    ("application/x-www-form-urlencoded", b"%ZZ=%%&=&a=%E0%A4%A"),
]


@dataclass
class Walker:
    client: TestClient
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.request(
            method, url, headers=headers, follow_redirects=False, **kwargs
        )
        self.sent += 1
        if response.status_code >= 500:
            shown = {k: (v[:40] if isinstance(v, str) else v) for k, v in kwargs.items()}
            self.failures.append(f"{response.status_code} {method} {url[:120]} {shown}"[:400])
        return response


@dataclass(frozen=True)
class Target:
    """One concrete path of a route, with the query it needs to show a real record."""

    route: str
    path: str
    methods: frozenset[str]
    query: dict[str, str]
    values: dict[str, str]


def flat_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from flat_routes(list(route.routes or []), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def model_views(app: Any) -> list[BaseModelView]:
    return [v for v in app.state.admin._model_views if isinstance(v, BaseModelView)]


def some_pk(session: Session, view: BaseModelView) -> str:
    model = getattr(view, "model", None)
    row = session.scalar(select(model).limit(1)) if model is not None else None
    return str(getattr(row, "id", "1"))


PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def fill(route: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values[m.group(1)], route)


def targets(app: Any, session: Session) -> Iterator[Target]:
    """Every route with its path parameters filled in: for each view, its key, one real
    record and each of its row actions; other parameters get a value that names nothing."""
    views = model_views(app)
    for route_path, route in flat_routes(list(app.routes)):
        methods = frozenset(route.methods or {"GET"}) - {"HEAD"}
        names = set(PARAM.findall(route_path))
        if "key" not in names:
            pk = "1"
            if "pk" in names:  # a page of one record of a view named in the path
                view = next((v for v in views if f"/{v.key}/" in route_path), None)
                pk = some_pk(session, view) if view is not None else "1"
            values = {"pk": pk, "kind": "reset", "token": "not-a-token"}
            values |= {"storage": "nowhere", "path": "nothing"}
            yield Target(route_path, fill(route_path, values), methods, {}, values)
            continue
        for view in views:
            pk = some_pk(session, view)
            actions = (
                [a.name for a in view.htmx_row_actions]
                if isinstance(view, SportelloModelView)
                else []
            )
            for action in actions if "action" in names else ["none"]:
                values = {"key": str(view.key), "pk": pk, "action": action}
                query = {} if "pk" in names or route_path.endswith("/create") else {"pk": pk}
                yield Target(route_path, fill(route_path, values), methods, query, values)
            if route_path.endswith("/action"):  # each of the view's list actions, by name
                for name in view._actions:
                    query = {"name": name, "pks": pk}
                    yield Target(route_path, fill(route_path, values), methods, query, values)


def query_names(target: Target) -> list[str]:
    """The query parameters starlette-admin's own pages read."""
    names = ["pk"] if "pk" in target.query else []
    if target.route.endswith("/list"):
        names += ["page", "page_size", "sort", "q", "filter", "cols"]
    if target.route.endswith("/relation-lookup"):
        names += ["pks", "skip", "limit", "q"]
    if target.route.endswith(("/action", "/row-action")):
        names += ["name", "pks", "pk", "all"]
    return names


def walk_target(walker: Walker, target: Target, htmx: dict[str, str]) -> None:
    path, query = target.path, target.query
    plain = {"X-CSRFToken": htmx["X-CSRFToken"]}
    both = [htmx, plain] if "/do/" in target.route else [plain]  # row actions answer either
    if "{pk}" in target.route:  # a record named in the path
        for bad in BAD_IDS:
            wrong = fill(target.route, target.values | {"pk": bad or "%20"})
            for method in sorted(target.methods):
                walker.send(method, wrong, headers=htmx)
    page = walker.send("GET", path, params=query) if "GET" in target.methods else None
    forms = forms_of(page.text) if page is not None and page.status_code == 200 else []
    method = "GET" if "GET" in target.methods else "POST"
    for name in query_names(target):
        for bad in [*BAD_IDS, LONG_SEARCH] if name == "q" else BAD_IDS:
            walker.send(method, path, params={**query, name: bad}, headers=htmx)
    for method, fields in forms:
        for name in fields:
            if name == "csrftoken":
                continue
            for bad in [*BAD_VALUES, LONG_SEARCH] if method == "GET" else BAD_VALUES:
                data = {**fields, name: bad}
                if method == "POST" and "POST" in target.methods:
                    for headers in both:
                        walker.send("POST", path, params=query, data=data, headers=headers)
                elif method == "GET":
                    walker.send("GET", path, params={**query, **data})
    if "POST" in target.methods:
        walker.send("POST", path, params=query, data={}, headers=htmx)
        for content_type, body in BROKEN_BODIES:
            walker.send(
                "POST",
                path,
                params=query,
                content=body,
                headers={**htmx, "Content-Type": content_type},
            )


def mailed_links(session: Session) -> list[Target]:
    """The pages of the links in the mails queued so far, two of each kind."""
    session.commit()
    found: dict[str, list[str]] = {}
    for body in session.scalars(select(OutboxMessage.body)):
        for path in re.findall(r"http://testserver(/[^\s\"'<>]+)", body):
            found.setdefault(path.split("/")[1] + path.count("/") * "/", []).append(path)
    methods = frozenset({"GET", "POST"})
    return [Target(p, p, methods, {}, {}) for paths in found.values() for p in paths[:2]]


def _start(client: TestClient, who: str | None) -> dict[str, str]:
    """Log in (or not) and return the headers of an htmx request of that session."""
    if who is not None:
        log_in(client, who)
    page = client.get("/admin/" if who else "/admin/login")
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page.text) or re.search(
        r'name="csrftoken" value="([^"]+)"', page.text
    )
    return {"HX-Request": "true", "X-CSRFToken": match.group(1) if match else ""}


def test_no_route_answers_a_server_error_to_malformed_input(
    app: Any, personas: Personas, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    load_demo_data(session, PASSWORD, members=3)
    session.commit()
    total_sent, failures = 0, []
    for who in ("ada", None):
        with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
            htmx = _start(c, who)
            walker = Walker(c)
            all_targets = sorted(targets(app, session), key=lambda t: t.path.endswith("/logout"))
            if who is None:  # the pages opened from mailed links, with the links the walk sent
                all_targets = mailed_links(session) + all_targets
            for target in all_targets:
                walk_target(walker, target, htmx)
                if os.environ.get("WALK_PROGRESS"):  # a file to follow a long walk in
                    with open(os.environ["WALK_PROGRESS"], "a") as progress:
                        print(walker.sent, len(walker.failures), target.path, file=progress)
                if who is not None and c.get("/admin/", follow_redirects=False).status_code != 200:
                    htmx = _start(c, who)
            total_sent += walker.sent
            failures += walker.failures
    with capsys.disabled():
        print(f"\nmalformed-input walker: {total_sent} requests, {len(failures)} answered 5xx")
    assert not failures, f"{len(failures)} of {total_sent} requests answered 5xx:\n" + "\n".join(
        failures[:300]
    )


# --- the defects found by the walk, one by one ------------------------------------------


@pytest.mark.parametrize("pk", BAD_IDS)
@pytest.mark.parametrize("page", ["detail", "edit"])
def test_an_id_that_names_no_record_answers_a_translated_not_found(
    client: TestClient, personas: Personas, pending_member: Member, page: str, pk: str
) -> None:
    log_in(client, "ada")
    for key in ("members", "clients", "trainings"):
        response = client.get(f"/admin/{key}/{page}", params={"pk": pk})

        assert response.status_code == 404, (key, response.status_code)
        assert "does not exist" in response.text
        fragment = client.get(
            f"/admin/{key}/{page}", params={"pk": pk}, headers={"HX-Request": "true"}
        )
        assert fragment.status_code == 404
        assert "<html" not in fragment.text and "does not exist" in fragment.text


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("capacity", "3000000000", "Enter a whole number between -2147483648 and 2147483647"),
        ("capacity", "12345678901234567890123", "Enter a whole number between"),
        ("capacity", "1.5", "Enter a whole number between"),
        ("starts_on", "2026-02-30", "Enter a real date"),
        ("starts_on", "", "Fill in this field"),
        ("training_type", "", "Fill in this field"),
    ],
)
def test_a_value_the_database_cannot_hold_is_refused_and_kept_in_the_form(
    client: TestClient, personas: Personas, session: Session, field: str, typed: str, reason: str
) -> None:
    log_in(client, "ada")
    page = client.get("/admin/trainings/create")
    form = {"training_type": "PSC1", "starts_on": "2026-03-15", "capacity": "12"}
    form |= {"csrftoken": forms_of(page.text)[-1][1].get("csrftoken", ""), field: typed}

    response = client.post("/admin/trainings/create", data=form, follow_redirects=False)

    assert response.status_code == 422, response.status_code
    assert reason in response.text
    box = BeautifulSoup(response.text, "html.parser").select_one(f"[name={field}]")
    assert box is not None and box.get("value", "") == typed
    assert session.scalar(select(func.count(Training.id))) == 0


def test_a_member_form_with_the_organisation_cleared_is_refused(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    page = client.get("/admin/members/edit", params={"pk": pending_member.id})
    form = max((f for m, f in forms_of(page.text) if m == "POST"), key=len)

    for cleared in ("", "abc", "12345678901234567890123", "999999"):
        response = client.post(
            "/admin/members/edit",
            params={"pk": pending_member.id},
            data=form | {"organization": cleared, "address": "Via Nuova 3"},
        )

        assert response.status_code == 422, (cleared, response.status_code)
        assert "Fill in this field" in response.text or "Choose from the list" in response.text
        kept = BeautifulSoup(response.text, "html.parser").select_one("input[name=address]")
        assert kept is not None and kept["value"] == "Via Nuova 3"


@pytest.mark.parametrize(("content_type", "body"), [BROKEN_BODIES[0], BROKEN_BODIES[3]])
def test_a_body_that_is_not_a_form_is_refused_with_a_reason(
    app: Any,
    personas: Personas,
    pending_member: Member,
    content_type: str,
    body: bytes,
) -> None:
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
        headers = _start(c, "olivia")
        response = c.post(
            "/admin/members/edit",
            params={"pk": pending_member.id},
            content=body,
            headers={"Content-Type": content_type, "X-CSRFToken": headers["X-CSRFToken"]},
        )

    assert 400 <= response.status_code < 500, response.status_code


def test_a_huge_page_number_or_a_long_search_shows_the_list(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")
    for params in ({"page": "9" * 23}, {"page": "3000000000"}, {"q": LONG_SEARCH}):
        response = client.get("/admin/members/list", params=params)

        assert response.status_code == 200, (list(params), response.status_code)


def test_an_unforeseen_failure_shows_a_friendly_page_with_the_request_id_in_the_log(
    app: Any, personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(request: Request) -> Response:
        raise RuntimeError("a failure nobody foresaw")

    app.state.admin.app.router.routes.insert(0, Route("/broken", broken))
    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
        log_in(c, "olivia")
        for path in ("/admin/broken", "/broken"):
            page = c.get(path, headers={"X-Request-Id": "req-4711"})
            fragment = c.get(path, headers={"X-Request-Id": "req-4712", "HX-Request": "true"})

            assert page.status_code == 500
            assert "Something went wrong and nothing was saved" in page.text
            assert "req-4711" in page.text and "<html" in page.text
            assert "Traceback" not in page.text and "nobody foresaw" not in page.text
            assert fragment.status_code == 500
            assert "req-4712" in fragment.text and "<html" not in fragment.text
    logged = [r for r in caplog.records if "req-4711" in r.getMessage()]
    assert logged and logged[0].exc_info is not None
