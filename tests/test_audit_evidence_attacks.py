"""`audit verify --file` given crafted files: every line that is not an exported event is
reported as such, by its line number; nothing crashes the check."""

from __future__ import annotations

import csv
import io
import json
import types
from pathlib import Path

import pytest

from actions.audit_chain import GENESIS, content_hash
from actions.audit_evidence import FIELDS, UNREADABLE, check, csv_row, jsonl_line, read_export
from tests.test_cli import run


def _record(**values: object) -> dict[str, object]:
    record: dict[str, object] = {name: None for name in FIELDS}
    record.update(seq=1, at="2026-12-07T10:00:00+00:00", action="member.validate")
    record.update(outcome="success", prev_hash=GENESIS, **values)
    record["hash"] = content_hash(types.SimpleNamespace(**record))
    return record


def _csv(*records: dict[str, object]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    writer.writerows(csv_row(record) for record in records)
    return out.getvalue()


DEEP = "[" * 100_000 + "]" * 100_000
CRAFTED_JSONL = {
    "deeply nested line": '{"seq": 1, "before": ' + DEEP + "}\n",
    "deeply nested value": jsonl_line(_record())[:-2] + ',"x":' + DEEP + "}\n",
    "lone surrogate": json.dumps({**_record(), "message": "\ud800"}) + "\n",
    "not an object": "[1, 2, 3]\n",
    "a string": '"seq"\n',
    "wrong types": json.dumps({**_record(), "before": 5, "at": [1], "outcome": {}}) + "\n",
    "huge number": '{"seq": ' + "9" * 5000 + "}\n",
}


@pytest.mark.parametrize("name", list(CRAFTED_JSONL))
@pytest.mark.parametrize("after_an_event", [False, True])
def test_a_crafted_jsonl_line_is_unreadable_or_broken_never_a_crash(
    name: str, after_an_event: bool
) -> None:
    text = (jsonl_line(_record()) if after_an_event else "") + CRAFTED_JSONL[name]
    result = check(read_export(io.StringIO(text, newline="")))
    assert not result.intact


def test_a_deeply_nested_line_is_named_by_its_number() -> None:
    text = jsonl_line(_record()) + CRAFTED_JSONL["deeply nested line"]
    result = check(read_export(io.StringIO(text, newline="")))
    assert (result.problem, result.params) == (UNREADABLE, {"line": 2})


CRAFTED_CSV = {
    "huge cell": _csv(_record(message="x" * 200_000)),
    "deeply nested cell": _csv(_record()).replace(",success,", ",success,", 1).rstrip("\r\n")
    + "\r\n2,,,,,,,,,,,"
    + '"'
    + DEEP
    + '"'
    + ",,,,,,x,y\r\n",
    "lone surrogate": _csv({**_record(), "message": "\ud800"}),
    "unclosed quote": ",".join(FIELDS) + '\r\n"1' + "x" * 10 + "\r\n",
    "nul byte": _csv(_record(message="a\x00b")),
}


@pytest.mark.parametrize("name", list(CRAFTED_CSV))
def test_a_crafted_csv_is_unreadable_or_broken_never_a_crash(name: str) -> None:
    result = check(read_export(io.StringIO(CRAFTED_CSV[name], newline="")))
    assert result.count <= 1


def test_an_event_with_a_long_change_verifies_from_csv() -> None:
    """A record's `after` longer than the csv module's default cell (128 KiB): a real
    export of a long article's change reads back and verifies."""
    record = _record(after={"body": "x" * 300_000})

    result = check(read_export(io.StringIO(_csv(record), newline="")))

    assert result.intact and result.count == 1


def test_a_lone_surrogate_is_an_edited_event() -> None:
    record = {**_record(), "message": "\ud800"}

    result = check(read_export(io.StringIO(json.dumps(record) + "\n", newline="")))

    assert not result.intact and result.bad_seq == 1


def test_the_command_reports_a_crafted_file_and_exits_1(tmp_path: Path) -> None:
    crafted = tmp_path / "crafted.jsonl"
    crafted.write_text(jsonl_line(_record()) + CRAFTED_JSONL["deeply nested line"])

    result = run("sqlite:////nonexistent/no.db", "audit", "verify", "--file", str(crafted))

    assert result.returncode == 1, result.stderr
    assert "line 2 is not an exported audit event" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_last_day_of_the_calendar_bounds_nothing() -> None:
    from admin.audit_commands import moment

    assert moment("--until", "9999-12-31", end=True) is None
    assert moment("--since", "9999-12-31") is not None


@pytest.mark.parametrize("value", ["99999-01-01", "2026-02-30", "٢٠٢٦-01-01", "2026-01-01T25:00"])
def test_a_date_that_is_none_is_refused_with_code_2(value: str) -> None:
    from admin.audit_commands import moment

    with pytest.raises(SystemExit) as stopped:
        moment("--since", value)
    assert stopped.value.code == 2


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00+01:00", "0001-01-01", "9999-12-31T23:59-01:00"]
)
def test_an_export_from_the_calendars_edges_answers_without_a_traceback(
    database_url: str, session: object, since: str, tmp_path: Path
) -> None:
    result = run(database_url, "audit", "export", "--since", since, "--until", "9999-12-31")

    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_saved_with_a_byte_order_mark_verifies(tmp_path: Path, fmt: str) -> None:
    """An export opened and saved again by a spreadsheet or an editor that writes a byte
    order mark first."""
    record = _record()
    text = jsonl_line(record) if fmt == "jsonl" else _csv(record)
    saved = tmp_path / f"trail.{fmt}"
    saved.write_bytes("\ufeff".encode() + text.encode())

    result = run("sqlite:////nonexistent/no.db", "audit", "verify", "--file", str(saved))

    assert result.returncode == 0, result.stderr
    assert "audit export intact: 1 events" in result.stdout
