"""`rota init`: a new workspace, copied from the sample, ready to edit."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from common.errors import InputError

WORKSPACE_FILES = ("rota.toml", "history.csv", "agents.csv", "absences.csv")
SCENARIOS = "scenarios"   # the what-if examples `rota compare` runs; without them it runs the base alone


def init_workspace(sample: Path, target: Path) -> list[Path]:
    """Copy the sample workspace's files and its scenarios/ into a new (or empty) folder, all or
    nothing."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError("the folder exists and is not empty; choose a new folder", file=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name in WORKSPACE_FILES:
            shutil.copy2(Path(sample) / name, staging / name)
        scenarios = sorted((Path(sample) / SCENARIOS).glob("*.toml"))
        if scenarios:
            (staging / SCENARIOS).mkdir()
        for path in scenarios:
            shutil.copy2(path, staging / SCENARIOS / path.name)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return [target / name for name in WORKSPACE_FILES] + [target / SCENARIOS / p.name for p in scenarios]
