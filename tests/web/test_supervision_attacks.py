"""The supervisor's console attacked: an operator reaching a supervisor's page or review,
reviews crafted by hand, histories of records an operator may not open, secrets and
markup stored in the trail, and malformed addresses."""

from __future__ import annotations

import gc
import warnings
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.context import Actor
from actions.intake import Request, intake
from models import AuditEvent, AuditReview, Organization, Outcome
from tests.client_merges import merged
from tests.conftest import Personas, htmx_headers, log_in, make_member
from tests.helpers import fresh

SCRIPT = "<script>alert(1)</script>"


def _page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _as(client: TestClient, username: str) -> None:
    """Sign in afresh as `username` (whoever was signed in before)."""
    client.cookies.clear()
    log_in(client, username)
    assert f"{username}" in client.get("/admin/").text.lower()


def _reviews(session: Session) -> int:
    return fresh(session).scalar(select(func.count(AuditReview.id))) or 0


@pytest.fixture
def merge_event(session: Session, olivia: Actor) -> AuditEvent:
    target = intake(session, olivia, Request(legal_name="Mairie de Toulon")).client
    source = intake(session, olivia, Request(legal_name="Mairie de Toulon Ouest")).client
    session.commit()
    merged(session, olivia, source.id, target.client_number)
    session.commit()
    return (
        fresh(session)
        .scalars(
            select(AuditEvent).where(
                AuditEvent.action == "client.merge", AuditEvent.entity_type == "client"
            )
        )
        .one()
    )


# --- an operator at the supervisor's doors -------------------------------------------------

SUPERVISOR_PAGES = [
    "/admin/supervision",
    "/admin/review",
    "/admin/review?show=wrong",
    "/admin/audit/list",
    "/admin/audit/list?operator=sam",
    "/admin/audit/detail?pk=1",
    "/admin/audit/list/",
    "/admin/Audit/list",
    "/admin/audit/list?window=hour&outcome=refused",
    "/admin/supervision/",
    "/admin/review/",
    "/admin//supervision",
]


@pytest.mark.parametrize("url", SUPERVISOR_PAGES)
@pytest.mark.parametrize("htmx", [False, True])
def test_an_operator_opens_no_supervisor_page(
    client: TestClient, personas: Personas, merge_event: AuditEvent, url: str, htmx: bool
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client) if htmx else {}

    response = client.get(url, headers=headers)

    assert response.status_code in (403, 404), response.status_code
    assert "Mairie de Toulon" not in response.text


@pytest.mark.parametrize("htmx", [False, True])
def test_an_operator_posts_no_review(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent, htmx: bool
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client)
    data = {"verdict": "fine", "csrftoken": headers["X-CSRFToken"]}
    if not htmx:
        headers = {}
    response = client.post(f"/admin/review/{merge_event.id}", headers=headers, data=data)
    assert response.status_code == 403
    assert _reviews(session) == 0


def test_an_admin_reviews_but_an_operator_never(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent
) -> None:
    log_in(client, "ada")
    response = client.post(
        f"/admin/review/{merge_event.id}", headers=htmx_headers(client), data={"verdict": "fine"}
    )
    assert response.status_code == 200 and _reviews(session) == 1


# --- reviews crafted by hand ---------------------------------------------------------------


def test_a_review_without_the_csrf_token_is_refused(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent
) -> None:
    log_in(client, "sam")
    plain = client.post(f"/admin/review/{merge_event.id}", data={"verdict": "fine"})
    htmx = client.post(
        f"/admin/review/{merge_event.id}",
        headers={"HX-Request": "true"},
        data={"verdict": "fine"},
    )
    assert plain.status_code == 403 and htmx.status_code == 403
    assert _reviews(session) == 0


def test_a_huge_comment_is_refused_not_a_crash(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent
) -> None:
    log_in(client, "sam")
    response = client.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(client),
        data={"verdict": "wrong", "comment": "x" * 3_000_000},
    )
    assert response.status_code in (200, 400, 413)
    assert _reviews(session) == 0


