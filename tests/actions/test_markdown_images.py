"""Articles show only images served by the console: an image from anywhere else is shown
as its text, so that reading an article never calls another site."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from actions.knowledge import render_markdown


def _images(body: str) -> tuple[list[str], str]:
    soup = BeautifulSoup(str(render_markdown(body)), "html.parser")
    return [str(img.get("src")) for img in soup.find_all("img")], soup.get_text(" ", strip=True)


@pytest.mark.parametrize(
    "body",
    [
        "![tracker](https://evil.example/pixel.gif)",
        "![tracker](http://evil.example/pixel.gif)",
        '<img src="//evil.example/pixel.gif" alt="tracker">',
        '<img src="\\\\evil.example\\pixel.gif" alt="tracker">',
        '<img src="/\\evil.example/pixel.gif" alt="tracker">',
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="tracker">',
    ],
)
def test_an_image_from_elsewhere_is_shown_as_its_text_and_the_consoles_as_an_image(
    body: str,
) -> None:
    sources, text = _images(body + "\n\n![logo](/static/logo.png)")

    assert sources == ["/static/logo.png"]
    assert "tracker" in text
