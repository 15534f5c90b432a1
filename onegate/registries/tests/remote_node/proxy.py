"""A small TCP proxy in front of the second node that can misbehave on purpose.

Modes: ``forward`` (pass traffic both ways), ``delay`` (pass the request, hold the answer back
``delay`` seconds), ``respond`` (read the request, answer with ``response`` bytes, close) and
``close`` (accept, then hang up without a word). ``connections`` counts the connections made, so a
test sees how many attempts (retries) reached the network. Runs an asyncio loop in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field


@dataclass
class FaultyProxy:
    target_port: int
    mode: str = "forward"
    delay: float = 0.0
    response: bytes = b""
    connections: int = 0
    port: int = 0
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _thread: threading.Thread | None = None
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultyProxy:
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="faulty-proxy", daemon=True)
        self._thread.start()
        started.wait(timeout=5)
        return self

    def stop(self) -> None:
        async def shut() -> None:
            if self._server is not None:
                self._server.close()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            # Let the cancelled connections run their clean-up, so their sockets close.
            await asyncio.gather(*others, return_exceptions=True)
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.mode == "close":
                return
            if self.mode == "respond":
                await reader.read(65536)
                writer.write(self.response)
                await writer.drain()
                return
            await self._forward(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self.target_port
        )
        try:
            await asyncio.gather(
                self._pipe(reader, upstream_writer, delay=0.0),
                self._pipe(
                    upstream_reader, writer, delay=self.delay if self.mode == "delay" else 0
                ),
            )
        finally:
            upstream_writer.close()

    @staticmethod
    async def _pipe(
        source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, delay: float
    ) -> None:
        while True:
            chunk = await source.read(65536)
            if not chunk:
                break
            if delay:
                await asyncio.sleep(delay)
            sink.write(chunk)
            await sink.drain()
        with contextlib.suppress(Exception):
            sink.write_eof()