@pytest.mark.parametrize("htmx", [True, False])
def test_a_second_review_says_it_was_not_saved(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent, htmx: bool
) -> None:
    """A colleague reviewed the action first (another tab, the queue not reloaded): the
    second reviewer's verdict and comment are not saved, and the answer says so beside the
    review that stands."""
    _as(client, "ada")
    url = f"/admin/review/{merge_event.id}"
    client.post(url, headers=htmx_headers(client), data={"verdict": "fine"})
    _as(client, "sam")
    headers = htmx_headers(client)
    data = {"verdict": "wrong", "comment": "The wrong client was kept"}
    if not htmx:
        data["csrftoken"], headers = headers["X-CSRFToken"], {}

    second = client.post(url, headers=headers, data=data)

    assert second.status_code == 200
    assert "ada already reviewed this action." in _page(second).text
    if htmx:
        assert _page(second).select_one("[data-testid=review-done]") is not None
    assert _reviews(session) == 1


@pytest.mark.parametrize("verdict", [["fine", "wrong"], ["wrong", "fine"]])
def test_repeated_verdicts(
    client: TestClient,
    personas: Personas,
    session: Session,
    merge_event: AuditEvent,
    verdict: list[str],
) -> None:
    log_in(client, "sam")
    response = client.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(client),
        data={"verdict": verdict, "comment": ["", "x"]},
    )
    assert response.status_code in (200, 400)


def test_reviewing_a_refused_risky_action_is_refused(
    client: TestClient, personas: Personas, session: Session
) -> None:
    session.add(
        AuditEvent(
            operator_username="olivia",
            operator_role="operator",
            action="client.merge",
            entity_type="client",
            entity_id="1",
            outcome=Outcome.REFUSED,
        )
    )
    session.commit()
    pk = fresh(session).scalar(select(AuditEvent.id).where(AuditEvent.action == "client.merge"))
    log_in(client, "sam")
    response = client.post(
        f"/admin/review/{pk}", headers=htmx_headers(client), data={"verdict": "fine"}
    )
    assert response.status_code in (200, 404) and _reviews(session) == 0


# --- histories -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "operator",
        "audit_event",
        "operator_session",
        "password_reset",
        "login_failure",
        "audit_review",
        "audit_anchor",
        "search_log",
    ],
)
def test_an_operator_reads_no_history_of_a_kind_they_may_not_open(
    client: TestClient, personas: Personas, kind: str
) -> None:
    log_in(client, "olivia")
    response = client.get(f"/admin/history/{kind}/1", headers={"HX-Request": "true"})
    assert response.status_code in (403, 404), (kind, response.status_code)
    assert "history-event" not in response.text


MALFORMED_HISTORY = [
    "/admin/history/member/99999999999999999999",
    "/admin/history/member/-1",
    "/admin/history/member/0",
    "/admin/history/member/%D9%A1",
    "/admin/history/member/1?before=99999999999999999999",
    "/admin/history/member/1?before=-1",
    "/admin/history/member/1?before=%D9%A1",
    "/admin/history/member/1?before=1&before=2",
    "/admin/history/%00/1",
    "/admin/history/member%00/1",
    "/admin/history/client/1%00",
    "/admin/history/client/" + "9" * 5000,
]


@pytest.mark.parametrize("url", MALFORMED_HISTORY)
def test_a_malformed_history_address_answers_no_500(
    client: TestClient, personas: Personas, url: str
) -> None:
    log_in(client, "olivia")
    assert client.get(url, headers={"HX-Request": "true"}).status_code < 500


