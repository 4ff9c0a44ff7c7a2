"""Worker processes that never outlive the command that started them.

Large imports and exports hand CPU-bound work (parsing, rendering) to a small process pool.
Three rules hold for every pool made here:

* a worker dies with its parent, ``kill -9`` included: on Linux the kernel sends it SIGKILL
  (``PR_SET_PDEATHSIG``); elsewhere a watcher thread notices the parent is gone;
* Ctrl-C is the parent's business: workers ignore SIGINT, so an interrupted command prints
  one line and no worker traceback;
* leaving the pool (normally, by an error or by Ctrl-C) cancels the work not yet started and
  waits only for the few tasks already running.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
# How often a worker without PR_SET_PDEATHSIG checks that its parent is still there.
PARENT_POLL_S = 0.5


def _die_with_parent_linux() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_worker(parent: int, use_prctl: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler unwinds the command; a worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not (use_prctl and _die_with_parent_linux()):
        _watch_parent(parent)
    # The parent may have died before the death signal was armed.
    if os.getppid() != parent:
        os._exit(1)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A fork-based process pool whose workers die with this process and ignore Ctrl-C."""
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(os.getpid(), sys.platform.startswith("linux")),
    )
    try:
        _start_workers(pool)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_workers(pool: ProcessPoolExecutor) -> None:
    """Fork every worker now, with Ctrl-C held back: a child forked while SIGINT still has
    Python's handler would die of KeyboardInterrupt (and print it) before its initializer
    could ignore SIGINT."""
    if threading.current_thread() is not threading.main_thread():
        pool.submit(int)
        return
    interrupted: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {
        signum: signal.signal(signum, lambda signum, _frame: interrupted.append(signum))
        for signum in held
    }
    try:
        pool.submit(int)  # with fork, the first task starts all the workers, here
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if signal.SIGTERM in interrupted:
        from reading_list.errors import Terminated

        raise Terminated
    if interrupted:
        raise KeyboardInterrupt


def ordered_map(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], *, ahead: int
) -> Iterator[R]:
    """``map(fn, items)`` in the pool, in order, with at most ``ahead`` tasks in flight, so
    the items are read lazily and memory stays bounded whatever their number."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
