"""Several server processes on one port (`serve --workers N`).

The socket the workers share is bound by uvicorn as TCP (from 0.55; before, with protocol 0,
the connections accepted from it kept Nagle's algorithm and every answer longer than a
packet waited about 40 ms for the browser's delayed acknowledgement): tests/test_serving.py
checks it stays so."""

from __future__ import annotations

import uvicorn
from uvicorn.supervisors import Multiprocess


def serve_processes(app: str, *, workers: int, host: str, port: int) -> None:
    """`workers` processes, each building the application from the import string `app`."""
    config = uvicorn.Config(
        app, factory=True, workers=workers, host=host, port=port, proxy_headers=True
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()
