"""The supervisor's audit trail (`/admin/audit/list`): one-click filters kept in the address,
chips, pages by sequence number, refusals marked, bad filters answered with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import audit_trail
from models import AuditEvent, Outcome
from tests.conftest import Personas, log_in

NOW = dt.datetime.now(dt.UTC)
TRAIL = "/admin/audit/list"


def add_event(session: Session, **values: Any) -> AuditEvent:
    event = AuditEvent(prev_hash="", hash="", **{"outcome": Outcome.SUCCESS, **values})
    session.add(event)
    session.commit()
    return event


@pytest.fixture
def trail(session: Session, personas: Personas) -> dict[str, AuditEvent]:
    """Olivia's and Sam's work of the last days, a refusal and an error among it; the
    supervisor signs in afterwards (that is an event too, the newest)."""
    events = {
        "old": dict(
            operator_username="olivia", action="member.edit", entity_type="member",
            entity_id="7", at=NOW - dt.timedelta(days=30),
        ),
        "week": dict(
            operator_username="sam", action="client.merge", entity_type="client",
            entity_id="3", at=NOW - dt.timedelta(days=3),
        ),
        "refused": dict(
            operator_username="olivia", action="member.validate", entity_type="member",
            entity_id="7", outcome=Outcome.REFUSED, message="The member is not complete.",
            at=NOW - dt.timedelta(minutes=90),
        ),
        "recent": dict(
            operator_username="olivia", action="member.validate", entity_type="member",
            entity_id="8", at=NOW - dt.timedelta(minutes=20),
        ),
        "error": dict(
            operator_username="sam", action="export.members", outcome=Outcome.ERROR,
            at=NOW - dt.timedelta(minutes=5),
        ),
    }  # fmt: skip
    return {name: add_event(session, **values) for name, values in events.items()}


def page_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def seqs(page: BeautifulSoup) -> list[int]:
    return [int(str(row["data-seq"])) for row in page.select("[data-testid=trail-row]")]


def params_of(link: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(link["href"])).query)


def shown(client: TestClient, **params: str) -> list[int]:
    response = client.get(TRAIL, params=params)
    assert response.status_code == 200, response.text
    return seqs(page_of(response))


@pytest.fixture
def sam(client: TestClient, personas: Personas) -> TestClient:
    log_in(client, "sam")
    return client


def test_an_operator_is_refused_the_trail(client: TestClient, trail: dict[str, AuditEvent]) -> None:
    log_in(client, "olivia")

    response = client.get(TRAIL, params={"operator": "olivia"})

    assert response.status_code == 403
    assert not page_of(response).select("[data-testid=trail-row]")
    assert "member.validate" not in response.text


@pytest.mark.parametrize("username", ["sam", "ada"])
def test_supervisors_and_admins_read_the_trail_newest_first(
    client: TestClient, session: Session, trail: dict[str, AuditEvent], username: str
) -> None:
    log_in(client, username)
    everything = list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())))

    assert shown(client) == everything


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"operator": "olivia"}, ["recent", "refused", "old"]),
        ({"action": "member.validate"}, ["recent", "refused"]),
        ({"outcome": "refused"}, ["refused"]),
        ({"outcome": "error"}, ["error"]),
        ({"entity_type": "member"}, ["recent", "refused", "old"]),
        ({"entity_type": "member", "entity_id": "7"}, ["refused", "old"]),
        ({"operator": "olivia", "window": "hour"}, ["recent"]),
        ({"window": "7d", "operator": "sam", "action": "client.merge"}, ["week"]),
    ],
)
def test_each_filter_narrows_the_trail(
    sam: TestClient, trail: dict[str, AuditEvent], params: dict[str, str], expected: list[str]
) -> None:
    assert shown(sam, **params) == [trail[name].seq for name in expected]


def test_the_time_windows_narrow_the_trail(sam: TestClient, trail: dict[str, AuditEvent]) -> None:
    in_hour = shown(sam, window="hour")
    today = shown(sam, window="today")
    week = shown(sam, window="7d")

    assert trail["recent"].seq in in_hour and trail["refused"].seq not in in_hour
    assert trail["week"].seq in week and trail["old"].seq not in week
    assert trail["old"].seq not in today and trail["week"].seq not in today
    assert set(in_hour) <= set(week) and set(today) <= set(week)


# A window holding fewer events than the probe is read between its first and last numbers;
# a fuller one down the trail's order: both find every event of the window, whatever order
# their times were written in (the fixture writes older times after newer ones).
@pytest.mark.parametrize("probe", [5000, 2])
@pytest.mark.parametrize("window", ["hour", "today", "7d"])
def test_a_window_finds_each_of_its_events_however_full(
    sam: TestClient,
    session: Session,
    trail: dict[str, AuditEvent],
    monkeypatch: pytest.MonkeyPatch,
    probe: int,
    window: str,
) -> None:
    monkeypatch.setattr(audit_trail, "WINDOW_PROBE", probe)
    starts = {
        "hour": NOW - dt.timedelta(hours=1),
        "today": dt.datetime.combine(NOW.date(), dt.time(), tzinfo=dt.UTC),
        "7d": NOW - dt.timedelta(days=7),
    }
    session.expire_all()
    expected = list(
        session.scalars(
            select(AuditEvent.seq)
            .where(AuditEvent.at >= starts[window])
            .order_by(AuditEvent.seq.desc())
        )
    )

    assert shown(sam, window=window) == expected


def test_a_range_counts_its_last_day(sam: TestClient, trail: dict[str, AuditEvent]) -> None:
    day = (NOW - dt.timedelta(days=30)).date()

    one_day = shown(sam, since=day.isoformat(), until=day.isoformat())
    until_then = shown(sam, until=day.isoformat())
    since_then = shown(sam, window="range", since=(day + dt.timedelta(days=1)).isoformat())

    assert one_day == [trail["old"].seq] == until_then
    assert trail["old"].seq not in since_then and trail["week"].seq in since_then


def test_a_row_narrows_to_its_operator_action_outcome_and_record(
    sam: TestClient, trail: dict[str, AuditEvent]
) -> None:
    row = page_of(sam.get(TRAIL)).select_one(f"[data-seq='{trail['refused'].seq}']")
    assert row is not None

    links = {
        name: params_of(row.select_one(f"[data-testid=narrow-{name}]"))
        for name in ("operator", "action", "outcome", "record")
    }

    assert links["operator"] == {"operator": ["olivia"]}
    assert links["action"] == {"action": ["member.validate"]}
    assert links["outcome"] == {"outcome": ["refused"]}
    assert links["record"] == {"entity_type": ["member"], "entity_id": ["7"]}


def test_the_address_keeps_the_filters_and_chips_remove_them(
    sam: TestClient, trail: dict[str, AuditEvent]
) -> None:
    page = page_of(sam.get(TRAIL, params={"operator": "olivia", "window": "hour"}))

    narrow = params_of(page.select_one("[data-testid=narrow-action]"))
    other_window = params_of(page.select_one("[data-testid=window-today]"))
    chips = {
        str(chip["data-filter"]): params_of(chip) for chip in page.select("[data-testid=chip]")
    }

    assert narrow == {"operator": ["olivia"], "window": ["hour"], "action": ["member.validate"]}
    assert other_window == {"operator": ["olivia"], "window": ["today"]}
    assert chips == {"operator": {"window": ["hour"]}, "window": {"operator": ["olivia"]}}
    assert page.select_one("[data-testid=window-hour]")["aria-current"] == "true"  # type: ignore[index]
    assert page.select_one("#trail-operator option[selected]")["value"] == "olivia"  # type: ignore[index]


def test_the_filter_choices_are_what_the_trail_holds(
    sam: TestClient, session: Session, trail: dict[str, AuditEvent]
) -> None:
    page = page_of(sam.get(TRAIL))

    def options(name: str) -> list[str]:
        return [str(o["value"]) for o in page.select(f"#trail-{name} option") if o["value"]]

    def held(column: Any) -> list[str]:
        return sorted({value for value in session.scalars(select(column)) if value is not None})

    assert options("operator") == held(AuditEvent.operator_username)
    assert options("action") == held(AuditEvent.action)
    assert options("entity_type") == held(AuditEvent.entity_type)
    assert {"olivia", "sam"} <= set(options("operator"))
    assert {"client.merge", "export.members", "member.validate"} <= set(options("action"))


def test_refused_events_are_marked(sam: TestClient, trail: dict[str, AuditEvent]) -> None:
    page = page_of(sam.get(TRAIL))

    refused = page.select("[data-testid=trail-row][data-outcome=refused]")

    assert [int(str(row["data-seq"])) for row in refused] == [trail["refused"].seq]
    assert "table-warning" in refused[0]["class"]
    assert refused[0].select_one("[data-state=refused]") is not None


def test_pages_follow_each_other_without_gap_or_repeat(
    sam: TestClient, session: Session, personas: Personas
) -> None:
    for i in range(120):
        add_event(session, operator_username="olivia", action="member.edit", entity_id=str(i))
    expected = list(
        session.scalars(
            select(AuditEvent.seq)
            .where(AuditEvent.operator_username == "olivia")
            .order_by(AuditEvent.seq.desc())
        )
    )
    read: list[int] = []
    url: str | None = f"{TRAIL}?operator=olivia"
    pages = 0
    while url:
        page = page_of(sam.get(url))
        read += seqs(page)
        pages += 1
        if pages == 1:  # written while the supervisor reads: on the first page, not the next
            add_event(session, operator_username="olivia", action="member.edit")
        older = page.select_one("[data-testid=older]")
        url = str(older["href"]) if older else None

    assert pages == 3
    assert read == expected
    assert len(seqs(page_of(sam.get(f"{TRAIL}?operator=olivia")))) == 50


def test_an_older_page_offers_the_newest_again(sam: TestClient, session: Session) -> None:
    for _ in range(60):
        add_event(session, operator_username="olivia", action="member.edit")
    first = page_of(sam.get(TRAIL, params={"action": "member.edit"}))
    older = first.select_one("[data-testid=older]")
    assert older is not None and first.select_one("[data-testid=newest]") is None

    second = page_of(sam.get(str(older["href"])))

    newest = second.select_one("[data-testid=newest]")
    assert newest is not None and params_of(newest) == {"action": ["member.edit"]}
    assert len(seqs(second)) == 10 and second.select_one("[data-testid=older]") is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"entity_type": "member", "entity_id": "abc"}, "entity_id"),
        ({"entity_id": "7"}, "entity_type"),
        ({"before": "abc"}, None),
        ({"before": "99999999999"}, None),
        ({"since": "2026-02-30"}, "since"),
        ({"until": "7/12/2026"}, "until"),
        ({"since": "2026-12-07", "until": "2026-12-01"}, "until"),
        ({"window": "year"}, None),
        ({"operator": "x" * 3000}, "operator"),
    ],
)
def test_a_bad_filter_is_answered_with_a_reason_and_kept_as_typed(
    sam: TestClient, trail: dict[str, AuditEvent], params: dict[str, str], field: str | None
) -> None:
    response = sam.get(TRAIL, params=params)
    page = page_of(response)

    assert response.status_code == 400
    assert page.select_one("[data-testid=refusal]") is not None
    assert not page.select("[data-testid=trail-row]")
    if field is not None:
        typed = page.select_one(f"[name={field}]")
        assert typed is not None and "is-invalid" in typed["class"]
        assert typed.get("value", params.get(field, "")) == params.get(field, "")
    for name, value in params.items():
        if name not in ("before", "window"):  # a page and a window are links, not fields
            kept = page.select_one(f"input[name={name}], select[name={name}] option[selected]")
            assert kept is not None and kept["value"] == value, name


def test_a_filter_applied_from_the_page_answers_the_trail_alone(
    sam: TestClient, trail: dict[str, AuditEvent]
) -> None:
    headers = {"HX-Request": "true"}

    narrowed = sam.get(TRAIL, params={"outcome": "refused"}, headers=headers)
    refused = sam.get(TRAIL, params={"outcome": "maybe"}, headers=headers)

    assert narrowed.status_code == 200 and "<html" not in narrowed.text
    assert page_of(narrowed).select_one("#audit-trail") is not None
    assert seqs(page_of(narrowed)) == [trail["refused"].seq]
    assert refused.status_code == 200  # htmx would put a 400 in the action panel
    assert page_of(refused).select_one("#audit-trail [data-testid=refusal]") is not None


def test_each_row_opens_its_event_and_its_record(
    sam: TestClient, trail: dict[str, AuditEvent]
) -> None:
    row = page_of(sam.get(TRAIL)).select_one(f"[data-seq='{trail['recent'].seq}']")
    assert row is not None

    event_link = row.select_one("[data-testid=event-link]")
    record_link = row.select_one("[data-testid=open-record]")

    assert event_link is not None and record_link is not None
    assert event_link["href"].endswith(f"/admin/audit/detail?pk={trail['recent'].id}")  # type: ignore[union-attr]
    assert record_link["href"].endswith("/admin/members/detail?pk=8")  # type: ignore[union-attr]
    assert event_link.get_text(strip=True) == str(trail["recent"].seq)


def test_the_trail_speaks_the_supervisors_language(
    sam: TestClient, trail: dict[str, AuditEvent]
) -> None:
    sam.cookies.set("language", "it")

    page = page_of(sam.get(TRAIL, params={"since": "2026-02-30"}))

    labels = [label.get_text(strip=True) for label in page.select("label")]
    assert "Operatore" in labels
    refusal = page.select_one("[data-testid=refusal]")
    assert (
        refusal is not None and refusal.get_text(strip=True) == "Scrivi il giorno come 2026-10-27."
    )


def test_times_are_written_as_the_supervisors_language_writes_them(
    sam: TestClient, session: Session, personas: Personas
) -> None:
    add_event(
        session, operator_username="olivia", action="member.edit",
        at=dt.datetime(2026, 3, 4, 18, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    sam.cookies.set("language", "it")

    cell = page_of(sam.get(TRAIL, params={"action": "member.edit"})).select_one("[data-column=at]")

    assert cell is not None and cell.get_text(strip=True) == "04/03/26, 18:02"