MALFORMED_SUPERVISOR = [
    "/admin/audit/list?before=99999999999999999999",
    "/admin/audit/list?before=-1",
    "/admin/audit/list?before=%D9%A1",
    "/admin/audit/list?entity_type=member&entity_id=%D9%A1",
    "/admin/audit/list?entity_type=member&entity_id=-5",
    "/admin/audit/list?operator=%00",
    "/admin/audit/list?operator=a&operator=b",
    "/admin/audit/list?action=" + "x" * 5000,
    "/admin/audit/list?since=2026-13-01",
    "/admin/audit/list?since=%D9%A1%D9%A1%D9%A1%D9%A1-01-01",
    "/admin/audit/list?since=9999-01-01&until=0001-01-01",
    "/admin/audit/list?window=range&since=2026-01-01&until=2026-01-01",
    "/admin/audit/list?outcome=%00",
    "/admin/audit/list?window=%F0%9F%98%80",
    "/admin/audit/detail?pk=99999999999999999999",
    "/admin/audit/detail?pk=-1",
    "/admin/audit/detail?pk=%D9%A1",
    "/admin/audit/detail?pk=abc",
    "/admin/audit/detail?pk=1&pk=2",
    "/admin/audit/detail?pk=%00",
    "/admin/audit/detail",
    "/admin/review?before=99999999999999999999",
    "/admin/review?before=%D9%A1",
    "/admin/review?show=reviewed&before=-1",
    "/admin/review?show=%00",
    "/admin/supervision?x=%00",
    "/admin/mine?before=99999999999999999999",
    "/admin/mine?before=%D9%A1",
    "/admin/mine?window=%00",
    "/admin/mine?action=%00",
    "/admin/mine?action=a%00b",
    "/admin/mine?window=today&window=7d",
]


@pytest.mark.parametrize("url", MALFORMED_SUPERVISOR)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_malformed_supervisor_address_answers_no_500(
    client: TestClient, personas: Personas, merge_event: AuditEvent, url: str, htmx: bool
) -> None:
    log_in(client, "sam")
    headers = {"HX-Request": "true"} if htmx else {}
    assert client.get(url, headers=headers).status_code < 500


@pytest.mark.parametrize(
    "pk", ["99999999999999999999", "-1", "0", "%D9%A1", "1%00", "1.5", "+1", " 1"]
)
def test_a_malformed_review_address_answers_no_500(
    client: TestClient, personas: Personas, merge_event: AuditEvent, pk: str
) -> None:
    log_in(client, "sam")
    response = client.post(
        f"/admin/review/{pk}", headers=htmx_headers(client), data={"verdict": "fine"}
    )
    assert response.status_code < 500


# --- markup stored in the trail -----------------------------------------------------------


def test_markup_in_stored_values_is_shown_as_text(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    olivia: Actor,
) -> None:
    member = make_member(session, organization, first_name=SCRIPT, email="a@example.org")
    session.info["actor"] = olivia
    member.last_name = SCRIPT
    member.address = '"><img src=x onerror=alert(1)>'
    session.commit()
    session.add(
        AuditEvent(
            operator_username=SCRIPT,
            operator_role="operator",
            action=SCRIPT,
            entity_type=SCRIPT,
            entity_id=SCRIPT,
            outcome=Outcome.REFUSED,
            message=SCRIPT,
            reason=SCRIPT,
            before={SCRIPT: SCRIPT},
            after={SCRIPT: [SCRIPT]},
            ip=SCRIPT,
            user_agent=SCRIPT,
        )
    )
    session.commit()
    weird = fresh(session).scalar(select(AuditEvent.id).where(AuditEvent.action == SCRIPT))
    log_in(client, "sam")
    urls = [
        "/admin/audit/list",
        f"/admin/audit/list?operator={SCRIPT}",
        f"/admin/audit/list?action={SCRIPT}&entity_type={SCRIPT}",
        f"/admin/audit/detail?pk={weird}",
        f"/admin/history/member/{member.id}",
        "/admin/supervision",
        "/admin/review",
    ]
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code < 500, url
            assert "<script>alert" not in response.text, url
            assert "<img src=x" not in response.text, url


# --- secrets, addresses and browsers -------------------------------------------------------


