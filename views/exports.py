"""The formats a list exports to. Cells are made safe for spreadsheets where rows are
serialised (`SportelloModelView.serialize_field_value`); here the column titles, which are
translated lazily, are written as the texts they are in the operator's language."""

from __future__ import annotations

from typing import Any

from starlette_admin.export import BaseExporter, CsvExporter, JsonExporter
from starlette_admin.fields import BaseField
from starlette_admin.helpers import json_dumps


class TitledJsonExporter(JsonExporter):
    """starlette-admin's JSON export, with each column title as a plain text key."""

    async def generate(self, fields: list[BaseField], rows: list[dict[str, Any]]) -> bytes:
        output = [{str(f.label or f.name): row.get(f.name, "") for f in fields} for row in rows]
        return json_dumps(output, ensure_ascii=False).encode("utf-8")


def export_formats() -> list[BaseExporter | str]:
    return [CsvExporter(), TitledJsonExporter()]
