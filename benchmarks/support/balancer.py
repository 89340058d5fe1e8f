"""A small local load balancer with sticky sessions, for measuring several app processes.

Not for production (put nginx, HAProxy, Caddy or a cloud balancer in front of a real
deployment: README, Deployment). It does what those do for Streamlit and nothing more: a new
client goes to the next app process in turn and is given a cookie naming it; a client that
brings the cookie goes back to the same process, so its websocket, its uploads and its
downloads (held in that process's memory) all meet the same session. After the first request
head, bytes are passed through untouched in both directions, which carries a websocket.

    python benchmarks/support/balancer.py --port 8600 --backend 127.0.0.1:8601 --backend ...

It listens on 127.0.0.1 only and prints `listening on http://127.0.0.1:PORT` once it does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import re
import sys

COOKIE = "iso10002_backend"
HEAD_LIMIT = 64 * 1024
_STICKY = re.compile(rb"(?im)^cookie:.*\b" + COOKIE.encode() + rb"=(\d+)")


class StickyBalancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self._turn = itertools.cycle(range(len(backends)))

    def choose(self, head: bytes) -> tuple[int, bool]:
        """(backend index, whether the client already had it): the cookie's, else the next."""
        match = _STICKY.search(head)
        if match and int(match.group(1)) < len(self.backends):
            return int(match.group(1)), True
        return next(self._turn), False

    async def serve(self, client: asyncio.StreamReader, answer: asyncio.StreamWriter) -> None:
        try:
            head = await client.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            answer.close()
            return
        index, sticky = self.choose(head)
        try:
            upstream, request = await asyncio.open_connection(*self.backends[index])
        except OSError:
            answer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            answer.close()
            return
        request.write(head)
        await request.drain()
        try:
            response = await upstream.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            answer.close()
            request.close()
            return
        if not sticky:
            cookie = f"Set-Cookie: {COOKIE}={index}; Path=/; HttpOnly; SameSite=Lax\r\n"
            response = response[:-2] + cookie.encode() + b"\r\n"
        answer.write(response)
        await asyncio.gather(_pipe(client, request), _pipe(upstream, answer))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        sink.close()


def _backend(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host != "127.0.0.1" or not port.isdigit():
        raise argparse.ArgumentTypeError(f"a backend is 127.0.0.1:PORT, not {text!r}")
    return host, int(port)


async def _main(port: int, backends: list[tuple[str, int]]) -> None:
    balancer = StickyBalancer(backends)
    server = await asyncio.start_server(balancer.serve, "127.0.0.1", port, limit=HEAD_LIMIT)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", type=_backend, action="append", required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.port, args.backend))
    return 0


if __name__ == "__main__":
    sys.exit(main())