def _secrets(session: Session) -> list[str]:
    from models import Operator, OutboxMessage, PasswordReset

    found = fresh(session)
    values = [reset.token_hash for reset in found.scalars(select(PasswordReset))]
    values += [op.password_hash for op in found.scalars(select(Operator))]
    for message in found.scalars(select(OutboxMessage)):
        values += [
            word for word in message.body.split() if "/reset/" in word or "/account/" in word
        ]
    return [value for value in values if value]


def test_no_secret_address_or_browser_reaches_an_operators_history_or_own_trail(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    ada: Actor,
) -> None:
    from actions.operators import create_operator
    from models import CredentialPolicy, LoginAccount, Role

    organization.credential_policy = CredentialPolicy.PASSWORD
    session.commit()
    member = make_member(session, organization, email="mario@example.org")
    create_operator(session, ada, "newdesk", "Correct-Horse-9!", Role.OPERATOR)
    session.commit()
    log_in(client, "olivia", **{"User-Agent": "SecretBrowser/9"})
    headers = htmx_headers(client) | {"User-Agent": "SecretBrowser/9"}
    client.post(
        f"/admin/do/members/{member.id}/resend_password",
        headers=headers,
        data={"request_key": "k1"},
    )
    client.post(f"/admin/do/members/{member.id}/generate_account", headers=headers, data={})
    account = fresh(session).scalar(select(LoginAccount))
    if account is not None:
        client.post(f"/admin/do/login_accounts/{account.id}/reset_secret", headers=headers, data={})
    secrets = _secrets(session)
    assert account is not None and len(secrets) >= 4 + 3  # hashes, two links, tokens
    urls = [f"/admin/history/member/{member.id}", "/admin/mine", "/admin/mine?window=7d"]
    if account is not None:
        urls.append(f"/admin/history/login_account/{account.id}")
    outbox = (
        fresh(session)
        .scalars(select(AuditEvent.entity_id).where(AuditEvent.entity_type == "outbox_message"))
        .all()
    )
    urls += [f"/admin/history/outbox_message/{pk}" for pk in outbox]
    for url in urls:
        text = client.get(url, headers={"HX-Request": "true"}).text
        assert "SecretBrowser" not in text, url
        assert "testclient" not in text, url
        for secret in secrets:
            assert secret not in text, url
    _as(client, "ada")
    new = fresh(session).scalar(
        select(AuditEvent.entity_id).where(AuditEvent.action == "operator.create")
    )
    every = fresh(session).scalars(select(AuditEvent.id)).all()
    details = [f"/admin/audit/detail?pk={pk}" for pk in every]
    exports = ["/admin/audit/export/csv", "/admin/audit/list", "/admin/review", "/admin/mine"]
    for url in [*urls, f"/admin/history/operator/{new}", *details, *exports]:
        text = client.get(url, headers={"HX-Request": "true"}).text
        for secret in secrets:
            assert secret not in text, url


def test_set_email_is_for_administrators_and_refuses_markup(
    client: TestClient, personas: Personas, session: Session
) -> None:
    pk = personas.operator.id
    for who in ("olivia", "sam"):
        _as(client, who)
        response = client.post(
            f"/admin/do/operators/{pk}/set_email",
            headers=htmx_headers(client),
            data={"email": "evil@example.org"},
        )
        assert response.status_code in (403, 404), (who, response.status_code)
    _as(client, "ada")
    headers = htmx_headers(client)
    marked = client.post(
        f"/admin/do/operators/{pk}/set_email", headers=headers, data={"email": SCRIPT}
    )
    assert marked.status_code < 500 and "<script>alert" not in marked.text
    gone = client.post(
        "/admin/do/operators/999999/set_email", headers=headers, data={"email": "a@example.org"}
    )
    assert gone.status_code < 500
    huge = client.post(
        f"/admin/do/operators/{pk}/set_email", headers=headers, data={"email": "a" * 100_000}
    )
    assert huge.status_code < 500
    from models import Operator

    assert fresh(session).get(Operator, pk).email is None


