"""A slow, lossy mobile link between a client and the app: a TCP proxy with a bandwidth cap per
direction, a round-trip delay, and connection resets at chosen points of the upload.

Used by the field test (``tests/browser/test_field_upload.py``: a real browser uploading through it)
and by ``benchmarks/field_upload.py`` (the 10 MB case at 50 and 250 kbit/s).

Hand-written rather than a library: toxiproxy is a Go server (no PyPI wheel carries it), tc/netem
needs root and a network namespace per test, and mitmproxy shapes no bandwidth. This is an asyncio
proxy in a background thread; every connection shares one link per direction, as a phone's radio
does, so two parallel requests share the 50 kbit/s instead of getting 50 each.

A reset aborts every open connection through the link with an RST (SO_LINGER 0), as a mobile
network does when the radio drops; the client sees ``ECONNRESET`` mid-request.
"""
from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field


class Link:
    """One direction of the link: a shared token bucket (``bits_per_second``) and a one-way delay."""

    def __init__(self, bits_per_second: float | None, delay: float):
        self.rate = bits_per_second / 8 if bits_per_second else None  # bytes per second
        self.delay = delay
        self.free_at = 0.0  # when the link has sent everything queued so far (loop time)
        self.bytes = 0

    def schedule(self, now: float, size: int) -> float:
        """When ``size`` bytes read at ``now`` have crossed the link (bandwidth, then delay)."""
        start = max(now, self.free_at)
        self.free_at = start + (size / self.rate if self.rate else 0.0)
        self.bytes += size
        return self.free_at + self.delay

    def wait(self, now: float) -> float:
        """How long to wait before reading more: the link's queue is bounded to ~0.25 s of data, so
        the sender's own buffers fill (as a phone's do) instead of the proxy's."""
        return max(0.0, self.free_at - now - 0.25) if self.rate else 0.0


@dataclass
class LinkStats:
    bytes_up: int = 0
    bytes_down: int = 0
    resets: int = 0
    connections: int = 0
    reset_at: list[int] = field(default_factory=list)  # bytes up when each reset happened


def _abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class ThrottledProxy:
    """``ThrottledProxy(("127.0.0.1", 5000), up_kbit=50, down_kbit=300, rtt_ms=300,
    reset_after=[300_000, 700_000])``; ``start()`` returns the port to connect to.

    ``reset_after``: bytes sent up (client to server, over all connections) after which every
    open connection is reset, once per figure.
    """

    CHUNK = 1024  # bytes read at a time: small enough that the bandwidth is smooth

    def __init__(self, target: tuple[str, int], *, up_kbit: float | None = None, down_kbit: float | None = None,
                 rtt_ms: float = 0.0, reset_after: Iterable[int] = (), receive_buffer: int = 16384):
        self.target = target
        self.up_kbit, self.down_kbit, self.rtt_ms = up_kbit, down_kbit, rtt_ms
        self.reset_points = sorted(reset_after)
        self.receive_buffer = receive_buffer
        self.stats = LinkStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._open: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._ready = threading.Event()
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> int:
        self._thread = threading.Thread(target=self._run, name="throttled-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the throttling proxy did not start")
        return self.port

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)

    def __enter__(self) -> ThrottledProxy:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stall(self, seconds: float) -> None:
        """The radio goes quiet for ``seconds`` (from another thread): nothing crosses the link either
        way, connections stay open, and what was queued arrives afterwards (a stalled, not a reset, link)."""
        assert self._loop is not None

        def quiet() -> None:
            until = self._loop.time() + seconds
            for link in (self._up, self._down):
                link.free_at = max(link.free_at, until)

        self._loop.call_soon_threadsafe(quiet)

    def reset_now(self) -> None:
        """Reset every open connection (from another thread)."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._reset_all)

    # --- the loop --------------------------------------------------------------------------

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        one_way = self.rtt_ms / 2000
        self._up = Link(self.up_kbit * 1000 if self.up_kbit else None, one_way)
        self._down = Link(self.down_kbit * 1000 if self.down_kbit else None, one_way)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", 0, limit=self.CHUNK))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server:
            self._server.close()
        self._reset_all()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _reset_all(self) -> None:
        for client_writer, server_writer in list(self._open):
            _abort(client_writer)
            _abort(server_writer)
        self._open.clear()

    async def _client(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            await self._relay(client_reader, client_writer)
        except asyncio.CancelledError:  # the proxy is stopping
            pass

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        sock = client_writer.get_extra_info("socket")
        if sock is not None and self.receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _abort(client_writer)
            return
        self.stats.connections += 1
        pair = (client_writer, server_writer)
        self._open.add(pair)
        up = asyncio.ensure_future(self._pump(client_reader, server_writer, self._up, upstream=True))
        down = asyncio.ensure_future(self._pump(server_reader, client_writer, self._down, upstream=False))
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(self.rtt_ms / 1000)  # let the other side's delayed bytes land
        for task in (up, down):
            task.cancel()
        if pair in self._open:
            self._open.discard(pair)
            for writer in pair:
                try:
                    writer.close()
                except Exception:  # noqa: BLE001 - already gone
                    pass

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: Link,
                    *, upstream: bool) -> None:
        loop = asyncio.get_running_loop()
        pending: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        deliver = asyncio.ensure_future(self._deliver(pending, writer))
        try:
            while True:
                pause = link.wait(loop.time())
                if pause:
                    await asyncio.sleep(pause)
                data = await reader.read(self.CHUNK)
                if not data:
                    break
                pending.put_nowait((link.schedule(loop.time(), len(data)), data))
                if upstream:
                    self.stats.bytes_up += len(data)
                    if self.reset_points and self.stats.bytes_up >= self.reset_points[0]:
                        self.reset_points.pop(0)
                        self.stats.resets += 1
                        self.stats.reset_at.append(self.stats.bytes_up)
                        self._reset_all()
                        return
                else:
                    self.stats.bytes_down += len(data)
            pending.put_nowait((0.0, b""))
            await deliver
        except (ConnectionError, OSError):
            pass
        finally:
            deliver.cancel()

    @staticmethod
    async def _deliver(pending: asyncio.Queue, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        while True:
            at, data = await pending.get()
            if not data:
                try:
                    writer.write_eof()
                except (OSError, RuntimeError):
                    pass
                return
            delay = at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()

