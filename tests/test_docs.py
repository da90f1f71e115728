"""The documentation is kept true mechanically: every view, row action, command and setting
is documented, and every row action is registered and permission-checked."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import click
import pytest
from starlette.testclient import TestClient

import main
from admin.app import build_app
from models import Role
from tests.conftest import Personas, log_in, settings_for
from views.base import SportelloModelView

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "operator-guide.md").read_text()
README = (ROOT / "README.md").read_text()


def _views() -> list[SportelloModelView]:
    app = build_app(settings_for("sqlite://"))
    views: list[SportelloModelView] = app.state.views
    return views


VIEWS = _views()
ROW_ACTIONS = [(view, action) for view in VIEWS for action in view.htmx_row_actions]


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append(f"{prefix}{name}")
    return found


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.key)
def test_every_view_is_in_the_operator_guide(view: SportelloModelView) -> None:
    assert f"(`{view.key}`)" in GUIDE


@pytest.mark.parametrize(
    ("view", "action"), ROW_ACTIONS, ids=lambda x: getattr(x, "name", None) or x.key
)
def test_every_row_action_is_in_the_operator_guide_and_has_its_handlers(
    view: Any, action: Any
) -> None:
    assert f"(`{action.name}`)" in GUIDE
    assert callable(getattr(view, f"{action.name}_form"))
    assert callable(getattr(view, f"{action.name}_submit"))


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.key)
def test_every_row_action_handler_is_registered(view: SportelloModelView) -> None:
    handlers = {
        name.removesuffix("_submit")
        for name in dir(view)
        if name.endswith("_submit")
        and not name.startswith("_")
        and inspect.iscoroutinefunction(getattr(view, name))
    }
    assert handlers == {action.name for action in view.htmx_row_actions}


@pytest.mark.parametrize("command", _commands(main.cli))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`{command}" in README


def test_every_setting_is_in_the_readme() -> None:
    source = (ROOT / "admin" / "settings.py").read_text()
    names = set(re.findall(r'"([A-Z][A-Z_]+)"', source)) - {"IT"}
    assert names, "no setting found"
    for name in names:
        assert f"`{name}`" in README, name


@pytest.mark.parametrize(
    ("view", "action"), ROW_ACTIONS, ids=lambda x: getattr(x, "name", None) or x.key
)
def test_every_row_action_refuses_a_request_without_a_session(
    client: TestClient, view: Any, action: Any
) -> None:
    response = client.get(f"/admin/do/{view.key}/1/{action.name}", follow_redirects=False)

    assert response.status_code == 303


@pytest.mark.parametrize(
    ("view", "action"), ROW_ACTIONS, ids=lambda x: getattr(x, "name", None) or x.key
)
def test_every_row_action_refuses_a_role_below_its_minimum(
    client: TestClient, personas: Personas, view: Any, action: Any
) -> None:
    required = max(view.minimum_role, action.minimum_role, key=lambda r: r.rank)
    below = [role for role in Role if role.rank < required.rank]
    if not below:
        assert required == Role.OPERATOR  # every signed-in operator may run it
        return
    log_in(client, {Role.OPERATOR: "olivia", Role.SUPERVISOR: "sam"}[below[-1]])

    response = client.get(f"/admin/do/{view.key}/1/{action.name}")

    assert response.status_code == 403