@pytest.mark.parametrize("comment", ["bad\x00byte", "\x00"])
def test_a_comment_with_a_nul_byte_is_refused_not_a_crash(
    client: TestClient,
    personas: Personas,
    session: Session,
    merge_event: AuditEvent,
    comment: str,
) -> None:
    log_in(client, "sam")
    response = client.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(client),
        data={"verdict": "wrong", "comment": comment},
    )
    assert response.status_code < 500


# --- the admin's own endpoints on the trail ------------------------------------------------

GENERIC = [
    ("get", "/admin/api/audit?skip=0&limit=10"),
    ("get", "/admin/api/audit?select2=true&skip=0&limit=10"),
    ("get", "/admin/api/audit?where=%7B%7D&order_by=seq%20desc"),
    ("get", "/admin/audit/export/csv"),
    ("get", "/admin/audit/export/json"),
    ("get", "/admin/audit/edit?pk=1"),
    ("get", "/admin/audit/create"),
    ("get", "/admin/api/operators?skip=0&limit=10"),
    ("get", "/admin/operators/export/csv"),
    ("get", "/admin/api/audit_review?skip=0&limit=10"),
]


@pytest.mark.parametrize(("method", "url"), GENERIC)
def test_an_operator_reads_no_event_through_the_admins_endpoints(
    client: TestClient, personas: Personas, merge_event: AuditEvent, method: str, url: str
) -> None:
    log_in(client, "olivia")
    response = getattr(client, method)(url, headers=htmx_headers(client))
    assert response.status_code in (302, 303, 400, 403, 404), (url, response.status_code)
    assert "client.merge" not in response.text and "password_hash" not in response.text


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_nobody_deletes_or_edits_an_event_through_the_admins_endpoints(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent, who: str
) -> None:
    before = fresh(session).scalar(select(func.count(AuditEvent.id)))
    log_in(client, who)
    headers = htmx_headers(client)
    pk = merge_event.id
    answers = [
        client.post(f"/admin/api/audit/action?name=delete&pks={pk}", headers=headers),
        client.delete(f"/admin/api/audit?pks={pk}", headers=headers),
        client.post(f"/admin/audit/edit?pk={pk}", headers=headers, data={"action": "x"}),
        client.post("/admin/audit/create", headers=headers, data={"action": "x"}),
    ]
    for response in answers:
        assert response.status_code < 500 and response.status_code not in (200, 204), (
            response.request.url,
            response.status_code,
        )
    assert fresh(session).scalar(select(func.count(AuditEvent.id))) >= before
    kept = fresh(session).get(AuditEvent, pk)
    assert kept is not None and kept.action == "client.merge"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("text", [1, 2]),
        (5, None),
        ([{"a": 1}], {"password": "p", "nested": {"pin": "1"}}),
        ({"a": {"b": [None, True, 1.5]}}, {"a": "2026-99-99T00:00"}),
        ({}, {}),
    ],
)
def test_an_event_of_any_shape_is_shown(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    before: Any,
    after: Any,
) -> None:
    member = make_member(session, organization)
    for action, entity_type in (("member.change_email", "member"), ("member.edit", "member")):
        session.add(
            AuditEvent(
                operator_username="olivia",
                operator_role="operator",
                action=action,
                entity_type=entity_type,
                entity_id=str(member.id),
                outcome=Outcome.SUCCESS,
                before=before,
                after=after,
            )
        )
    session.commit()
    ids = (
        fresh(session)
        .scalars(select(AuditEvent.id).where(AuditEvent.entity_id == str(member.id)))
        .all()
    )
    for who in ("olivia", "sam"):
        _as(client, who)
        urls = [f"/admin/history/member/{member.id}", "/admin/mine"]
        if who == "sam":
            urls += ["/admin/review", "/admin/audit/list"]
            urls += [f"/admin/audit/detail?pk={pk}" for pk in ids]
        for url in urls:
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200, (who, url, response.status_code)
            assert ">p<" not in response.text and '"p"' not in response.text


