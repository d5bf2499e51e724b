"""The pool of worker processes that decode uploaded pictures, so the web process never does.

Decoding takes CPU and memory in proportion to a picture's pixels, not to its bytes (a
300 KB PNG can claim 79 megapixels). So the bytes go to one of at most ``WORKERS``
processes, spawned on the first upload, each with its address space capped at
``WORKER_MEMORY_BYTES`` (512 MB); core.image_decoding does the work there. Meanwhile the
event loop serves other requests. A worker that runs out of memory, or dies, refuses the
picture as too large to process, and the pool is rebuilt. The pool is shut down with the
application.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from core.image_decoding import MEMORY, Refused, limit_memory, reencode
from core.runtime import Runtime

log = logging.getLogger("convene.media")
WORKERS = 2
WORKER_MEMORY_BYTES = 512 * 1024 * 1024


class ImageWorkers:
    """A small pool of spawned processes with capped memory, made on first use, rebuilt when broken.

    Spawned rather than forked: a fork would copy the web process (its threads, its
    database connections) into each worker. A spawned process imports the main module
    it was started from (the ``convene`` script), which is why core.cli loads nothing heavy
    on import.
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
            log.warning("a picture worker died (out of memory, or killed) while decoding; its pool is made again")
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
