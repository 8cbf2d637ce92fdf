"""The stages of a long run by name, timed where they happen and heard by whoever listens.

A plan of thousands of agents spends a minute in a dozen steps besides the solver. The command
line says which step is running and for how long, and a benchmark reads each step's seconds,
without a callback threaded through every function in between. Nobody listening costs two
clock reads a stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: hears (stage, None) as a stage begins and (stage, seconds) as it ends
Listener = Callable[[str, float | None], None]

_listeners: list[Listener] = []


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Run the body as the stage `name`: listeners hear it begin and end (also on an error)."""
    for hear in tuple(_listeners):
        hear(name, None)
    began = time.perf_counter()
    try:
        yield
    finally:
        took = time.perf_counter() - began
        for hear in tuple(_listeners):
            hear(name, took)


@contextmanager
def listening(hear: Listener) -> Iterator[Listener]:
    """Let `hear` hear every stage begun inside the body."""
    _listeners.append(hear)
    try:
        yield hear
    finally:
        _listeners.remove(hear)


class StageTimes:
    """A listener that adds up the seconds of each stage, in the order stages first ended."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, seconds: float | None) -> None:
        if seconds is not None:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
