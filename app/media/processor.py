"""Image work off the event loop: a pool of processes runs ``processing.process_file``.

Decoding a phone photo and encoding eight renditions is about a second of CPU; in the worker's
own process it would hold the GIL and stall every request the loop serves. Processes, not
threads: Python-level parts of the work (blurhash, palette counting) would still compete for
the GIL, and a process's memory is returned to the system when it is recycled.

The pool starts on first use (a worker that never receives an upload never pays for it) from
a fork server that has already imported Pillow, so a recycled process starts in milliseconds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from app.core.errors import InvalidParameter, KhabarError, UnsupportedMediaType
from app.media.processing import (
    MediaRefused,
    Processed,
    ProcessingOptions,
    Sniffed,
    process_file,
)

#: A process is replaced after this many files, so nothing it leaks can accumulate.
TASKS_PER_PROCESS = 200
#: Pool processes run at this nice level: where they share a core with the worker, the event
#: loop serving requests gets the CPU first and renditions take the rest.
NICENESS = 10


def _yield_to_requests() -> None:
    os.nice(NICENESS)


class ProcessingUnavailable(KhabarError):
    status = 503
    code = "media-processing-unavailable"
    title = "Media processing unavailable"
    headers = {"Retry-After": "5"}  # noqa: RUF012


class MediaProcessor:
    def __init__(self, processes: int, options: ProcessingOptions) -> None:
        self.processes = processes
        self.options = options
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["app.media.processing"])
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=context,
                max_tasks_per_child=TASKS_PER_PROCESS,
                initializer=_yield_to_requests,
            )
        return self._executor

    async def process(self, source: Path, out_dir: Path, sniffed: Sniffed) -> Processed:
        """Verify, re-encode and render ``source`` into ``out_dir`` in a pool process."""
        out_dir.mkdir(parents=True, exist_ok=True)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool(), process_file, source, out_dir, sniffed, self.options
            )
        except MediaRefused as refused:
            if refused.status == UnsupportedMediaType.status:
                raise UnsupportedMediaType(str(refused)) from None
            raise InvalidParameter(["body", "file"], str(refused)) from None
        except BrokenProcessPool:
            # A process died (out of memory, killed): start a fresh pool for the next upload.
            self.close(wait=False)
            raise ProcessingUnavailable(
                "Media processing was interrupted; send the upload again."
            ) from None

    def close(self, *, wait: bool = True) -> None:
        """Stop the pool: queued work is cancelled, running work finishes (``wait``)."""
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None
