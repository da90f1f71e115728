from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from admin.settings import HTMX_CDN_URL, SettingsError, load

ROOT = Path(__file__).resolve().parent.parent
KEY = "k" * 40


def test_a_laptop_needs_no_settings_in_demo_mode() -> None:
    settings = load({}, demo=True)

    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "data/sportello.db"
    )
    assert len(settings.secret_key) >= 32
    assert settings.htmx_url == HTMX_CDN_URL and settings.htmx_integrity
    assert not settings.secure_cookies


def test_the_demo_keeps_its_generated_key() -> None:
    assert load({}, demo=True).secret_key == load({}, demo=True).secret_key


def test_a_local_htmx_copy_has_no_integrity_attribute() -> None:
    assert (
        load({"SECRET_KEY": KEY, "HTMX_URL": "/static/vendor/htmx.min.js"}).htmx_integrity is None
    )


def test_a_plain_postgresql_url_uses_psycopg() -> None:
    settings = load({"SECRET_KEY": KEY, "DATABASE_URL": "postgresql://u:p@db/sportello"})

    assert settings.database_url == "postgresql+psycopg://u:p@db/sportello"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": KEY, "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SECRET_KEY": KEY, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"SECRET_KEY": KEY, "SMTP_URL": "http://mail"}, "SMTP_URL"),
        ({"SECRET_KEY": KEY, "SMTP_URL": "smtp://mail:port"}, "SMTP_URL"),
        ({"SECRET_KEY": KEY, "BASE_URL": "desk.example.org"}, "BASE_URL"),
        ({"SECRET_KEY": KEY, "MAIL_FROM": "nobody"}, "MAIL_FROM"),
    ],
)
def test_a_missing_or_malformed_setting_names_itself(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load(env)


def test_the_command_line_stops_with_one_clear_line() -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "serve"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SMTP_URL": "ftp://nowhere"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "SECRET_KEY" in result.stderr
