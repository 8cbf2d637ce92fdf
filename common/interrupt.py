"""Ctrl-C as 'stop and keep the best rota': the first sets a stop the search watches, a second aborts.

One plan, several sites in one process (serial), or a site in a worker process: a terminal sends
Ctrl-C to the command and its worker processes alike, so each process stops what it plans and the
command waits for their rotas. Nested uses in one process share the stop.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_STOP = threading.Event()   # this process's Ctrl-C: every plan made here from then on stops its search
_DEPTH = [0]                # ctrl_c_stops open in this process: the outermost starts with the stop cleared


@contextmanager
def ctrl_c_stops(first: Callable[[], None] = lambda: None) -> Iterator[threading.Event]:
    """The stop event while the block runs: the first Ctrl-C sets it (and calls `first`), a second
    raises KeyboardInterrupt. Signals can only be caught in a main thread (not in a Dask worker's
    task): elsewhere the event is never set by Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield _STOP
        return

    def interrupt(*_: Any) -> None:
        if _STOP.is_set():
            raise KeyboardInterrupt
        _STOP.set()
        first()

    if _DEPTH[0] == 0:
        _STOP.clear()
    _DEPTH[0] += 1
    old = signal.signal(signal.SIGINT, interrupt)
    try:
        yield _STOP
    finally:
        signal.signal(signal.SIGINT, old)
        _DEPTH[0] -= 1
