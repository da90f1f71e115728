"""Records by name: related columns, record pages, their titles and breadcrumbs, and the
message after a save name a record ("Mario Rossi (member 31)"), never "Member(31)"; an
empty value is a dash, never "-null-"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.context import Actor
from admin.demo import load_demo_data
from models import (
    AccessRequest,
    AccessRequestKind,
    AuditEvent,
    Channel,
    Client,
    Enrollment,
    Member,
    Organization,
    OutboxMessage,
    Ticket,
    Training,
)
from models.base import Wording
from tests.conftest import Personas, log_in, make_member
from tests.helpers import make_account, open_cedolino
from tests.web.conftest import page_of
from tests.web.forms import form_holding
from views.base import SportelloModelView

GENERIC = re.compile(r"\b[A-Z][A-Za-z]*\(\d+\)")  # starlette-admin's "Member(3)"


def _plain(page: BeautifulSoup) -> str:
    for hidden in page.select("script, style"):
        hidden.decompose()
    return page.get_text(" ", strip=True)


def _no_ids_for_names(page: BeautifulSoup) -> None:
    text = _plain(page)
    assert not GENERIC.search(text), GENERIC.search(text)
    assert "-null-" not in text
    assert "-empty-" not in text


def _heading(page: BeautifulSoup) -> str:
    heading = page.select_one("[data-testid=record-heading]")
    assert heading is not None
    return heading.get_text(strip=True)


def _breadcrumbs(page: BeautifulSoup) -> list[str]:
    return [li.get_text(strip=True) for li in page.select(".breadcrumb .breadcrumb-item")]


def _title(page: BeautifulSoup) -> str:
    title = page.select_one("title")
    assert title is not None
    return title.get_text(strip=True)


def _column(page: BeautifulSoup, name: str) -> list[str]:
    return [td.get_text(" ", strip=True) for td in page.select(f"td[data-column={name}]")]


@pytest.fixture
def mario(session: Session, organization: Organization) -> Member:
    return make_member(session, organization, tax_code=None)


@pytest.fixture
def ticket(
    session: Session, personas: Personas, olivia: Actor, organization: Organization
) -> Ticket:
    opened = open_cedolino(session, olivia, organization_id=organization.id)
    opened.assignee = personas.operator
    session.commit()
    return opened


# --- labels ------------------------------------------------------------------------------


def test_a_member_is_named_with_the_number_that_tells_two_of_a_name_apart(
    mario: Member,
) -> None:
    assert mario.label() == f"Mario Rossi (member {mario.id})"
    assert mario.heading() == "Mario Rossi"


def test_a_member_without_a_name_is_named_by_number(
    session: Session, organization: Organization
) -> None:
    nameless = make_member(session, organization, first_name=None, last_name=None)

    assert nameless.label() == f"Member {nameless.id}"
    assert nameless.heading() == nameless.label()


def test_a_label_is_written_in_the_readers_words_and_dates(mario: Member) -> None:
    words = Wording(gettext=lambda m: m.replace("member", "membro"), when=lambda d: "oggi")
    audit = AuditEvent(action="member.edit", at=dt.datetime(2026, 12, 7, 18, 2, tzinfo=dt.UTC))

    assert mario.label(words) == f"Mario Rossi (membro {mario.id})"
    assert audit.label(words) == "member.edit oggi"


def test_an_outbox_message_is_named_by_its_channel_and_recipient() -> None:
    sms = OutboxMessage(channel=Channel.SMS, recipient="+393331234567")
    mail = OutboxMessage(channel=Channel.EMAIL, recipient="anna@example.it")

    assert sms.label() == "SMS to +393331234567"
    assert mail.label() == "E-mail to anna@example.it"


def test_a_merged_client_and_an_access_requests_ticket_are_reachable_by_name(
    session: Session, olivia: Actor, ticket: Ticket
) -> None:
    target = Client(client_number="C000005", legal_name="Mairie de Toulon", name_key="toulon")
    merged = Client(client_number="C000006", legal_name="Mairie Toulon", name_key="toulon")
    session.add_all([target, merged])
    session.flush()
    merged.merged_into_id = target.id
    request = AccessRequest(
        kind=AccessRequestKind.ACCESS_CODE, requester_email="anna@example.it", ticket_id=ticket.id
    )
    session.add(request)
    session.commit()
    session.expire_all()

    assert merged.merged_into is not None
    assert merged.merged_into.label() == "C000005 Mairie de Toulon"
    assert request.ticket is not None and request.ticket.label() == f"{ticket.number} Cedolino"


# --- lists -------------------------------------------------------------------------------


def test_the_members_list_names_each_organisation_and_leaves_no_value_blank(
    client: TestClient, personas: Personas, mario: Member
) -> None:
    log_in(client, "olivia")

    page = page_of(client.get("/admin/members/list"))

    _no_ids_for_names(page)
    assert _column(page, "organization") == ["Welfare Rossi"]
    assert _column(page, "tax_code") == ["—"]


def test_the_login_accounts_list_names_the_member_and_the_organisation(
    client: TestClient, personas: Personas, session: Session, mario: Member
) -> None:
    make_account(session, mario.organization, "ROSSI.mario", member_id=mario.id)
    log_in(client, "olivia")

    page = page_of(client.get("/admin/login_accounts/list"))

    _no_ids_for_names(page)
    assert _column(page, "member") == [f"Mario Rossi (member {mario.id})"]
    assert _column(page, "organization") == ["Welfare Rossi"]


def test_the_tickets_list_names_the_company_and_the_assignee(
    client: TestClient, personas: Personas, ticket: Ticket
) -> None:
    log_in(client, "olivia")

    page = page_of(client.get("/admin/tickets/list"))

    _no_ids_for_names(page)
    assert _column(page, "organization") == ["Welfare Rossi"]
    assert _column(page, "assignee") == ["olivia"]


def test_the_enrolments_list_names_the_training(
    client: TestClient, personas: Personas, session: Session
) -> None:
    excel = Training(training_type="Excel", starts_on=dt.date(2027, 3, 12))
    session.add(Enrollment(training=excel, trainee_name="Anna Neri", trainee_email="a@x.it"))
    session.commit()
    log_in(client, "olivia")

    page = page_of(client.get("/admin/enrollments/list"))

    _no_ids_for_names(page)
    [training] = _column(page, "training")
    assert training.startswith("Excel ")
    assert "2027" in training or "27" in training


# --- record pages --------------------------------------------------------------------------


def test_a_members_page_is_titled_with_the_name(
    client: TestClient, personas: Personas, mario: Member
) -> None:
    log_in(client, "olivia")

    page = page_of(client.get(f"/admin/members/detail?pk={mario.id}"))

    _no_ids_for_names(page)
    assert _heading(page) == "Mario Rossi"
    assert _title(page).startswith("Mario Rossi")
    assert _breadcrumbs(page)[-1] == f"Mario Rossi (member {mario.id})"
    assert f"#{mario.id}" not in _plain(page)


def test_a_members_edit_page_is_titled_with_the_name(
    client: TestClient, personas: Personas, mario: Member
) -> None:
    log_in(client, "olivia")

    page = page_of(client.get(f"/admin/members/edit?pk={mario.id}"))

    assert _heading(page) == "Mario Rossi"
    assert "Mario Rossi" in _title(page)
    assert _breadcrumbs(page)[-2:] == [f"Mario Rossi (member {mario.id})", "Edit"]
    link = page.select(".breadcrumb a")[-1]
    assert link["href"].endswith(f"/admin/members/detail?pk={mario.id}")


def test_an_organisations_page_names_its_administrator(
    client: TestClient, personas: Personas, session: Session, mario: Member
) -> None:
    organization = mario.organization
    organization.administrator_id = mario.id
    session.commit()
    log_in(client, "olivia")

    page = page_of(client.get(f"/admin/organizations/detail?pk={organization.id}"))

    _no_ids_for_names(page)
    assert _heading(page) == "Welfare Rossi"
    assert f"Mario Rossi (member {mario.id})" in _plain(page)


def test_a_tickets_page_is_titled_with_its_number_and_subject(
    client: TestClient, personas: Personas, ticket: Ticket
) -> None:
    log_in(client, "olivia")

    page = page_of(client.get(f"/admin/tickets/detail?pk={ticket.id}"))

    _no_ids_for_names(page)
    assert _heading(page) == f"{ticket.number} Cedolino"
    assert _title(page).startswith(f"{ticket.number} Cedolino")


def test_an_outbox_messages_page_is_titled_with_its_channel_and_recipient_and_names_its_original(
    client: TestClient, personas: Personas, session: Session
) -> None:
    values = {"subject": "Benvenuta", "body": "Ciao", "caused_by": "test"}
    original = OutboxMessage(channel=Channel.SMS, recipient="+393331234567", **values)
    copy = OutboxMessage(
        channel=Channel.EMAIL, recipient="anna@example.it", resent_from=original, **values
    )
    session.add_all([original, copy])
    session.commit()
    log_in(client, "sam")

    page = page_of(client.get(f"/admin/outbox/detail?pk={copy.id}"))

    _no_ids_for_names(page)
    assert _heading(page) == "E-mail to anna@example.it"
    link = page.select_one(f"a[href*='/admin/outbox/detail?pk={original.id}']")
    assert link is not None and link.get_text(strip=True) == "SMS to +393331234567"


def test_a_picker_offers_members_by_name(
    client: TestClient, personas: Personas, mario: Member
) -> None:
    log_in(client, "olivia")

    found = client.get("/admin/_api/members/relation-lookup", params={"pks": mario.id}).json()

    [item] = found["items"]
    assert item["_meta"]["repr"] == f"Mario Rossi (member {mario.id})"
    assert item["_meta"]["select2"]["result"] == f"<span>Mario Rossi (member {mario.id})</span>"


# --- the message after a save ----------------------------------------------------------------


def _flashed(page: BeautifulSoup) -> str:
    return " ".join(alert.get_text(" ", strip=True) for alert in page.select(".alert"))


def test_a_saved_member_is_named_in_the_message(
    client: TestClient, personas: Personas, mario: Member
) -> None:
    log_in(client, "olivia")
    values = form_holding(page_of(client.get(f"/admin/members/edit?pk={mario.id}")), "first_name")
    values |= {"organization": str(mario.organization_id), "address": "Via Nuova 2, Roma"}

    saved = client.post(f"/admin/members/edit?pk={mario.id}", data=values)

    text = _flashed(page_of(saved))
    assert f"Mario Rossi (member {mario.id}) was changed." in text
    assert "successfully" not in text


def test_a_created_organisation_is_named_in_the_message(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "ada")
    values = form_holding(page_of(client.get("/admin/organizations/create")), "name")
    values |= {"name": "Biblioteca Civica", "country": "IT", "language": "it"}
    values |= {"timezone": "Europe/Rome", "credential_policy": "password"}

    created = client.post("/admin/organizations/create", data=values)

    text = _flashed(page_of(created))
    assert "Biblioteca Civica was added." in text
    assert "successfully" not in text


# --- every page ------------------------------------------------------------------------------


def _unnamed(response: Any, url: str) -> list[str]:
    text = _plain(page_of(response))
    found = GENERIC.search(text)
    if response.status_code != 200 or found or "-null-" in text or "-empty-" in text:
        return [f"{url}: {response.status_code} {found and found.group()}"]
    return []


def test_every_list_and_record_page_of_the_demo_names_records(
    app: Any, client: TestClient, personas: Personas, session: Session
) -> None:
    load_demo_data(session, "demo password 2026", members=4)
    session.execute(update(Ticket).values(assignee_id=personas.admin.id))
    session.commit()
    log_in(client, "ada")
    problems: list[str] = []
    for view in app.state.views:
        if not isinstance(view, SportelloModelView):
            continue
        listed = client.get(f"/admin/{view.key}/list")
        problems += _unnamed(listed, f"/admin/{view.key}/list")
        row = page_of(listed).select_one("tr[data-sa-pk]")
        if row is None:
            continue
        pages = [f"/admin/{view.key}/detail?pk={row['data-sa-pk']}"]
        if view.edit_role is not None:
            pages.append(f"/admin/{view.key}/edit?pk={row['data-sa-pk']}")
        for url in pages:
            response = client.get(url)
            problems += _unnamed(response, url)
            title = _title(page_of(response))
            if f"#{row['data-sa-pk']}" in title or title == str(view.menu_label):
                problems.append(f"{url}: titled {title!r}")

    assert not problems, "\n".join(problems)


def test_a_list_names_its_rows_without_a_query_per_row(
    app: Any, client: TestClient, engine: Engine, personas: Personas, session: Session
) -> None:
    """The labels of a list's related records come with its rows: a page of 50 rows runs
    as many statements as a page of 10."""
    load_demo_data(session, "demo password 2026", members=60)
    session.execute(update(Ticket).values(assignee_id=personas.admin.id))
    session.commit()
    log_in(client, "ada")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    costs: dict[str, tuple[int, int]] = {}
    event.listen(engine, "before_cursor_execute", count)
    try:
        for view in app.state.views:
            if not isinstance(view, SportelloModelView):
                continue
            spent = []
            for size in (10, 50):
                statements.clear()
                client.get(f"/admin/{view.key}/list", params={"page_size": size})
                spent.append(len(statements))
            costs[str(view.key)] = (spent[0], spent[1])
    finally:
        event.remove(engine, "before_cursor_execute", count)

    grows = {key: cost for key, cost in costs.items() if cost[1] > cost[0]}
    assert not grows, grows
    assert "members" in costs and "tickets" in costs
