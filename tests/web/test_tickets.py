from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import tickets
from actions.context import Actor
from models import Organization, Ticket, TicketComment, TicketSource, TicketState
from models.knowledge import ArticleAudience, KnowledgeArticle, SearchLog
from tests.conftest import Personas, csrf_token, htmx_headers, log_in
from tests.helpers import fresh, open_cedolino, outbox


def test_a_ticket_cannot_be_opened_from_a_search_that_was_not_made(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    page = client.get("/admin/tickets/open?search=999")
    data = {
        "subject": "Stampa",
        "requester_email": "anna@example.it",
        "search": "999",
        "csrftoken": csrf_token(page.text),
    }

    response = client.post("/admin/tickets/open", data=data)

    soup = BeautifulSoup(response.text, "html.parser")
    assert "only after a search" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("#subject")["value"] == "Stampa"
    assert fresh(session).scalar(select(Ticket)) is None


def test_after_a_search_the_page_opens_the_ticket_with_it(
    client: TestClient, personas: Personas, session: Session
) -> None:
    article = KnowledgeArticle(
        title="Stampa del cedolino",
        body="Aggiornare",
        product_line="Paghe",
        product="Cedolini",
        audience=ArticleAudience.PUBLIC,
        language="it",
    )
    session.add(article)
    session.flush()
    log = SearchLog(
        query="stampa",
        query_key="stampa",
        audience=ArticleAudience.PUBLIC,
        language="it",
        hit_ids=[article.id],
    )
    session.add(log)
    session.commit()
    log_in(client, "olivia")
    page = client.get(f"/admin/tickets/open?search={log.id}")
    assert (
        "stampa"
        in BeautifulSoup(page.text, "html.parser").select_one("[data-testid=after-search]").text
    )

    response = client.post(
        "/admin/tickets/open",
        data={
            "subject": "Stampa",
            "requester_name": "Anna Verdi",
            "requester_email": "anna@example.it",
            "search": str(log.id),
            "priority": "high",
            "csrftoken": csrf_token(page.text),
        },
    )

    soup = BeautifulSoup(response.text, "html.parser")
    assert "Stampa del cedolino" in soup.select_one("[data-testid=search-before]").text
    ticket = fresh(session).scalars(select(Ticket)).one()
    assert (ticket.search_query, ticket.search_article_ids) == ("stampa", [article.id])


def test_assign_reply_note_and_resolve_through_row_actions(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    ticket = open_cedolino(session, olivia)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    do = f"/admin/do/tickets/{ticket.id}"
    mails = len(outbox(session))

    form = BeautifulSoup(client.get(f"{do}/assign", headers=headers).text, "html.parser")
    assert form.select_one("#assignee option[selected]")["value"] == str(personas.operator.id)
    assigned = client.post(
        f"{do}/assign", headers=headers, data={"assignee": str(personas.operator.id)}
    )
    assert "is assigned" in assigned.text, assigned.text
    client.post(f"{do}/reply", headers=headers, data={"visibility": "internal", "body": "Nota"})
    client.post(f"{do}/reply", headers=headers, data={"visibility": "public", "body": "Risposta"})
    client.post(f"{do}/change_state", headers=headers, data={"state": "resolved"})

    fresh(session).expire_all()
    done = session.get_one(Ticket, ticket.id)
    assert (done.state, done.assignee_id) == (TicketState.RESOLVED, personas.operator.id)
    comments = session.scalars(select(TicketComment).order_by(TicketComment.id)).all()
    assert [(c.body, c.public) for c in comments] == [("Nota", False), ("Risposta", True)]
    [reply] = outbox(session)[mails:]  # the note is not mailed; the reply is, in Italian
    assert reply.body == "Ciao Anna Verdi,\n\nRisposta\n\nTicket T000001\n"
    page = BeautifulSoup(client.get(f"/admin/tickets/detail?pk={ticket.id}").text, "html.parser")
    assert [c["data-public"] for c in page.select("[data-testid=comment]")] == ["no", "yes"]


def test_a_refused_transition_says_why_in_the_panel(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    ticket = open_cedolino(session, olivia)
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/tickets/{ticket.id}/change_state",
        headers=htmx_headers(client),
        data={"state": "closed"},
    )

    assert response.headers["HX-Retarget"] == "#action-panel"
    refusal = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=refusal]")
    assert "cannot become closed" in refusal.text
    fresh(session).expire_all()
    assert session.get_one(Ticket, ticket.id).state == TicketState.NEW


def test_a_stale_form_is_refused_with_a_conflict(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    ticket = open_cedolino(session, olivia)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    form = BeautifulSoup(
        client.get(f"/admin/do/tickets/{ticket.id}/change_state", headers=headers).text,
        "html.parser",
    )
    seen = form.select_one("input[name=version]")["value"]
    tickets.assign(session, olivia, ticket.id, olivia.operator_id or 0)  # a colleague, meanwhile
    session.commit()

    response = client.post(
        f"/admin/do/tickets/{ticket.id}/change_state",
        headers=headers,
        data={"state": "waiting", "version": seen},
    )

    assert "Someone else changed" in response.text
    fresh(session).expire_all()
    saved = session.get_one(Ticket, ticket.id)
    assert saved.state == TicketState.OPEN
    # The form shown again carries the version now saved: sent again, it is accepted.
    again = BeautifulSoup(response.text, "html.parser").select_one("input[name=version]")
    assert again["value"] == str(saved.version) != seen


def test_the_lists_mine_unassigned_and_overdue(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, sam: Actor
) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    mine = open_cedolino(session, olivia)
    tickets.assign(session, olivia, mine.id, personas.operator.id)
    unassigned = open_cedolino(session, olivia)
    overdue = open_cedolino(session, olivia, now=long_ago)
    tickets.assign(session, sam, overdue.id, personas.supervisor.id)
    session.commit()
    log_in(client, "olivia")

    def listed(key: str) -> set[int]:
        page = BeautifulSoup(client.get(f"/admin/{key}/list").text, "html.parser")
        return {int(row["data-sa-pk"]) for row in page.select("tr[data-sa-pk]")}

    assert listed("tickets_mine") == {mine.id}
    assert listed("tickets_unassigned") == {unassigned.id}
    assert listed("tickets_overdue") == {overdue.id}
    assert listed("tickets") == {mine.id, unassigned.id, overdue.id}


def test_the_tickets_of_one_company(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    first, second = Organization(name="Prima S.p.A."), Organization(name="Seconda S.r.l.")
    session.add_all([first, second])
    session.commit()
    ours = tickets.open_ticket(
        session,
        olivia,
        tickets.Opening(
            subject="Nostro",
            description="",
            requester_name="Anna",
            requester_email="anna@example.it",
            source=TicketSource.OPERATOR,
            organization_id=first.id,
        ),
    )
    open_cedolino(session, olivia)  # no company
    session.commit()
    log_in(client, "olivia")

    page = client.get("/admin/tickets/list", params={"filter": f"organization__in={first.id}"})

    rows = BeautifulSoup(page.text, "html.parser").select("tr[data-sa-pk]")
    assert [int(r["data-sa-pk"]) for r in rows] == [ours.id]
