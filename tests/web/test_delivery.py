"""How pages and files travel: compressed when the browser accepts it, static files kept by
the browser for a year under addresses that name their content, and a CSRF token written
differently on every page (so a compressed page does not give it away, BREACH)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import starlette_admin
from starlette.testclient import TestClient

from admin import delivery
from admin.settings import ROOT
from tests.conftest import Personas

LIBRARY_STATIC = Path(starlette_admin.__file__).parent / "static"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _token(html: str) -> str:
    match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_a_page_and_a_script_are_compressed_for_a_browser_that_accepts_gzip(
    signed_in: TestClient,
) -> None:
    page = signed_in.get("/admin/members/list", headers={"Accept-Encoding": "gzip"})
    script = signed_in.get(
        "/admin/static/js/vendor/jquery.min.js", headers={"Accept-Encoding": "gzip"}
    )

    assert page.headers["content-encoding"] == "gzip"
    assert script.headers["content-encoding"] == "gzip"
    assert script.num_bytes_downloaded < len(script.content) / 2


def test_nothing_is_compressed_for_a_client_that_does_not_ask(signed_in: TestClient) -> None:
    page = signed_in.get("/admin/members/list", headers={"Accept-Encoding": "identity"})

    assert "content-encoding" not in page.headers
    assert page.status_code == 200


def test_pages_link_static_files_by_their_content(signed_in: TestClient) -> None:
    html = signed_in.get("/admin/members/list").text

    assert f"/static/sportello.css?v={_digest(ROOT / 'static' / 'sportello.css')}" in html
    assert f"/static/sportello.js?v={_digest(ROOT / 'static' / 'sportello.js')}" in html
    jquery = LIBRARY_STATIC / "js" / "vendor" / "jquery.min.js"
    assert f"/admin/static/js/vendor/jquery.min.js?v={_digest(jquery)}" in html


def test_a_versioned_file_is_kept_for_a_year_an_unversioned_one_is_checked_each_time(
    client: TestClient,
) -> None:
    versioned = client.get(delivery.static_file("sportello.css"))
    plain = client.get("/static/sportello.css")
    again = client.get("/static/sportello.css", headers={"If-None-Match": plain.headers["etag"]})
    library = client.get("/admin/static/js/list.js?v=anything")

    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["cache-control"] == "no-cache"
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"
    assert library.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_a_page_is_not_kept_by_the_browser_as_a_static_file(signed_in: TestClient) -> None:
    page = signed_in.get("/admin/members/list?v=1")

    assert "immutable" not in page.headers.get("cache-control", "")


def test_the_csrf_token_is_written_differently_on_every_page_and_each_is_accepted(
    client: TestClient, personas: Personas
) -> None:
    first = _token(client.get("/admin/login").text)
    second = _token(client.get("/admin/login").text)

    assert first != second
    for token in (first, second):
        answer = client.post(
            "/admin/login",
            data={"username": personas.operator.username, "password": "wrong", "csrftoken": token},
        )
        assert answer.status_code != 403, answer.text


def test_a_masked_token_altered_in_any_character_is_refused(
    client: TestClient, personas: Personas
) -> None:
    token = _token(client.get("/admin/login").text)
    answers = set()
    for at in range(1, len(token)):
        if token[at] == delivery.MASK_MARK:
            continue
        altered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        carried, original = delivery.unmask_token(altered), delivery.unmask_token(token)
        if carried[:-1] == original[:-1] and carried:
            # The same token, or its signature's last base64 character, whose low bits
            # decode to nothing: the signer reads the same signature.
            continue
        answer = client.post(
            "/admin/login",
            data={"username": personas.operator.username, "password": "x", "csrftoken": altered},
        )
        answers.add(answer.status_code)

    assert answers == {403}


def test_masking_round_trips_and_rejects_what_is_not_a_masked_token() -> None:
    token = "eyJhIjoiYiJ9.signature-part"

    assert delivery.unmask_token(delivery.mask_token(token)) == token
    assert delivery.unmask_token(token) == token  # the cookie's value, sent by scripts
    assert delivery.unmask_token("~not base64!~x") == ""
    assert delivery.unmask_token("~QUJD~QQ") == ""  # parts of different lengths
