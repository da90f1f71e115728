"""Reading the forms a page renders, as a browser would submit them."""

from __future__ import annotations

import json
from typing import Any

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.conftest import csrf_token

CALLER = {
    "company_code": "ROSSI",
    "first_name": "Giulia",
    "last_name": "Bianchi",
    "tax_code": "bncgli80a41h501c",
    "email": "giulia@example.org",
    "mobile": "333 765 4321",
}


def forms_of(html: str) -> list[tuple[str, dict[str, str]]]:
    """(method, fields with what the page put in them) for each form of a page."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for form in soup.find_all("form"):
        fields: dict[str, str] = {}
        for box in form.find_all(["input", "select", "textarea"]):
            name = box.get("name")
            if not name or box.get("type") in ("submit", "button", "file"):
                continue
            if box.name == "select" and box.has_attr("data-initial"):
                # a relation picker, filled by script with the record's current choice
                initial = json.loads(str(box["data-initial"]))[0]
                pk = (
                    initial[str(box.get("data-pk", "id"))] if isinstance(initial, dict) else initial
                )
                fields[str(name)] = str(pk)
            elif box.name == "select":
                chosen = box.find("option", selected=True) or box.find("option")
                fields[str(name)] = str(chosen.get("value", "")) if chosen else ""
            elif box.name == "textarea":
                fields[str(name)] = box.get_text()
            elif box.get("type") in ("checkbox", "radio") and not box.has_attr("checked"):
                continue
            else:
                fields[str(name)] = str(box.get("value", ""))
        found.append((str(form.get("method", "get")).upper(), fields))
    return found


def form_holding(page: BeautifulSoup, field: str) -> dict[str, str]:
    """The values of the form that holds the input `field`, as the browser would send them
    (unticked boxes aside, each select's chosen option)."""
    box = page.select_one(f"input[name={field}]")
    assert box is not None
    form = box.find_parent("form")
    assert form is not None
    values = {
        i["name"]: i.get("value", "")
        for i in form.select("input[name]")
        if i.get("type") != "checkbox"
    }
    for choice in form.select("select[name]"):
        chosen = choice.select_one("option[selected]")
        values[choice["name"]] = chosen["value"] if chosen else ""
    return values


def text_inputs(html: str) -> list[str]:
    """Names of the visible one-line text boxes of a page's forms."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        str(box["name"])
        for box in soup.select("form input[name]")
        if box.get("type", "text") == "text" and not box.has_attr("readonly")
    ]


def register(client: TestClient, **changes: str) -> Any:
    """The self-registration form sent as the caller fills it in, with `changes`."""
    page = client.get("/admin/register")
    return client.post(
        "/admin/register",
        data=CALLER | changes | {"csrftoken": csrf_token(page.text)},
        follow_redirects=False,
    )
