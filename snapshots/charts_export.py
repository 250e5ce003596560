"""The Chromium that draws the snapshot charts, kept alive in the process,
and the drawings it made (SVG text, or PNG bytes for right-to-left text).

Starting Chromium (kaleido 1.x) costs seconds (7 s on two loaded cores),
drawing a chart a fraction of one: a worker that started Chromium for every
PDF spent most of the PDF's time starting it. So each process has one
``Chromium``, started on first use in a thread of its own that runs its
event loop, reused by every PDF the process renders, closed after
``IDLE_SECONDS`` without a chart (it holds 100 MB or more) and at exit. If
it has died, or a drawing fails, it is closed and started again once before
the error is raised. A forked child (a Celery worker) starts its own.

``DrawingCache`` keeps the drawings, by a hash of the figure's JSON, its
size, its format and the browser: an identical figure is an identical
drawing, so a snapshot printed again (preview, publication, the download
after a failed one) draws only what changed.

A chart whose text is Arabic or Kurdish is drawn as a PNG (``RASTER_SCALE``
device pixels a CSS pixel, 288 dpi on paper): WeasyPrint draws an SVG's
text itself and does not join Arabic letters there nor order a
right-to-left run, where Chromium shapes it as it does on a page.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IDLE_SECONDS = 10 * 60
CACHE_BYTES = 32 * 1024 * 1024
RASTER_SCALE = 3

Drawing = str | bytes  # SVG text, or PNG bytes


@dataclass(frozen=True)
class Setup:
    """What a browser draws with: Chromium's path, plotly.js and the topojson folder."""

    path: str
    plotlyjs: Path
    topojson: str


class DrawingCache:
    """Drawings by figure, the least recently used dropped beyond ``limit`` bytes."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self._items: OrderedDict[str, Drawing] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(figure: Any, width: int, height: int, setup: Setup, image_format: str = "svg") -> str:
        digest = hashlib.sha256(figure.to_json().encode("utf-8"))
        digest.update(f"|{width}x{height}|{image_format}|{setup.path}|{setup.plotlyjs}".encode())
        return digest.hexdigest()

    def get(self, key: str) -> Drawing | None:
        with self._lock:
            drawing = self._items.get(key)
            if drawing is not None:
                self._items.move_to_end(key)
            return drawing

    def put(self, key: str, drawing: Drawing) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = drawing
            self._size += len(drawing)
            while self._size > self.limit and self._items:
                _key, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


@dataclass(frozen=True)
class Job:
    """One chart to draw: its key, the Plotly figure, its size in CSS pixels
    and its format ("svg", or "png" at ``RASTER_SCALE``)."""

    key: str
    figure: Any
    width: int
    height: int
    image_format: str = "svg"

    def options(self) -> dict:
        options = {"format": self.image_format, "width": self.width, "height": self.height}
        if self.image_format == "png":
            options["scale"] = RASTER_SCALE
        return options


def _kaleido_class():
    """kaleido's browser, its tab reloaded after each PDF's charts instead of
    after each chart (kaleido's ``_return_kaleido_tab``, pinned with kaleido
    in requirements.txt): a reload parses plotly.js again, 0.4 s a chart on
    two loaded cores, and plotly.js's ``toImage`` leaves nothing on the page
    (its graph div is purged), so the charts of one PDF are the same SVGs,
    random element ids apart (``tests/snapshots/test_charts_export.py``)."""
    import kaleido  # imported late: it starts nothing, but it is heavy

    class Kaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

        async def reload_tab(self) -> None:
            tab = await self._get_kaleido_tab()
            try:
                await tab.reload()
            finally:
                await self.tabs_ready.put(tab)

    return Kaleido


async def _refresh(browser) -> None:
    try:
        await browser.reload_tab()
    except Exception:  # noqa: BLE001, S110 - a dead browser is started again by the next draw
        pass


class Chromium:
    """One kaleido browser for this process (see the module docstring)."""

    def __init__(self):
        self._guard = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser = None
        self._setup: Setup | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._opening: asyncio.Lock | None = None
        self._refresh: asyncio.Task | None = None
        self.starts = 0  # how many times Chromium was started in this process

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop of this process's browser thread, started on first use
        (again in a forked child: the parent's thread is not in it)."""
        with self._guard:
            if self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="snapshot-chromium", daemon=True
                ).start()
                self._pid, self._loop, self._browser, self._idle = os.getpid(), loop, None, None
                self._opening = None
            return self._loop

    def draw(
        self, jobs: list[Job], setup: Setup, on_drawn: Callable[[str, Drawing], None]
    ) -> concurrent.futures.Future:
        """Draw ``jobs`` in the background; ``on_drawn(key, drawing)`` is
        called (in the browser's thread) for each, with SVG text or PNG
        bytes. The future's result is None; it raises what kaleido or
        Chromium raised."""
        return asyncio.run_coroutine_threadsafe(
            self._draw(jobs, setup, on_drawn), self._event_loop()
        )

    async def _draw(self, jobs: list[Job], setup: Setup, on_drawn) -> None:
        if self._idle is not None:
            self._idle.cancel()
        try:
            for attempt in (1, 2):
                try:
                    browser = await self._open(setup)
                    for job in jobs:
                        data = await browser.calc_fig(
                            job.figure, opts=job.options(), topojson=setup.topojson
                        )
                        if job.image_format == "svg" and isinstance(data, bytes):
                            data = data.decode("utf-8")
                        on_drawn(job.key, data)
                    # A clean page for the next PDF, while this one is laid out.
                    self._refresh = asyncio.get_running_loop().create_task(_refresh(browser))
                    return
                except Exception:
                    # A dead or confused browser: start a clean one once.
                    await self._close()
                    if attempt == 2:
                        raise
        finally:
            loop = asyncio.get_running_loop()
            self._idle = loop.call_later(IDLE_SECONDS, lambda: loop.create_task(self._close()))

    async def _open(self, setup: Setup):
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            browser = self._browser
            alive = browser is not None and browser.subprocess.poll() is None
            if alive and self._setup == setup:
                return browser
            await self._close()
            browser = _kaleido_class()(
                n=1, timeout=60, mathjax=False, plotlyjs=str(setup.plotlyjs), path=setup.path
            )
            await browser.open()
            self._browser, self._setup = browser, setup
            self.starts += 1
            return browser

    async def _close(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # noqa: BLE001, S110 - it is going anyway
                pass

    def close(self, timeout: float = 10) -> None:
        """Close this process's browser, if it has one (at exit, and in tests)."""
        with self._guard:
            loop = self._loop if self._pid == os.getpid() else None
        if loop is None or not loop.is_running():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout)
        except Exception:  # noqa: BLE001, S110 - at exit: nothing left to do about it
            pass

    def pids(self) -> Iterable[int]:
        """The process id of the running Chromium, if any (for tests)."""
        browser = self._browser
        if browser is not None and browser.subprocess.poll() is None:
            yield browser.subprocess.pid


CHROMIUM = Chromium()
DRAWINGS = DrawingCache()
atexit.register(CHROMIUM.close)
