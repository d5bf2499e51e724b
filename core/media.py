"""Uploaded pictures (avatars, banners): checked, re-encoded away from the event loop, stored under the data folder.

Decoding a picture takes CPU and memory in proportion to its pixels, not to its bytes
(a 300 KB PNG can claim 79 megapixels). So the web process never decodes one: the
bytes go to one of at most ``WORKERS`` processes of an ``ImageWorkers`` pool, spawned on
the first upload, each with its address space capped at ``WORKER_MEMORY_BYTES``;
core.image_decoding does the work there and states the pixel limits. Meanwhile the
event loop serves other requests. A worker that runs out of memory, or dies, gives a
field error ("this picture is too large to process") and the pool is rebuilt.

A refused picture writes nothing: the file is only written once the worker has
re-encoded it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import secrets
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from core.errors import InvalidInput
from core.i18n import N_, Message
from core.image_decoding import DIMENSIONS, MAX_PIXELS, MAX_SIDE, MEMORY, UNREADABLE, Refused, limit_memory, reencode
from core.runtime import Runtime

AVATAR_SIDE = 512  # a stored avatar is at most this many pixels a side (larger ones are shrunk)
BANNER_SIDE = 1920  # the same for a banner
WORKERS = 2
WORKER_MEMORY_BYTES = 512 * 1024 * 1024
TOO_LARGE_TO_PROCESS = N_("this picture is too large to process")


def _refusal(reason: str) -> str:
    if reason == DIMENSIONS:
        return Message("this picture is too large: at most %(side)s pixels a side and %(megapixels)s megapixels",
                       side=MAX_SIDE, megapixels=MAX_PIXELS // 1_000_000)
    if reason == MEMORY:
        return TOO_LARGE_TO_PROCESS
    assert reason == UNREADABLE, reason
    return N_("this file is not a picture we can read (PNG, JPEG, GIF or WebP)")


class ImageWorkers:
    """A small pool of spawned processes with capped memory, made on first use, rebuilt when broken.

    Spawned rather than forked: a fork would copy the web process (its threads, its
    database connections) into each worker.
    """

    def __init__(self, workers: int = WORKERS, memory_bytes: int = WORKER_MEMORY_BYTES) -> None:
        self.workers = workers
        self.memory_bytes = memory_bytes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.pending = 0  # pictures sent to the workers and not yet back (benchmarks and tests watch it)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=limit_memory, initargs=(self.memory_bytes,))
            return self._pool

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        """Forget a broken pool (the next call makes a new one), unless another call already did."""
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def reencode(self, data: bytes, max_side: int) -> tuple[bytes, str]:
        """core.image_decoding.reencode in a worker; raises Refused.

        A pool found broken by an earlier job is replaced before this one is sent; a pool
        that breaks while this job is in it (a worker killed, by the memory cap or
        otherwise) refuses this picture as too large to process.
        """
        pool = self._current()
        try:
            future = pool.submit(reencode, data, max_side)
        except BrokenProcessPool:
            self._discard(pool)
            pool = self._current()
            future = pool.submit(reencode, data, max_side)
        self.pending += 1
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._discard(pool)
            raise Refused(MEMORY) from None
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def image_workers(runtime: Runtime) -> ImageWorkers:
    """The instance's pool (its processes are spawned on the first picture)."""
    return runtime.state(__name__, lambda _: ImageWorkers())


async def store_image(runtime: Runtime, folder: str, data: bytes, field: str, max_bytes: int, max_side: int) -> str:
    """Check, re-encode and save a picture; returns its path relative to the media folder."""
    if not data:
        raise InvalidInput.field(field, "the file is empty")
    if len(data) > max_bytes:
        raise InvalidInput.field(field, Message("the file is larger than %(size)s KB", size=max_bytes // 1024))
    try:
        encoded, extension = await image_workers(runtime).reencode(data, max_side)
    except Refused as refused:
        raise InvalidInput.field(field, _refusal(refused.reason)) from None
    relative = f"{folder}/{secrets.token_hex(16)}.{extension}"
    target = runtime.settings.media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encoded)
    return relative


def remove_image(media_dir: Path, relative: str | None) -> None:
    if relative:
        (media_dir / relative).unlink(missing_ok=True)
