"""Writing results so that a failed run never leaves a half-written file behind.

Every output goes to a temporary file in the same folder first and is then renamed over the
target, which is atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # as an ordinary file would be, not private
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(target: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` and move the result onto `target`."""
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def csv_to(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """A frame as UTF-8 CSV: timestamps as `YYYY-MM-DD HH:MM`, no index."""
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M")


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str]) -> Path:
    """Write a frame as CSV (see `csv_to`), atomically."""
    return write_atomic(target, lambda tmp: csv_to(frame, tmp))


def write_text(text: str, target: str | os.PathLike[str]) -> Path:
    """Write UTF-8 text atomically."""
    return write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@contextmanager
def new_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a hidden folder beside `target` to fill; it becomes `target` only on success, so a
    folder that did not exist before appears whole or not at all (the rename fails, and nothing
    is replaced, if `target` appeared meanwhile)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(staging, 0o777 & ~_umask())  # as an ordinary folder would be, not private
    try:
        yield staging
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
