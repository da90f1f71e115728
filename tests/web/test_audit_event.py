"""The audit event page: a change read field by field, the record it touched, the
operator's events around it and its place in the hash chain; for supervisors only."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from sqlalchemy import Engine, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.audit import MASK, log
from actions.context import Actor
from actions.operators import set_password
from models import AuditEvent, Member, Organization, Outcome
from tests.conftest import Personas, log_in
from tests.helpers import events, fresh, last_event
from tests.web.forms import form_holding


def _page(client: TestClient, event: AuditEvent | int | str) -> BeautifulSoup:
    pk = event.id if isinstance(event, AuditEvent) else event
    response = client.get("/admin/audit/detail", params={"pk": pk})
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def _one(page: BeautifulSoup, selector: str) -> Tag:
    found = page.select_one(selector)
    assert found is not None, selector
    return found


def _diff(page: BeautifulSoup) -> dict[str, tuple[str, str]]:
    return {
        str(row["data-field"]): (
            _one(row, "[data-testid=diff-before]").get_text(strip=True),
            _one(row, "[data-testid=diff-after]").get_text(strip=True),
        )
        for row in page.select("[data-testid=diff-field]")
    }


def _edit_address(client: TestClient, member: Member, address: str) -> None:
    form = BeautifulSoup(client.get(f"/admin/members/edit?pk={member.id}").text, "html.parser")
    values = form_holding(form, "first_name") | {
        "organization": str(member.organization_id),
        "address": address,
    }
    response = client.post(
        f"/admin/members/edit?pk={member.id}", data=values, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]


def _switch_to(client: TestClient, username: str) -> None:
    client.cookies.clear()
    log_in(client, username)


def _bypass_append_only(session: Session) -> None:
    """What someone with write access to the database could do."""
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))


def test_an_edit_reads_as_the_changed_fields_old_and_new(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    _edit_address(client, pending_member, "Via Nuova 2, Roma")
    event = last_event(session, "member.edit")
    _switch_to(client, "sam")

    page = _page(client, event)

    assert _diff(page) == {"address": ("Via Roma 1, Roma", "Via Nuova 2, Roma")}
    assert "Address" in _one(page, "[data-testid=diff-field] th").get_text()  # as its page says
    summary = _one(page, "[data-testid=event-summary]")
    assert (
        _one(summary, "[data-testid=event-operator]").get_text(" ", strip=True).startswith("olivia")
    )
    assert "operator" in _one(summary, "[data-testid=event-operator]").get_text()
    assert _one(summary, "[data-testid=event-action]").get_text() == "member.edit"
    assert _one(summary, "[data-testid=event-outcome]")["data-outcome"] == "success"
    assert _one(summary, "[data-testid=event-request]").get_text() == event.request_id


def test_a_changed_password_shows_masked_and_its_hash_never_appears(
    client: TestClient, personas: Personas, session: Session, ada: Actor
) -> None:
    old_hash = personas.operator.password_hash
    set_password(session, ada, personas.operator.id, "a brand new passphrase")
    session.commit()
    new_hash = personas.operator.password_hash
    log_in(client, "sam")

    response = client.get(
        "/admin/audit/detail", params={"pk": last_event(session, "operator.set_password").id}
    )

    page = BeautifulSoup(response.text, "html.parser")
    assert _diff(page) == {"password_hash": (MASK, MASK)}
    assert old_hash not in response.text and new_hash not in response.text


def test_a_secret_an_event_kept_in_clear_is_masked_on_the_page(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "login_account.reset", ("login_account", 7), reset_token="tok-4242-plain")
    session.commit()
    log_in(client, "sam")

    response = client.get(
        "/admin/audit/detail", params={"pk": last_event(session, "login_account.reset").id}
    )

    assert _diff(BeautifulSoup(response.text, "html.parser")) == {"reset_token": ("—", MASK)}
    assert "tok-4242-plain" not in response.text


def test_an_existing_record_links_to_its_page(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    _edit_address(client, pending_member, "Via Nuova 2, Roma")
    event = last_event(session, "member.edit")
    _switch_to(client, "sam")

    record = _one(_page(client, event), "[data-testid=event-record]")

    assert record["data-state"] == "exists"
    link = _one(record, "[data-testid=record-link]")
    assert link["href"].endswith(f"/admin/members/detail?pk={pending_member.id}")
    assert "Mario Rossi" in link.get_text()
    events_link = _one(record, "[data-testid=record-events]")["href"]
    assert "entity_type=member" in events_link and f"entity_id={pending_member.id}" in events_link


def test_a_deleted_record_shows_deleted_with_what_it_held(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    session.info["actor"] = olivia
    org = Organization(name="Cooperativa Effimera", company_code="EFFIMERA")
    session.add(org)
    session.commit()
    session.delete(org)
    session.commit()
    created = last_event(session, "organization.create")
    deleted = last_event(session, "organization.delete")
    log_in(client, "sam")

    record = _one(_page(client, created), "[data-testid=event-record]")

    assert record["data-state"] == "deleted"
    assert "deleted" in _one(record, "[data-testid=record-deleted]").get_text()
    held = {
        str(row["data-field"]): row.td.get_text(strip=True) if row.td else ""
        for row in record.select("[data-testid=snapshot-field]")
    }
    assert held["name"] == "Cooperativa Effimera"
    assert held["access_code_hash"] == MASK
    assert held["vat_number"] == "—"  # the snapshot shows empty fields too
    written = _one(record, "[data-field=created_at] time")  # as the operator's language does
    assert written["datetime"] == deleted.before["created_at"]
    assert "T" not in written.get_text()
    deletion = _one(record, "[data-testid=deletion-event]")
    assert deletion["href"].endswith(f"/admin/audit/detail?pk={deleted.id}")
    assert record.select("[data-testid=record-link]") == []


def test_a_record_the_console_has_no_page_for_is_named_in_text(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "mystery.touch", ("mystery_box", 5))
    session.commit()
    log_in(client, "sam")

    record = _one(_page(client, last_event(session, "mystery.touch")), "[data-testid=event-record]")

    assert record["data-state"] == "unknown"
    assert _one(record, "[data-testid=record-text]").get_text(strip=True) == "mystery_box 5"


def test_the_operators_neighbours_are_theirs_and_in_order(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, sam: Actor
) -> None:
    for n in range(8):
        log(session, olivia, f"test.step{n}")
        log(session, sam, f"test.other{n}")
    session.commit()
    middle = last_event(session, "test.step4")
    log_in(client, "sam")

    page = _page(client, middle)

    neighbours = page.select("[data-testid=neighbour]")
    by_seq = {e.seq: e for e in events(session)}
    seqs = [int(str(n["data-seq"])) for n in neighbours]
    assert seqs == sorted(seqs) and len(seqs) == 7  # her 4 steps before it, 3 after
    assert {by_seq[s].operator_username for s in seqs} == {"olivia"}
    before = [int(str(n["data-seq"])) for n in neighbours if n["data-side"] == "before"]
    after = [int(str(n["data-seq"])) for n in neighbours if n["data-side"] == "after"]
    assert all(s < middle.seq for s in before) and all(s > middle.seq for s in after)
    assert [by_seq[s].action for s in after] == ["test.step5", "test.step6", "test.step7"]
    trail = _one(page, "[data-testid=operator-events]")["href"]
    assert trail.endswith("/admin/audit/list?operator=olivia")


def test_an_untouched_event_sits_intact_in_the_chain(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "test.first")
    log(session, olivia, "test.second")
    session.commit()
    first, second = last_event(session, "test.first"), last_event(session, "test.second")
    log_in(client, "sam")

    chain = _one(_page(client, second), "[data-testid=event-chain]")

    assert chain["data-intact"] == "true"
    assert _one(chain, "[data-testid=hash-check]")["data-ok"] == "true"
    assert _one(chain, "[data-testid=link-check]")["data-ok"] == "true"
    assert _one(chain, "[data-testid=chain-prev-hash]").get_text() == first.hash
    assert _one(chain, "[data-testid=chain-seq]").get_text() == str(second.seq)
    assert _one(chain, "[data-testid=chain-previous]")["href"].endswith(f"pk={first.id}")


def test_a_tampered_event_no_longer_matches_its_hash(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "test.tampered", outcome_note="as written")
    log(session, olivia, "test.after")
    session.commit()
    tampered = last_event(session, "test.tampered")
    _bypass_append_only(session)
    session.execute(
        text("UPDATE audit_event SET message = 'rewritten' WHERE id = :id"), {"id": tampered.id}
    )
    session.commit()
    log_in(client, "sam")

    chain = _one(_page(client, tampered), "[data-testid=event-chain]")
    following = _one(_page(client, last_event(session, "test.after")), "[data-testid=event-chain]")

    assert chain["data-intact"] == "false"
    assert _one(chain, "[data-testid=hash-check]")["data-ok"] == "false"
    # The next event still names the hash stored: only the edited one is shown as changed.
    assert _one(following, "[data-testid=hash-check]")["data-ok"] == "true"


def test_a_refused_action_is_marked_with_its_message(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "member.validate", ("member", 1), outcome=Outcome.REFUSED, message="No.")
    session.commit()
    log_in(client, "sam")

    summary = _one(
        _page(client, last_event(session, "member.validate")), "[data-testid=event-summary]"
    )

    assert _one(summary, "[data-testid=event-outcome]")["data-outcome"] == "refused"
    assert _one(summary, "[data-testid=event-message]").get_text(strip=True) == "No."


def test_operators_may_not_open_an_event(
    client: TestClient, personas: Personas, session: Session
) -> None:
    event = events(fresh(session))[-1]
    log_in(client, "olivia")

    assert client.get("/admin/audit/detail", params={"pk": event.id}).status_code == 403


def test_an_admin_may_open_an_event(
    client: TestClient, personas: Personas, session: Session
) -> None:
    event = events(session)[-1]
    log_in(client, "ada")

    assert _one(_page(client, event), "[data-testid=audit-event]")["data-event"] == str(event.id)


def test_an_id_that_names_no_event_answers_not_found(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "sam")

    for pk in ("abc", "", "999999", "-3", "1.5"):
        response = client.get("/admin/audit/detail", params={"pk": pk})

        assert response.status_code == 404, pk
        assert "does not exist" in response.text


def test_an_event_edited_by_hand_into_odd_values_still_reads(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "test.odd", ("organization", 999), kept="yes")
    session.commit()
    odd = last_event(session, "test.odd")
    _bypass_append_only(session)
    session.execute(
        text("UPDATE audit_event SET before = :value WHERE id = :id"),
        {"value": '["not", "fields"]', "id": odd.id},
    )
    session.commit()
    _switch_to(client, "sam")

    page = _page(client, odd)

    assert set(_diff(page)) == {"value", "kept"}
    assert _one(page, "[data-testid=hash-check]")["data-ok"] == "false"
    assert _one(page, "[data-testid=event-record]")["data-state"] == "deleted"


def test_the_page_reads_as_much_for_a_long_trail_as_for_a_short_one(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, engine: Engine
) -> None:
    _switch_to(client, "sam")

    def statements_for_the_page() -> int:
        log(session, olivia, "test.measured")
        session.commit()
        measured = last_event(session, "test.measured")
        seen: list[str] = []

        def note(*args: Any) -> None:
            seen.append(str(args[2]))

        sa_event.listen(engine, "before_cursor_execute", note)
        try:
            _page(client, measured)
        finally:
            sa_event.remove(engine, "before_cursor_execute", note)
        return sum("audit_event" in statement for statement in seen)

    short = statements_for_the_page()
    for n in range(60):
        log(session, olivia, f"test.more{n}")
    session.commit()

    assert statements_for_the_page() == short


def test_fields_are_named_as_the_records_page_names_them(
    client: TestClient, personas: Personas, pending_member: Member, session: Session, olivia: Actor
) -> None:
    log(session, olivia, "member.move", pending_member, organization_id=7, mystery_column=1)
    session.commit()
    _switch_to(client, "sam")

    page = _page(client, last_event(session, "member.move"))

    names = {
        str(row["data-field"]): row.th.get_text(" ", strip=True) if row.th else ""
        for row in page.select("[data-testid=diff-field]")
    }
    assert names == {
        "organization_id": "Organisation organization_id",
        "mystery_column": "mystery_column",
    }
