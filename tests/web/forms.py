"""Reading the forms a page renders, as a browser would submit them."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup


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


def text_inputs(html: str) -> list[str]:
    """Names of the visible one-line text boxes of a page's forms."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        str(box["name"])
        for box in soup.select("form input[name]")
        if box.get("type", "text") == "text" and not box.has_attr("readonly")
    ]