@pytest.mark.parametrize("kind", ["csv", "excel"])
def test_a_formula_stored_in_the_trail_is_exported_as_text(
    client: TestClient, personas: Personas, session: Session, kind: str
) -> None:
    session.add(
        AuditEvent(
            operator_username='=HYPERLINK("http://x")',
            operator_role="operator",
            action="+SUM(1)",
            entity_type="member",
            entity_id="@1",
            outcome=Outcome.REFUSED,
            message="-2+3",
        )
    )
    session.commit()
    _as(client, "sam")

    response = client.get(f"/admin/audit/export/{kind}")

    assert response.status_code in (200, 403, 404)
    if kind == "csv" and response.status_code == 200:
        cells = [cell for line in response.text.splitlines() for cell in line.split(",")]
        assert not [c for c in cells if c.strip('"')[:1] in ("=", "+", "@")], cells


@pytest.mark.parametrize("entity_id", ["²", "\u0661", "<b>1</b>", "1 ", "-1", "9" * 30, ""])
def test_an_event_naming_a_record_by_an_odd_number_is_shown(
    client: TestClient, personas: Personas, session: Session, entity_id: str
) -> None:
    for entity_type in ("member", "client"):
        session.add(
            AuditEvent(
                operator_username="olivia",
                operator_role="operator",
                action=f"{entity_type}.edit",
                entity_type=entity_type,
                entity_id=entity_id,
                outcome=Outcome.SUCCESS,
                after={"first_name": "x"},
            )
        )
    session.commit()
    ids = fresh(session).scalars(select(AuditEvent.id).where(AuditEvent.action.like("%.edit")))
    _as(client, "sam")
    for pk in ids:
        assert client.get(f"/admin/audit/detail?pk={pk}").status_code == 200
    assert client.get("/admin/audit/list").status_code == 200
    assert client.get("/admin/mine").status_code == 200


def test_markup_in_a_review_comment_is_shown_as_text(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent
) -> None:
    _as(client, "sam")
    said = client.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(client),
        data={"verdict": "wrong", "comment": SCRIPT},
    )
    assert _reviews(session) == 1
    review = fresh(session).scalars(
        select(AuditEvent.id).where(AuditEvent.action == "audit.review")
    )
    pages = [
        said,
        client.get("/admin/review?show=wrong"),
        client.get("/admin/review?show=reviewed"),
        client.get(f"/admin/audit/detail?pk={merge_event.id}"),
        *(client.get(f"/admin/audit/detail?pk={pk}") for pk in review),
        client.get("/admin/mine"),
        client.get("/admin/audit/list?action=audit.review"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "<script>alert" not in response.text


@pytest.mark.parametrize(
    "files",
    [
        {"comment": ("c.txt", b"x" * 2_000_000, "text/plain")},
        {"verdict": ("v.txt", b"wrong", "text/plain"), "comment": ("c.txt", b"bad", "text/plain")},
    ],
)
def test_a_review_sent_as_files_is_no_review(
    client: TestClient,
    personas: Personas,
    session: Session,
    merge_event: AuditEvent,
    files: dict[str, Any],
) -> None:
    _as(client, "sam")
    response = client.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(client),
        data={"verdict": "wrong"},
        files=files,
    )
    assert response.status_code < 500
    stored = fresh(session).scalars(select(AuditReview.comment)).all()
    assert not [comment for comment in stored if comment and "UploadFile" in comment]


def test_an_address_sent_as_a_file_is_refused_and_closed(
    client: TestClient, personas: Personas, session: Session
) -> None:
    from models import Operator

    _as(client, "ada")
    headers = htmx_headers(client)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always", ResourceWarning)
        response = client.post(
            f"/admin/do/operators/{personas.supervisor.id}/set_email",
            headers=headers,
            files={"email": ("e.txt", b"sam@example.org" + b" " * 2_000_000, "text/plain")},
        )
        gc.collect()

    assert not [w for w in warned if issubclass(w.category, ResourceWarning)]

    assert response.status_code < 500
    assert fresh(session).get(Operator, personas.supervisor.id).email is None
