"""Several server processes on one port (`serve --workers N`)."""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


class TcpConfig(uvicorn.Config):
    """uvicorn's Config whose shared listening socket says it speaks TCP.

    uvicorn binds the socket its workers share with protocol 0 (Kludex/uvicorn#3149); the
    connections accepted from it inherit that, and asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on sockets that say IPPROTO_TCP. Every answer longer than a packet
    would then wait about 40 ms for the browser's delayed acknowledgement."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            sock.set_inheritable(True)
        return sock


def serve_processes(app: str, *, workers: int, host: str, port: int) -> None:
    """`workers` processes, each building the application from the import string `app`."""
    config = TcpConfig(app, factory=True, workers=workers, host=host, port=port, proxy_headers=True)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
