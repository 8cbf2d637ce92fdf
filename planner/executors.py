"""Independent jobs run serially, in a process pool or on a Dask cluster: `rota compare`'s
scenarios and `rota plan`'s sites share this one place, so both get the same three executors.

A job must be a module-level function of one picklable argument. Whatever makes its result
reproducible (one CP-SAT worker, a fixed seed, a deterministic work limit) is the job's own
business: the executor only decides where it runs. A job may report progress while it runs
(`listen`); its events reach the calling process as they happen, on every executor.
"""

from __future__ import annotations

import os
import pickle
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from common.errors import InputError

EXECUTORS = ("serial", "processes", "dask")

Listener = Callable[[Any], None]          # called in the calling process with each progress event
Done = Callable[[int, Any], None]         # called in the calling process with (job index, result)


def check_executor(executor: str) -> None:
    if executor not in EXECUTORS:
        raise InputError(f"--executor {executor!r} is unknown; use {', '.join(EXECUTORS)}")


@dataclass(frozen=True)
class QueueReport:
    """A job's progress events put on a queue (a manager's queue crosses processes)."""

    queue: Any

    def __call__(self, event: Any) -> None:
        self.queue.put(event)


@dataclass(frozen=True)
class DaskReport:
    """A job's progress events sent to the client through the scheduler's event log, pickled
    (the log takes msgpack only). Progress is best effort: a lost event never fails the job."""

    topic: str

    def __call__(self, event: Any) -> None:
        from distributed import get_worker

        try:
            get_worker().log_event(self.topic, pickle.dumps(event))
        except Exception:   # noqa: BLE001 - no worker, a closing scheduler: the job goes on unheard
            pass


@contextmanager
def _drained(queue: Any, listen: Listener) -> Iterator[None]:
    """A thread that hands every event of `queue` to `listen` until the block ends (None, which
    no job reports, ends it: an object's identity does not survive a manager's queue)."""

    def drain() -> None:
        while (event := queue.get()) is not None:
            listen(event)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        yield
    finally:
        queue.put(None)
        thread.join(timeout=10)


def fan_out(fn: Callable[..., Any], items: Sequence[Any], executor: str = "processes", *,
            scheduler: str | None = None, workers: int | None = None, listen: Listener | None = None,
            done: Done | None = None) -> list[Any]:
    """`fn(item)` for every item, results in item order.

    With `listen`, each job is called as `fn(item, report=...)` and what it reports reaches
    `listen` here; `done(index, result)` is called here as each job finishes (in the order they
    finish). `processes` uses at most `workers` processes (default: one per CPU); `dask` uses the
    cluster at `scheduler`, or a local cluster of `workers` processes when none is given.
    """
    check_executor(executor)
    items = list(items)
    n = max(1, min(workers or os.cpu_count() or 1, len(items)))
    if executor == "serial" or (executor == "processes" and len(items) <= 1):
        task = partial(fn, report=listen) if listen is not None else fn
        results = []
        for i, item in enumerate(items):
            results.append(task(item))
            if done is not None:
                done(i, results[-1])
        return results
    if executor == "processes":
        return _in_processes(fn, items, n, listen, done)
    return _on_dask(fn, items, scheduler, n, listen, done)


def _in_processes(fn: Callable[..., Any], items: list[Any], n: int, listen: Listener | None,
                  done: Done | None) -> list[Any]:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import Manager

    with ExitStack() as stack:
        task = fn
        if listen is not None:
            manager = stack.enter_context(Manager())
            events = manager.Queue()
            stack.enter_context(_drained(events, listen))
            task = partial(fn, report=QueueReport(events))
        pool = stack.enter_context(ProcessPoolExecutor(max_workers=n))
        futures = {pool.submit(task, item): i for i, item in enumerate(items)}
        return _gather(as_completed(futures), futures, len(items), done)


def _on_dask(fn: Callable[..., Any], items: list[Any], scheduler: str | None, n: int, listen: Listener | None,
             done: Done | None) -> list[Any]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError('--executor dask needs dask.distributed: pip install "dask[distributed]"') from None
    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler, set_as_default=False))
        else:   # a cluster of our own on this machine, gone with the run
            cluster = stack.enter_context(LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                       dashboard_address=None, memory_limit=0))
            client = stack.enter_context(Client(cluster, set_as_default=False))
        task = fn
        if listen is not None:
            topic = f"rota-{uuid.uuid4().hex}"
            client.subscribe_topic(topic, lambda event: listen(pickle.loads(event[1])))
            task = partial(fn, report=DaskReport(topic))
        futures = {f: i for i, f in enumerate(client.map(task, items, pure=False))}
        return _gather(as_completed(list(futures), loop=client.loop), futures, len(items), done)


def _gather(finished: Any, futures: dict[Any, int], count: int, done: Done | None) -> list[Any]:
    """Results in job order from concurrent futures as they finish."""
    results: list[Any] = [None] * count
    for f in finished:
        i = futures[f]
        results[i] = f.result()
        if done is not None:
            done(i, results[i])
    return results

