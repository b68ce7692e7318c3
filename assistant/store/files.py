"""Files of the index folder: build folders, the CURRENT pointer, manifests, the writer lock.

CURRENT                       name of the build that answers queries (switched atomically)
.writer.lock / .writer.pid    one writer at a time
builds/<name>/manifest.sqlite settings, articles, texts, chunks, people, where each article's
                              rows are in the segments: the build's commit point (manifest.py;
                              manifest.json before it)
builds/<name>/chroma/         Chroma (see index.py)
builds/<name>/pending.json    chunk ids a sync is writing to Chroma before its commit (and
                              leftovers not yet pruned): what the next sync prunes
builds/<name>/sentences-<s>.npy   sentence-in-context vectors of segment <s> (segments.py)
builds/<name>/keywords-<s>.npz    keyword postings of segment <s> (the generation that wrote it)
builds/<name>/bm25-<gen>/     keyword index of manifest generation <gen> (format 4, read only)
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import IndexBusyError
from assistant.store import manifest


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_manifest(build: Path, generation: int | None = None) -> dict[str, Any]:
    """The build's manifest (of one generation: ValueError when it is no longer kept; a
    build kept in manifest.json has only its last)."""
    if manifest.committed(build) is not None:
        return manifest.read(build, generation)
    return json.loads((build / "manifest.json").read_text(encoding="utf-8"))


def manifest_stamp(build: Path) -> float:
    """What changes at every commit of the build: its generation (its manifest.json's time,
    for a build written before the manifest was kept in SQLite)."""
    generation = manifest.committed(build)
    if generation is not None:
        return float(generation)
    return (build / "manifest.json").stat().st_mtime


def current_build(index_dir: Path) -> Path | None:
    """The build folder that answers queries, or None before the first complete build."""
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    build = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    return build if any((build / f).is_file() for f in (manifest.FILE, "manifest.json")) else None


def new_build(index_dir: Path) -> Path:
    return index_dir / "builds" / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def switch_to(index_dir: Path, build: Path) -> None:
    """Point CURRENT at a complete build, atomically."""
    tmp = index_dir / f".CURRENT.{os.getpid()}.tmp"
    tmp.write_text(build.name, encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def remove_stale(
    index_dir: Path, build: Path, keep: set[str], generation: int, segments: set[int]
) -> None:
    """Delete builds not in keep (half-built ones included), format-4 keyword indexes in build
    older than the one before `generation` (questions may still be reading that one) and
    segments not in `segments` (those the last two generations read)."""
    for other in (index_dir / "builds").glob("*"):
        if other.name not in keep:
            shutil.rmtree(other, ignore_errors=True)
    for path in build.glob("bm25-*"):
        if path.name.split("-")[-1] not in {str(generation), str(generation - 1)}:
            shutil.rmtree(path, ignore_errors=True)
    for path in [*build.glob("sentences-*.npy"), *build.glob("keywords-*.npz")]:
        if path.stem.split("-")[-1] not in {str(s) for s in segments}:
            path.unlink(missing_ok=True)
    for path in [*build.glob(".sentences-*.tmp"), *build.glob(".keywords-*.tmp")]:
        path.unlink(missing_ok=True)  # left by a writer killed while writing it


@contextmanager
def writer_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock; IndexBusyError names the process that holds it."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".writer.lock"))
    pid_file = index_dir / ".writer.pid"
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        pid = pid_file.read_text().strip() if pid_file.exists() else "unknown"
        raise IndexBusyError(pid) from None
    try:
        pid_file.write_text(str(os.getpid()))
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        lock.release()


@contextmanager
def no_lock() -> Iterator[None]:
    yield
