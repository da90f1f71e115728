"""`serve --workers N`: the connections its processes accept send each answer at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket

import uvicorn


async def _nodelay_of_accepted(listening: socket.socket) -> int:
    """TCP_NODELAY of the connection an asyncio server (a worker) accepts on `listening`."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
    host, port = listening.getsockname()[:2]
    _reader, writer = await asyncio.open_connection(host, port)
    try:
        return await asyncio.wait_for(accepted, 10)
    finally:
        writer.close()
        server.close()


def _accepted_nodelay(config_class: type[uvicorn.Config]) -> int:
    config = config_class("main:app", factory=True, workers=2, host="127.0.0.1", port=0)
    listening = config.bind_socket()
    # In a thread of its own: after a browser scenario, Playwright's event loop runs in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(_nodelay_of_accepted(listening))).result()


def test_a_worker_answers_without_waiting_for_the_browsers_acknowledgement() -> None:
    """The connections the workers accept from their shared socket send at once."""
    assert _accepted_nodelay(uvicorn.Config) == 1
